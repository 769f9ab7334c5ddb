"""geo.boundaries: loading the real files, and clear errors for bad ones."""

import hashlib
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import geopandas as gpd
import pytest
import shapely

from cluster_model.issues import DataFileError
from geo import boundaries
from geo.boundaries import (
    BOUNDARY_ATTRIBUTION,
    boundaries_path,
    load_boundaries,
    provenance_text,
    simplify_for_display,
)

SHARED = REPO.parent / "shared" / "boundaries"
SINDH = SHARED / "sindh_adm2.geojson"
PAKISTAN = SHARED / "pakistan_adm2.geojson"
needs_shared = pytest.mark.skipif(not SINDH.exists(), reason="shared boundary files not present")


@pytest.fixture(scope="module")
def sindh():
    return load_boundaries(SINDH)


@needs_shared
def test_sindh_file_gives_30_districts(sindh):
    assert list(sindh.columns) == ["district", "division", "province", "geometry"]
    assert len(sindh) == 30 and sindh["district"].is_unique
    assert sindh.crs.to_epsg() == 4326
    assert set(sindh["province"]) == {"Sindh"}
    assert {"Karachi South", "Mirpur Khas", "Shaheed Benazirabad", "Kambar Shahdadkot"} <= set(
        sindh["district"]
    )
    assert sindh.loc[sindh["district"] == "Sanghar", "division"].item() == "Shaheed Benazirabad"
    assert sindh.geometry.is_valid.all()
    assert set(sindh.geom_type) == {"MultiPolygon"}


@needs_shared
def test_all_pakistan_file_filtered_to_sindh_matches(sindh):
    filtered = load_boundaries(PAKISTAN, province="Sindh")
    assert sorted(filtered["district"]) == sorted(sindh["district"])
    assert len(load_boundaries(PAKISTAN, province=None)) == 156
    assert len(load_boundaries(PAKISTAN, province="")) == 156


@needs_shared
def test_unknown_province_lists_provinces_found():
    with pytest.raises(DataFileError) as err:
        load_boundaries(PAKISTAN, province="Atlantis")
    assert "Atlantis" in str(err.value) and "Punjab" in str(err.value)


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(DataFileError) as err:
        load_boundaries(tmp_path / "nope.geojson")
    assert "nope.geojson" in err.value.issue.file
    assert "ATLAS_BOUNDARIES" in err.value.issue.hint and "make setup" in err.value.issue.hint


