"""Data downloads: CSV, XLSX, GeoJSON of the filtered view, with sources, licence and formula neutralisation."""

from __future__ import annotations

import dataclasses
import io
import json

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from cluster_model.exports import (
    ILLUSTRATIVE_MARK,
    district_scores,
    export_filename,
    notes_lines,
    sources_table,
    used_source_ids,
    view_tables,
)
from cluster_model.spreadsheet import neutralise_formula
from cluster_model.view import make_view
from cluster_model.vocabulary import PILLARS
from geo.boundaries import BOUNDARY_ATTRIBUTION, boundaries_path, load_boundaries, simplify_for_display
from geo.export_geojson import districts_geojson, to_geojson_bytes
from outputs.tables import to_csv_bytes, to_xlsx_bytes

INJECTIONS = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture(scope="module")
def sites(dataset):
    return dataset.sites.merge(
        dataset.clusters[["cluster_id", "name"]].rename(columns={"name": "cluster_name"}), on="cluster_id"
    )


@pytest.fixture(scope="module")
def districts():
    return simplify_for_display(load_boundaries(), 0.001)


@pytest.fixture(scope="module")
def hrm_view(dataset):
    return make_view(
        dataset, dataset.latest_round(), ["hrm"], [], ["Thatta", "Tharparkar"], generated="2026-11-25"
    )


def test_neutralise_formula():
    for bad in INJECTIONS:
        assert neutralise_formula(bad) == "'" + bad
    assert neutralise_formula("Thatta") == "Thatta"
    assert neutralise_formula(-2) == -2 and neutralise_formula(0.5) == 0.5  # numbers stay numbers


def test_tables_follow_filters_and_keep_unknown_unknown(dataset, sites, hrm_view):
    tables = view_tables(dataset, sites, hrm_view)
    d = tables["Districts"]
    assert set(d["District"]) == {"Thatta", "Tharparkar"}
    assert set(d["Pillar"]) == {"Capabilities & HRM"}
    assert set(tables["Indicators"]["Pillar"]) == {"Capabilities & HRM"}
    # every assessed indicator names its source
    ind = tables["Indicators"]
    assert (ind.loc[ind["Status"] != "not assessed", "Source"] != "").all()
    # a view with unknown gaps: Hyderabad's clusters are not assessed
    view = make_view(dataset, dataset.latest_round(), ["technology"], [], ["Hyderabad"])
    d = view_tables(dataset, sites, view)["Districts"]
    assert d["Gap"].isna().all() and (d["Gap status"] == "not assessed").all()
    assert (d["Summary"] == "not assessed").all()


def test_csv_round_trips_with_sources_and_unknown_empty(dataset, sites):
    view = make_view(dataset, dataset.latest_round(), ["technology", "hrm"], [], ["Hyderabad", "Thatta"])
    tables = view_tables(dataset, sites, view)
    notes = notes_lines(dataset, view, sources=sources_table(dataset, used_source_ids(dataset, tables)))
    for name, table in tables.items():
        data = to_csv_bytes(table, notes)
        back = pd.read_csv(io.BytesIO(data), comment="#")
        assert list(back.columns) == list(table.columns), name
        assert len(back) == len(table), name
        pd.testing.assert_frame_equal(
            back.astype(object).where(back.notna(), ""),
            table.astype(object).where(table.notna(), "").reset_index(drop=True),
            check_dtype=False,
            check_exact=False,
        )
    text = to_csv_bytes(tables["Districts"], notes).decode("utf-8-sig")
    trailer = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Policy dialogue report, MUET, 2019" in line for line in trailer)
    assert any(BOUNDARY_ATTRIBUTION in line for line in trailer)
    hyd = pd.read_csv(io.BytesIO(to_csv_bytes(tables["Districts"], notes)), comment="#").query(
        "District == 'Hyderabad'"
    )
    assert hyd["Gap"].isna().all() and (hyd["Gap status"] == "not assessed").all()  # empty, never 0


