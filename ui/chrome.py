"""How problems, sources and licences are shown on every page."""

from __future__ import annotations

import streamlit as st

from cluster_model import i18n
from cluster_model.issues import AtlasError, DataIssue, fill
from cluster_model.loading import Dataset
from cluster_model.markup import md
from cluster_model.view import is_draft
from cluster_model.vocabulary import DRAFT_MARK
from geo.boundaries import BOUNDARY_ATTRIBUTION
from ui.i18n import _, data_text, names, translator


def issue_text(issue: DataIssue, tr: i18n.Translator | None = None) -> str:
    """One data problem as Markdown: where (file, line, column), what, and what to do."""
    tr = tr or translator()
    text = f"**{md(issue.where())}** — {md(issue.message)}"
    if issue.hint:
        text += "  \n*" + tr.gettext("What to do:") + f"* {md(issue.hint)}"
    return text


def error_text(exc: AtlasError, tr: i18n.Translator | None = None, *, details: bool = True) -> str:
    """Any refusal of the domain as Markdown in the page's language: the message looked up by its id
    and filled with its figures (escaped), where it happened and what to do; then, with ``details``,
    each data problem behind it. The one way an ``AtlasError`` reaches a page."""
    tr = tr or translator()

    def say(message: str) -> str:
        if tr.has(message):
            return fill(tr.gettext(message), {k: md(v) for k, v in exc.params.items()})
        # not a catalogue id: a data check's own (English) words, shown as data
        return md(data_text(fill(message, exc.params), tr))

    text = say(exc.message_id)
    if exc.place:
        text = f"**{md(exc.place)}**: {text}"
    if exc.fix:
        text += "  \n*" + tr.gettext("What to do:") + "* " + say(exc.fix)
    if details:
        # a DataFileError *is* its one issue: said above already
        text += "".join("  \n" + issue_text(i, tr) for i in exc.issues if i.message != exc.message_id)
    return text


def show_error(exc: AtlasError) -> None:
    st.error(error_text(exc))


def show_issues(issues: list[DataIssue]) -> None:
    """Every data problem, by file and line, with what to do. Never silent."""
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    if not issues:
        return
    title = (
        _("{n} data problem(s)").format(n=len(errors))
        + (", " + _("{n} warning(s)").format(n=len(warnings)) if warnings else "")
        + ": "
        + _("the rows named below are not shown until fixed")
    )
    with st.expander("⚠️ " + title, expanded=bool(errors)):
        for issue in errors + warnings:
            (st.error if issue.severity == "error" else st.warning)(issue_text(issue))


def illustrative_banner(ds: Dataset, round_id: str | None) -> bool:
    """Mark illustrative (invented) data loudly, and a round that is not a published edition (only
    signed-in editors reach one); returns whether the illustrative banner is shown."""
    if is_draft(ds, round_id):
        st.warning(
            _(DRAFT_MARK)
            + ": "
            + _("this round is not a published edition; its figures may still change. Do not cite them."),
            icon="📝",
        )
    row = ds.rounds[ds.rounds["round_id"] == round_id]
    if not row.empty and bool(row.iloc[0]["illustrative"]):
        st.error(
            _("ILLUSTRATIVE DATA — this round is invented for demonstration and training. Do not cite it."),
            icon="⚠️",
        )
        return True
    return False


def footer(ds: Dataset, round_id: str | None, has_map: bool = True) -> None:
    row = ds.rounds[ds.rounds["round_id"] == round_id]
    round_text = (
        _("Round:") + f" {data_text(row.iloc[0]['name'])} ({row.iloc[0]['date']})"
        if not row.empty
        else _("No round")
    )
    st.divider()
    st.caption(
        f"{round_text}. "
        + _("Clusters and evidence:")
        + f" {data_text(ds.citation('dialogue2019'))}; {data_text(ds.citation('hrd_study'))}. "
        + _("District boundaries")
        + f" {BOUNDARY_ATTRIBUTION}. "
        + (
            _("Grey on the map means not assessed (unknown), never zero.")
            if has_map
            else _("Not assessed means unknown, never zero.")
        )
    )


def evidence_list(checklist) -> None:
    """Indicator values as a readable list (status, indicator, full note, source), grouped by cluster.

    A table cut the note and source off at 1280 px; a list wraps instead. One Markdown element for
    all clusters: a national district has a dozen, and each element costs ~100 bytes on every rerun (#14).
    ``checklist``: ``cluster_model.tables.indicator_checklist`` output.
    """
    several = "cluster_id" in checklist
    groups = checklist.groupby("cluster_id", sort=False) if several else [(None, checklist)]
    # Words and names repeat row after row (a national district lists ~300 values): each is looked up once.
    tr = translator()
    vocabulary = {
        w: md(_(w))
        for column in ("Status", "Pillar")
        if column in checklist
        for w in checklist[column].unique()
    }
    english = dict(zip(checklist["indicator_id"], checklist["Indicator"]))
    indicators = {i: md(n) for i, n in names("indicator", english, english.get).items()}
    if several:
        english_clusters = dict(zip(checklist["cluster_id"], checklist["Cluster"]))
        clusters = names("cluster", english_clusters, english_clusters.get)
    source_label = _("Source:")
    blocks = []
    for cluster, rows in groups:
        if cluster is not None:
            blocks.append(f"**{md(clusters[cluster])}**")
        lines = []
        for r in rows.itertuples(index=False):
            row = r._asdict()
            note = str(row.get("Note") or "")
            line = f"- **{vocabulary[row['Status']]}** · {indicators[row['indicator_id']]}"
            if "Pillar" in row:
                line += f" ({vocabulary[row['Pillar']]})"
            if note not in ("", "—"):
                line += f"  \n  {md(data_text(note, tr))}"
            if row["Source"] not in ("", "—"):
                line += f"  \n  *{source_label} {md(data_text(row['Source'], tr))}*"
            lines.append(line)
        blocks.append("\n".join(lines))
    if blocks:
        st.markdown("\n\n".join(blocks))


def readable(frame):
    """A table for people: blanks instead of NaN/None, yes/no instead of True/False."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map({True: _("yes"), False: _("no")})
        elif out[column].dtype == object or out[column].isna().any():
            out[column] = out[column].astype(object).where(out[column].notna(), "")
    return out


def first_names(names: object, keep: int = 3) -> object:
    """A ", "-separated list of names cut to its first ``keep``, saying how many more there are
    (a table cell, e.g. the clusters of a district at national scale). Anything else is kept."""
    if not isinstance(names, str):
        return names
    parts = names.split(", ")
    if len(parts) <= keep:
        return names
    return _("{names} and {n} more").format(names=", ".join(parts[:keep]), n=len(parts) - keep)
