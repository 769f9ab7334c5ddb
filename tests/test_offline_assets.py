"""Map assets are installed locally and every map references only them."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import folium  # noqa: E402
import folium.plugins  # noqa: E402
import pytest  # noqa: E402

from geo import offline  # noqa: E402
from geo.offline import LOCAL_CSS, LOCAL_JS, REQUIRED_ASSETS, TOPOJSON_JS, VENDOR_DIR, localise_map, missing_assets  # noqa: E402

SCRIPT = REPO / "scripts" / "install_map_assets.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed():
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed, so scripts/install_map_assets.py cannot run here")
    result = _run()
    assert result.returncode == 0, result.stderr
    return result


def test_install_provides_every_referenced_asset(installed):
    assert missing_assets() == []
    # Every URL the maps use maps onto an installed file under static/.
    for _, url in LOCAL_JS + LOCAL_CSS + [TOPOJSON_JS]:
        rel = url.removeprefix(offline.STATIC_URL + "/vendor/")
        assert (VENDOR_DIR / rel).is_file(), url
    js = (VENDOR_DIR / REQUIRED_ASSETS[0]).read_text()
    assert f"Leaflet {offline.LEAFLET_VERSION}" in js[:300] or offline.LEAFLET_VERSION in js[:2000]
    topo = (VENDOR_DIR / offline.TOPOJSON_CLIENT_DIR / "topojson-client.min.js").read_text()
    assert offline.TOPOJSON_CLIENT_VERSION in topo[:300] and "feature" in topo


def test_install_is_idempotent(installed):
    again = _run()
    assert again.returncode == 0 and "already installed" in again.stdout


def test_install_into_fresh_dir_and_repairs_tampering(installed, tmp_path):
    result = _run("--vendor-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert missing_assets(tmp_path) == []
    css = tmp_path / REQUIRED_ASSETS[1]
    css.write_text("tampered")
    assert "installed:" in _run("--vendor-dir", str(tmp_path)).stdout
    assert css.read_text() != "tampered"


def test_missing_assets_lists_absent_files(tmp_path):
    assert missing_assets(tmp_path) == [tmp_path / rel for rel in REQUIRED_ASSETS]


def test_leaflet_version_matches_folium():
    assert any(f"leaflet@{offline.LEAFLET_VERSION}/" in url for _, url in folium.Map.default_js)


def test_localise_map_is_per_instance():
    m = localise_map(folium.Map(tiles=None))
    assert m.default_js == LOCAL_JS and m.default_css == LOCAL_CSS
    assert any("jsdelivr" in url for _, url in folium.Map.default_js)  # class defaults untouched
    assert offline.cdn_urls_in(m.get_root().render()) == []


def test_localise_map_refuses_cdn_plugins():
    m = folium.Map(tiles=None)
    folium.plugins.MiniMap().add_to(m)  # a plugin that loads its JS from a CDN
    with pytest.raises(ValueError, match="internet"):
        localise_map(m)


def test_no_npm_gives_clear_error(monkeypatch, tmp_path):
    sys.path.insert(0, str(SCRIPT.parent))
    import install_map_assets

    monkeypatch.setattr(install_map_assets.shutil, "which", lambda name: None)
    assert install_map_assets.main(["--vendor-dir", str(tmp_path)]) == 1
