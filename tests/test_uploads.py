"""ui/uploads.py (AppTest): an uploaded file is planned once per content, its problems shown as plain
text by file, line and column with nothing written, else previewed and applied, then forgotten; and
the Data and Linkage pages' imports that use it (the survey import: tests/test_survey_pages.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from signin_support import SURVEY_ROUND, page_app, page_store_with_survey_round, sign_in
from streamlit.testing.v1 import AppTest

from cluster_model import linkages as L
from cluster_model import store
from cluster_model.store import linkages as sl


def _import_page():
    from dataclasses import dataclass, field

    import streamlit as st

    from cluster_model.issues import DataIssue
    from ui import uploads

    @dataclass
    class Plan:
        rows: list
        issues: list = field(default_factory=list)

    calls = st.session_state.setdefault("calls", {"planned": [], "written": []})

    def plan(data: bytes, name: str) -> Plan:
        calls["planned"].append(name)
        rows = data.decode().splitlines()
        bad = [
            DataIssue(
                name,
                f"status '{r}' is not allowed",
                "use present, partial or absent",
                row=n,
                column="status",
                value=r,
            )
            for n, r in enumerate(rows, start=2)
            if r.startswith("bad")
        ]
        return Plan(rows, bad)

    def preview(p: Plan) -> bool:
        st.text("Would import: " + ", ".join(p.rows))
        return bool(p.rows)

    def apply(p: Plan) -> str | None:
        if "refused" in p.rows:
            st.error("Refused by the store: nothing was saved.")
            return None
        calls["written"].append(list(p.rows))
        return f"Imported {len(p.rows)} row(s)."

    uploads.import_upload(
        st.file_uploader("Import", key="up"),
        key="test_plan",
        plan=plan,
        preview=preview,
        apply_label="Apply import",
        apply_key="apply",
        apply=apply,
    )


def _app() -> AppTest:
    at = AppTest.from_function(_import_page, default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="up").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _apply(at: AppTest):
    return next((b for b in at.button if b.key == "apply"), None)


def test_same_bytes_plan_once_other_bytes_plan_again():
    at = _upload(_app(), "a.csv", b"present\nabsent")
    assert at.session_state["calls"]["planned"] == ["a.csv"]
    assert "Would import: present, absent" in [t.value for t in at.text]
    at.run()  # a rerun (any click on the page) does not plan the file again
    _upload(at, "same-bytes-other-name.csv", b"present\nabsent")
    assert at.session_state["calls"]["planned"] == ["a.csv"]
    _upload(at, "b.csv", b"partial")
    assert at.session_state["calls"]["planned"] == ["a.csv", "b.csv"]
    assert "Would import: partial" in [t.value for t in at.text]


def test_apply_writes_once_then_the_plan_is_forgotten():
    at = _upload(_app(), "a.csv", b"present\nabsent")
    _apply(at).click()
    at.run()
    assert at.session_state["calls"]["written"] == [["present", "absent"]]
    assert [s.value for s in at.success] == ["Imported 2 row(s)."]
    at.run()  # the store changed: the same file is checked against it again
    assert at.session_state["calls"]["planned"] == ["a.csv", "a.csv"]


def test_a_refused_write_keeps_the_plan_and_says_why():
    at = _upload(_app(), "r.csv", b"refused")
    _apply(at).click()
    at.run()
    assert at.session_state["calls"]["written"] == [] and not at.success
    assert [e.value for e in at.error] == ["Refused by the store: nothing was saved."]
    at.run()
    assert at.session_state["calls"]["planned"] == ["r.csv"]


def test_nothing_to_apply_disables_the_button():
    at = _upload(_app(), "empty.csv", b"")
    assert _apply(at).disabled


def test_a_bad_file_shows_its_problems_as_plain_text_and_writes_nothing():
    value = "bad <b>**x**</b> [link](http://example.org)"
    at = _upload(_app(), "bad.csv", f"present\n{value}".encode())
    assert [e.value for e in at.error] == ["1 problem(s): nothing was saved. Fix them and try again."]
    problems = at.dataframe[0].value
    assert list(problems.columns) == ["File", "Line", "Column", "Value", "Problem", "What to do"]
    assert problems.iloc[0].tolist() == [
        "bad.csv",
        3,
        "status",
        value,  # as the file has it, in a table cell: never read as markup
        f"status '{value}' is not allowed",
        "use present, partial or absent",
    ]
    assert _apply(at) is None and not at.text  # no preview, nothing to apply
    assert not any("<b>" in m.value for m in at.markdown)
    assert at.session_state["calls"]["written"] == []


# ---------------------------------------------------------------- the pages that use it


ROUND = SURVEY_ROUND
ASSESSMENTS = "round_id,cluster_id,indicator_id,status,source_id,note\n"


@pytest.fixture
def db(tmp_path, monkeypatch):
    engine = page_store_with_survey_round(tmp_path, monkeypatch, "uploads")
    yield engine
    engine.dispose()


def _signed_in(page: str, **query) -> AppTest:
    at = page_app(page, timeout=120, **query)
    at.run()
    sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _problems(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Problem" in d.value.columns)


def test_data_page_import_names_the_bad_row_then_commits_the_fixed_file(db):
    at = _signed_in("data")
    bad = ASSESSMENTS + ",mango,tech_rnd_link,present,icck_desk,\n,ricee,tech_equipment,absent,icck_desk,\n"
    at.file_uploader(key="data_upload").set_value(("bad.csv", bad.encode(), "text/csv"))
    at.run()
    assert any("1 problem(s): nothing was saved" in e.value for e in at.error)
    assert _problems(at).iloc[0][["File", "Line", "Value"]].tolist() == ["bad.csv", 3, "ricee"]
    assert not any(b.label == "Commit import" for b in at.button)
    assert store.round_grid(db, ROUND)["version"].max() == 0  # nothing written

    good = bad.replace("ricee", "rice")
    at.file_uploader(key="data_upload").set_value(("good.csv", good.encode(), "text/csv"))
    at.run()
    assert any("2 new" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Commit import").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Imported: 2 new, 0 changed, 0 unchanged." in [s.value for s in at.success]
    grid = store.round_grid(db, ROUND).set_index(["cluster_id", "indicator_id"])
    assert grid.loc[("rice", "tech_equipment"), "status"] == "absent"


def test_linkage_page_import_names_the_bad_row_then_commits_the_fixed_file(db):
    # Signed in from the first run: the survey round is a draft, which a signed-out first run does not offer (#26).
    at = page_app("linkages", timeout=120, signed_in="alice", round=ROUND)
    at.run()
    header = ",".join(L.LINK_COLUMNS)
    bad = f"{header}\n{ROUND},muet,red_chili,,research,active,dialogue2019,\n{ROUND},muet,red_chili,,researh,weak,dialogue2019,\n"
    at.file_uploader(key="lm_upload").set_value(("links.csv", bad.encode(), "text/csv"))
    at.run()
    assert any("1 problem(s): nothing was saved" in e.value for e in at.error)
    assert _problems(at).iloc[0][["File", "Line", "Column"]].tolist() == ["links.csv", 3, "link_type"]
    assert not any(b.key == "lm_commit" for b in at.button)
    links_before = len(sl.export_linkages(db, ROUND)["links"])

    good = bad.replace("researh", "finance")
    at.file_uploader(key="lm_upload").set_value(("links.csv", good.encode(), "text/csv"))
    at.run()
    assert any("2 new link" in i.value for i in at.info)
    next(b for b in at.button if b.key == "lm_commit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Imported: 0 institution(s), 2 new link(s), 0 changed." in s.value for s in at.success)
    assert len(sl.export_linkages(db, ROUND)["links"]) == links_before + 2


def test_after_a_write_the_old_preview_and_its_button_are_gone():
    """(#24 item 26) the success message stands alone: the preview it replaced ("2 new") and its
    apply button must not stay above it, for every import that uses this flow."""
    at = _upload(_app(), "a.csv", b"present\nabsent")
    _apply(at).click()
    at.run()
    assert [s.value for s in at.success] == ["Imported 2 row(s)."]
    assert not any(t.value.startswith("Would import") for t in at.text)
    assert _apply(at) is None