def test_csv_and_xlsx_neutralise_formulas(dataset):
    df = pd.DataFrame({"Text": INJECTIONS + ["a # in text"], "Number": [-2.0, 1, 2, 3, 4, 5, 6]})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df, ["note"])), comment="#")
    assert list(back["Text"][:6]) == ["'" + v for v in INJECTIONS]
    assert back["Text"][6] == "a # in text" and back["Number"][0] == -2
    xlsx = to_xlsx_bytes({"Data": df}, sources_table(dataset), ['=HYPERLINK("http://x")'])
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    ws = wb["Data"]
    for i, bad in enumerate(INJECTIONS, start=2):
        cell = ws.cell(row=i, column=1)
        # XML stores a carriage return as a line feed; the guard quote is what matters
        assert cell.data_type == "s" and cell.value == "'" + bad.replace("\r", "\n")
    assert ws.cell(row=2, column=2).value == -2  # a number stays a number
    notes = [c.value for c in wb["Sources"]["A"] if c.value]
    assert '\'=HYPERLINK("http://x")' in notes
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_xlsx_has_sources_sheet_and_empty_unknowns(dataset, sites):
    view = make_view(dataset, dataset.latest_round(), ["technology"], [], ["Hyderabad"])
    tables = view_tables(dataset, sites, view)
    src = sources_table(dataset, used_source_ids(dataset, tables))
    wb = openpyxl.load_workbook(
        io.BytesIO(to_xlsx_bytes(tables, src, notes_lines(dataset, view, sources=src)))
    )
    assert wb.sheetnames == [*tables, "Sources"]
    text = " ".join(str(c.value) for row in wb["Sources"].iter_rows() for c in row if c.value)
    assert "Policy dialogue report, MUET, 2019" in text and BOUNDARY_ATTRIBUTION in text and "ODbL" in text
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes(tables, src)), sheet_name="Districts")
    assert back["Gap"].isna().all() and not (back["Gap"] == 0).any()


def test_illustrative_marks_every_row(dataset, sites):
    fake = dataclasses.replace(dataset, rounds=dataset.rounds.assign(illustrative=True))
    view = make_view(fake, fake.latest_round(include_illustrative=True), ["hrm"], [], [])
    assert view.illustrative
    for table in view_tables(fake, sites, view).values():
        assert (table["Illustrative"] == ILLUSTRATIVE_MARK).all()
    assert any("ILLUSTRATIVE" in line for line in notes_lines(fake, view))
    assert "ILLUSTRATIVE" in export_filename(view, "csv")


def test_filename():
    from cluster_model.view import View

    view = View("desk-2026", "x", False, ["hrm"], [], ["Thatta", "Tharparkar"], generated="2026-11-25")
    assert export_filename(view, "png") == "sindh-atlas_hrm_thatta-tharparkar_2026-11-25.png"


@pytest.mark.skipif(not boundaries_path().exists(), reason="boundary file not available")
def test_geojson_validates_and_round_trips(dataset, sites, hrm_view, tmp_path):
    districts = simplify_for_display(load_boundaries(), 0.001)
    view = make_view(dataset, dataset.latest_round(), ["hrm", "technology"], [], [])
    src = sources_table(dataset)
    collection = districts_geojson(
        districts,
        district_scores(dataset, sites, view),
        district_scores(dataset, sites, view, per_pillar=True),
        cluster_names=dict(zip(dataset.clusters["cluster_id"], dataset.clusters["name"])),
        sources=src.to_dict("records"),
        generated="2026-11-25",
        round_info={"id": view.round_id},
        filters=view.as_dict(),
        illustrative=False,
    )
    data = to_geojson_bytes(collection)
    doc = json.loads(data)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 30
    for key in ("sources", "licence", "attribution", "generated", "round", "filters", "illustrative"):
        assert key in doc
    assert doc["attribution"] == BOUNDARY_ATTRIBUTION
    for f in doc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert f["geometry"]["coordinates"]
        if f["properties"]["status"] == "not assessed":
            assert f["properties"]["gap"] is None  # unknown is null, never 0
    path = tmp_path / "view.geojson"
    path.write_bytes(data)
    back = gpd.read_file(path)
    assert back.crs.to_epsg() == 4326 and len(back) == 30
    assert set(back["district"]) == set(districts["district"])
    assert back.is_valid.all()
    hyd = back.set_index("district").loc["Hyderabad"]
    assert hyd["status"] == "not assessed" and pd.isna(hyd["gap"])
    # the filtered view keeps only the chosen districts
    only = districts_geojson(
        districts, district_scores(dataset, sites, hrm_view), only=["Thatta", "Tharparkar"]
    )
    assert {f["properties"]["district"] for f in only["features"]} == {"Thatta", "Tharparkar"}


