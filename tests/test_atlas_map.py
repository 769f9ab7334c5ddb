"""geo.atlas_map: content, escaping, styling and offline-ness of the map."""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np
import pandas as pd
import pytest

from cluster_model.scoring import gap_class
from geo.atlas_map import (
    GAP_COLOURS,
    NO_CLUSTER_FILL,
    NOT_ASSESSED_FILL,
    atlas_styles,
    build_atlas_base,
    build_atlas_map,
    build_sites_map,
    clicked_district,
    decode_topojson,
    districts_topojson,
)
from geo.boundaries import load_boundaries, simplify_for_display
from geo.offline import cdn_urls_in

SINDH = REPO.parent / "shared" / "boundaries" / "sindh_adm2.geojson"
pytestmark = pytest.mark.skipif(not SINDH.exists(), reason="shared boundary files not present")


@pytest.fixture(scope="module")
def districts():
    return simplify_for_display(load_boundaries(SINDH), 0.005)


@pytest.fixture(scope="module")
def sites():
    sites = pd.read_csv(REPO / "data" / "sites.csv")
    clusters = pd.read_csv(REPO / "data" / "clusters.csv")[["cluster_id", "name"]]
    return sites.merge(clusters.rename(columns={"name": "cluster_name"}), on="cluster_id")


@pytest.fixture(scope="module")
def scores():
    return pd.DataFrame(
        {
            "gap": [0.5, np.nan, 0.0],
            "coverage": [0.4, 0.0, 1.0],
            "n_clusters": [2, 1, 1],
            "label": ["gap 0.50, 40% assessed", "not assessed", "gap 0.00, 100% assessed"],
        },
        index=["Sanghar", "Hyderabad", "Thatta"],
    )


def _table(html):
    """The district style table the atlas map embeds (see geo.atlas_map._DistrictStyles)."""
    found = re.search(r"/\* atlas-styles \*/ (.*?);\n", html)
    return json.loads(found.group(1))


def _data_block(html, name):
    """A JSON data block the atlas map puts in its HTML (see geo.atlas_map._DataElement)."""
    found = re.search(
        rf'<script type="application/json" id="atlas-{name}-[0-9a-f]{{8}}">(.*?)</script>', html
    )
    return json.loads(found.group(1))


def _styles(html, names):
    """district -> fill style, read back from the atlas map's style table."""
    data = _table(html)
    assert set(data["districts"]) == set(names)
    return {name: data["styles"][i] for name, (i, _) in data["districts"].items()}


def test_map_contains_every_district_and_site(districts, scores, sites):
    html = build_atlas_map(districts, scores, sites).get_root().render()
    for name in districts["district"]:
        assert f'"district": "{name}"' in html or f'"district":"{name}"' in html, name
    for _, site in sites.iterrows():
        assert site["place"] in html and site["cluster_name"].replace("&", "&amp;") in html


def test_colours_unknown_is_never_zero_gap(districts, scores, sites):
    html = build_atlas_map(districts, scores, sites).get_root().render()
    styles = _styles(html, districts["district"])
    assert styles["Sanghar"]["fillColor"] == GAP_COLOURS[2]
    assert styles["Thatta"]["fillColor"] == GAP_COLOURS[0]
    assert styles["Hyderabad"]["fillColor"] == NOT_ASSESSED_FILL and "dashArray" in styles["Hyderabad"]
    assert styles["Larkana"]["fillColor"] == NO_CLUSTER_FILL
    assert len({styles["Hyderabad"]["fillColor"], styles["Larkana"]["fillColor"], *GAP_COLOURS}) == 7
    for text in ("not assessed", "no cluster named", "0.8–1.0", "© OpenStreetMap contributors, ODbL 1.0"):
        assert json.dumps(text)[1:-1] in html or text in html


def test_gap_classes():
    assert [gap_class(g) for g in (0, 0.19, 0.2, 0.5, 0.8, 1.0)] == [0, 0, 1, 2, 4, 4]
    assert gap_class(np.nan) is None and gap_class(None) is None


def test_no_internet_assets_unless_basemap(districts, scores, sites):
    offline = build_atlas_map(districts, scores, sites).get_root().render()
    assert cdn_urls_in(offline) == []
    assert "/app/static/vendor/leaflet-" in offline
    assert not re.search(r"""(?:src|href)=["']https?://""", offline)
    assert "tile_layer" not in offline
    online = build_atlas_map(districts, scores, sites, basemap=True).get_root().render()
    assert "tile.openstreetmap.org" in online
    assert cdn_urls_in(online) == []  # tiles come from Leaflet at run time, not as scripts
    small = build_sites_map(districts, sites, "cotton_textile").get_root().render()
    assert cdn_urls_in(small) == []