def test_not_a_vector_file(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("this is not geojson")
    with pytest.raises(DataFileError) as err:
        load_boundaries(bad)
    assert "bad.geojson" in str(err.value)


def _squares(crs=None, offset=(0.0, 0.0), scale=1.0, names=("A", "B")):
    x0, y0 = offset
    geoms = [shapely.box(x0 + i * scale, y0, x0 + (i + 1) * scale, y0 + scale) for i in range(len(names))]
    return gpd.GeoDataFrame({"name": list(names)}, geometry=geoms, crs=crs)


def test_projected_file_without_crs_is_not_geographic(tmp_path):
    path = tmp_path / "projected.shp"
    _squares(offset=(500000, 2800000), scale=10000).to_file(path)  # metres, CRS left out
    assert gpd.read_file(path).crs is None
    with pytest.raises(DataFileError) as err:
        load_boundaries(path)
    assert "not geographic" in err.value.issue.message


def test_lonlat_without_crs_is_assumed_wgs84(tmp_path):
    path = tmp_path / "nocrs.shp"
    _squares(offset=(67.0, 25.0), scale=0.5).to_file(path)
    gdf = load_boundaries(path)
    assert gdf.crs.to_epsg() == 4326 and list(gdf["district"]) == ["A", "B"]


@needs_shared
def test_other_crs_is_reprojected(tmp_path, sindh):
    path = tmp_path / "utm.gpkg"
    sindh.rename(columns={"district": "name"}).to_crs(32642).to_file(path, driver="GPKG")
    back = load_boundaries(path)
    assert back.crs.to_epsg() == 4326
    assert sorted(back["district"]) == sorted(sindh["district"])
    a = back.set_index("district").loc["Hyderabad"].geometry.centroid
    b = sindh.set_index("district").loc["Hyderabad"].geometry.centroid
    assert a.distance(b) < 1e-4


def test_missing_name_column_lists_columns(tmp_path):
    path = tmp_path / "noname.geojson"
    _squares(crs=4326).rename(columns={"name": "label"}).to_file(path)
    with pytest.raises(DataFileError) as err:
        load_boundaries(path)
    assert "label" in err.value.issue.message and "name" in err.value.issue.message


def test_alternative_name_column_is_used(tmp_path):
    path = tmp_path / "gb.geojson"
    _squares(crs=4326).rename(columns={"name": "shapeName"}).to_file(path)
    assert list(load_boundaries(path)["district"]) == ["A", "B"]


def test_duplicate_district_names(tmp_path):
    path = tmp_path / "dupes.geojson"
    _squares(crs=4326, names=("A", "A")).to_file(path)
    with pytest.raises(DataFileError) as err:
        load_boundaries(path)
    assert "more than once" in err.value.issue.message and "A" in err.value.issue.message


def test_invalid_geometry_is_repaired_to_polygons(tmp_path):
    bowtie = shapely.Polygon([(67, 25), (68, 26), (68, 25), (67, 26), (67, 25)])
    assert not bowtie.is_valid
    path = tmp_path / "bowtie.geojson"
    gpd.GeoDataFrame({"name": ["X"]}, geometry=[bowtie], crs=4326).to_file(path)
    gdf = load_boundaries(path)
    assert gdf.geometry.is_valid.all() and gdf.geom_type.item() == "MultiPolygon"
    assert gdf.geometry.item().area == pytest.approx(0.5)


@needs_shared
def test_simplify_keeps_shared_borders(sindh):
    simple = simplify_for_display(sindh, 0.01)
    assert simple is not sindh and len(simple) == 30
    before = shapely.get_num_coordinates(sindh.geometry.values).sum()
    after = shapely.get_num_coordinates(simple.geometry.values).sum()
    assert after < before / 2
    # Shared borders stay shared: no gaps or overlaps appear between neighbours.
    overlap = sum(
        simple.geometry.iloc[i].intersection(simple.geometry.iloc[j]).area
        for i in range(30)
        for j in range(i + 1, 30)
    )
    assert overlap < 1e-4
    assert abs(simple.union_all().area - sindh.union_all().area) / sindh.union_all().area < 0.01
    assert shapely.get_num_coordinates(sindh.geometry.values).sum() == before  # input untouched


def test_paths_and_attribution(monkeypatch, tmp_path):
    monkeypatch.delenv("ATLAS_BOUNDARIES", raising=False)
    assert boundaries_path() == boundaries.DEFAULT_BOUNDARIES
    monkeypatch.setenv("ATLAS_BOUNDARIES", str(tmp_path / "x.gpkg"))
    assert boundaries_path() == tmp_path / "x.gpkg"
    monkeypatch.setenv("ATLAS_PROVINCE", "")
    assert boundaries.boundaries_province() is None
    assert BOUNDARY_ATTRIBUTION == "© OpenStreetMap contributors, ODbL 1.0"
    assert provenance_text(tmp_path / "x.gpkg") is None


@needs_shared
def test_provenance_text_next_to_file():
    assert "ODbL" in provenance_text(SINDH)


# ------------------------------------------------ scripts/fetch_boundaries.py

sys.path.insert(0, str(REPO / "scripts"))
import fetch_boundaries


def _tiny_topology():
    """Two Sindh squares sharing an arc (one uses it reversed, ~0), a Punjab bow-tie,
    and a degenerate 3-position hole that must be dropped."""
    return {
        "type": "Topology",
        "objects": {
            "districts": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0, 1], [4]],
                        "properties": {
                            "name": "West",
                            "division": "D",
                            "province": "Sindh",
                            "osmRelations": [1],
                        },
                    },
                    {
                        "type": "MultiPolygon",
                        "arcs": [[[~0, 2]]],
                        "properties": {
                            "name": "East",
                            "division": "D",
                            "province": "Sindh",
                            "osmRelations": [2],
                        },
                    },
                    {
                        "type": "Polygon",
                        "arcs": [[3]],
                        "properties": {
                            "name": "Knot",
                            "division": "P",
                            "province": "Punjab",
                            "osmRelations": [3],
                        },
                    },
                ],
            }
        },
        "arcs": [
            [[68.0, 25.0], [68.0, 26.0]],  # 0: shared border, south→north
            [[68.0, 26.0], [67.0, 26.0], [67.0, 25.0], [68.0, 25.0]],  # 1: rest of West
            [[68.0, 25.0], [69.0, 25.0], [69.0, 26.0], [68.0, 26.0]],  # 2: rest of East
            [[70.0, 30.0], [71.0, 31.0], [71.0, 30.0], [70.0, 31.0], [70.0, 30.0]],  # 3: bow-tie
            [[67.5, 25.5], [67.6, 25.5], [67.5, 25.5]],  # 4: degenerate hole
        ],
    }