def test_missing_pdf_font_is_a_clear_error(monkeypatch, tmp_path):
    from cluster_model.issues import DataFileError
    from outputs import pdf as pdf_fonts

    monkeypatch.setattr(pdf_fonts, "FONT_DIR", tmp_path)
    with pytest.raises(DataFileError) as caught:
        pdf_fonts.font_paths()
    assert "DejaVuSans.ttf" in caught.value.issue.file and "fonts-dejavu-core" in caught.value.issue.hint


def test_one_pillar_lists_each_district_once(dataset, sites, hrm_view):
    """#24 item 10: with one pillar the "all chosen pillars" row repeats the pillar's row: once only."""
    d = view_tables(dataset, sites, hrm_view)["Districts"]
    assert sorted(d["District"]) == ["Tharparkar", "Thatta"]
    assert (d["Pillar"] == "Capabilities & HRM").all()
    two = make_view(dataset, dataset.latest_round(), ["hrm", "technology"], [], ["Thatta"])
    assert list(view_tables(dataset, sites, two)["Districts"]["Pillar"]) == [
        "all chosen pillars",
        "Capabilities & HRM",
        "Technology",
    ]


def test_every_table_and_the_geojson_carry_coverage(dataset, sites, districts, tmp_path):
    """#24 item 1: a gap figure never leaves without assessed / total indicators and the low-coverage flag
    (the scoring's own rule), read back from the CSV, the XLSX and the GeoJSON."""
    view = make_view(dataset, dataset.latest_round(), list(PILLARS), [], [], generated="2026-11-25")
    scores = district_scores(dataset, sites, view).set_index("district")
    sanghar = scores.loc["Sanghar"]
    assert (sanghar["n_assessed"], sanghar["n_indicators"]) == (1, 42) and sanghar["low_coverage"]
    tables = view_tables(dataset, sites, view)
    src = sources_table(dataset, used_source_ids(dataset, tables))
    notes = notes_lines(dataset, view, sources=src)
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(tables["Districts"], notes)), comment="#")
    csv = csv[csv["Pillar"] == "all chosen pillars"]
    row = csv.set_index("District").loc["Sanghar"]
    assert (row["Indicators assessed"], row["Indicators in scope"], row["Low coverage"]) == (1, 42, "yes")
    firm = scores[scores["gap"].notna() & ~scores["low_coverage"].astype(bool)].index
    assert set(csv.set_index("District").loc[list(firm), "Low coverage"]) <= {"no"}
    unknown = csv[csv["Gap status"] == "not assessed"]
    assert len(unknown) and (unknown["Low coverage"] == "not assessed").all()  # unknown is not low coverage
    text = to_csv_bytes(tables["Districts"], notes).decode("utf-8-sig")
    assert any("Low coverage" in line for line in text.splitlines() if line.startswith("#"))
    clusters = pd.read_csv(io.BytesIO(to_csv_bytes(tables["Cluster gaps"], notes)), comment="#")
    assert {"Indicators assessed", "Indicators in scope", "Low coverage"} <= set(clusters.columns)
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes(tables, src, notes)), sheet_name="Districts")
    row = back[back["Pillar"] == "all chosen pillars"].set_index("District").loc["Sanghar"]
    assert (row["Indicators assessed"], row["Indicators in scope"], row["Low coverage"]) == (1, 42, "yes")

    collection = districts_geojson(
        districts,
        district_scores(dataset, sites, view),
        district_scores(dataset, sites, view, per_pillar=True),
    )
    path = tmp_path / "v.geojson"
    path.write_bytes(to_geojson_bytes(collection))
    back = gpd.read_file(path).set_index("district")
    assert (back.at["Sanghar", "n_assessed"], back.at["Sanghar", "n_indicators"]) == (1, 42)
    assert back.at["Sanghar", "low_coverage"] == True  # noqa: E712 - a JSON true
    assert back.at["Sanghar", "low_coverage_incentive"] == True  # noqa: E712
    assert pd.isna(back.at["Sanghar", "low_coverage_hrm"])  # nothing assessed in that pillar
    assert pd.isna(back.at["Hyderabad", "low_coverage"])  # not assessed: no figure, so no flag either


