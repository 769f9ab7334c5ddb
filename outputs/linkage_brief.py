"""A district brief's linkage page: for each cluster named in the district, its institutions and
links and its missing links, each with its source (issue 17). Added after the district's page by
``outputs.brief.district_brief_pdf(..., extra_page=...)``; the district page itself is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from cluster_model import linkages as L
from cluster_model.loading import Dataset
from outputs.pdf import BOTTOM_RESERVE, GREY, MARGIN
from outputs.pdf import heading as _heading
from outputs.pdf import table as _table
from outputs.pdf import watermark as _watermark


def linkage_page(
    ds: Dataset, lk: L.Linkages, round_id: str | None, illustrative: bool = False
) -> Callable[[FPDF, str, list[str]], None]:
    def add(pdf: FPDF, district: str, cluster_ids: list[str]) -> None:
        pdf.add_page()
        pdf.set_auto_page_break(
            True, margin=MARGIN + BOTTOM_RESERVE
        )  # tables may run on; the district page stays one page
        try:
            pdf.set_font("DejaVu", "B", 15)
            pdf.multi_cell(0, 7, f"Institutions and links: {district}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font("DejaVu", "", 8.5)
            pdf.set_text_color(*GREY)
            pdf.multi_cell(
                0,
                4.2,
                "Links recorded by the ICCK as of this round (active / weak / needed but absent). A kind of support with no link "
                "recorded is unknown, not absent. " + L.PILLAR_NOTE,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.set_text_color(0, 0, 0)
            if not cluster_ids:
                pdf.multi_cell(
                    0,
                    4.6,
                    "No cluster of the current sector filter is named in this district.",
                    new_x=XPos.LMARGIN,
                    new_y=YPos.NEXT,
                )
            tables = L.export_tables(ds, lk, round_id, cluster_ids)
            links, missing = tables["Institutions & links"], tables["Missing links"]
            for cid in cluster_ids:
                name = ds.cluster_name(cid)
                _heading(pdf, f"{name}: institutions and links")
                mine = links[links["Cluster"] == name]
                if mine.empty:
                    pdf.multi_cell(0, 4.6, "No link recorded (unknown).", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                else:
                    _table(
                        pdf,
                        ["Institution", "Link", "Status", "Source"],
                        mine[["Institution", "Link", "Status", "Source"]].values.tolist(),
                        (62, 38, 30, 52),
                    )
                _heading(pdf, f"{name}: missing links")
                gaps = missing[missing["Cluster"] == name]
                if gaps.empty:
                    pdf.multi_cell(
                        0,
                        4.6,
                        "Every expected kind of support has an active link.",
                        new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT,
                    )
                else:
                    _table(
                        pdf,
                        ["Kind of support", "Links", "Assessments say", "Sources"],
                        gaps[
                            ["Kind of support", "Links", "What the assessments say", "Sources"]
                        ].values.tolist(),
                        (32, 42, 66, 42),
                    )
            inst = L.district_institutions(ds, lk, round_id, district)
            _heading(pdf, f"Institutions located in {district} ({len(inst)})")
            if inst.empty:
                pdf.multi_cell(0, 4.6, "None recorded (unknown).", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            else:
                _table(
                    pdf,
                    ["Institution", "Clusters served", "Source"],
                    inst[["Institution", "Clusters served", "Source"]].values.tolist(),
                    (60, 70, 52),
                )
            if illustrative:
                _watermark(pdf)
        finally:
            pdf.set_auto_page_break(False)

    return add
