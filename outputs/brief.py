"""District briefs: per district, one printable A4 page of gaps, then (when given) its context figures
with its institutions and links running on below them (fpdf2, DejaVu fonts).

The gaps page: title, round, date, a locator map (rendered by geo/snapshot.py),
the gap per chosen pillar with its coverage ("not assessed" where unknown),
the clusters named there with computed and published classification,
evidence items for those clusters (cut to fit, with "… N more"), the sources,
the OpenStreetMap credit, and the round's mark across every page ("ILLUSTRATIVE — not real data",
"Draft, not published") when it is not a published edition. Everything fits on one page by construction.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence

import geopandas as gpd
import pandas as pd
from fpdf import FPDF

from cluster_model.evidence import evidence_items
from cluster_model.exports import coverage_note, mark_lines, round_mark
from cluster_model.i18n import DEFAULT_LANGUAGE, is_rtl, translator
from cluster_model.identity import atlas_name, region_name
from cluster_model.loading import Dataset
from cluster_model.local_names import load_names
from cluster_model.scoring import gap_label
from cluster_model.view import View
from cluster_model.vocabulary import PILLARS
from geo.boundaries import BOUNDARY_ATTRIBUTION
from geo.snapshot import locator_chart, render
from outputs.pdf import BOTTOM_RESERVE, GREY, MARGIN, PAGE_H, PAGE_W, paragraph
from outputs.pdf import A4Pages as _Brief
from outputs.pdf import heading as _heading
from outputs.pdf import table as _table
from outputs.pdf import text_height as _h


def _locator_png(districts: gpd.GeoDataFrame | None, district: str) -> bytes | None:
    if districts is None or district not in set(districts["district"]):
        return None
    return render(locator_chart(districts, district, width=200), "png", scale=2)


class _Words:
    """The brief's language (``tr`` of :func:`district_brief_pdf`): its catalogue, names from
    data/names.csv, and data text as written."""

    def __init__(self, tr=None):
        self.tr = tr
        self.gettext = tr.gettext if tr else str
        self.local = load_names()[0] if tr is not None and tr.language != "en" else None

    def place(self, kind: str, id_: str, english: str | None = None) -> str:
        return self.local.name(kind, id_, self.tr.language, english) if self.local else (english or id_)

    def as_written(
        self, text
    ):  # text from data: as written, marked [en] when English in an Urdu/Sindhi brief
        return self.tr.data(text) if self.tr else text

    def configured(self, text: str) -> str:  # the atlas's or region's name (cluster_model.identity)
        return self.tr.configured_name(text) if self.tr else text

    def pillars(self, pillar_ids) -> str:  # an evidence item's pillars, by id
        return (self.tr or translator(DEFAULT_LANGUAGE)).pillar_list(pillar_ids)

    def group(self, group_id: str) -> str:
        return (self.tr or translator(DEFAULT_LANGUAGE)).group(group_id)


def _flagged(row) -> bool:  # the scoring's low-coverage flag, on a gap figure (unknown is not "low")
    return not pd.isna(row["gap"]) and bool(row["low_coverage"])


def _title_block(pdf: FPDF, ds: Dataset, view: View, name: str, r, districts, title: str, words: _Words):
    """The title, round, filters and headline gap (left), the locator map (right)."""
    _ = words.gettext
    top = pdf.get_y()
    map_w = 52
    text_w = PAGE_W - 2 * MARGIN - map_w - 4
    pdf.set_font("DejaVu", "B", 17)
    paragraph(
        pdf, _("District brief: {district}").format(district=words.place("district", name)), 8, w=text_w
    )
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(*GREY)
    made = f"{title} · " + _("generated {date}").format(date=view.generated)
    for line in [made, *view.filter_lines(ds, words.tr)]:
        paragraph(pdf, line, 4.6, w=text_w)
    pdf.set_text_color(0, 0, 0)
    for line in mark_lines(view, words.tr):
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_text_color(192, 0, 0)
        paragraph(pdf, line, 5, w=text_w)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(1)
    pdf.set_font("DejaVu", "B", 11)
    headline = (
        _("No cluster of the current sector filter is named in this district by the 2019 dialogue.")
        if r is None
        else _("Gap, chosen pillars")
        + ": "
        + gap_label(r["gap"], r["coverage"], words.tr)
        + (" · " + _("low coverage") if _flagged(r) else "")
    )
    paragraph(pdf, headline, 5.5, w=text_w)
    png = _locator_png(districts, name)
    if png:
        pdf.image(io.BytesIO(png), x=PAGE_W - MARGIN - map_w, y=top, w=map_w)
        pdf.set_xy(PAGE_W - MARGIN - map_w, top + map_w * 1.1)
        pdf.set_font("DejaVu", "", 6.5)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(
            map_w,
            3,
            _("{district} (blue) in {region}.").format(
                district=words.place("district", name), region=words.configured(region_name())
            )
            + " "
            + _("Boundaries")
            + f" {BOUNDARY_ATTRIBUTION}",
            align="C",
        )
        pdf.set_text_color(0, 0, 0)
    pdf.set_y(max(pdf.get_y(), top + (map_w * 1.1 + 8 if png else 0)))


def _pillar_gaps(pdf: FPDF, ds: Dataset, view: View, per_pillar: pd.DataFrame, name: str, words: _Words):
    """The gap per chosen pillar with its coverage ("not assessed" where unknown)."""
    _ = words.gettext
    _heading(pdf, _("Gap by pillar (weighted share of assessed indicators absent or partial)"))
    rows = []
    for p in view.pillars:
        pr = per_pillar[(per_pillar["district"] == name) & (per_pillar["pillar"] == p)]
        if pr.empty:
            rows.append([_(PILLARS[p]), _("no cluster here"), "—", "—"])
        else:
            x = pr.iloc[0]
            rows.append(
                [
                    _(PILLARS[p]),
                    _("not assessed") if pd.isna(x["gap"]) else f"{x['gap']:.2f}",
                    f"{x['coverage']:.0%} ("
                    + _("{n} of {total}").format(n=int(x["n_assessed"]), total=int(x["n_indicators"]))
                    + ")"
                    + (" · " + _("low coverage") if _flagged(x) else ""),
                    str(int(x["n_gaps"])),
                ]
            )
    _table(pdf, [_("Pillar"), _("Gap"), _("Indicators assessed"), _("With a gap")], rows, (70, 30, 50, 32))
    pdf.set_font("DejaVu", "", 7.5)
    pdf.set_text_color(*GREY)
    paragraph(
        pdf,
        _(
            "“Not assessed” means unknown — not zero and not a gap. 0 = every assessed indicator present; 1 = all absent."
        )
        + " "
        + coverage_note(ds, words.tr),
        3.6,
    )
    pdf.set_text_color(0, 0, 0)


def _cluster_table(pdf: FPDF, ds: Dataset, classes: dict, here: list[str], name: str, words: _Words):
    """The clusters named in the district, with computed and published classification."""
    # The classification's words are the vocabulary's (message ids), as cluster_model.classification gives them.
    _ = words.gettext
    _heading(
        pdf,
        _("Clusters named in {district} ({n})").format(district=words.place("district", name), n=len(here)),
    )
    if not here:
        paragraph(pdf, _("None for the current sector filter."), 4.6)
        return
    crow = []
    for cid in here:
        c = classes.get(cid)
        computed = (
            "—" if c is None else _(c.computed) + (" (" + _("provisional") + ")" if c.provisional else "")
        )
        published = (
            "—"
            if c is None or not c.published
            else f"{_(c.published)} ({words.as_written(ds.citation(c.published_source))})"
        )
        crow.append(
            [
                words.place("cluster", cid, ds.cluster_name(cid)),
                computed,
                published,
                "—" if c is None else _(c.comparison),
            ]
        )
    _table(
        pdf,
        [_("Cluster"), _("Computed (this round)"), _("Published"), _("Comparison")],
        crow,
        (34, 42, 76, 30),
    )


def _source_lines(
    ds: Dataset, view: View, matrix, classes: dict, here: list[str], ev, words: _Words
) -> list[str]:
    """Every source the page cites (evidence, classification, clusters, assessments), then the boundaries'."""
    _ = words.gettext
    used = set(ev["source_id"]) | {
        classes[c].published_source for c in here if c in classes and classes[c].published_source
    }
    used |= set(ds.clusters.loc[ds.clusters["cluster_id"].isin(here), "source_id"])
    used |= set(
        matrix.loc[matrix["cluster_id"].isin(here) & matrix["pillar"].isin(view.pillars), "source_id"]
    ) - {""}
    return [f"• {words.as_written(ds.citation(s))}" for s in sorted(used)] + [
        "• "
        + _("District boundaries")
        + f" {BOUNDARY_ATTRIBUTION} ("
        + _("OpenStreetMap; 2023-census district set")
        + ")."
    ]