def test_cdn_urls_in_finds_remote_scripts():
    html = (
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn.example/y.css"/>'
        '<script src="/app/static/vendor/z.js"></script><style>@import url("http://a.b/c.css");</style>'
    )
    assert cdn_urls_in(html) == ["https://cdn.example/x.js", "//cdn.example/y.css", "http://a.b/c.css"]


def test_injected_html_is_escaped(districts, scores, sites):
    evil = sites.copy()
    evil.loc[0, "place"] = "<script>alert(1)</script>"
    evil.loc[1, "location_note"] = '<img src=x onerror="alert(2)">'
    evil_scores = scores.copy()
    evil_scores.loc["Sanghar", "label"] = "<b onmouseover=alert(3)>x</b>"
    html = build_atlas_map(districts, evil_scores, evil).get_root().render()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert "<b onmouseover" not in html


def test_district_names_travel_once_and_each_rerun_carries_only_the_figure(districts, scores):
    """Issue #14: the tooltip's name and division lines are part of the base map (sent once, escaped);
    the style table of every rerun holds only each district's figure, escaped."""
    odd = districts.copy()
    odd.loc[odd["district"] == "Thatta", "division"] = "<img src=x onerror=alert(1)>"
    odd_scores = scores.copy()
    odd_scores.loc["Sanghar", "label"] = "gap 0.90 <b>"
    html = build_atlas_map(odd, odd_scores, None).get_root().render()
    heads = _data_block(html, "heads")
    assert set(heads) == set(odd["district"])
    assert heads["Thatta"] == "<b>Thatta</b><br>&lt;img src=x onerror=alert(1)&gt; division"
    table = _table(html)
    assert table["districts"]["Sanghar"][1] == "gap 0.90 &lt;b&gt;"
    assert not any("Sanghar" in text or "division" in text for _, text in table["districts"].values())


def test_district_tooltip_names_in_sindhi(districts, scores):
    """Issue #13: on a Sindhi page the tooltip's name comes from data/names.csv, the division's word is
    translated and the division's own name (data) is marked as English."""
    from cluster_model.i18n import translator
    from geo.atlas_map import district_tooltip_heads

    heads = json.loads(district_tooltip_heads(districts, translator("sd")))
    assert heads["Thatta"].startswith("<b>ٺٽو</b><br>")
    assert "[en]" in heads["Thatta"] and "division" not in heads["Thatta"]
    english = json.loads(district_tooltip_heads(districts))
    assert english["Thatta"].startswith("<b>Thatta</b><br>") and english["Thatta"].endswith(" division")


def test_map_frame_title_names_the_region_in_the_page_language(districts, sites, monkeypatch):
    """The frame's title (a screen reader's name for the map) says the atlas's region, not always
    Sindh, and is in the page's language (#13)."""
    from cluster_model import settings
    from cluster_model.i18n import translator

    assert build_atlas_base(districts, sites).extras.options["title"].startswith("Map of Sindh's districts")
    monkeypatch.setenv("ATLAS_PROVINCE", "")
    settings.reset()
    try:
        assert build_atlas_base(districts, sites).extras.options["title"].startswith("Map of Pakistan's")
    finally:
        monkeypatch.undo()
        settings.reset()
    options = build_atlas_base(districts, sites, tr=translator("ur")).extras.options
    assert options["title"].startswith("Sindh [en] کے اضلاع کا نقشہ")
    assert options["tilesAttribution"].startswith("نقشے کا ڈیٹا اور حدود")


def test_template_syntax_in_names_is_kept_as_text(districts, scores, sites):
    """Cluster and place names are user-edited text: "{%" or "{{" in them must reach the
    map verbatim, not be read as Jinja (branca re-parses each rendered script as a template)."""
    sf = pytest.importorskip("streamlit_folium")
    odd = sites.copy()
    odd.loc[0, "cluster_name"] = "Fisheries {% if x %}"
    odd.loc[0, "place"] = "Keti {{ Bandar }}"
    odd.loc[1, "location_note"] = "{# note"
    html = build_atlas_map(districts, scores, odd).get_root().render()
    m = build_atlas_map(districts, scores, odd)
    m.render()  # what st_folium does before taking the map's HTML and script apart
    sent = sf._get_html(m) + sf.generate_leaflet_string(m)
    for text in ("Fisheries {% if x %}", "Keti {{ Bandar }}", "{# note"):
        assert text in html and text in sent


def test_embedded_json_cannot_close_its_script_block():
    from geo.atlas_map import _js_json

    text = _js_json({"name": "</script><script>alert(1)</script><!--"})
    assert "<" not in text and json.loads(text)["name"] == "</script><script>alert(1)</script><!--"


