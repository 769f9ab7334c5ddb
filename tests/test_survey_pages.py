"""The Data page's survey import (AppTest): an ODK Central CSV and a KoboToolbox XLSX go into a survey
round and change the map's district scores; the cluster profile and the district panel say how many
respondents gave each value and how much they agreed."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from pyxform.xls2xform import convert
from signin_support import SURVEY_ROUND, as_signed_in, page_app, page_store_with_survey_round, sign_in
from streamlit.testing.v1 import AppTest
from support import record_deferred_downloads

from cluster_model import store
from cluster_model.markup import md
from cluster_model.scoring import assessment_matrix, district_gaps
from tests.survey_files import as_csv, as_xlsx, kobo_rows, odk_rows, sub

REPO = Path(__file__).resolve().parent.parent
ROUND = SURVEY_ROUND

ODK = [
    sub("a1", "rice", "industry", {"tech_equipment": "absent", "tech_processing": "present"}),
    sub("a2", "rice", "government", {"tech_equipment": "absent", "tech_processing": "present"}),
    sub("a3", "rice", "community", {"tech_equipment": "absent", "tech_processing": "dont_know"}),
    sub("a4", "rice", "academia", {"tech_equipment": "present", "tech_processing": "dont_know"}),
]
KOBO = [
    sub("k1", "fisheries", "community", {"hrm_local_supervisory": "absent"}, district="Thatta"),
    sub("k2", "fisheries", "industry", {"hrm_local_supervisory": "absent"}, district="Thatta"),
    sub("k3", "fisheries", "government", {"hrm_local_supervisory": "partial"}, district="Thatta"),
]


@pytest.fixture
def db(tmp_path, monkeypatch):
    engine = page_store_with_survey_round(tmp_path, monkeypatch, "survey-page")
    return engine


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _data_page() -> AppTest:
    at = page_app("data", timeout=60)
    _ok(at.run())
    return _ok(sign_in(at))


def _import(at: AppTest, name: str, data: bytes, mime: str) -> str:
    at.file_uploader(key="survey_upload").set_value((name, data, mime))
    _ok(at.run())
    preview = " ".join(i.value for i in at.info)
    next(b for b in at.button if b.label == "Commit survey import").click()
    _ok(at.run())
    assert not at.error, [e.value for e in at.error]
    # (#24 item 26) the committed preview and its button do not stay above the success message
    assert not any(b.label == "Commit survey import" for b in at.button)
    assert not any(" new" in i.value for i in at.info)
    return preview + " | " + " ".join(s.value for s in at.success)


def _ranking(at: AppTest) -> pd.DataFrame:
    return at.dataframe[-1].value.set_index("District")


def test_odk_and_kobo_files_import_on_the_data_page_and_change_the_map(db, monkeypatch, tmp_path):
    import cluster_model.survey as survey
    from outputs import tables

    offered: list[bytes] = []
    real = tables.build_xlsform
    monkeypatch.setattr(
        tables, "build_xlsform", lambda ds: offered.append(real(ds)) or offered[-1]
    )  # the bytes the form button offers

    atlas = _ok(AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run())
    before = _ranking(atlas)
    assert before.at["Larkana", "Gap"] == "not assessed"

    downloads = record_deferred_downloads(monkeypatch)
    at = _data_page()
    assert at.selectbox(key="data_round").value == ROUND
    assert any(d.label == "Survey form (XLSForm)" for d in at.get("download_button"))
    assert offered == []  # built when the button is clicked, not on every run of the page
    downloads[survey.FORM_FILE]()  # the click
    (tmp_path / "form.xlsx").write_bytes(offered[-1])  # the form as an editor downloads it converts cleanly
    warnings: list[str] = []
    assert (
        "sindh_cluster_survey" in convert(xlsform=str(tmp_path / "form.xlsx"), warnings=warnings).xform
        and warnings == []
    )
    odk = _import(at, "odk-central.csv", as_csv(odk_rows(ODK)), "text/csv")
    assert "4 submission(s): 4 new" in odk and "Imported 4 submission(s)" in odk and "2 value(s) new" in odk
    kobo = _import(
        at,
        "kobo.xlsx",
        as_xlsx(kobo_rows(KOBO)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert "3 submission(s): 3 new" in kobo and "1 value(s) new" in kobo
    assert any("This round holds 7 submission(s), 7 of them counted." in c.value for c in at.caption)
    # Each value links to the submissions behind it.
    at.selectbox(key="survey_value").set_value(("rice", "tech_equipment"))
    _ok(at.run())
    behind = next(df.value for df in at.dataframe if "answer" in df.value.columns)
    assert sorted(zip(behind["submission_id"], behind["stakeholder_group"], behind["answer"])) == [
        ("a1", "industry", "absent"),
        ("a2", "government", "absent"),
        ("a3", "community", "absent"),
        ("a4", "academia", "present"),
    ]
    assert any(d.label == "Export submissions (CSV)" for d in at.get("download_button"))

    # The map's data: the Atlas ranks districts by the new values (what the store now says; the
    # editor sees the draft round).
    atlas = _ok(as_signed_in(AppTest.from_file(str(REPO / "app.py"), default_timeout=120)).run())
    assert atlas.sidebar.selectbox(key="w_round").value == ROUND
    after = _ranking(atlas)
    ds = store.load_dataset(db)
    expected = district_gaps(
        assessment_matrix(ds, ROUND), ds.sites, ds.rules, ["technology", "support", "hrm", "incentive"]
    ).set_index("district")["gap"]
    figure = lambda table, d: table.at[d, "Gap"].split(" ")[
        0
    ]  # the ranking adds "(low coverage)" where it applies
    assert (
        figure(after, "Larkana") == f"{expected['Larkana']:.2f}" == "0.50"
    )  # absent and present: was not assessed
    assert figure(after, "Thatta") == f"{expected['Thatta']:.2f}" != figure(before, "Thatta")

    # The district panel says how many respondents and how much they agreed.
    atlas.selectbox(key="w_district").set_value("Larkana")
    _ok(atlas.run())
    panel = "\n".join(
        m.value for m in atlas.markdown
    )  # the evidence list (issue #10 item 5), notes escaped as text
    assert (
        md("Field survey: 3 of 4 respondent(s) (75%) said absent (present 1, partial 0, absent 3).") in panel
    )

    # So does the cluster profile.
    atlas.query_params["cluster"] = "fisheries"
    atlas.switch_page("pages/clusters.py")
    _ok(atlas.run())
    atlas.selectbox(key="w_cluster").set_value("fisheries")
    _ok(atlas.run())
    profile = "\n".join(m.value for m in atlas.markdown)  # the checklist by pillar, as an evidence list
    assert (
        md("Field survey: 2 of 3 respondent(s) (67%) said absent (present 0, partial 1, absent 2).")
        in profile
    )
    assert md("Field survey 'Cluster survey 2027' (7 submission(s), ODK Collect / KoboToolbox)") in profile


def test_bad_submissions_file_lists_every_problem_and_stores_nothing(db):
    at = _data_page()
    bad = [dict(x, answers=dict(x["answers"])) for x in ODK]
    bad[2]["answers"]["tech_equipment"] = "mostly"
    at.file_uploader(key="survey_upload").set_value(("odk.csv", as_csv(odk_rows(bad)), "text/csv"))
    _ok(at.run())
    assert any("nothing was saved" in e.value for e in at.error)
    problems = next(df.value for df in at.dataframe if "Problem" in df.value.columns)
    assert problems.iloc[0][["Line", "Column", "Value"]].tolist() == [
        4,
        "technology-tech_equipment",
        "mostly",
    ]
    assert not any(b.label == "Commit survey import" for b in at.button)
    assert store.round_grid(db, ROUND)["version"].max() == 0


def test_survey_import_needs_a_survey_round(db):
    at = _data_page()
    at.selectbox(key="data_round").set_value("desk-2026")
    _ok(at.run())
    assert not at.get("file_uploader") or all(u.key != "survey_upload" for u in at.file_uploader)
    assert any("round of kind *survey*" in i.value for i in at.info)
    assert os.environ["ATLAS_DB_URL"].endswith("survey-page.db")


def test_a_tie_and_all_dont_know_are_shown_with_why_not_as_a_bare_not_assessed(db):
    """(#24 item 24) the preview, "Submissions behind a value", the cluster profile and the district
    panel say why a surveyed value stays not assessed."""
    split = ["present", "present", "absent", "absent"]
    rows = [
        sub(f"t{n}", "rice", group, {"tech_equipment": answer, "tech_processing": "dont_know"})
        for n, (group, answer) in enumerate(zip(["industry", "government", "community", "academia"], split))
    ]
    tie = "not assessed: 2–2 tie among 4 respondents"
    unsure = "not assessed: 4 respondents, all don't know"
    at = _data_page()
    at.file_uploader(key="survey_upload").set_value(("ties.csv", as_csv(odk_rows(rows)), "text/csv"))
    _ok(at.run())
    left = next(
        df.value for df in at.dataframe if "Note" in df.value.columns and "Change" not in df.value.columns
    )
    assert sorted(zip(left["Indicator"], left["Note"])) == [
        ("Modern production equipment in common use", tie),
        ("Value-addition or processing capacity", unsure),
    ]
    next(b for b in at.button if b.label == "Commit survey import").click()
    _ok(at.run())
    at.selectbox(key="survey_value").set_value(("rice", "tech_equipment"))
    _ok(at.run())
    assert tie in [c.value for c in at.caption]
    behind = next(df.value for df in at.dataframe if "answer" in df.value.columns)
    assert sorted(behind["answer"]) == ["absent", "absent", "present", "present"]

    # The survey round stores no value (nothing was settled): the Atlas opens on it when asked.
    atlas = as_signed_in(AppTest.from_file(str(REPO / "app.py"), default_timeout=120))  # drafts shown
    atlas.query_params["round"] = ROUND
    _ok(atlas.run())
    atlas.selectbox(key="w_district").set_value("Larkana")
    _ok(atlas.run())
    panel = "\n".join(m.value for m in atlas.markdown)
    assert md(tie) in panel and md(unsure) in panel
    atlas.query_params["cluster"] = "rice"
    atlas.switch_page("pages/clusters.py")
    _ok(atlas.run())
    atlas.selectbox(key="w_cluster").set_value("rice")
    _ok(atlas.run())
    profile = "\n".join(m.value for m in atlas.markdown)
    assert md(tie) in profile
