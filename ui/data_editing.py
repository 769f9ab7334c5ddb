"""The Data page's flows: pick a round and export it, read it signed out, and, for editors, edit
its assessments, import a CSV/XLSX into it (preview, then all or nothing), open a new round and
read its history. ``pages/data.py`` calls them in order; the field survey is ``ui/survey_flow.py``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cluster_model import store
from cluster_model.loading import MAX_NOTE_CHARS, ROUND_KINDS
from cluster_model.markup import md
from cluster_model.view import is_draft
from cluster_model.vocabulary import INDICATOR_GROUPS, STATUSES
from outputs import tables
from ui import uploads
from ui.auth import require_editor
from ui.chrome import illustrative_banner
from ui.i18n import (
    N_,
    _,
    data_text,
    indicator_name,
    name,
    names,
    ngettext,
    shown_table,
)


def changed() -> None:
    """After any write: every cached view (map, profiles) must read the store again."""
    st.cache_data.clear()


def _show_conflict(exc: store.ConflictError) -> None:
    st.error(
        _(
            "Someone else changed these values after you loaded them, so **nothing was saved**. Your edits are still in the table: "
            "press *Reload round* to see the current values, then apply your changes again."
        )
    )
    for c in exc.conflicts:
        st.markdown(f"- {md(data_text(c.message()))}")


def write(action):
    """Run a store write; show why it was refused (nothing saved) and return None, else its result."""
    try:
        return action()
    except store.ValidationError as exc:
        uploads.show_refused(exc)
    except store.ConflictError as exc:
        _show_conflict(exc)
    return None


def id_names(ds) -> tuple[dict, dict]:
    """Cluster and indicator names by id, as the dataset spells them (translated where drawn)."""
    return (
        dict(zip(ds.clusters["cluster_id"], ds.clusters["name"])),
        dict(zip(ds.indicators["indicator_id"], ds.indicators["name"])),
    )


def local_id_names(ds, cluster_ids, indicator_ids) -> tuple[dict, dict]:
    """Cluster and indicator names by id in the page's language (data/names.csv; English marked when missing)."""
    cluster_names, indicator_names = id_names(ds)
    return (
        names("cluster", set(cluster_ids), cluster_names.get),
        names("indicator", set(indicator_ids), indicator_names.get),
    )


def store_round_table(ds, grid: pd.DataFrame) -> pd.DataFrame:
    """A round's assessments for reading (show with ``shown_table``): names in the page's language by id,
    pillar, status, source citation, note."""
    citations = dict(zip(ds.sources["source_id"], ds.sources["citation"]))
    cluster_names, indicator_names = local_id_names(ds, grid["cluster_id"], grid["indicator_id"])
    return pd.DataFrame(
        {
            "Cluster": grid["cluster_id"].map(cluster_names),
            "Pillar": grid["pillar"].map(INDICATOR_GROUPS),
            "Indicator": grid["indicator_id"].map(indicator_names),
            "Status": grid["status"],
            "Source": [citations.get(x, x) if x else "—" for x in grid["source_id"]],
            "Note": grid["note"].where(grid["note"].astype(bool), "—"),
        }
    )


# How a value was recorded (the store's ``action`` and ``via`` keys), looked up by message id.
HISTORY_WORDS = {
    "seed": N_("seed data"),
    "create": N_("created"),
    "update": N_("updated"),
    "editor": N_("the editor"),
    "import": N_("imported"),
    "workshop": N_("the workshop"),
}
# The headers (marked in history_table) of the columns whose cells are vocabulary words.
HISTORY_VOCABULARY = ("Change", "Recorded via", "Status before", "Status after")


def earlier_value(column: pd.Series) -> pd.Series:
    """A history's earlier values with "no earlier value" said ("—"), never a blank cell."""
    return column.where(column.notna() & column.astype(str).astype(bool), "—")


def history_table(ds, hist: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A round's recorded changes for reading, and its vocabulary columns (show with
    ``shown_table(*history_table(...))``): names by id, the change's words and statuses by message id,
    sources, notes and editors as data; no earlier value is said ("—"), never blank."""
    cluster_names, indicator_names = local_id_names(ds, hist["cluster_id"], hist["indicator_id"])

    def said(column):
        return earlier_value(hist[column])

    table = pd.DataFrame(
        {
            N_("Changed at"): hist["changed_at"],
            N_("Changed by"): hist["changed_by"],
            N_("Cluster"): hist["cluster_id"].map(cluster_names),
            N_("Indicator"): hist["indicator_id"].map(indicator_names),
            N_("Change"): hist["action"].map(lambda a: HISTORY_WORDS.get(a, a)),
            N_("Recorded via"): hist["via"].map(lambda v: HISTORY_WORDS.get(v, v)),
            N_("Status before"): said("old_status"),
            N_("Status after"): hist["new_status"],
            N_("Source before"): said("old_source_id"),
            N_("Source"): hist["new_source_id"],
            N_("Note before"): said("old_note"),
            N_("Note"): said("new_note"),
        }
    )
    return table, HISTORY_VOCABULARY


def pick_round(ds) -> tuple[str | None, pd.Series | None]:
    """The round chooser, newest first (a round just created opens next); the round's id and row, or None."""
    rounds = ds.rounds.set_index("round_id", drop=False).loc[ds.round_order()[::-1]].reset_index(drop=True)
    if rounds.empty:
        st.warning(_("The store holds no round yet."))
    labels = {
        r.round_id: f"{data_text(r.name)} ({r.date}, {_(r.kind)})"
        + (" — " + _("ILLUSTRATIVE") if r.illustrative else "")
        for r in rounds.itertuples()
    }
    if st.session_state.get("data_round_next") in labels:  # a round just created opens next
        st.session_state["data_round"] = st.session_state.pop("data_round_next")
    round_id = (
        st.selectbox(_("Round"), list(labels), format_func=labels.get, key="data_round") if labels else None
    )
    if not round_id:
        return None, None
    return round_id, rounds[rounds["round_id"] == round_id].iloc[0]