def _evidence(pdf: FPDF, ev: pd.DataFrame, limit: float, max_evidence: int, words: _Words) -> None:
    """The evidence items, cut to fit above ``limit`` (with "… N more")."""
    _, as_written = words.gettext, words.as_written
    width = PAGE_W - 2 * MARGIN
    _heading(pdf, _("What the sources say about these clusters ({n} item(s))").format(n=len(ev)))
    pdf.set_font("DejaVu", "", 8)
    shown = 0
    for _i, e in ev.iterrows():
        speaker = e["speaker"] or _("speaker not stated")
        group, pillars = words.group(e["stakeholder_group"]), words.pillars(e["pillar_list"])
        text = f"• {as_written(e['statement'])} — {as_written(speaker)} ({group}; {pillars}). "
        text += _("Source:") + f" {as_written(e['source'])}."
        more_h = 4
        if shown >= max_evidence or pdf.get_y() + _h(pdf, width, 3.9, text) + more_h > limit:
            break
        paragraph(pdf, text, 3.9, w=width)
        pdf.ln(0.6)
        shown += 1
    if shown < len(ev):
        pdf.set_text_color(*GREY)
        paragraph(
            pdf,
            "… " + _("{n} more (see the Evidence sheet of the data download).").format(n=len(ev) - shown),
            3.9,
            w=width,
        )
        pdf.set_text_color(0, 0, 0)
    if len(ev) == 0:
        paragraph(pdf, _("No evidence item for these clusters and pillars."), 3.9, w=width)


