"""Each edition as a Frictionless Data Package (issue #26 item 2), validated by frictionless itself.

The package is fetched as a user would (``GET …/datapackage.zip``), unzipped and validated with
frictionless's own ``validate`` (types, constraints, primary and foreign keys): the seed's edition and an
edition this test publishes.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from frictionless import validate
from starlette.applications import Starlette
from starlette.testclient import TestClient

from cluster_model import publishing, store

E = "/api/v1/editions"


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'package.db'}")
    from web.api import api_routes

    with TestClient(Starlette(routes=api_routes(requests_per_minute=None))) as c:
        yield c


def unpacked(client, edition: str, folder: Path) -> Path:
    response = client.get(f"{E}/{edition}/datapackage.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(folder)
    return folder / "datapackage.json"


def errors_of(report) -> list[str]:
    return [e.message for e in report.errors] + [e.message for task in report.tasks for e in task.errors]


def test_the_seed_edition_is_a_valid_data_package(client, tmp_path):
    path = unpacked(client, "latest", tmp_path / "seed")
    report = validate(str(path))
    assert report.valid, errors_of(report)
    package = json.loads(path.read_text(encoding="utf-8"))
    edition = client.get(f"{E}/latest").json()
    assert package["edition"] == edition["edition"] and package["checksum"]["value"] == edition["checksum"]
    assert edition["edition"] in package["citation"] and edition["checksum"] in package["citation"]
    names = {r["name"] for r in package["resources"]}
    assert {
        "assessments",
        "clusters",
        "indicators",
        "sources",
        "sites",
        "district_gaps",
        "districts",
    } <= names
    keys = {r["name"]: r["schema"].get("foreignKeys", []) for r in package["resources"] if "schema" in r}
    assert {k["reference"]["resource"] for k in keys["assessments"]} == {"clusters", "indicators", "sources"}
    assert {k["reference"]["resource"] for k in keys["sites"]} >= {"clusters"}
    boundaries = next(r for r in package["resources"] if r["name"] == "districts")
    assert boundaries["licenses"][0]["name"] == "ODbL-1.0"
    assert "OpenStreetMap contributors" in json.dumps(boundaries)
    geo = json.loads((tmp_path / "seed" / "data" / "districts.geojson").read_text(encoding="utf-8"))
    assert "OpenStreetMap" in geo["attribution"] and geo["features"]
    # Unknown is an empty cell with its status, never 0; every gap has its coverage beside it.
    gaps = pd.read_csv(tmp_path / "seed" / "data" / "district_gaps.csv", keep_default_na=False)
    unknown = gaps[gaps["gap_status"] == "not assessed"]
    assert len(unknown) and (unknown["gap"] == "").all() and (unknown["low_coverage"] == "not assessed").all()
    assert {"coverage", "indicators_assessed", "indicators_total", "low_coverage"} <= set(gaps.columns)
    assert package["illustrative"] is False and "illustrative" not in gaps.columns


def test_an_edition_this_test_publishes_is_a_valid_data_package(client, tmp_path):
    engine = store.open_store()
    store.create_round(
        engine, round_id="r-2027", name="Round 2027", date="2027-01-10", kind="survey", author="ed"
    )
    store.save_assessments(
        engine, "r-2027", [store.Edit("automobile", "tech_equipment", "partial", "icck_desk")], author="ed"
    )
    publishing.submit(engine, "r-2027", "ed")
    edition = publishing.publish(engine, "r-2027", "rev")
    path = unpacked(client, edition.edition_id, tmp_path / "made")
    report = validate(str(path))
    assert report.valid, errors_of(report)
    values = pd.read_csv(tmp_path / "made" / "data" / "assessments.csv", keep_default_na=False)
    row = values[(values["cluster_id"] == "automobile") & (values["indicator_id"] == "tech_equipment")].iloc[
        0
    ]
    assert (row["status"], row["value_round_id"], row["source_id"]) == ("partial", "r-2027", "icck_desk")
    assert json.loads(path.read_text(encoding="utf-8"))["checksum"]["value"] == edition.checksum


def test_an_illustrative_round_is_marked_in_the_package(client, tmp_path):
    engine = store.open_store()
    store.create_round(
        engine,
        round_id="demo",
        name="Demo",
        date="2026-12-01",
        kind="dialogue",
        author="ed",
        illustrative=True,
    )
    path = unpacked(client, "demo", tmp_path / "demo")
    assert validate(str(path)).valid
    package = json.loads(path.read_text(encoding="utf-8"))
    assert package["illustrative"] is True and package["title"].startswith("ILLUSTRATIVE")
    for resource in package["resources"]:
        if resource["path"].endswith(".csv"):
            table = pd.read_csv(tmp_path / "demo" / resource["path"])
            assert table["illustrative"].str.startswith("ILLUSTRATIVE").all(), resource["name"]


def test_validation_catches_a_broken_foreign_key(client, tmp_path):
    # The keys are checked, not only declared: a value naming a cluster that is not there fails.
    path = unpacked(client, "latest", tmp_path / "broken")
    values = path.parent / "data" / "assessments.csv"
    text = values.read_text(encoding="utf-8")
    values.write_text(text.replace("\nfisheries,", "\nno_such_cluster,", 1), encoding="utf-8")
    report = validate(str(path))
    assert not report.valid and any("foreign" in m.lower() for m in errors_of(report))


def test_the_export_page_downloads_the_edition_package_and_the_data_page_links_the_api(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from support import REPO, record_deferred_downloads

    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'pages.db'}")
    downloads = record_deferred_downloads(monkeypatch)
    at = AppTest.from_file(str(REPO / "pages" / "export.py"), default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    edition = publishing.latest_edition(store.open_store())
    name = next(n for n in downloads if n and n.endswith(".zip"))
    assert edition.edition_id in name
    zipfile.ZipFile(io.BytesIO(downloads[name]())).extractall(tmp_path / "export")  # the click
    report = validate(str(tmp_path / "export" / "datapackage.json"))
    assert report.valid, errors_of(report)
    package = json.loads((tmp_path / "export" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["checksum"]["value"] == edition.checksum and package["edition"] == edition.edition_id
    data = AppTest.from_file(str(REPO / "pages" / "data.py"), default_timeout=120).run()
    assert any("/api/v1/docs" in m.value for m in data.markdown)  # body text: a caption's link fails contrast


def test_the_api_docs_page_describes_every_route(client):
    from web.openapi import document

    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for path in document()["paths"]:
        assert f"GET {path}" in page.text
    assert "<script" not in page.text and "https://" not in page.text.split("</style>")[0]
