"""How problems, sources and licences are shown on every page."""

from __future__ import annotations

import streamlit as st

from cluster_model.issues import DataIssue
from cluster_model.loading import Dataset
from geo.boundaries import BOUNDARY_ATTRIBUTION
from ui.html import md


def show_issues(issues: list[DataIssue]) -> None:
    """Every data problem, by file and line, with what to do. Never silent."""
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    if not issues:
        return
    title = f"{len(errors)} data problem(s)" + (f", {len(warnings)} warning(s)" if warnings else "") + ": the rows named below are not shown until fixed"
    with st.expander("⚠️ " + title, expanded=bool(errors)):
        for issue in errors + warnings:
            text = f"**{md(issue.where())}** — {md(issue.message)}"
            if issue.hint:
                text += f"  \n*What to do:* {md(issue.hint)}"
            (st.error if issue.severity == "error" else st.warning)(text)


def illustrative_banner(ds: Dataset, round_id: str | None) -> bool:
    """Mark illustrative (invented) data loudly; returns whether it is shown."""
    row = ds.rounds[ds.rounds["round_id"] == round_id]
    if not row.empty and bool(row.iloc[0]["illustrative"]):
        st.error("ILLUSTRATIVE DATA — this round is invented for demonstration and training. Do not cite it.", icon="⚠️")
        return True
    return False


def footer(ds: Dataset, round_id: str | None) -> None:
    row = ds.rounds[ds.rounds["round_id"] == round_id]
    round_text = f"Round: {row.iloc[0]['name']} ({row.iloc[0]['date']})" if not row.empty else "No round"
    st.divider()
    st.caption(
        f"{round_text}. Clusters and evidence: {ds.citation('dialogue2019')}; {ds.citation('hrd_study')}. "
        f"District boundaries {BOUNDARY_ATTRIBUTION}. Grey on the map means not assessed (unknown), never zero."
    )
