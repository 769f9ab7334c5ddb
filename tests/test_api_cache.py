"""The API's kept answers (web/api.py ``KeptAnswers``, issue #26 item 3's speed budget), on SQLite and
PostgreSQL: a repeated public request is answered without the store, and every guarantee still holds:
a draft never reaches a signed-out request (nor a kept public answer a signed-in one), a new edition
moves ``latest`` within the documented staleness, ETag/304, the rate limit. Time is a clock the test moves.
"""

from __future__ import annotations

import pytest
from api_support import ManualClock, pages_url
from starlette.applications import Starlette
from starlette.testclient import TestClient
from store_support import backend

from cluster_model import publishing, store
from cluster_model.auth import User
from cluster_model.store import signin
from cluster_model.store.testing import temp_store
from web.api import (
    COOKIE,
    KEPT_ANSWERS,
    STALE_SECONDS,
    KeptAnswers,
    Ready,
    api_routes,
    pages_data_key,
    pages_source,
)

E = "/api/v1/editions"
GAPS = f"{E}/latest/gaps?pillars=hrm"


class Counted:
    """``pages_source`` / ``pages_data_key``, counting the calls: how often a request reached the store."""

    def __init__(self, read):
        self.read, self.calls = read, 0

    def __call__(self):
        self.calls += 1
        return self.read()


@pytest.fixture
def api(backend, tmp_path, monkeypatch):
    """(client, engine, clock, sources read, data keys read) of the API, its limit off, on ``backend``."""
    with temp_store(backend, tmp_path) as (engine, url, schema):
        monkeypatch.setenv("ATLAS_DB_URL", pages_url(url, schema))
        clock, source, key = ManualClock(), Counted(pages_source), Counted(pages_data_key)
        routes = api_routes(source, None, data_key=key, clock=clock)
        with TestClient(Starlette(routes=routes)) as client:
            yield client, engine, clock, source, key


def _draft(engine, round_id="r-2027") -> str:
    """A draft round dated after the seed's with one value the seed does not have (Hyderabad assessed)."""
    store.create_round(
        engine, round_id=round_id, name="Round 2027", date="2027-01-10", kind="survey", author="ed"
    )
    store.save_assessments(
        engine, round_id, [store.Edit("automobile", "tech_equipment", "absent", "icck_desk")], author="ed"
    )
    return round_id


def _with_cookie(client, token: str, url: str):
    """GET ``url`` with the session cookie ``token`` (then signed out again)."""
    client.cookies.set(COOKIE, token)
    try:
        return client.get(url)
    finally:
        client.cookies.clear()


def _hyderabad(response) -> float | None:
    return {r["district"]: r for r in response.json()["gaps"]}["Hyderabad"]["gap"]


def test_a_repeated_public_request_is_answered_without_the_store(api):
    client, _, clock, source, key = api
    first = client.get(GAPS)
    assert first.status_code == 200 and source.calls == 1
    for _ in range(3):
        again = client.get(GAPS)
        assert again.content == first.content
        assert {
            k: again.headers[k] for k in ("etag", "cache-control", "vary", "access-control-allow-origin")
        } == {k: first.headers[k] for k in ("etag", "cache-control", "vary", "access-control-allow-origin")}
    assert source.calls == 1 and key.calls == 1  # the store's revision is read once within STALE_SECONDS
    clock.advance(STALE_SECONDS)
    assert client.get(GAPS).content == first.content and key.calls == 2 and source.calls == 1  # same data
    # Another query, another format: worked out once each, then kept too.
    csv = client.get(GAPS + "&format=csv")
    assert csv.headers["content-type"].startswith("text/csv") and source.calls == 2
    assert client.get(GAPS + "&format=csv").content == csv.content and source.calls == 2