def district_brief_pdf(
    ds: Dataset,
    districts: gpd.GeoDataFrame | None,
    sites: pd.DataFrame,
    view: View,
    chosen: Sequence[str],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    max_evidence: int = 8,
    context=None,
    extra_page: Callable[[FPDF, str, list[str]], None] | None = None,
    tr=None,
) -> bytes:
    """A PDF with one A4 page per district in ``chosen`` (in that order).

    ``sites``: sites with canonical district names (``AtlasData.sites``).
    ``progress(i, n, district)`` is called before each page. ``extra_page(pdf, district, cluster_ids)``
    adds pages after each district's page (the linkage page, ``outputs.linkage_brief``).
    ``tr``: a ``cluster_model.i18n.Translator`` for the brief's language (default English); an
    Urdu or Sindhi brief is right-aligned, its Arabic-script text shaped by HarfBuzz (outputs.pdf), and
    its names come from data/names.csv (the context page too); data text (evidence, citations) stays as
    written, marked [en] when English. ``extra_page`` is given the PDF and does its own translating.
    Raises DataFileError if the DejaVu fonts are missing.
    """
    if not chosen:
        raise ValueError("choose at least one district for the brief")
    words = _Words(tr)
    _ = words.gettext
    title = words.configured(atlas_name())
    footer = f"{title} · " + _("generated {date}").format(date=view.generated)
    footer += " · " + _("District boundaries") + f" {BOUNDARY_ATTRIBUTION}"
    pdf = _Brief(footer, rtl=tr is not None and is_rtl(tr.language))
    pdf.page_word = _("page")
    pdf.mark = round_mark(view)
    pdf.set_title(f"{atlas_name()} — district briefs: " + ", ".join(chosen))
    pdf.set_author(f"Industrial Cluster Centre of Knowledge (ICCK), {atlas_name()}")
    data = view.over(ds, sites)
    matrix, classes = data.matrix_for(), data.classes
    # The brief's own district list decides which districts are shown, not the view's district filter.
    overall = data.district_scores(every_district=True).set_index("district")
    per_pillar = data.district_scores(per_pillar=True, every_district=True)
    width = PAGE_W - 2 * MARGIN

    for i, name in enumerate(chosen):
        if progress:
            progress(i, len(chosen), name)
        pdf.add_page()
        r = overall.loc[name] if name in overall.index else None
        _title_block(pdf, ds, view, name, r, districts, title, words)
        _pillar_gaps(pdf, ds, view, per_pillar, name, words)
        here = list(r["clusters"]) if r is not None else []
        _cluster_table(pdf, ds, classes, here, name, words)

        # The sources block is measured first, so the evidence can fill the space above it.
        ev = (
            evidence_items(ds, here, view.pillars) if here else evidence_items(ds, [], view.pillars).iloc[0:0]
        )
        source_lines = _source_lines(ds, view, matrix, classes, here, ev, words)
        pdf.set_font("DejaVu", "", 7.5)
        sources_h = 7 + sum(_h(pdf, width, 3.6, s) for s in source_lines)
        limit = PAGE_H - MARGIN - BOTTOM_RESERVE - sources_h
        _evidence(pdf, ev, limit, max_evidence, words)

        # --- sources at the bottom of the page
        pdf.set_y(limit)
        _heading(pdf, _("Sources"))
        pdf.set_font("DejaVu", "", 7.5)
        for s in source_lines:
            paragraph(pdf, s, 3.6, w=width)

        with_context = context is not None and context.available
        if with_context:  # cluster_model.context.ContextData: a second page, apart from the gaps
            _context_page(pdf, context, name, tr, words.place)
        if extra_page is not None:  # runs on below the context figures: no page left nearly empty
            extra_page(pdf, name, here, new_page=not with_context)
    if progress:
        progress(len(chosen), len(chosen), "")
    return bytes(pdf.output())


