"""The workshop's printable summary (PDF): per agenda item, the groups' ratings, the room gap and the quotes.

Laid out by ``outputs.pdf`` (A4 landscape pages, the table, headings; its fonts: DejaVu with Lateef and shaping for Urdu and Sindhi
quotes, every character checked); its CSV and XLSX are written by ``outputs.tables``.
"""

from __future__ import annotations

import pandas as pd

from cluster_model.exports import mark_lines, round_mark, round_marks
from cluster_model.loading import Dataset
from cluster_model.vocabulary import PILLARS, STAKEHOLDERS, Status
from cluster_model.workshop import (
    GROUPS,
    LOW_COVERAGE_NOTE,
    NOT_RATED,
    QUOTE_KINDS,
    Agenda,
    SessionInfo,
    room_gap_cell,
)
from outputs.pdf import A4Pages, heading, table

_SHORT = {
    Status.PRESENT.value: "present",
    Status.PARTIAL.value: "partial",
    Status.ABSENT.value: "absent",
    NOT_RATED: "–",
}


def summary_pdf(
    ds: Dataset, info: SessionInfo, gaps: pd.DataFrame, quotes: pd.DataFrame, agenda: Agenda
) -> bytes:
    """A printable summary (A4 landscape): per agenda item, the four groups' ratings, the room gap and the quotes.

    Fits one page for a short session; a long one continues on the next page.
    """
    pdf = A4Pages(f"Dialogue summary: {info.name}", landscape=True, flowing=True)
    marks = round_marks(ds, info.round_id)  # the room's round is a draft until it is published
    pdf.mark = round_mark(marks)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 6, f"Dialogue summary: {info.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(
        0,
        4,
        f"{info.venue} · {info.date} · facilitator {info.facilitator} · round {info.round_id}. "
        "The room's view per stakeholder group (present / partial / absent; '–' = not rated, unknown). "
        "Room gap = mean of the groups' gap values (present 0, partial 0.5, absent 1); not an indicator assessment; "
        f"(n/4) = groups that rated. Low coverage: {LOW_COVERAGE_NOTE}. "
        "Source of every value: this dialogue round. Clusters and pillars: Policy dialogue report, MUET, 2019.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for line in mark_lines(marks):
        pdf.multi_cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    by_pair = gaps.set_index(["cluster_id", "pillar"])
    rows = []
    for item in agenda.items:
        if (item.cluster_id, item.pillar) not in by_pair.index:
            continue
        row = by_pair.loc[(item.cluster_id, item.pillar)]
        gap = "unknown" if pd.isna(row["gap"]) else room_gap_cell(row["gap"], row["n_rated"])
        rows.append(
            [ds.cluster_name(item.cluster_id), PILLARS[item.pillar], *[_SHORT[row[g]] for g in GROUPS], gap]
        )
    head = ["Cluster", "Pillar", *[STAKEHOLDERS[g] for g in GROUPS], "Room gap"]
    table(pdf, head, rows, [48, 62, 30, 30, 30, 30, 34])
    live = quotes[quotes["withdrawn_at"].isna()] if len(quotes) else quotes
    heading(pdf, f"Quotes and recommendations ({len(live)})")
    if not len(live):
        pdf.cell(0, 4, "None recorded.", new_x="LMARGIN", new_y="NEXT")
    for q in live.to_dict("records"):
        who = STAKEHOLDERS[q["stakeholder_group"]] + (f", {q['speaker_name']}" if q["speaker_name"] else "")
        pdf.multi_cell(
            0,
            4,
            f"• {ds.cluster_name(q['cluster_id'])} — {PILLARS[q['pillar']]} — {QUOTE_KINDS[q['kind']]} ({who}): {q['text']}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())
