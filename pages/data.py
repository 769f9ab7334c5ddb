"""Data: the evidence store's rounds. Anyone can see and export them; editors sign in to
edit a round's assessments, open a new round, and import a CSV/XLSX (preview first,
then one all-or-nothing commit). Thin: reads state, calls cluster_model.store, draws."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cluster_model import store
from cluster_model.loading import MAX_NOTE_CHARS, ROUND_KINDS
from cluster_model.markup import md
from cluster_model.vocabulary import INDICATOR_GROUPS, STATUSES
from outputs import tables
from ui import page, uploads
from ui.auth import current_editor, locks_panel, require_editor, sign_out
from ui.chrome import illustrative_banner
from ui.data_access import data_dir, get_engine
from ui.i18n import (
    VOCABULARY_COLUMNS,
    _,
    data_text,
    indicator_name,
    known,
    name,
    ngettext,
    table_in_language,
    translator,
)


def _changed() -> None:
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


def store_round_table(grid: pd.DataFrame) -> pd.DataFrame:
    """A round's assessments for reading: names, status, source citation, note."""
    citations = dict(zip(ds.sources["source_id"], ds.sources["citation"]))
    return pd.DataFrame(
        {
            "Cluster": grid["cluster_id"].map(dict(zip(ds.clusters["cluster_id"], ds.clusters["name"]))),
            "Pillar": grid["pillar"].map(INDICATOR_GROUPS),
            "Indicator": grid["indicator_id"].map(
                dict(zip(ds.indicators["indicator_id"], ds.indicators["name"]))
            ),
            "Status": grid["status"],
            "Source": [citations.get(x, x) if x else "—" for x in grid["source_id"]],
            "Note": grid["note"].where(grid["note"].astype(bool), "—"),
        }
    )


def _write(action):
    """Run a store write; show why it was refused (nothing saved) and return None, else its result."""
    try:
        return action()
    except store.ValidationError as exc:
        uploads.show_refused(exc)
    except store.ConflictError as exc:
        _show_conflict(exc)
    return None


atlas, state = page.start(shared_filters=False)
engine = get_engine()
ds = store.load_dataset(engine, data_dir())
editor = current_editor()

st.title(_("Data"))
st.caption(
    _(
        "Indicator assessments come in rounds (survey, dialogue, desk review). Every change is kept with who made it and when."
    )
)

rounds = ds.rounds.set_index("round_id", drop=False).loc[ds.round_order()[::-1]].reset_index(drop=True)
if rounds.empty:
    st.warning(_("The store holds no round yet."))
labels = {
    r.round_id: f"{data_text(r.name)} ({r.date}, {known(r.kind)})"
    + (" — " + _("ILLUSTRATIVE") if r.illustrative else "")
    for r in rounds.itertuples()
}
if st.session_state.get("data_round_next") in labels:  # a round just created opens next
    st.session_state["data_round"] = st.session_state.pop("data_round_next")
round_id = (
    st.selectbox(_("Round"), list(labels), format_func=labels.get, key="data_round") if labels else None
)

if round_id:
    chosen = rounds[rounds["round_id"] == round_id].iloc[0]
    illustrative_banner(ds, round_id)
    if chosen["notes"]:
        st.caption(md(data_text(chosen["notes"])))
    c1, c2 = st.columns(2)
    for col, fmt in ((c1, "csv"), (c2, "xlsx")):
        # Built when clicked (a callable), not on every rerun of the page.
        col.download_button(
            _("Export round as {format}").format(format=fmt.upper()),
            lambda fmt=fmt: tables.export_round(engine, round_id, fmt)[1],
            file_name=tables.round_file_name(round_id, bool(chosen["illustrative"]), fmt),
            key=f"export_{fmt}",
            on_click="ignore",
        )

if round_id and editor is None:
    # Signed out: the round itself, read-only (sources as citations, unknown spelled out).
    st.dataframe(
        table_in_language(store_round_table(store.round_grid(engine, round_id))),
        hide_index=True,
        width="stretch",
        key="data_round_table",
    )

st.divider()
if editor is None:
    st.subheader(_("Editing"))
    st.caption(
        _("Viewing is open to everyone. Editing, importing and opening rounds need an editor account.")
    )
user = require_editor()  # stops here for viewers: nothing below is reachable signed out

st.sidebar.caption(_("Signed in as **{user}**").format(user=md(data_text(user.label))))
st.sidebar.button(_("Sign out"), on_click=sign_out, key="sign_out")
locks_panel(user)

