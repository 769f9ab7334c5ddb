"""A district brief's linkage section: for each cluster named in the district, its institutions and
links and its missing links, each with its source (issue 17). Added after the district's page by
``outputs.brief.district_brief_pdf(..., extra_page=...)``, below the district's context figures when
the brief has them; the district page itself is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from fpdf import FPDF

from cluster_model import linkages as L
from cluster_model.local_names import load_names
from outputs.pdf import BOTTOM_RESERVE, GREY, MARGIN, paragraph
from outputs.pdf import heading as _heading
from outputs.pdf import table as _table


def linkage_page(links: L.LinkageView, tr=None) -> Callable[[FPDF, str, list[str]], None]:
    """The section of ``links``' round (the view's ``View.linkages``). ``tr``: a ``cluster_model.i18n.Translator`` for the brief's language (default English): headings,
    labels and table headers translated, cluster/district names from data/names.csv, data text
    (institutions, notes, citations) as written, marked [en] when English."""
    ds = links.dataset
    _ = tr.gettext if tr else str
    data = tr.data if tr else (lambda text: text)
    local = load_names()[0] if tr is not None and tr.language != "en" else None

    def place(kind: str, id_: str, english: str | None = None) -> str:
        return local.name(kind, id_, tr.language, english) if local else (english or id_)

    def indicator(indicator_id: str) -> str:
        return place(
            "indicator", indicator_id, ds.indicators.set_index("indicator_id")["name"].get(indicator_id)
        )

    def add(pdf: FPDF, district: str, cluster_ids: list[str], new_page: bool = True) -> None:
        """The section on a page of its own, or (``new_page=False``) run on below what the page holds."""
        if new_page:
            pdf.add_page()
        else:
            pdf.ln(5)
        pdf.set_auto_page_break(
            True, margin=MARGIN + BOTTOM_RESERVE
        )  # tables may run on; the district page stays one page
        try:
            pdf.set_font("DejaVu", "B", 15)
            paragraph(
                pdf, _("Institutions and links: {district}").format(district=place("district", district)), 7
            )
            pdf.set_font("DejaVu", "", 8.5)
            pdf.set_text_color(*GREY)
            paragraph(
                pdf,
                _(
                    "Links recorded by the ICCK as of this round (active / weak / needed but absent). A kind of support with no link "
                    "recorded is unknown, not absent."
                )
                + " "
                + L.pillar_note(tr),
                4.2,
            )
            pdf.set_text_color(0, 0, 0)
            if not cluster_ids:
                paragraph(pdf, _("No cluster of the current sector filter is named in this district."), 4.6)
            for cid in cluster_ids:
                name = place("cluster", cid, ds.cluster_name(cid))
                _heading(pdf, _("{cluster}: institutions and links").format(cluster=name))
                mine = links.cluster_links(cid)
                if mine.empty:
                    paragraph(pdf, _("No link recorded (unknown)."), 4.6)
                else:
                    _table(
                        pdf,
                        [_("Institution"), _("Link"), _("Status"), _("Source")],
                        [
                            [data(i), _(lt), _(st), data(src)]
                            for i, lt, st, src in zip(
                                mine["Institution"], mine["Link"], mine["Status"], mine["Source"]
                            )
                        ],
                        (62, 38, 30, 52),
                    )
                _heading(pdf, _("{cluster}: missing links").format(cluster=name))
                gaps = [
                    L.missing_link_words(r, tr, indicator)
                    for r in links.missing_links(cid).to_dict("records")
                ]
                if not gaps:
                    paragraph(pdf, _("Every expected kind of support has an active link."), 4.6)
                else:
                    _table(
                        pdf,
                        [_("Kind of support"), _("Links"), _("Assessments say"), _("Sources")],
                        [
                            [g["Kind of support"], g["Links"], g["What the assessments say"], g["Sources"]]
                            for g in gaps
                        ],
                        (32, 42, 66, 42),
                    )
            inst = links.district_institutions(district)
            _heading(
                pdf,
                _("Institutions located in {district} ({n})").format(
                    district=place("district", district), n=len(inst)
                ),
            )
            if inst.empty:
                paragraph(pdf, _("None recorded (unknown)."), 4.6)
            else:
                _table(
                    pdf,
                    [_("Institution"), _("Clusters served"), _("Source")],
                    [
                        [
                            data(i),
                            L.served_words(s, tr, lambda c: place("cluster", c, ds.cluster_name(c))),
                            data(src),
                        ]
                        for i, s, src in zip(inst["Institution"], inst["served"], inst["Source"])
                    ],
                    (60, 70, 52),
                )
        finally:
            pdf.set_auto_page_break(False)

    return add
