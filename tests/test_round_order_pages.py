"""(#24 item 22) Two rounds on the same date (the New round form defaults to today): the Atlas for
the survey round compares with the round before it in the one order of rounds (date, then when
opened), never with the round opened after it, and the user can pick another round to compare with."""

from __future__ import annotations

import pytest
from test_pages import run_app

from cluster_model import publishing, store

DESK = "Change since Desk review of the 2019 sources"


@pytest.fixture
def same_date_rounds(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/same-date.db"
    monkeypatch.setenv("ATLAS_DB_URL", url)
    engine = store.open_store(url)
    store.create_round(
        engine, round_id="survey-2027", name="Field survey 2027", date="2027-03-01", kind="survey", author="t"
    )
    store.save_assessments(
        engine,
        "survey-2027",
        [
            store.Edit("red_chili", "tech_equipment", "absent", "icck_desk", "seen in survey"),  # Umerkot
            store.Edit(
                "coal", "hrm_local_supervisory", "absent", "icck_desk", "seen in survey"
            ),  # Tharparkar
        ],
        author="t",
    )
    # Opened after the survey on the same date; its id sorts before the survey's.
    store.create_round(
        engine, round_id="linkage-2027", name="Linkage review", date="2027-03-01", kind="survey", author="t"
    )
    for round_id in ("survey-2027", "linkage-2027"):  # visitors see published rounds only (issue 26)
        publishing.submit(engine, round_id, "t")
        publishing.publish(engine, round_id, "reviewer")
    yield engine
    engine.dispose()


def _ranking(at):
    return at.dataframe[-1].value.set_index("District")


def test_the_survey_round_compares_with_the_round_before_it_not_the_one_opened_after(same_date_rounds):
    at = run_app(round="survey-2027")
    ranking = _ranking(at)
    assert DESK in ranking.columns and "Change since Linkage review" not in ranking.columns
    # Not assessed before, assessed now: newly assessed, never an improvement or a rise from zero.
    assert ranking.at["Umerkot", DESK] == "newly assessed"
    assert ranking.at["Tharparkar", DESK].startswith("gap up ")
    # The round opened later shows its own values carried forward, the survey's included.
    later = _ranking(run_app(round="linkage-2027"))
    assert later.at["Tharparkar", "Change since Field survey 2027"] == "no change"


def test_the_user_picks_the_round_to_compare_with(same_date_rounds):
    at = run_app(round="linkage-2027")
    picker = at.sidebar.selectbox(key="w_compare_round_linkage-2027")
    assert picker.value == "survey-2027"  # the previous round by default
    picker.set_value("desk-2026").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _ranking(at).at["Umerkot", DESK] == "newly assessed"