tab_edit, tab_import, tab_new, tab_history = st.tabs(
    [_("Edit round"), _("Import"), _("New round"), _("History")]
)

names = dict(zip(ds.indicators["indicator_id"], ds.indicators["name"]))
cluster_names = dict(zip(ds.clusters["cluster_id"], ds.clusters["name"]))
source_ids = list(ds.sources["source_id"])
source_label = dict(zip(ds.sources["source_id"], ds.sources["citation"])).get

with tab_edit:
    if not round_id:
        st.info(_("Open a round first (tab *New round*)."))
    else:
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
            result = _write(
                lambda: store.save_assessments(
                    engine, round_id, edits, author=require_editor().label, via="editor", file="editor table"
                )
            )
            if result is not None:
                _changed()
                st.session_state.pop(grid_key, None)
                st.success(
                    _("Saved: {created} new, {updated} changed.").format(
                        created=result.created, updated=result.updated
                    )
                )
                st.rerun()

with tab_import:
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
    if round_id:
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
            result = _write(lambda: store.commit_import(engine, plan, author=require_editor().label))
            if result is None:
                return None
            _changed()
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

with tab_new:
    with st.form("new_round"):
        new_id = st.text_input(
            _("Round id"), placeholder="survey-2027", help=_("lower-case letters, digits, '-' or '_'")
        )
        new_name = st.text_input(_("Name"), placeholder="Cluster survey 2027")
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
            _changed()
            st.session_state["data_round_next"] = new_id.strip()
            st.rerun()

with tab_history:
    if round_id:
        hist = store.history(engine, round_id=round_id, limit=1000)
        st.caption(
            _(
                "{n} recorded change(s) in this round, newest first. Nothing is overwritten without a trace."
            ).format(n=len(hist))
        )
        st.dataframe(table_in_language(hist.drop(columns=["change_id"])), hide_index=True, width="stretch")


# --------------------------------------------------------------------------- field surveys (ODK Collect / KoboToolbox)


