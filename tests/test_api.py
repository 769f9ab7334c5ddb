"""The read-only HTTP API (issue #26 item 3), over HTTP (Starlette's TestClient), on SQLite and PostgreSQL.

The routes read the store the pages read (ATLAS_DB_URL), through the pages' own bundle and view.
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
from api_support import ManualClock, pages_url
from starlette.applications import Starlette
from starlette.testclient import TestClient
from store_support import backend

from cluster_model import publishing, store
from cluster_model.auth import User
from cluster_model.store import signin
from cluster_model.store.testing import temp_store
from web.api import STALE_SECONDS, api_routes

SEED_ROUND = "desk-2026"
E = "/api/v1/editions"


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def served(backend, tmp_path, monkeypatch, clock):
    """(client, engine) of the API over a fresh seeded store on ``backend``; kept answers age by ``clock``."""
    with temp_store(backend, tmp_path) as (engine, url, schema):
        monkeypatch.setenv("ATLAS_DB_URL", pages_url(url, schema))
        with TestClient(Starlette(routes=api_routes(clock=clock))) as client:
            yield client, engine


def test_every_route_answers_on_the_store(served):
    client, engine = served
    publishing.editions(engine)  # sums the seed edition's checksum (publishing's own first-read step)
    before = store.revision(engine)
    editions = client.get(E).json()["editions"]
    assert [(e["round_id"], e["state"]) for e in editions] == [(SEED_ROUND, "published")]
    first = editions[0]
    assert len(first["checksum"]) == 64 and first["citation"]["text"] and first["citation"]["bibtex"]
    assert client.get(f"{E}/latest").json()["checksum"] == first["checksum"]
    name = first["edition"]
    assert client.get(f"{E}/{name}").json()["round_id"] == SEED_ROUND
    gaps = client.get(f"{E}/latest/gaps").json()
    assert gaps["gaps"] and {
        "district",
        "gap",
        "gap_status",
        "coverage",
        "n_assessed",
        "n_indicators",
    } <= set(gaps["gaps"][0])
    clusters = client.get(f"{E}/latest/clusters").json()["clusters"]
    assert len(clusters) == 16 and clusters[0]["number"] == 1
    fisheries = client.get(f"{E}/latest/clusters/fisheries").json()
    assert fisheries["name"] == "Fisheries" and len(fisheries["indicators"]) > 20
    assessed = [i for i in fisheries["indicators"] if i["status"] != "not assessed"]
    assert assessed and all(i["source_id"] and i["citation"] for i in assessed)
    assert client.get(f"{E}/latest/indicators").json()["indicators"]
    states = {row["state"] for row in client.get(f"{E}/latest/linkages").json()["linkages"]}
    assert states <= {"active", "weak", "absent", "unknown"} and "unknown" in states
    geo = client.get(f"{E}/latest/districts.geojson")
    assert geo.headers["content-type"].startswith("application/geo+json")
    collection = geo.json()
    assert collection["type"] == "FeatureCollection" and "OpenStreetMap" in collection["attribution"]
    package = client.get(f"{E}/latest/datapackage.zip")
    assert package.headers["content-type"] == "application/zip"
    assert "datapackage.json" in zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.1")
    assert store.revision(engine) == before  # no route writes


def test_unknown_gaps_stay_null_with_their_status_never_zero(served):
    client, _ = served
    rows = {r["district"]: r for r in client.get(f"{E}/latest/gaps").json()["gaps"]}
    hyderabad = rows["Hyderabad"]  # no indicator of its clusters is assessed in the seed
    assert hyderabad["gap"] is None and hyderabad["gap_status"] == "not assessed"
    assert (
        hyderabad["low_coverage"] is None and hyderabad["n_indicators"] > 0 and hyderabad["n_assessed"] == 0
    )
    known = [r for r in rows.values() if r["gap"] is not None]
    assert known and all(r["gap_status"] == "assessed" and isinstance(r["low_coverage"], bool) for r in known)
    # Unknown last, as the Atlas ranks them.
    order = [r["gap"] is None for r in client.get(f"{E}/latest/gaps").json()["gaps"]]
    assert order == sorted(order)


def test_csv_on_request_with_the_edition_and_licence_at_its_end(served):
    client, _ = served
    for response in (
        client.get(f"{E}/latest/gaps?format=csv"),
        client.get(f"{E}/latest/gaps", headers={"Accept": "text/csv"}),
    ):
        assert response.headers["content-type"].startswith("text/csv")
        table = pd.read_csv(io.StringIO(response.content.decode("utf-8-sig")), comment="#")
        assert {"district", "gap", "gap_status", "low_coverage"} <= set(table.columns)
        unknown = table[table["gap_status"] == "not assessed"]
        assert len(unknown) and unknown["gap"].isna().all()  # an empty cell, never 0
        trailer = response.content.decode("utf-8-sig").split("\n# ", 1)[1]
        assert "SHA-256" in trailer and "OpenStreetMap" in trailer
    assert client.get(f"{E}/latest").headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("query", "parameter", "allowed_has"),
    [
        ("pillars=hrm,roads", "pillars", "technology"),
        ("sectors=fisheries&sectors=unicorns", "sectors", "fisheries"),
        ("districts=Atlantis", "districts", "Thatta"),
        ("format=xml", "format", "csv"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it_and_the_values_allowed(served, query, parameter, allowed_has):
    client, _ = served
    response = client.get(f"{E}/latest/gaps?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter and allowed_has in body["allowed"]
    assert body["invalid"] and all(v not in body["allowed"] for v in body["invalid"])


def test_unknown_edition_or_cluster_is_404(served):
    client, _ = served
    assert client.get(f"{E}/2099.9/gaps").status_code == 404
    assert client.get(f"{E}/latest/clusters/unicorns").status_code == 404


def test_etag_and_cache_control_come_from_the_checksum(served):
    client, _ = served
    first = client.get(f"{E}/latest/gaps?pillars=hrm")
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = client.get(f"{E}/latest/gaps?pillars=hrm", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag
    assert client.get(f"{E}/latest/gaps?pillars=technology").headers["etag"] != etag
    assert client.get(f"{E}/latest/gaps?pillars=hrm&format=csv").headers["etag"] != etag


def _draft(engine, round_id="r-2027", status="absent") -> str:
    """A draft round dated after the seed's, with one value: automobile's equipment ``status``."""
    store.create_round(
        engine, round_id=round_id, name="Round 2027", date="2027-01-10", kind="survey", author="ed"
    )
    store.save_assessments(
        engine, round_id, [store.Edit("automobile", "tech_equipment", status, "icck_desk")], author="ed"
    )
    return round_id


def test_a_new_edition_changes_latest_the_checksum_and_the_etag(served, clock):
    client, engine = served
    before = client.get(f"{E}/latest/gaps")
    publishing.submit(engine, _draft(engine), "ed")
    edition = publishing.publish(engine, "r-2027", "rev")
    clock.advance(STALE_SECONDS)  # kept answers are served at most this long after a change
    editions = client.get(E).json()["editions"]
    assert [e["edition"] for e in editions][:1] == [edition.edition_id]  # newest first
    after = client.get(f"{E}/latest/gaps")
    assert after.json()["edition"] == edition.edition_id and after.json()["checksum"] == edition.checksum
    assert (
        after.json()["checksum"] != before.json()["checksum"]
        and after.headers["etag"] != before.headers["etag"]
    )
    hyderabad = {r["district"]: r for r in after.json()["gaps"]}["Hyderabad"]
    assert hyderabad["gap"] == 1.0 and hyderabad["n_assessed"] == 1
    # The first edition still reads as it was: its figures do not take the later round's value.
    old = client.get(f"{E}/{editions[-1]['edition']}/gaps").json()
    assert {r["district"]: r for r in old["gaps"]}["Hyderabad"]["gap"] is None


def test_drafts_only_for_a_signed_in_editor_marked_and_never_cached(served):
    client, engine = served
    draft = _draft(engine)
    assert draft not in {e["round_id"] for e in client.get(E).json()["editions"]}
    assert client.get(f"{E}/{draft}/gaps").status_code == 404  # as an unknown name
    client.cookies.set("atlas_session", "forged")
    assert client.get(f"{E}/{draft}/gaps").status_code == 404
    client.cookies.set("atlas_session", signin.create_session(engine, User("alice", "Alice")))
    seen = client.get(f"{E}/{draft}/gaps")
    assert seen.status_code == 200 and seen.json()["state"] == "draft"
    assert seen.json()["warning"] == "Draft, not published"
    assert seen.headers["cache-control"] == "private, no-store"
    assert {r["district"]: r for r in seen.json()["gaps"]}["Hyderabad"]["gap"] == 1.0
    package = zipfile.ZipFile(io.BytesIO(client.get(f"{E}/{draft}/datapackage.zip").content))
    descriptor = json.loads(package.read("datapackage.json"))
    assert descriptor["draft"] is True and descriptor["title"].startswith("Draft, not published")
    gaps = pd.read_csv(io.BytesIO(package.read("data/district_gaps.csv")))
    assert set(gaps["draft"]) == {"Draft, not published"}
    assert "# DRAFT, NOT PUBLISHED" in client.get(f"{E}/{draft}/gaps?format=csv").text


def test_cors_for_get_only_and_no_route_writes(served):
    client, _ = served
    assert client.get(f"{E}/latest/gaps").headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        f"{E}/latest/gaps", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-methods"] == "GET"
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(f"{E}/latest/gaps").status_code == 405


def test_requests_per_address_are_limited(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'limited.db'}")
    with TestClient(Starlette(routes=api_routes(requests_per_minute=3))) as client:
        assert [client.get("/api/v1/openapi.json").status_code for _ in range(3)] == [200] * 3
        refused = client.get(f"{E}/latest/gaps")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"] == "too many requests"


def test_openapi_document_names_every_route():
    from web.openapi import document

    doc = document()
    paths = {route.path for route in api_routes(requests_per_minute=None)}
    assert set(doc["paths"]) == paths
    assert json.loads(json.dumps(doc))["openapi"] == "3.1.0"