def test_topojson_conversion():
    features = fetch_boundaries.topology_to_features(_tiny_topology())
    by_name = {f["properties"]["name"]: f for f in features}
    assert set(by_name) == {"West", "East", "Knot"}
    west = shapely.geometry.shape(by_name["West"]["geometry"])
    east = shapely.geometry.shape(by_name["East"]["geometry"])
    assert west.geom_type == east.geom_type == "MultiPolygon"
    assert west.area == pytest.approx(1.0) and east.area == pytest.approx(1.0)  # hole dropped
    assert len(by_name["West"]["geometry"]["coordinates"][0]) == 1
    assert west.intersection(east).area == 0 and west.touches(east)
    # East uses arc 0 reversed: its ring starts where arc 0 ends.
    assert by_name["East"]["geometry"]["coordinates"][0][0][0] == [68.0, 26.0]
    knot = shapely.geometry.shape(by_name["Knot"]["geometry"])
    assert knot.is_valid and knot.geom_type == "MultiPolygon" and knot.area == pytest.approx(0.5)


def test_fetch_verifies_and_writes(monkeypatch, tmp_path):
    raw = json.dumps(_tiny_topology()).encode()
    monkeypatch.setattr(fetch_boundaries, "download", lambda url=None: raw)
    monkeypatch.setattr(fetch_boundaries, "UPSTREAM_SHA256", hashlib.sha256(raw).hexdigest())
    monkeypatch.setattr(
        fetch_boundaries, "EXPECTED_COUNTS", {"pakistan_adm2.geojson": 3, "sindh_adm2.geojson": 2}
    )
    monkeypatch.setattr(fetch_boundaries, "SINDH_DISTRICTS", frozenset({"West", "East"}))
    notes = fetch_boundaries.fetch(tmp_path)
    assert any("not byte-identical" in n for n in notes)
    written = load_boundaries(tmp_path / "sindh_adm2.geojson")
    assert sorted(written["district"]) == ["East", "West"]
    assert len(load_boundaries(tmp_path / "pakistan_adm2.geojson", province=None)) == 3
    # A byte-identical file is recognised by its sha256.
    files = fetch_boundaries.convert(raw)
    monkeypatch.setitem(
        fetch_boundaries.EXPECTED_SHA256,
        "sindh_adm2.geojson",
        hashlib.sha256(files["sindh_adm2.geojson"]).hexdigest(),
    )
    assert any("byte-identical" in n and "not" not in n for n in fetch_boundaries.verify(files))


def test_fetch_rejects_wrong_checksum_and_wrong_content(monkeypatch, tmp_path):
    monkeypatch.setattr(fetch_boundaries, "download", lambda url=None: b"{}")
    with pytest.raises(fetch_boundaries.FetchError, match="SHA-256"):
        fetch_boundaries.fetch(tmp_path)
    assert not any(tmp_path.iterdir())
    files = fetch_boundaries.convert(json.dumps(_tiny_topology()).encode())
    with pytest.raises(fetch_boundaries.FetchError, match="features"):
        fetch_boundaries.verify(files)  # 3 features, not the expected 156


def test_fetch_without_network_says_what_to_do(monkeypatch, tmp_path, capsys):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert fetch_boundaries.main(["--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "could not reach raw.githubusercontent.com" in err
    assert "ATLAS_BOUNDARIES" in err and "sindh_adm2.geojson" in err


@needs_shared
def test_real_shared_files_pass_verification():
    files = {name: (SHARED / name).read_bytes() for name in ("pakistan_adm2.geojson", "sindh_adm2.geojson")}
    notes = fetch_boundaries.verify(files)
    assert all("byte-identical" in n and "not" not in n for n in notes)