def _context_page(pdf: FPDF, context, name: str, tr=None, place=None) -> None:
    """A page of the district's public context figures with year, rank, interval and sources.

    ``tr``/``place`` as in :func:`district_brief_pdf`: headings, labels and table headers in the
    brief's language, the figures' labels from data/names.csv; sources stay as written (marked [en]).
    """
    from cluster_model.context import CONTEXT_CREDIT, context_rows

    _ = tr.gettext if tr else str
    data = tr.data if tr else str
    place = place or (lambda kind, id_, english=None: english or id_)
    ids = dict(zip(context.indicators["label"], context.indicators["indicator_id"]))

    def of(text: str) -> str:  # context_rows' "3 of 30"
        found = re.fullmatch(r"([0-9]+) of ([0-9]+)", text or "")
        return _("{n} of {total}").format(n=found[1], total=found[2]) if found else (text or "—")

    rows = context_rows(context, name)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    paragraph(pdf, _("District context: {district}").format(district=place("district", name)), 7)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(*GREY)
    paragraph(
        pdf,
        _(
            "Public figures about the whole district — poverty, literacy, labour, infrastructure. They are "
            "context beside the cluster gaps and never part of a gap score."
        ),
        4.2,
    )
    pdf.set_text_color(0, 0, 0)
    if rows.empty or rows["value"].isna().all():
        paragraph(pdf, _("No figure for this district."), 4.6)
    _heading(pdf, _("Figures, with the year of each"))
    pdf.set_font("DejaVu", "", 8)
    _table(
        pdf,
        [_("Figure"), _("Value"), _("Year"), _("Rank (of)"), _("Provincial average"), _("95% interval")],
        [
            [
                place("context", ids.get(r["indicator"], r["indicator"]), r["indicator"]),
                r["shown as"],
                str(r["year"]),
                of(r["rank in province"]),
                r["provincial average"] or "—",
                r["95% interval"] or "—",
            ]
            for _i, r in rows.iterrows()
        ],
        (60, 32, 11, 20, 30, 29),
    )
    pdf.set_font("DejaVu", "", 7.5)
    pdf.set_text_color(*GREY)
    shared = rows["survey unit"].iloc[0] if not rows.empty else ""
    note = (
        _("Figures for survey unit {unit}.").format(unit=data(shared)) + " "
        if shared and shared != name
        else ""
    )
    paragraph(
        pdf,
        note
        + _(
            "Estimates with sampling error (the 2018 poverty rate's 95% interval comes from its mean "
            "squared error); rank 1 = best among the province's survey districts; provincial average = unweighted mean "
            "of their figures."
        ),
        3.8,
    )
    pdf.set_text_color(0, 0, 0)
    _heading(pdf, _("Sources"))
    pdf.set_font("DejaVu", "", 7.5)
    for line in [f"• {data(s)}" for s in sorted(set(rows["source"]))] + [f"• {data(CONTEXT_CREDIT)}."]:
        paragraph(pdf, line, 3.6)