def test_workshop_summary_carries_each_room_gap_with_its_coverage(dataset):
    """#24 item 1: the Workshop summary (XLSX room gaps, PDF) says how many groups rated each room gap and
    flags one from a single group as low coverage, with the rule."""
    from pypdf import PdfReader

    from cluster_model import workshop as ws
    from outputs import workshop_summary
    from outputs.tables import workshop_xlsx

    ratings = pd.DataFrame(
        [
            ("mango", "technology", "industry", "absent"),
            ("mango", "hrm", "industry", "absent"),
            ("mango", "hrm", "academia", "partial"),
        ],
        columns=["cluster_id", "pillar", "stakeholder_group", "rating"],
    )
    gaps = ws.room_gaps(ratings, dataset.rules, list(dataset.clusters["cluster_id"]))
    info = ws.SessionInfo("dlg", "Dialogue", "2027-02-01", "MUET, Jamshoro", "F")
    wb = openpyxl.load_workbook(
        io.BytesIO(workshop_xlsx(info, ratings.iloc[0:0], pd.DataFrame(), ws.room_matrix(gaps, dataset)))
    )
    rows = list(wb["room gaps"].values)
    mango = dict(zip(rows[0], next(r for r in rows if r[0] == "Mango")))
    assert mango["Technology"] == "1.00 (1/4, low coverage)"
    assert mango["Capabilities & HRM"] == "0.75 (2/4)"
    about = {r[0]: r[1] for r in wb["about"].values}
    assert "fewer than 2 of the 4 groups" in about["Low coverage"]
    agenda = ws.Agenda.from_string("mango:TH", list(dataset.clusters["cluster_id"]))
    pdf = workshop_summary.summary_pdf(dataset, info, gaps, pd.DataFrame(), agenda)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "1.00 (1/4, low coverage)" in text and "0.75 (2/4)" in text
    assert "fewer than 2 of the 4 groups" in text


def test_export_page_offers_a4_and_letter_for_the_snapshot_pdf():
    """#24 item 10: the Export page lets the user choose the snapshot PDF's paper, A4 first."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=180)
    at.query_params["pillars"] = "hrm"
    at.query_params["districts"] = "Thatta"
    at.run()
    at.switch_page("pages/export.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    paper = at.radio(key="export_pdf_paper")
    assert paper.options == ["A4", "Letter (US)"] and paper.value == "a4"
    paper.set_value("letter").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="export_pdf_paper").value == "letter"


def test_the_district_table_leaves_the_views_kept_scores_as_they_were(dataset, sites):
    """The export's district table labels pillars on its own copy: the view keeps one scores frame for the
    map, the ranking and the Overview, which read pillar ids (an in-place write broke the Overview)."""
    from cluster_model.exports import district_table

    view = make_view(dataset, dataset.latest_round(), list(PILLARS), [], [], sites=sites)
    kept = view.district_scores(per_pillar=True)
    before = kept.copy()
    district_table(dataset, sites, view)
    pd.testing.assert_frame_equal(view.district_scores(per_pillar=True), before)
    assert set(view.district_scores(per_pillar=True)["pillar"]) <= set(PILLARS)