def _survey_section(round_id: str | None) -> None:
    """The survey form to download, and the import of its submissions into a survey round (editors only)."""
    from cluster_model import survey as sv
    from cluster_model.store import survey_import as si
    from cluster_model.survey import FORM_FILE

    st.subheader(_("Field survey (ODK Collect / KoboToolbox)"))
    st.markdown(
        _(
            "1. Download the survey form (an XLSForm: one question per indicator, grouped by pillar) and upload it to ODK Central or KoboToolbox.  \n"
            "2. Export the submissions: ODK Central as CSV; KoboToolbox as CSV or XLSX with *XML values and headers*, group names included.  \n"
            "3. Import the file into a round of kind *survey*. Each indicator gets the status most respondents gave, with how many answered and how many agreed; "
            "*don't know* is not counted as an assessment, and a tie for most answers stays *not assessed*. Rejected (ODK) or not approved (Kobo) submissions are kept but not counted."
        )
    )
    st.download_button(
        _("Survey form (XLSForm)"),
        lambda: tables.build_xlsform(ds),
        file_name=FORM_FILE,
        key="survey_form",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    if not round_id or chosen["kind"] != "survey":
        st.info(
            _(
                "Pick a round of kind *survey* above (or open one in *New round*) to import submissions into it."
            )
        )
        return
    upload = st.file_uploader(
        _("Import survey submissions into round '{round}'").format(round=round_id),
        type=["csv", "xlsx"],
        key="survey_upload",
    )

    def _values_table(rows: pd.DataFrame, columns: dict, vocabulary=VOCABULARY_COLUMNS) -> None:
        """Cluster × indicator rows of the survey import with ``columns``, in the page's language."""
        frame = pd.DataFrame(
            {"Cluster": rows["cluster_id"].map(cluster_names), "Indicator": rows["indicator_id"].map(names)}
            | columns
        )
        st.dataframe(table_in_language(frame, vocabulary), hide_index=True, width="stretch")

    def _preview(plan) -> bool:
        st.info(_("Preview:") + " " + data_text(plan.summary()))
        if plan.ignored_columns:
            st.text(
                _("Columns not used (exporter metadata and other questions):")
                + " "
                + ", ".join(plan.ignored_columns)
            )
        preview = plan.changes[plan.changes["change"] != "unchanged"]
        _values_table(
            preview,
            {
                "Change": preview["change"],
                "Before": preview["old_status"],
                "Now": preview["status"],
                "Respondents": preview["n_respondents"],
                "Agreeing": preview["agreement"].map(lambda a: "—" if pd.isna(a) else f"{a:.0%}"),
                "Don't know": preview["dont_know"],
                "Note": preview["note"],
            },
            ("Before", "Now"),
        )
        # What the file leaves not assessed, and why: a tie or only "don't know" is counted and shown.
        listed = set(zip(plan.changes["cluster_id"], plan.changes["indicator_id"]))
        left = sv.unsettled_in_file(plan.parsed, plan.submissions, translator())
        left = left[[pair not in listed for pair in zip(left["cluster_id"], left["indicator_id"])]]
        if not left.empty:
            st.caption(_("Left not assessed by this file (an earlier round's value still shows):"))
            _values_table(left, {"Note": left["reason"]})
        with st.expander(_("The {n} submission(s) in the file").format(n=len(plan.submissions))):
            st.dataframe(
                plan.submissions[
                    [
                        "_line",
                        "submission_id",
                        "cluster_id",
                        "district",
                        "stakeholder_group",
                        "enumerator",
                        "survey_date",
                        "change",
                        "counted",
                        "excluded_reason",
                    ]
                ].rename(columns={"_line": "line"}),
                hide_index=True,
                width="stretch",
            )
        return not preview.empty or bool((plan.submissions["change"] != "unchanged").any())

    def _commit(plan) -> str | None:
        result = _write(lambda: si.commit_survey_import(engine, plan, author=require_editor().label))
        if result is None:
            return None
        _changed()
        st.session_state.pop(f"data_grid_{round_id}", None)
        return _(
            "Imported {added} submission(s) ({replaced} replacing earlier versions): "
            "{created} value(s) new, {updated} changed."
        ).format(
            added=result.submissions_added,
            replaced=result.submissions_replaced,
            created=result.created,
            updated=result.updated,
        )

    uploads.import_upload(
        upload,
        key=f"survey_plan_{round_id}",
        plan=lambda data, name: si.plan_survey_import(engine, round_id, data, name),
        preview=_preview,
        apply_label=_("Commit survey import"),
        apply_key="commit_survey",
        apply=_commit,
    )
    stored = si.survey_submissions(engine, round_id)  # read after a commit, so it includes it
    st.caption(
        _("This round holds {n} submission(s), {counted} of them counted.").format(
            n=len(stored), counted=int(stored["counted"].astype(bool).sum()) if not stored.empty else 0
        )
    )
    if not stored.empty:
        st.download_button(
            _("Export submissions (CSV)"),
            lambda: tables.export_submissions(engine, round_id)[1],
            file_name=si.submissions_file_name(round_id),
            key="survey_export",
            on_click="ignore",
        )
        grid = store.round_grid(engine, round_id)
        pairs = [
            (r.cluster_id, r.indicator_id)
            for r in grid[grid["source_id"] == si.survey_source_id(round_id)].itertuples()
        ]
        # A tie or an all-"don't know" stores no value, but its submissions are behind it all the same.
        reasons = sv.unsettled(si.survey_results(engine, round_id), translator())
        why = dict(zip(zip(reasons["cluster_id"], reasons["indicator_id"]), reasons["reason"]))
        pairs += [p for p in why if p not in set(pairs)]
        if pairs:
            pick = st.selectbox(
                _("Submissions behind a value"),
                pairs,
                format_func=lambda p: (
                    f"{name('cluster', p[0], cluster_names.get(p[0]))} — {indicator_name(p[1], names.get(p[1]))}"
                ),
                key="survey_value",
            )
            if pick in why:
                st.caption(why[pick])
            st.dataframe(si.survey_evidence(engine, round_id, *pick), hide_index=True, width="stretch")
        with st.expander(_("Submissions stored in this round (raw rows kept as exported)")):
            st.dataframe(
                stored[
                    [
                        "submission_id",
                        "cluster_id",
                        "district",
                        "stakeholder_group",
                        "enumerator",
                        "survey_date",
                        "counted",
                        "excluded_reason",
                        "file",
                        "line",
                        "imported_by",
                        "raw",
                    ]
                ],
                hide_index=True,
                width="stretch",
            )


st.divider()
_survey_section(round_id)
page.end(atlas, state, "data", has_map=False, shared_filters=False, round_id=round_id)
