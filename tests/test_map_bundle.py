"""The map's scripts travel as one content-named file (#28): Leaflet, topojson-client,
Leaflet.markercluster and atlas-map.js, joined by the project's own setup from the verified files."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pytest
from test_atlas_map import _walk, districts, scores, sites

from geo import offline
from geo.offline import MAP_BUNDLE_JS, MAP_BUNDLE_SOURCES, build_map_bundle

SCRIPT = REPO / "scripts" / "install_map_assets.py"


@pytest.fixture
def sources(tmp_path):
    """Copies of the bundle's sources, to change one."""
    copies = []
    for i, path in enumerate(MAP_BUNDLE_SOURCES):
        copy = tmp_path / "src" / f"{i}-{path.name}"
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(path, copy)
        copies.append(copy)
    return tuple(copies)


def test_bundle_holds_every_source_in_order_without_source_map_links(sources, tmp_path):
    text = build_map_bundle(sources, tmp_path / "out").read_text(encoding="utf-8")
    starts = [
        text.index(marker)
        for marker in ("Leaflet 1.9.3", "topojson-client", "L.MarkerClusterGroup", "AtlasMap")
    ]
    assert starts == sorted(starts)  # Leaflet first: the plugins and the Atlas's script use L
    assert "sourceMappingURL" not in text  # the maps are not installed: no request for them


def test_bundle_name_changes_when_a_source_changes(sources, tmp_path):
    first = build_map_bundle(sources, tmp_path / "out")
    assert build_map_bundle(sources, tmp_path / "out") == first  # same sources, same file
    sources[-1].write_text(sources[-1].read_text() + "\n// changed\n")
    second = build_map_bundle(sources, tmp_path / "out")
    assert second != first and second.name.startswith("map-bundle-") and second.suffix == ".js"
    assert "// changed" in second.read_text() and "// changed" not in first.read_text()


def test_setup_builds_the_bundle_the_maps_link_to(tmp_path):
    """A clean clone: the install script (make setup) writes the very file the maps name."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--generated-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    name = MAP_BUNDLE_JS[1].rsplit("/", 1)[-1]
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert (tmp_path / name).read_bytes() == (offline.GENERATED_DIR / name).read_bytes()


def test_the_atlas_map_asks_for_one_script(districts, scores, sites):
    """What streamlit-folium's frontend loads one after another: the map's js links, deduplicated."""
    from geo.atlas_map import build_atlas_map

    m = build_atlas_map(districts, scores, sites)
    m.get_root().render()
    links = list(dict.fromkeys(url for element in _walk(m) for _, url in getattr(element, "default_js", [])))
    assert links == [MAP_BUNDLE_JS[1]]
