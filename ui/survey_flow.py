"""The Data page's field survey (ODK Collect / KoboToolbox): the form to download, and the import of
its submissions into a survey round (editors only), with the submissions behind each value."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cluster_model import store
from cluster_model import survey as sv
from cluster_model.store import survey_import as si
from cluster_model.survey import FORM_FILE
from outputs import tables
from ui import uploads
from ui.auth import require_editor
from ui.data_editing import changed, id_names, local_id_names, write
from ui.i18n import _, data_text, indicator_name, name, shown_table, translator


def survey_section(engine, ds, round_id: str | None, chosen: pd.Series | None) -> None:
    """The survey form to download, and the import of its submissions into a survey round (editors only)."""
    cluster_names, names = id_names(ds)
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
    if not round_id or chosen is None or chosen["kind"] != "survey":
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

    def _values_table(rows: pd.DataFrame, columns: dict, vocabulary=()) -> None:
        """Cluster × indicator rows of the survey import with ``columns``, in the page's language (names
        by id; the ``vocabulary`` columns' statuses by message id)."""
        shown_clusters, shown_indicators = local_id_names(ds, rows["cluster_id"], rows["indicator_id"])
        frame = pd.DataFrame(
            {
                "Cluster": rows["cluster_id"].map(shown_clusters),
                "Indicator": rows["indicator_id"].map(shown_indicators),
            }
            | columns
        )
        st.dataframe(shown_table(frame, vocabulary), hide_index=True, width="stretch")

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
        result = write(lambda: si.commit_survey_import(engine, plan, author=require_editor().label))
        if result is None:
            return None
        changed()
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