def test_shared_locations_stay_visible(districts, scores, sites):
    html = build_atlas_map(districts, scores, sites).get_root().render()
    data = _data_block(html, "markers")
    markers = [(m[0], m[1]) for m in data["markers"]]
    assert len(markers) == len(set(markers))  # one marker per location
    # Sanghar has cotton & oil/gas: both listed in the one marker's tooltip.
    names = [c[2] for c in data["clusters"]]
    tooltips = [" | ".join(names[e[0]] + " " + e[1] + " " + e[2] for e in m[2]) for m in data["markers"]]
    sanghar = [t for t in tooltips if "Sanghar" in t]
    assert any("Cotton &amp; textile" in t and "Oil &amp; gas" in t for t in sanghar)
    hyderabad = [t for t in tooltips if "Automobile" in t]
    assert hyderabad and "Livestock" in hyderabad[0]


def test_selected_and_highlight_outlined(districts, scores, sites):
    html = (
        build_atlas_map(districts, scores, sites, selected="Sanghar", highlight=["Thatta"])
        .get_root()
        .render()
    )
    outlines = _table(html)["outlines"]
    assert outlines["Sanghar"]["weight"] == 4 and outlines["Thatta"]["weight"] == 3
    assert all(o["fill"] is False for o in outlines.values()) and set(outlines) == {"Sanghar", "Thatta"}
    plain = build_atlas_map(districts, scores, sites).get_root().render()
    assert _table(plain)["outlines"] == {}


def test_sites_map_highlights_cluster_districts(districts, sites):
    html = build_sites_map(districts, sites, "cotton_textile").get_root().render()
    styles = _styles(html, districts["district"])
    for d in ("Sanghar", "Jamshoro", "Karachi South"):
        assert styles[d]["fillColor"] != NO_CLUSTER_FILL
    assert styles["Larkana"]["fillColor"] == NO_CLUSTER_FILL
    assert "Nooriabad" in html and "Marble" not in html


def test_clicked_district():
    clicked = {
        "last_active_drawing": {"type": "Feature", "properties": {"district": "Sanghar"}, "geometry": None}
    }
    assert clicked_district(clicked) == "Sanghar"
    assert clicked_district(None) is None
    assert clicked_district({"last_active_drawing": None}) is None
    assert clicked_district({"last_active_drawing": {"type": "Feature", "properties": {}}}) is None


def test_streamlit_folium_gets_only_local_links(districts, scores, sites):
    """What st_folium hands its frontend: the js/css links and header, all local."""
    sf = pytest.importorskip("streamlit_folium")
    import branca
    import folium.elements

    m = build_atlas_map(districts, scores, sites)
    m.get_root().render()
    links = []
    for element in _walk(m):
        assert not isinstance(element, branca.colormap.ColorMap)  # would add d3 from a CDN
        if isinstance(element, folium.elements.JSCSSMixin):
            links += [u for _, u in element.default_js + element.default_css]
    assert links and all(u.startswith("/app/static/") for u in links)
    # Each local link is a file the app serves (vendor files are installed by `make setup`).
    repo = Path(__file__).resolve().parents[1]
    for url in links:
        path = repo / "static" / url.removeprefix("/app/static/").split("?")[0]
        assert path.is_file() or "/vendor/" in url, url
    assert cdn_urls_in(sf._get_header(m)) == []
    script = sf.generate_leaflet_string(m)
    assert "AtlasMap.extras(" in script and "ODbL" in script


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _rounded_geojson(districts, decimals):
    """The districts as a plain GeoJSON FeatureCollection at ``decimals`` (what the map sent before TopoJSON)."""
    import shapely

    rounded = shapely.transform(districts.geometry.values, lambda xy: np.round(xy, decimals))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(g),
                "properties": {"district": str(d), "division": None if pd.isna(v) else str(v)},
            }
            for d, v, g in zip(districts["district"], districts["division"], rounded)
        ],
    }


def test_topojson_is_compact_and_faithful(districts):
    """Shared borders once, quantized and delta-encoded; decoded it is the display geometry to well under a pixel."""
    import geopandas as gpd
    import shapely

    from geo.projection import display_quantization, fitted_zoom

    q = display_quantization(districts.total_bounds)
    px = 360 / (
        256 * 2 ** fitted_zoom(districts.total_bounds)
    )  # degrees of longitude per pixel, default view
    text = districts_topojson(districts, q)
    assert districts_topojson(districts, q) is text  # cached
    topo = json.loads(text)
    assert topo["type"] == "Topology" and "transform" in topo
    assert len(text) < 0.5 * len(json.dumps(_rounded_geojson(districts, 5)))
    shown = gpd.GeoDataFrame.from_features(decode_topojson(topo)["features"], crs=4326).set_index("district")
    assert set(shown.index) == set(districts["district"])
    # The grid alone would move points <= 0.04 px; the topology step also snaps a few vertices (measured
    # 0.17 px here); bench/run.py measures the whole chain against the original file (< 1 px).
    for name, geom in zip(districts["district"], districts.geometry):
        assert shapely.hausdorff_distance(geom, shown.geometry[name]) < 0.5 * px, name


