"""Field surveys: the XLSForm passes pyxform; ODK Central and KoboToolbox exports import into a survey round."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert
from sqlalchemy import func, inspect, select
from support import REPO

from cluster_model import store
from cluster_model.loading import DATA_DIR, load_dataset
from cluster_model.scoring import assessment_matrix, district_gaps
from cluster_model.store import schema as s
from cluster_model.store.survey_import import (
    commit_survey_import,
    plan_survey_import,
    survey_evidence,
    survey_results,
    survey_submissions,
)
from cluster_model.survey import aggregate, explain_unsettled, unsettled
from outputs.tables import build_xlsform, export_submissions
from tests.store_support import backend, engine, store_env
from tests.survey_files import as_csv, as_xlsx, kobo_rows, odk_rows, sub

ROUND = "survey-2027"

# Rice (Larkana), technology: equipment 3 absent / 1 present / 1 don't know -> absent, 3 of 4;
# processing 2 present / 1 partial -> present; standards 1 present / 1 absent -> a tie; digital: only don't know.
ODK_SUBS = [
    sub(
        "a1",
        "rice",
        "industry",
        {
            "tech_equipment": "absent",
            "tech_processing": "present",
            "tech_standards": "present",
            "tech_digital": "dont_know",
        },
    ),
    sub(
        "a2",
        "rice",
        "government",
        {
            "tech_equipment": "absent",
            "tech_processing": "present",
            "tech_standards": "absent",
            "tech_digital": "dont_know",
        },
    ),
    sub("a3", "rice", "community", {"tech_equipment": "absent", "tech_processing": "partial"}),
    sub("a4", "rice", "academia", {"tech_equipment": "present"}),
    sub("a5", "rice", "industry", {"tech_equipment": "dont_know"}),
    sub(
        "a6",
        "rice",
        "industry",
        {"tech_equipment": "present", "tech_processing": "absent"},
        review="rejected",
    ),  # kept, not counted
]
# Fisheries (Thatta), local supervisory posts: the desk review says partial; 2 of 3 respondents say absent (the 4th is not approved).
KOBO_SUBS = [
    sub(
        "k1",
        "fisheries",
        "community",
        {"hrm_local_supervisory": "absent", "hrm_labour_pool": "absent"},
        district="Thatta",
    ),
    sub(
        "k2",
        "fisheries",
        "industry",
        {"hrm_local_supervisory": "absent", "hrm_labour_pool": "absent"},
        district="thatta",
    ),
    sub("k3", "fisheries", "government", {"hrm_local_supervisory": "partial"}, district="Thatta"),
    sub(
        "k4",
        "fisheries",
        "academia",
        {"hrm_local_supervisory": "present"},
        district="Thatta",
        review="validation_status_not_approved",
    ),
]


@pytest.fixture
def survey_round(engine):
    store.create_round(
        engine, round_id=ROUND, name="Cluster survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    return ROUND


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _gaps(engine, pillars):
    ds = store.load_dataset(engine)
    return district_gaps(assessment_matrix(ds, ROUND), ds.sites, ds.rules, pillars).set_index("district")


# --------------------------------------------------------------------------- the form


def _xform(tmp_path, validate: bool) -> tuple[str, list[str]]:
    path = tmp_path / "cluster_survey.xlsx"
    path.write_bytes(build_xlsform(load_dataset(DATA_DIR)))
    warnings: list[str] = []
    return convert(xlsform=str(path), warnings=warnings, validate=validate).xform, warnings


def test_make_survey_form_writes_an_xlsform_that_pyxform_converts_without_warnings(tmp_path):
    out = tmp_path / "var" / "survey" / "cluster_survey.xlsx"
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_survey_form.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "26 indicator questions, 16 clusters" in done.stdout
    warnings: list[str] = []
    xform = convert(xlsform=str(out), warnings=warnings).xform
    assert warnings == []
    ds = load_dataset(DATA_DIR)
    # One question per indicator, inside its pillar's group, its "how assessed" text as the hint.
    for r in ds.indicators.itertuples():
        assert f'ref="/data/{r.pillar}/{r.indicator_id}"' in xform
        assert r.name.replace("&", "&amp;") in xform
    assert '<group ref="/data/technology">' in xform and '<group ref="/data/structure">' in xform
    wb = load_workbook(out)
    survey = [
        dict(zip([c.value for c in wb["survey"][1]], [c.value for c in row]))
        for row in wb["survey"].iter_rows(min_row=2)
    ]
    by_name = {q["name"]: q for q in survey}
    first = ds.indicators.iloc[0]
    assert (
        by_name[first["indicator_id"]]["type"] == "select_one status"
        and by_name[first["indicator_id"]]["hint"] == first["how_assessed"]
    )
    assert [
        by_name[n]["type"] for n in ("cluster", "district", "stakeholder_group", "enumerator", "survey_date")
    ] == ["select_one cluster", "select_one district", "select_one igca", "text", "date"]
    choices = [(r[0].value, r[1].value, r[2].value) for r in wb["choices"].iter_rows(min_row=2)]
    assert [c[1] for c in choices if c[0] == "status"] == ["present", "partial", "absent", "dont_know"]
    assert [c[1] for c in choices if c[0] == "igca"] == ["industry", "government", "community", "academia"]
    assert sorted(c[1] for c in choices if c[0] == "cluster") == sorted(ds.clusters["cluster_id"])
    assert ("district", "mirpur_khas", "Mirpur Khas") in choices
    # The district list offers only the districts where the chosen cluster has a site.
    assert by_name["district"]["choice_filter"] == "selected(clusters, ${cluster})"
    assert ["district", "thatta", "Thatta", "fisheries jute"] in [
        [c.value for c in r] for r in wb["choices"].iter_rows(min_row=2)
    ]
    assert "nodeset=\"instance('district')/root/item[selected(clusters,  /data/cluster )]\"" in xform


@pytest.mark.skipif(
    shutil.which("java") is None,
    reason="ODK Validate (bundled with pyxform) needs Java; pyxform's own conversion is checked above",
)
def test_form_passes_odk_validate(tmp_path):
    xform, warnings = _xform(tmp_path, validate=True)
    assert warnings == [] and "<h:title>Sindh cluster survey</h:title>" in xform


# --------------------------------------------------------------------------- aggregation


def test_majority_agreement_dont_know_and_ties():
    answers = pd.DataFrame(
        [("c", "i1", a) for a in ["absent", "absent", "present", "dont_know"]]
        + [("c", "i2", a) for a in ["present", "absent"]]
        + [("c", "i3", "dont_know")],
        columns=["cluster_id", "indicator_id", "answer"],
    )
    r = aggregate(answers).set_index("indicator_id")
    assert (
        r.at["i1", "status"],
        r.at["i1", "n_respondents"],
        r.at["i1", "n_agreeing"],
        r.at["i1", "dont_know"],
    ) == ("absent", 3, 2, 1)
    assert r.at["i1", "agreement"] == pytest.approx(2 / 3)
    assert (
        r.at["i1", "note"]
        == "Field survey: 2 of 3 respondent(s) (67%) said absent (present 1, partial 0, absent 2; 1 said don't know)."
    )
    assert (
        r.at["i2", "status"] == ""
        and r.at["i2", "tie"]
        and "no majority (present 1, partial 0, absent 1)" in r.at["i2", "note"]
    )
    assert r.at["i3", "status"] == "" and r.at["i3", "n_respondents"] == 0 and not r.at["i3", "tie"]


def test_a_tie_and_all_dont_know_say_why_the_value_stays_not_assessed():
    """(#24 item 24) a tie and an all-"don't know" leave a trace: the reason, not a bare "not assessed"."""
    answers = pd.DataFrame(
        [("c", "tie", a) for a in ["present", "present", "absent", "absent", "dont_know"]]
        + [("c", "unsure", "dont_know")] * 5
        + [("c", "one", "dont_know")]
        + [("c", "settled", a) for a in ["present", "present", "absent"]],
        columns=["cluster_id", "indicator_id", "answer"],
    )
    reasons = unsettled(aggregate(answers)).set_index("indicator_id")["reason"]
    assert reasons.to_dict() == {
        "tie": "not assessed: 2–2 tie among 4 respondents (1 more said don't know)",
        "unsure": "not assessed: 5 respondents, all don't know",
        "one": "not assessed: 1 respondent, who said don't know",
    }
    # the matrix a page shows: a not-assessed pair the survey left unsettled carries its reason
    matrix = pd.DataFrame(
        {
            "cluster_id": ["c", "c", "c"],
            "indicator_id": ["tie", "settled", "elsewhere"],
            "status": ["not assessed", "present", "not assessed"],
            "source_id": ["", "s", ""],
            "note": ["", "kept", ""],
        }
    )
    reasons = unsettled(aggregate(answers)).assign(source_id="r_submissions")
    shown = explain_unsettled(matrix, reasons).set_index("indicator_id")
    assert (
        shown.at["tie", "note"].startswith("not assessed: 2–2 tie")
        and shown.at["tie", "source_id"] == "r_submissions"
    )
    assert shown.at["settled", "note"] == "kept" and shown.at["elsewhere", "note"] == ""


# --------------------------------------------------------------------------- import


def test_odk_central_csv_imports_into_a_survey_round_and_changes_the_map(engine, survey_round):
    before = _gaps(engine, ["technology"])
    assert pd.isna(before.at["Larkana", "gap"])  # rice's technology: not assessed before the survey
    plan = plan_survey_import(engine, ROUND, as_csv(odk_rows(ODK_SUBS)), "odk-central.csv")
    assert plan.ok, [str(i) for i in plan.issues]
    assert (
        plan.summary()
        == "6 submission(s): 6 new, 0 changed, 0 already imported, 1 rejected (kept, not counted). Values: 2 new, 0 changed, 0 unchanged"
    )
    changes = plan.changes.set_index("indicator_id")
    assert list(changes.index) == [
        "tech_equipment",
        "tech_processing",
    ]  # the tie and the don't-know-only stay not assessed
    assert (
        changes.at["tech_equipment", "status"],
        changes.at["tech_equipment", "n_respondents"],
        changes.at["tech_equipment", "agreement"],
    ) == ("absent", 4, 0.75)
    assert (
        store.round_grid(engine, ROUND)["version"].max() == 0 and _count(engine, s.survey_submissions) == 0
    )  # the preview wrote nothing

    result = commit_survey_import(engine, plan, author="alice")
    assert (result.submissions_added, result.created, result.updated) == (6, 2, 0)
    after = _gaps(engine, ["technology"])
    assert after.at["Larkana", "gap"] == pytest.approx(
        0.5
    )  # absent (1) and present (0) over the two assessed
    grid = store.round_grid(engine, ROUND).set_index(["cluster_id", "indicator_id"])
    assert (
        grid.at[("rice", "tech_equipment"), "note"]
        == "Field survey: 3 of 4 respondent(s) (75%) said absent (present 1, partial 0, absent 3; 1 said don't know)."
    )
    assert grid.at[("rice", "tech_equipment"), "source_id"] == "survey-2027_submissions"
    ds = store.load_dataset(engine)
    assert "Cluster survey 2027" in ds.citation(
        "survey-2027_submissions"
    ) and "6 submission(s)" in ds.citation("survey-2027_submissions")
    assert set(store.history(engine, round_id=ROUND)["via"]) == {"survey"}
    # Every raw submission is kept, the rejected one too, and linked to the value it informs.
    stored = survey_submissions(engine, ROUND).set_index("submission_id")
    assert sorted(stored.index) == ["a1", "a2", "a3", "a4", "a5", "a6"]
    assert (
        not stored.at["a6", "counted"]
        and stored.at["a6", "excluded_reason"] == "marked 'rejected' in ReviewState"
    )
    raw = json.loads(stored.at["a1", "raw"])
    assert (
        raw["meta-instanceID"] == "uuid:a1"
        and raw["SubmissionDate"] == "2027-03-02T10:15:00.000Z"
        and raw["technology-tech_equipment"] == "absent"
    )
    evidence = survey_evidence(engine, ROUND, "rice", "tech_equipment")
    assert sorted(zip(evidence["submission_id"], evidence["answer"])) == [
        ("a1", "absent"),
        ("a2", "absent"),
        ("a3", "absent"),
        ("a4", "present"),
        ("a5", "dont_know"),
        ("a6", "present"),
    ]
    assert evidence.set_index("submission_id").at["a2", "stakeholder_group"] == "government"

    results = survey_results(engine, ROUND).set_index("indicator_id")
    assert results.loc[
        "tech_equipment", ["present", "absent", "dont_know", "n_respondents", "status", "n_agreeing"]
    ].tolist() == [1, 3, 1, 4, "absent", 3]
    assert results.at["tech_standards", "tie"] and results.at["tech_standards", "status"] == ""
    # The round's submissions export reads back with every raw row.
    name, data = export_submissions(engine, ROUND)
    back = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert name == "survey-2027-submissions.csv" and len(back) == 6
    assert (
        json.loads(back.set_index("submission_id").at["a3", "raw"])["technology-tech_equipment"] == "absent"
    )

    # The same export again (ODK Central exports every submission so far): nothing new.
    again = plan_survey_import(engine, ROUND, as_csv(odk_rows(ODK_SUBS)), "odk-central.csv")
    assert (
        again.summary()
        == "6 submission(s): 0 new, 0 changed, 6 already imported, 1 rejected (kept, not counted). Values: 0 new, 0 changed, 2 unchanged"
    )


@pytest.mark.parametrize("fmt", ["xlsx", "xlsx-typed", "csv;"])
def test_kobotoolbox_export_imports_and_changes_the_map(engine, survey_round, fmt):
    rows = kobo_rows(KOBO_SUBS)
    data, name = {
        "xlsx": (as_xlsx(rows), "kobo.xlsx"),
        "xlsx-typed": (as_xlsx(rows, typed=True), "kobo.xlsx"),  # dates and _id as Excel cells
        "csv;": (as_csv(rows, sep=";"), "kobo.csv"),
    }[fmt]  # Kobo's CSV uses ';'
    before = _gaps(engine, ["hrm"])
    plan = plan_survey_import(engine, ROUND, data, name)
    assert plan.ok, [str(i) for i in plan.issues]
    assert "_uuid" in plan.ignored_columns and "_submission_time" in plan.ignored_columns
    commit_survey_import(engine, plan, author="alice")
    grid = store.round_grid(engine, ROUND).set_index(["cluster_id", "indicator_id"])
    assert (
        grid.at[("fisheries", "hrm_local_supervisory"), "status"] == "absent"
    )  # k4 (not approved) is not counted
    assert grid.at[("fisheries", "hrm_local_supervisory"), "note"].startswith(
        "Field survey: 2 of 3 respondent(s) (67%) said absent"
    )
    # Thatta (fisheries, jute): supervisory partial -> absent and the labour pool newly absent; managerial and skills stay partial.
    assert (before.at["Thatta", "gap"], _gaps(engine, ["hrm"]).at["Thatta", "gap"]) == (0.5, 0.75)
    stored = survey_submissions(engine, ROUND).set_index("submission_id")
    assert (
        stored.at["k2", "district"] == "Thatta" and stored.at["k1", "submitted_at"] == "2027-03-02T04:21:00"
    )
    assert not stored.at["k4", "counted"] and stored.at["k1", "survey_date"] == "2027-03-02"


def test_bad_cells_are_named_by_line_and_column_and_nothing_is_written(engine, survey_round):
    subs = [dict(x, answers=dict(x["answers"])) for x in KOBO_SUBS]
    subs[1]["answers"]["hrm_labour_pool"] = "yes"
    subs[2]["cluster"] = "fishery"
    subs[3]["group"] = "donors"
    subs[3]["date"] = "02/03/2027"
    rows = kobo_rows(subs)
    rows.insert(2, [""] * len(rows[0]))  # a blank sheet row: line numbers stay the sheet's
    plan = plan_survey_import(engine, ROUND, as_xlsx(rows), "kobo.xlsx")
    assert [(i.row, i.column, i.value) for i in plan.issues] == [
        (4, "hrm/hrm_labour_pool", "yes"),
        (5, "cluster", "fishery"),
        (6, "stakeholder_group", "donors"),
        (6, "survey_date", "02/03/2027"),
    ]
    assert (
        str(plan.issues[0])
        == "kobo.xlsx, line 4, column 'hrm/hrm_labour_pool': 'yes' is not an answer to this question — use one of: present, partial, absent, dont_know"
    )
    with pytest.raises(store.ValidationError):
        commit_survey_import(engine, plan, author="alice")
    assert _count(engine, s.survey_submissions) == 0 and store.round_grid(engine, ROUND)["version"].max() == 0


def test_an_overlong_or_formula_id_is_refused_and_enumerator_text_is_exported_safely(engine, survey_round):
    long = [dict(ODK_SUBS[0], id="x" * 201)]
    issue = plan_survey_import(engine, ROUND, as_csv(odk_rows(long)), "odk.csv").issues[0]
    assert (issue.row, issue.column, issue.message) == (2, "KEY", "the submission id is 201 characters long")
    commit_survey_import(
        engine,
        plan_survey_import(
            engine,
            ROUND,
            as_csv(odk_rows([dict(ODK_SUBS[0], enumerator='=HYPERLINK("http://x")')])),
            "odk.csv",
        ),
        author="alice",
    )
    back = pd.read_csv(io.BytesIO(export_submissions(engine, ROUND)[1]), dtype=str, keep_default_na=False)
    assert back.at[0, "enumerator"] == '\'=HYPERLINK("http://x")'


def test_whole_file_problems(engine, survey_round):
    no_id = [[c for c in r] for r in odk_rows(ODK_SUBS[:1])]
    for col in ("meta-instanceID", "KEY"):
        i = no_id[0].index(col)
        for r in no_id:
            del r[i]
    plan = plan_survey_import(engine, ROUND, as_csv(no_id), "odk.csv")
    assert (
        len(plan.issues) == 1
        and plan.issues[0].row == 1
        and "a submission id ('KEY', 'meta/instanceID', 'meta-instanceID' or '_uuid')"
        in plan.issues[0].message
    )
    labels = plan_survey_import(
        engine,
        ROUND,
        as_csv([["Cluster", "Modern production equipment in common use"], ["Rice", "Absent"]]),
        "labels.csv",
    )
    assert "XML values and headers" in labels.issues[0].hint
    assert (
        plan_survey_import(engine, ROUND, b"x", "subs.json").issues[0].message == "is neither .csv nor .xlsx"
    )
    assert (
        plan_survey_import(engine, "desk-2026", as_csv(odk_rows(ODK_SUBS)), "odk.csv").issues[0].message
        == "round 'desk-2026' is a desk review round, not a survey"
    )
    dup = odk_rows(ODK_SUBS[:2])
    dup.append(dup[1])  # a1 again, on line 4
    issue = plan_survey_import(engine, ROUND, as_csv(dup), "odk.csv").issues[0]
    assert (issue.row, issue.column, issue.message) == (4, "KEY", "submission 'a1' is already on line 2")


def test_a_resubmitted_answer_replaces_the_old_one_which_is_kept(engine, survey_round):
    commit_survey_import(
        engine, plan_survey_import(engine, ROUND, as_csv(odk_rows(ODK_SUBS)), "odk.csv"), author="alice"
    )
    edited = [dict(x, answers=dict(x["answers"])) for x in ODK_SUBS]
    edited[3]["answers"]["tech_equipment"] = (
        "absent"  # a4 edited in ODK Central (KEY stays, the instanceID is new): now 4 of 4 say absent
    )
    edited[3]["instance"] = "a4-edit-1"
    plan = plan_survey_import(engine, ROUND, as_csv(odk_rows(edited)), "odk-2.csv")
    assert plan.summary().startswith("6 submission(s): 0 new, 1 changed, 5 already imported")
    result = commit_survey_import(engine, plan, author="bob")
    assert (result.submissions_added, result.submissions_replaced, result.updated) == (1, 1, 1)
    grid = store.round_grid(engine, ROUND).set_index(["cluster_id", "indicator_id"])
    assert grid.at[("rice", "tech_equipment"), "note"].startswith(
        "Field survey: 4 of 4 respondent(s) (100%) said absent"
    )
    everything = survey_submissions(engine, ROUND, include_replaced=True)
    a4 = everything[everything["submission_id"] == "a4"]
    assert len(a4) == 2 and a4["replaced_at"].notna().sum() == 1


def test_a_repeated_instance_id_is_the_same_submission_whatever_its_key(engine, survey_round):
    # #24 item 25: the instanceID is a submission's identity in ODK and Kobo, whatever the KEY says.
    commit_survey_import(
        engine, plan_survey_import(engine, ROUND, as_csv(odk_rows(ODK_SUBS)), "odk.csv"), author="alice"
    )
    rekeyed = [dict(x, id=f"{x['id']}-other-key", instance=x["instance"]) for x in ODK_SUBS]
    plan = plan_survey_import(engine, ROUND, as_csv(odk_rows(rekeyed)), "odk-again.csv")
    assert plan.summary().startswith("6 submission(s): 0 new, 0 changed, 6 already imported")
    rekeyed[3] = dict(rekeyed[3], answers=dict(rekeyed[3]["answers"], tech_equipment="absent"))
    plan = plan_survey_import(engine, ROUND, as_csv(odk_rows(rekeyed)), "odk-edited.csv")
    assert plan.summary().startswith("6 submission(s): 0 new, 1 changed, 5 already imported")
    result = commit_survey_import(engine, plan, author="bob")
    assert (result.submissions_added, result.submissions_replaced) == (1, 1)
    assert len(survey_submissions(engine, ROUND)) == 6  # the old version replaced, not counted twice

    twice = [ODK_SUBS[0], dict(ODK_SUBS[1], instance=ODK_SUBS[0]["instance"])]
    issues = plan_survey_import(engine, ROUND, as_csv(odk_rows(twice)), "twice.csv").issues
    assert [(i.file, i.row, i.column) for i in issues] == [("twice.csv", 3, "meta-instanceID")]
    assert "already on line 2" in issues[0].message


def test_value_changed_after_the_preview_refuses_the_whole_import(engine, survey_round):
    plan = plan_survey_import(engine, ROUND, as_csv(odk_rows(ODK_SUBS)), "odk.csv")
    store.save_assessments(
        engine,
        ROUND,
        [store.Edit("rice", "tech_equipment", "partial", "icck_desk", "typed meanwhile")],
        author="carol",
    )
    with pytest.raises(store.ConflictError):
        commit_survey_import(engine, plan, author="alice")
    assert _count(engine, s.survey_submissions) == 0
    assert (
        store.round_grid(engine, ROUND)
        .set_index(["cluster_id", "indicator_id"])
        .at[("rice", "tech_processing"), "version"]
        == 0
    )


def test_schema_step_5_is_applied(engine):
    assert store.current_version(engine) >= 5
    assert {"survey_submissions", "survey_answers"} <= set(inspect(engine).get_table_names())


def test_an_edit_made_in_kobotoolbox_replaces_the_version_it_names(engine, survey_round):
    commit_survey_import(
        engine, plan_survey_import(engine, ROUND, as_xlsx(kobo_rows(KOBO_SUBS)), "kobo.xlsx"), author="alice"
    )
    # k3 edited in Enketo: a new instance id, meta/deprecatedID naming the old one; partial -> absent.
    edited = (
        KOBO_SUBS[:2]
        + [
            sub(
                "k3-v2",
                "fisheries",
                "government",
                {"hrm_local_supervisory": "absent"},
                district="Thatta",
                deprecated="k3",
            )
        ]
        + KOBO_SUBS[3:]
    )
    plan = plan_survey_import(engine, ROUND, as_xlsx(kobo_rows(edited)), "kobo-2.xlsx")
    assert plan.summary().startswith("4 submission(s): 0 new, 1 changed, 3 already imported")
    commit_survey_import(engine, plan, author="alice")
    assert sorted(survey_submissions(engine, ROUND)["submission_id"]) == ["k1", "k2", "k3-v2", "k4"]
    assert len(survey_submissions(engine, ROUND, include_replaced=True)) == 5  # the old k3 is kept
    note = (
        store.round_grid(engine, ROUND)
        .set_index(["cluster_id", "indicator_id"])
        .at[("fisheries", "hrm_local_supervisory"), "note"]
    )
    assert note.startswith("Field survey: 3 of 3 respondent(s) (100%) said absent")


def test_a_value_whose_only_submission_is_later_rejected_goes_back_to_not_assessed(engine, survey_round):
    one = [sub("r1", "mango", "industry", {"tech_equipment": "present"}, district="Mirpur Khas")]
    commit_survey_import(
        engine, plan_survey_import(engine, ROUND, as_csv(odk_rows(one)), "odk.csv"), author="alice"
    )
    rejected = [dict(one[0], review="rejected")]  # rejected in ODK Central after the first import
    plan = plan_survey_import(engine, ROUND, as_csv(odk_rows(rejected)), "odk-2.csv")
    assert plan.changes[["indicator_id", "old_status", "status"]].values.tolist() == [
        ["tech_equipment", "present", "not assessed"]
    ]
    commit_survey_import(engine, plan, author="alice")
    row = (
        store.round_grid(engine, ROUND)
        .set_index(["cluster_id", "indicator_id"])
        .loc[("mango", "tech_equipment")]
    )
    assert (row["status"], row["note"]) == (
        "not assessed",
        "Field survey: no counted submission answers this any more.",
    )


def test_csv_lines_are_the_lines_an_editor_shows_and_bad_headers_are_named(engine, survey_round):
    rows = odk_rows(ODK_SUBS[:3])
    i = rows[0].index("enumerator")
    rows[1][i] = "EN-01\nsecond line"  # a quoted line break: the next record starts on line 3 + 1
    data = (
        as_csv(rows[:2]) + b"\n" + as_csv(rows[2:]).replace(b",absent,", b",gone,", 1)
    )  # a blank line before line 5
    issues = plan_survey_import(engine, ROUND, data, "odk.csv").issues
    # Lines as an editor shows them, as every upload reports them (the one reader, issue 25).
    assert [(x.row, x.column, x.value) for x in issues] == [(5, "technology-tech_equipment", "gone")]
    dup = odk_rows(ODK_SUBS[:1])
    dup[0][1] = "cluster"  # 'intro' renamed: two 'cluster' columns
    issue = plan_survey_import(engine, ROUND, as_csv(dup), "odk.csv").issues[0]
    assert (issue.row, issue.message) == (1, "column(s) 'cluster' appear more than once in the header")
    ragged = as_csv(odk_rows(ODK_SUBS[:1])).rstrip(b"\n") + b",extra\n"
    issue = plan_survey_import(engine, ROUND, ragged, "odk.csv").issues[0]
    assert issue.row == 2 and "values but the header (line 1) has" in issue.message
    assert (
        "is not UTF-8 text"
        in plan_survey_import(engine, ROUND, "cluster\nrice\xe9".encode("latin-1"), "odk.csv")
        .issues[0]
        .message
    )
