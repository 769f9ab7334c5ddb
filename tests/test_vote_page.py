"""The phone's vote page (AppTest): unknown link, group once, vote and change, closed item, forged pass, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cluster_model import store
from cluster_model.store import dialogue as dl
from cluster_model.store import votes as vt

REPO = Path(__file__).resolve().parent.parent
ROUND = "dlg-phone"


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/vote.db"
    monkeypatch.setenv("ATLAS_DB_URL", url)
    engine = store.open_store(url)
    dl.create_dialogue(
        engine,
        round_id=ROUND,
        name="Phone test",
        date="2027-01-01",
        venue="MUET",
        facilitator="F",
        agenda="mango:T,rice:H",
        author="seed",
    )
    yield engine
    engine.dispose()


def _app(**params) -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / "vote.py"), default_timeout=60)
    at.query_params.update(params)
    return at


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_unknown_dialogue_says_what_to_do(db):
    at = _app(r="no-such-dialogue")
    at.run()
    assert not at.exception
    assert "not for a dialogue on this computer" in at.error[0].value
    assert not [b for b in at.button if b.label.endswith("Present")]


def test_pick_group_once_vote_change_and_closed_item(db):
    at = _app(r=ROUND)
    at.run()
    token = at.query_params["t"]
    assert vt.check_pass(db, token)  # a signed pass was issued and kept in the address
    assert [b.label for b in at.button if b.key.startswith("vote_group_")] == [
        "Industry",
        "Government",
        "Community",
        "Academia",
    ]
    at.button(key="vote_group_community").click().run()
    assert at.query_params["g"] == "community"
    assert "Mango — Technology" in _markdown(at) and "Modern production equipment in common use" in _markdown(
        at
    )

    at.text_input(key="vote_comment_mango_technology").input("<script>alert(1)</script> no lab")
    at.button(key="vote_absent").click().run()
    assert any("Counted: Absent" in s.value for s in at.success)
    at.button(key="vote_partial").click().run()
    t = vt.tally(db, ROUND, "mango", "technology")
    assert t.n == 1 and t.counts["community"]["partial"] == 1
    assert "Your vote: ◐ Partial" in _markdown(at)

    vt.close_item(db, ROUND, "mango", "technology", author="F")
    at.button(key="vote_present").click().run()  # a tap on a page drawn before the close
    assert any("closed" in e.value for e in at.error)
    assert vt.tally(db, ROUND, "mango", "technology").counts["community"]["partial"] == 1
    assert any("Voting on this item is closed" in i.value for i in at.info)
    assert not [b for b in at.button if b.label.endswith("Present")]


def test_forged_pass_is_refused_and_a_new_one_can_be_had(db):
    at = _app(r=ROUND, g="industry", t="forged.token.value")
    at.run()
    assert "not valid" in at.error[0].value
    assert not [b for b in at.button if b.label.endswith("Present")]
    at.button(key="vote_new_pass").click().run()
    assert vt.check_pass(db, at.query_params["t"])


def test_comment_longer_than_the_limit_is_refused(db):
    at = _app(r=ROUND, g="industry")
    at.run()
    # The box itself stops typing at the limit; a client sending more is refused by the store.
    with pytest.raises(vt.VoteRefused, match="longer than"):
        vt.cast_vote(
            db,
            ROUND,
            "mango",
            "technology",
            token=at.query_params["t"],
            group="industry",
            choice="present",
            comment="x" * 500,
        )
    assert at.text_input(key="vote_comment_mango_technology").max_chars == 200


def test_the_phone_has_its_own_language_switch_kept_in_its_address(db):
    """No sidebar on a phone: one row of the three languages, each named in itself."""
    at = _app(r=ROUND, g="community")
    at.run()
    assert at.radio(key="phone_lang").options == ["English", "اردو", "سنڌي"]
    at.radio(key="phone_lang").set_value("سنڌي").run()
    assert not at.exception
    assert at.query_params["lang"] == "sd" and at.query_params["g"] == "community" and at.query_params["t"]
    text = _markdown(at)
    assert "انب — ٽيڪنالاجي" in text  # Mango — Technology, from data/names.csv and the catalogue
    assert "ڇا هي ڪلسٽر ۾ موجود آهي؟" in text
    assert [b.label for b in at.button if b.key == "vote_present"] == ["● موجود"]
    at.button(key="vote_absent").click().run()
    assert "ڳڻيو ويو" in at.success[0].value
    at.radio(key="phone_lang").set_value("English").run()
    assert "lang" not in at.query_params and "Mango — Technology" in _markdown(at)


def test_on_a_gap_matrix_item_the_phone_has_nothing_to_vote_on(db):
    from cluster_model import workshop as ws

    dl.set_agenda(db, ROUND, "*clusters:TSHI,mango:T", author="F")
    at = _app(r=ROUND, g="industry")
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == [ws.NOTHING_TO_VOTE]
    assert not [b for b in at.button if b.label.endswith("Present")]