def round_header(engine, ds, round_id: str, chosen: pd.Series) -> None:
    """The round's illustrative banner, its notes and its exports."""
    illustrative_banner(ds, round_id)
    if chosen["notes"]:
        st.caption(md(data_text(chosen["notes"])))
    c1, c2 = st.columns(2)
    for col, fmt in ((c1, "csv"), (c2, "xlsx")):
        # Built when clicked (a callable), not on every rerun of the page.
        col.download_button(
            _("Export round as {format}").format(format=fmt.upper()),
            lambda fmt=fmt: tables.export_round(engine, round_id, fmt)[1],
            file_name=tables.round_file_name(
                round_id, bool(chosen["illustrative"]), fmt, draft=is_draft(ds, round_id)
            ),
            key=f"export_{fmt}",
            on_click="ignore",
        )


def read_only_round(engine, ds, round_id: str) -> None:
    """Signed out: the round itself, read-only (sources as citations, unknown spelled out)."""
    st.dataframe(
        shown_table(store_round_table(ds, store.round_grid(engine, round_id))),
        hide_index=True,
        width="stretch",
        key="data_round_table",
    )


def editor_tabs(engine, ds, round_id: str | None) -> None:
    """An editor's tabs: edit the round, import into it, open a new round, its history."""
    tab_edit, tab_import, tab_new, tab_history = st.tabs(
        [_("Edit round"), _("Import"), _("New round"), _("History")]
    )
    with tab_edit:
        if not round_id:
            st.info(_("Open a round first (tab *New round*)."))
        else:
            _edit_round(engine, ds, round_id)
    with tab_import:
        _import_round(engine, ds, round_id)
    with tab_new:
        _new_round(engine)
    with tab_history:
        if round_id:
            _round_history(engine, ds, round_id)


def _edit_round(engine, ds, round_id: str) -> None:
    cluster_names, names = id_names(ds)
    source_ids = list(ds.sources["source_id"])
    source_label = dict(zip(ds.sources["source_id"], ds.sources["citation"])).get
    grid_key = f"data_grid_{round_id}"
    token_key = f"data_grid_token_{round_id}"
    if grid_key not in st.session_state:
        st.session_state[grid_key] = store.round_grid(
            engine, round_id
        )  # the versions your edits are based on
        st.session_state[token_key] = st.session_state.get(token_key, 0) + 1
    original = st.session_state[grid_key]
    shown = original.assign(
        cluster=[name("cluster", c, cluster_names.get(c)) for c in original["cluster_id"]],
        group=original["pillar"].map(lambda p: _(INDICATOR_GROUPS[p]) if p in INDICATOR_GROUPS else p),
        indicator=[indicator_name(i, names.get(i)) for i in original["indicator_id"]],
    )[
        [
            "cluster_id",
            "indicator_id",
            "cluster",
            "group",
            "indicator",
            "status",
            "source_id",
            "note",
            "updated_by",
        ]
    ]
    shown["source_id"] = (
        shown["source_id"].astype(object).where(shown["source_id"].astype(bool), None)
    )  # blank, not "None"
    st.caption(
        _(
            "Blank source and 'not assessed' means nobody has assessed it in this round (earlier real rounds' values still show on the map). "
            "Every value you set needs a source."
        )
    )
    edited = st.data_editor(
        shown,
        key=f"data_editor_{round_id}_{st.session_state[token_key]}",
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=["cluster_id", "indicator_id", "cluster", "group", "indicator", "updated_by"],
        column_config={
            "cluster_id": None,
            "indicator_id": None,
            "cluster": st.column_config.TextColumn(_("Cluster")),
            "group": st.column_config.TextColumn(_("Pillar")),
            "indicator": st.column_config.TextColumn(_("Indicator")),
            "status": st.column_config.SelectboxColumn(
                _("Status"), options=STATUSES, required=True, format_func=_
            ),
            "source_id": st.column_config.SelectboxColumn(
                _("Source"), options=source_ids, format_func=source_label
            ),
            "note": st.column_config.TextColumn(_("Note"), max_chars=MAX_NOTE_CHARS),
            "updated_by": st.column_config.TextColumn(_("Last changed by")),
        },
    )
    edits = store.edits_from_grid(original, edited)
    b1, b2 = st.columns([1, 1])
    if b2.button(_("Reload round"), key="reload_round"):
        st.session_state.pop(grid_key, None)
        st.rerun()
    save_label = (
        _("Save changes (none yet)")
        if not edits
        else ngettext("Save {n} change", "Save {n} changes", len(edits)).format(n=len(edits))
    )
    if b1.button(save_label, type="primary", disabled=not edits, key="save_round"):
        result = write(
            lambda: store.save_assessments(
                engine, round_id, edits, author=require_editor().label, via="editor", file="editor table"
            )
        )
        if result is not None:
            changed()
            st.session_state.pop(grid_key, None)
            st.success(
                _("Saved: {created} new, {updated} changed.").format(
                    created=result.created, updated=result.updated
                )
            )
            st.rerun()


