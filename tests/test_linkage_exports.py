"""What the linkage views emit, opened the way a user would: the matrix as CSV, XLSX and PNG,
and the district brief's linkage page read back from the PDF."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from cluster_model import linkages as L
from cluster_model import store
from cluster_model.history import previous_round
from cluster_model.store import linkages as sl
from cluster_model.view import make_view
from outputs.brief import district_brief_pdf
from outputs.linkage_brief import linkage_page
from ui.linkage_views import matrix_view

ROUND = "survey-2027"


@pytest.fixture
def scenario(tmp_path):
    engine = store.open_store(f"sqlite:///{tmp_path / 'x.db'}")
    store.create_round(
        engine, round_id=ROUND, name="Cluster survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    sl.add_institutions(
        engine,
        [
            {
                "institution_id": "growers",
                "name": "-Growers' association",
                "kind": "association",
                "district": "Umerkot",
                "lat": 25.3612,
                "lon": 69.7361,
                "location_source_id": "icck_desk",
                "source_id": "icck_desk",
            }
        ],
        author="alice",
    )
    sl.save_links(
        engine,
        ROUND,
        [
            {
                "institution_id": "growers",
                "cluster_id": "red_chili",
                "link_type": "membership",
                "status": "active",
                "source_id": "icck_desk",
            },
            {
                "institution_id": "muet",
                "cluster_id": "red_chili",
                "link_type": "research",
                "status": "needed but absent",
                "source_id": "icck_desk",
            },
        ],
        author="alice",
    )
    ds = store.load_dataset(engine)
    yield ds, sl.load_linkages(engine, ds)
    engine.dispose()


def _matrix_view(ds, lk) -> dict:
    """The Linkage matrix page's view of every cluster in ROUND, against the previous round, as the page builds it."""
    before = previous_round(ds, ROUND)
    return matrix_view(
        make_view(ds, ROUND, linkages=lk), make_view(ds, before, linkages=lk) if before else None
    )


def test_matrix_csv_xlsx_png_open_and_carry_change_sources_and_unknown(scenario):
    ds, lk = scenario
    mv = _matrix_view(ds, lk)
    name, _, build = mv["files"]["csv"]
    assert name == f"DRAFT-linkage-matrix-{ROUND}.csv"  # a round not yet published (issue 26)
    csv = pd.read_csv(io.BytesIO(build()), comment="#", encoding="utf-8-sig").set_index("Cluster")
    assert csv.at["Red chili", "Membership"] == "active (1) [was unknown]"
    assert csv.at["Red chili", "Research & development"] == "absent (1 needed) [was unknown]"
    assert csv.at["Mango", "Finance"] == "unknown"
    trailer = build().decode("utf-8-sig")
    assert ds.citation("icck_desk") in trailer and "OpenStreetMap" in trailer

    wb = load_workbook(io.BytesIO(mv["files"]["xlsx"][2]()))
    assert {"Matrix", "Cells", "Links", "Institutions"} <= set(wb.sheetnames)
    inst = [[c.value for c in r] for r in wb["Institutions"].iter_rows()]
    assert any(v == "'-Growers' association" for row in inst for v in row)  # never a formula
    cells = pd.DataFrame(list(wb["Cells"].values)[1:], columns=list(wb["Cells"].values)[0])
    chili = cells[(cells["cluster_id"] == "red_chili") & (cells["link_type"] == "research")].iloc[0]
    assert (chili["state_before"], chili["state"]) == ("unknown", "absent")

    png = Image.open(io.BytesIO(mv["files"]["png"][2]()))
    assert png.format == "PNG" and png.width > 600 and png.height > 400
    rgb = png.convert("RGB")
    colours = {c for _, c in rgb.getcolors(maxcolors=1_000_000)}
    hexes = {tuple(int(L.CELL_COLOURS[s][i : i + 2], 16) for i in (1, 3, 5)) for s in L.CELL_STATES}
    assert hexes <= colours  # active, weak, absent and unknown cells are all drawn, each in its own colour


def test_district_brief_carries_institutions_and_missing_links_with_sources(scenario):
    ds, lk = scenario
    sites = ds.sites.merge(
        ds.clusters[["cluster_id", "name"]].rename(columns={"name": "cluster_name"}), on="cluster_id"
    )
    view = make_view(ds, ROUND, ["support", "technology"], [], [])
    pdf = district_brief_pdf(
        ds,
        None,
        sites,
        view,
        ["Umerkot"],
        extra_page=linkage_page(make_view(ds, ROUND, linkages=lk).linkages),
    )
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 2 and "District brief: Umerkot" in pages[0]
    page = pages[1]
    assert "Institutions and links: Umerkot" in page
    assert "-Growers' association" in page and "Membership" in page and ds.citation("icck_desk") in page
    assert (
        "Red chili: missing links" in page
        and "Research & development" in page
        and "needed but absent" in page
    )
    assert "Finance" in page and "unknown" in page


def test_institutions_sheet_keeps_entered_coordinates_in_a_stated_order(scenario):
    """#24 item 28: latitude and longitude that were entered travel with the institution; rows are
    sorted by district (unknown last), then name, and the notes say so."""
    ds, lk = scenario
    mv = _matrix_view(ds, lk)
    wb = load_workbook(io.BytesIO(mv["files"]["xlsx"][2]()))
    rows = list(wb["Institutions"].values)
    inst = pd.DataFrame(rows[1:], columns=rows[0])
    growers = inst[inst["Id"] == "growers"].iloc[0]
    assert (growers["Latitude"], growers["Longitude"]) == (25.3612, 69.7361)
    unplaced = inst[inst["Latitude"].isna()]
    assert len(unplaced) and unplaced["Longitude"].isna().all()  # unknown stays an empty cell, never 0
    key = list(
        zip(
            inst["District"] == "unknown", inst["District"].str.casefold(), inst["Institution"].str.casefold()
        )
    )
    assert key == sorted(key)
    notes = [str(r[0]) for r in wb["Sources"].values if r and r[0]]
    assert any("sorted by district (unknown last), then name" in n for n in notes)