def test_base_map_script_does_not_change_with_styles(districts, scores, sites):
    """A pillar change or a click changes only the style group, so streamlit-folium keeps the drawn map."""
    sf = pytest.importorskip("streamlit_folium")
    scripts, groups = [], []
    for sc, sel in ((scores, None), (scores.assign(gap=[0.9, 0.1, np.nan]), "Thatta")):
        base = build_atlas_base(districts, sites)
        styles = atlas_styles(base, districts, sc, selected=sel)
        scripts.append(sf.generate_js_hash(sf._get_map_string(base), "k"))
        groups.append(sf._get_feature_group_string(styles, base))
    assert scripts[0] == scripts[1]
    assert groups[0] != groups[1]
    table = json.loads(re.search(r"/\* atlas-styles \*/ (.*?);\n", groups[1]).group(1))
    assert table["styles"][table["districts"]["Sanghar"][0]]["fillColor"] == GAP_COLOURS[4]
    assert table["outlines"]["Thatta"]["weight"] == 4
    assert "window.__atlasDistricts" in groups[1]  # found without the map's (renamed) variable


def _sent(m, styles):
    """What st_folium hands its frontend for a base map and its style group: header, html, map script, group."""
    import streamlit_folium as sf

    m.render()
    parts = [sf._get_html(m), sf._get_header(m)]
    parts.append(sf.generate_leaflet_string(m))
    parts.append(sf._get_feature_group_string(styles, map=m))
    return "\n".join(parts), sf.get_full_id(m)


def test_served_map_sends_no_geometry_and_the_same_view_is_identical(districts, scores, sites):
    """Issue #14: per rerun only the style table travels; geometry, markers and legend are served files,
    and a repeated view is byte-identical (no random element ids), so Streamlit's cache can skip it."""
    from geo.atlas_map import SERVED_DIR

    runs = []
    for _ in range(2):  # two reruns of the same view build new maps
        m = build_atlas_base(districts, sites, served=True)
        runs.append(_sent(m, atlas_styles(m, districts, scores, selected="Sanghar")))
    assert runs[0] == runs[1]
    text, _ = runs[0]
    assert '"Topology"' not in text and '"arcs"' not in text  # no geometry in the message
    assert "Cluster sites (" not in text  # nor the legend's key
    assert len(text.encode()) < 20_000
    # The districts, markers and legend are content-named files the map fetches.
    served = re.findall(r"/app/static/generated/([\w.-]+\.json)", text)
    assert {name.split("-")[0] for name in served} == {"topology", "heads", "labels", "markers", "legend"}
    topology = json.loads((SERVED_DIR / next(n for n in served if n.startswith("topology"))).read_text())
    names = {f["properties"]["district"] for f in decode_topojson(topology)["features"]}
    assert names == set(districts["district"])
    # Another view changes only the style table.
    m = build_atlas_base(districts, sites, served=True)
    other, _ = _sent(m, atlas_styles(m, districts, scores.assign(gap=[0.9, np.nan, 0.1])))
    assert other != text and other.split("/* atlas-styles */")[0] == text.split("/* atlas-styles */")[0]


def test_content_key_is_remembered_per_frame_and_follows_the_data(monkeypatch):
    """A rerun hands the map the same frames: their key is computed once per frame object (#14);
    another frame with other values gets another key, one with the same values the same key."""
    from geo import derived

    hashed = []
    real = derived._content_key
    monkeypatch.setattr(derived, "_content_key", lambda *a: hashed.append(a[1]) or real(*a))
    sites = pd.DataFrame({"cluster_id": ["a", "b"], "lat": [24.1, 25.2]})
    first = derived.content_key(sites, ["cluster_id", "lat"])
    assert derived.content_key(sites, ["cluster_id", "lat"]) == first
    assert len(hashed) == 1  # the second call did not hash again
    assert derived.content_key(sites.copy(), ["cluster_id", "lat"]) == first  # same data, same key
    moved = sites.assign(lat=[24.1, 25.3])
    assert derived.content_key(moved, ["cluster_id", "lat"]) != first
    assert derived.content_key(sites, ["cluster_id"]) != first  # other columns, other key
    assert len(hashed) == 4