def test_a_draft_never_reaches_a_signed_out_request_nor_a_kept_answer_an_editor(api):
    client, engine, _, source, _ = api
    draft = _draft(engine)
    editor = signin.create_session(engine, User("alice", "Alice"))
    # The editor reads the draft first: nothing of it is kept for the signed-out request that follows.
    seen = _with_cookie(client, editor, f"{E}/{draft}/gaps")
    assert seen.status_code == 200 and seen.json()["state"] == "draft" and _hyderabad(seen) == 1.0
    assert seen.headers["cache-control"] == "private, no-store"
    assert client.get(f"{E}/{draft}/gaps").status_code == 404
    # Signed out first: the 404 is not kept, the editor still gets the draft.
    assert client.get(f"{E}/{draft}/indicators").status_code == 404
    assert _with_cookie(client, editor, f"{E}/{draft}/indicators").json()["state"] == "draft"
    # A public answer kept for signed-out requests is never what a signed-in request gets: theirs is
    # worked out for them (the store asked again), with the same figures.
    public = client.get(GAPS)
    calls = source.calls
    assert client.get(GAPS).content == public.content and source.calls == calls
    assert _with_cookie(client, editor, GAPS).json() == public.json() and source.calls == calls + 1
    assert _with_cookie(client, "forged", GAPS).json() == public.json() and source.calls == calls + 2


def test_a_new_edition_moves_latest_within_the_staleness(api):
    client, engine, clock, _, _ = api
    every_pillar = f"{E}/latest/gaps"
    before, listed = client.get(every_pillar), client.get(E)
    first = before.json()["edition"]
    publishing.submit(engine, _draft(engine), "ed")
    edition = publishing.publish(engine, "r-2027", "rev")
    # At most STALE_SECONDS behind: until the clock passes it, the kept answers are still served.
    assert client.get(every_pillar).json()["edition"] == first
    clock.advance(STALE_SECONDS)
    after = client.get(every_pillar)
    assert after.json()["edition"] == edition.edition_id and after.json()["checksum"] == edition.checksum
    assert after.headers["etag"] != before.headers["etag"]
    assert _hyderabad(after) == 1.0 and _hyderabad(before) is None
    assert [e["edition"] for e in client.get(E).json()["editions"]][:2] == [edition.edition_id, first]
    assert client.get(E).headers["etag"] != listed.headers["etag"]
    # The first edition, named, still reads as it was.
    assert _hyderabad(client.get(f"{E}/{first}/gaps")) is None


def test_a_kept_answer_still_answers_304_to_its_etag(api):
    client, _, _, source, _ = api
    etag = client.get(GAPS).headers["etag"]
    again = client.get(GAPS, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag and not again.content
    assert again.headers["cache-control"].startswith("public") and source.calls == 1
    assert client.get(GAPS, headers={"If-None-Match": '"other"'}).status_code == 200


def test_the_rate_limit_applies_to_kept_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'limited.db'}")
    source = Counted(pages_source)
    with TestClient(Starlette(routes=api_routes(source, 2, clock=ManualClock()))) as client:
        assert [client.get(GAPS).status_code for _ in range(2)] == [200, 200]
        refused = client.get(GAPS)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert source.calls == 1  # the second was a kept answer, the third refused before it


def test_a_bad_parameter_is_still_a_400_after_good_ones_were_kept(api):
    client, _, _, _, _ = api
    assert client.get(GAPS).status_code == 200
    bad = client.get(f"{E}/latest/gaps?pillars=hrm,roads")
    assert bad.status_code == 400 and bad.json()["parameter"] == "pillars"
    assert client.get(GAPS + "&format=xml").status_code == 400


def test_a_kept_answer_in_use_outlives_answers_asked_once():
    """Bounded (``KEPT_ANSWERS``), least recently *used* first: a flood of one-off URLs does not push out
    the answer every client keeps asking for."""
    kept = KeptAnswers(lambda: ("data",), clock=ManualClock())
    kept.refresh()
    ready = Ready(b"{}", "application/json", {"ETag": '"e"'}, {})
    kept.keep(kept.generation, ("popular", "json"), ready)
    for n in range(KEPT_ANSWERS):
        assert kept.get(kept.generation, ("popular", "json")) is ready
        kept.keep(kept.generation, (f"once-{n}", "json"), ready)
    assert kept.get(kept.generation, ("popular", "json")) is ready
    assert kept.get(kept.generation, ("once-0", "json")) is None  # the least recently used went first