def _import_round(engine, ds, round_id: str | None) -> None:
    cluster_names, names = id_names(ds)
    st.markdown(
        _(
            "Columns: `round_id` (may be empty), `cluster_id`, `indicator_id`, `status` ({statuses}), `source_id`, `note`. "
            "Line numbers in messages are the spreadsheet's (header = line 1). Nothing is stored until you commit, and then all rows or none."
        ).format(statuses=", ".join(f"`{s}`" for s in STATUSES))
    )
    t1, t2 = st.columns(2)
    for col, fmt in ((t1, "csv"), (t2, "xlsx")):
        col.download_button(
            _("Template ({format})").format(format=fmt.upper()),
            lambda fmt=fmt: tables.import_template(fmt, engine)[1],
            file_name=tables.template_file_name(fmt),
            key=f"template_{fmt}",
            on_click="ignore",
        )
    if not round_id:
        return
    upload = st.file_uploader(
        _("Import into round '{round}'").format(round=round_id), type=["csv", "xlsx"], key="data_upload"
    )

    def _preview(plan) -> bool:
        st.info(_("Preview:") + " " + md(data_text(plan.summary())))
        preview = plan.changes[plan.changes["change"] != "unchanged"].assign(
            cluster=lambda d: d["cluster_id"].map(cluster_names),
            indicator=lambda d: d["indicator_id"].map(names),
        )
        st.dataframe(
            preview[
                [
                    "_line",
                    "cluster",
                    "indicator",
                    "change",
                    "old_status",
                    "status",
                    "old_source_id",
                    "source_id",
                    "note",
                ]
            ].rename(columns={"_line": "line"}),
            hide_index=True,
            width="stretch",
        )
        return not preview.empty

    def _commit(plan) -> str | None:
        result = write(lambda: store.commit_import(engine, plan, author=require_editor().label))
        if result is None:
            return None
        changed()
        st.session_state.pop(f"data_grid_{round_id}", None)
        return _("Imported: {created} new, {updated} changed, {unchanged} unchanged.").format(
            created=result.created, updated=result.updated, unchanged=result.unchanged
        )

    uploads.import_upload(
        upload,
        key=f"data_plan_{round_id}",
        plan=lambda data, name: store.plan_import(engine, round_id, data, name),
        preview=_preview,
        apply_label=_("Commit import"),
        apply_key="commit_import",
        apply=_commit,
    )


def _new_round(engine) -> None:
    with st.form("new_round"):
        new_id = st.text_input(
            _("Round id"), placeholder="survey-2027", help=_("lower-case letters, digits, '-' or '_'")
        )
        new_name = st.text_input(_("Name"), placeholder=_("Cluster survey 2027"))
        new_date = st.date_input(_("Date"))
        new_kind = st.selectbox(_("Kind"), ROUND_KINDS, format_func=_)
        new_illustrative = st.checkbox(
            _("Illustrative (invented data for training; never mixed with real rounds)")
        )
        new_notes = st.text_area(_("Notes"))
        create = st.form_submit_button(_("Create round"), type="primary")
    if create:
        try:
            store.create_round(
                engine,
                round_id=new_id,
                name=new_name,
                date=new_date,
                kind=new_kind,
                illustrative=new_illustrative,
                notes=new_notes,
                author=require_editor().label,
            )
        except store.ValidationError as exc:
            uploads.show_refused(exc)
        else:
            changed()
            st.session_state["data_round_next"] = new_id.strip()
            st.rerun()


def _round_history(engine, ds, round_id: str) -> None:
    hist = store.history(engine, round_id=round_id, limit=1000)
    st.caption(
        _(
            "{n} recorded change(s) in this round, newest first. Nothing is overwritten without a trace."
        ).format(n=len(hist))
    )
    st.dataframe(shown_table(*history_table(ds, hist)), hide_index=True, width="stretch")
