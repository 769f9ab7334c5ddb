"""Votes from phones in the store (SQLite and PostgreSQL): passes, one vote per device, closing, accepting, abuse."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from itsdangerous import URLSafeTimedSerializer
from store_support import backend, engine, store_env

from cluster_model import voting as v
from cluster_model import workshop as ws
from cluster_model.store import dialogue as dl
from cluster_model.store import votes as vt
from cluster_model.store.migrations import current_version

ROUND = "dlg-votes"


@pytest.fixture
def session(engine):
    dl.create_dialogue(
        engine,
        round_id=ROUND,
        name="Vote test",
        date="2027-02-01",
        venue="MUET",
        facilitator="F",
        agenda="mango:TS,rice:H",
        author="seed",
    )
    return engine


def _vote(engine, token, group="industry", choice="present", item=("mango", "technology"), **kw):
    return vt.cast_vote(engine, ROUND, *item, token=token, group=group, choice=choice, **kw)


def test_schema_step_4_and_a_secret_per_store(engine):
    assert current_version(engine) >= 4
    token = vt.issue_pass(engine)
    assert vt.check_pass(engine, token)


def test_group_rating_is_the_majority_and_a_tie_goes_to_partial():
    assert v.group_rating({"present": 3, "absent": 1}) == "present"
    assert v.group_rating({"present": 2, "absent": 2}) == "partial"
    assert v.group_rating({"absent": 2, "partial": 2}) == "partial"
    assert v.group_rating({"dont_know": 5}) is None
    assert v.group_rating({}) is None
    assert v.split_text({"present": 1, "dont_know": 2}) == "1 present · 0 partial · 0 absent · 2 don't know"


def test_one_vote_per_device_changeable_every_raw_vote_kept(session):
    a, b = vt.issue_pass(session), vt.issue_pass(session)
    _vote(session, a, choice="present")
    _vote(session, a, choice="absent", comment="changed my mind")
    _vote(session, b, group="community", choice="dont_know")
    t = vt.tally(session, ROUND, "mango", "technology")
    assert t.n == 2
    assert t.counts["industry"] == {"present": 0, "partial": 0, "absent": 1, "dont_know": 0}
    assert t.counts["community"]["dont_know"] == 1
    assert t.comments == [("industry", "changed my mind")]
    assert len(vt.raw_votes(session, ROUND)) == 3
    assert vt.my_vote(session, ROUND, "mango", "technology", vt.check_pass(session, a))["choice"] == "absent"
    # another item is counted apart
    assert vt.tally(session, ROUND, "mango", "support").n == 0


def test_forged_and_expired_passes_are_refused(session):
    good = vt.issue_pass(session)
    forged = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    with pytest.raises(vt.VoteRefused, match="not valid"):
        _vote(session, forged)
    other_secret = URLSafeTimedSerializer("another server's secret", salt="atlas-room-device-pass").dumps(
        "dev1"
    )
    with pytest.raises(vt.VoteRefused, match="not valid"):
        _vote(session, other_secret)
    with pytest.raises(vt.VoteRefused, match="expired"):
        time.sleep(1.1)
        vt.check_pass(session, good, max_age_s=0)
    assert vt.raw_votes(session, ROUND).empty


@pytest.mark.parametrize(
    "kw, words",
    [
        (dict(group="press"), "stakeholder group"),
        (dict(choice="maybe"), "not one of the choices"),
        (dict(comment="x" * (v.MAX_COMMENT_CHARS + 1)), "longer than"),
        (dict(item=("mango", "hrm")), "not on the dialogue's agenda"),
        (dict(item=("nonsense", "technology")), "not on the dialogue's agenda"),
    ],
)
def test_bad_votes_are_refused_with_a_clear_message(session, kw, words):
    with pytest.raises(vt.VoteRefused, match=words):
        _vote(session, vt.issue_pass(session), **kw)
    assert vt.raw_votes(session, ROUND).empty


def test_unknown_dialogue_is_refused(session):
    with pytest.raises(vt.VoteRefused, match="does not exist"):
        vt.cast_vote(
            session,
            "no-such-round",
            "mango",
            "technology",
            token=vt.issue_pass(session),
            group="industry",
            choice="present",
        )
    assert vt.current_item(session, "no-such-round") is None


def test_a_device_voting_faster_than_a_person_is_slowed_down(session):
    token = vt.issue_pass(session)
    t0 = datetime.now(UTC)
    for i in range(v.RATE_MAX_VOTES):
        _vote(session, token, choice=["present", "partial"][i % 2], now=t0 + timedelta(milliseconds=100 * i))
    with pytest.raises(vt.VoteRefused, match="Too many votes"):
        _vote(session, token, now=t0 + timedelta(seconds=1))
    _vote(
        session, token, choice="absent", now=t0 + timedelta(seconds=v.RATE_WINDOW_S + 1)
    )  # later, allowed again
    assert len(vt.raw_votes(session, ROUND)) == v.RATE_MAX_VOTES + 1


def test_closed_item_refuses_votes_and_accepting_keeps_n_per_group_and_split(session):
    tokens = [vt.issue_pass(session) for _ in range(7)]
    for tok, (g, c) in zip(
        tokens,
        [
            ("industry", "present"),
            ("industry", "present"),
            ("industry", "absent"),
            ("government", "partial"),
            ("community", "absent"),
            ("community", "present"),
            ("academia", "dont_know"),
        ],
    ):
        _vote(session, tok, group=g, choice=c)
    with pytest.raises(vt.VoteRefused, match="Close the voting"):
        vt.accept_tally(session, ROUND, "mango", "technology", author="F")
    vt.close_item(session, ROUND, "mango", "technology", author="F")
    with pytest.raises(vt.VoteRefused, match="closed"):
        _vote(session, tokens[0], choice="absent")
    result = vt.accept_tally(session, ROUND, "mango", "technology", author="F")
    assert result.n == 7
    acc = vt.accepted_tallies(session, ROUND).set_index("stakeholder_group")
    assert acc.loc["industry", ["n_present", "n_partial", "n_absent", "n_dont_know", "n"]].tolist() == [
        2,
        0,
        1,
        0,
        3,
    ]
    assert acc.loc["industry", "rating"] == "present"
    assert acc.loc["community", "rating"] == "partial"  # a 1–1 tie
    assert acc.loc["academia", "rating"] == ws.NOT_RATED
    rat = dl.ratings(session, ROUND).set_index("stakeholder_group")
    assert rat.loc["industry", "rating"] == "present" and rat.loc["government", "rating"] == "partial"
    assert "n=3" in rat.loc["industry", "author"]
    assert vt.n_voted(session, ROUND).iloc[0]["n_voted"] == 7
    assert len(vt.raw_votes(session, ROUND)) == 7  # the refused vote was not stored
    hist = dl.history(session, ROUND)
    assert {"close", "accept"} <= set(hist[hist["entity"] == "voting"]["action"])
    vt.reopen_item(session, ROUND, "mango", "technology", author="F")
    _vote(session, tokens[0], choice="absent")


def test_current_item_follows_the_facilitator(session):
    cur = vt.current_item(session, ROUND)
    assert (cur.item.cluster_id, cur.item.pillar, cur.position, cur.n_items, cur.state) == (
        "mango",
        "technology",
        0,
        3,
        "open",
    )
    dl.set_position(session, ROUND, 2, author="F")
    assert vt.current_item(session, ROUND).item.pillar == "hrm"


def test_eighty_phones_at_once_are_each_counted_exactly_once(session):
    tokens = [vt.issue_pass(session) for _ in range(80)]
    groups = v.GROUPS
    choices = list(v.CHOICES)

    def one(i):
        return _vote(session, tokens[i], group=groups[i % 4], choice=choices[(i // 4) % 4])

    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(one, range(80)))
    assert len(set(ids)) == 80
    t = vt.tally(session, ROUND, "mango", "technology")
    assert t.n == 80 and all(t.n_group(g) == 20 for g in groups)


def test_the_rooms_revision_moves_with_every_change_a_projector_must_redraw(session):
    """Issue 24 item 4: the projector redraws when the room's record changes (an accepted tally above all)."""
    seen = [dl.revision(session, ROUND)]
    _vote(session, vt.issue_pass(session))
    assert dl.revision(session, ROUND) == seen[-1]  # a vote is the live tally's own business
    vt.close_item(session, ROUND, "mango", "technology", author="F")
    seen.append(dl.revision(session, ROUND))
    vt.accept_tally(session, ROUND, "mango", "technology", author="F")
    seen.append(dl.revision(session, ROUND))
    dl.record_rating(session, ROUND, "rice", "hrm", "academia", "absent", author="F")
    seen.append(dl.revision(session, ROUND))
    dl.set_position(session, ROUND, 1, author="F")
    seen.append(dl.revision(session, ROUND))
    assert seen == sorted(set(seen)), seen  # each change a new, higher revision
    assert dl.revision(session, "no-such-round") == 0
