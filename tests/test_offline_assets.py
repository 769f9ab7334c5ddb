"""Map assets are installed locally and every map references only them."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import folium
import folium.plugins
import pytest

from geo import offline
from geo.offline import (
    LOCAL_CSS,
    LOCAL_JS,
    MAP_BUNDLE_JS,
    MARKERCLUSTER_CSS,
    REQUIRED_ASSETS,
    VENDOR_DIR,
    localise_map,
    missing_assets,
)

SCRIPT = REPO / "scripts" / "install_map_assets.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed():
    result = _run()
    assert result.returncode == 0, result.stderr
    return result


def test_install_provides_every_referenced_asset(installed):
    assert missing_assets() == []
    # Every URL the maps use maps onto an installed file under static/.
    for _, url in LOCAL_JS + LOCAL_CSS + MARKERCLUSTER_CSS:
        rel = url.removeprefix(offline.STATIC_URL + "/vendor/")
        assert (VENDOR_DIR / rel).is_file(), url
    # ... and the maps' one script, built from those files by the same setup.
    assert (offline.GENERATED_DIR / MAP_BUNDLE_JS[1].removeprefix(offline.GENERATED_URL + "/")).is_file()
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
    assert m.default_js == [MAP_BUNDLE_JS] and m.default_css == LOCAL_CSS
    assert any("jsdelivr" in url for _, url in folium.Map.default_js)  # class defaults untouched
    assert offline.cdn_urls_in(m.get_root().render()) == []


def test_a_cdn_plugin_shows_in_the_rendered_map():
    m = folium.Map(tiles=None)
    folium.plugins.MiniMap().add_to(m)  # a plugin that loads its JS from a CDN
    remote = offline.cdn_urls_in(localise_map(m).get_root().render())
    assert remote and all("leaflet-minimap" in url.lower() or "minimap" in url.lower() for url in remote)


def _installer():
    sys.path.insert(0, str(SCRIPT.parent))
    import install_map_assets

    return install_map_assets


def _fake_package(tmp_path, body: bytes = b"window.fake = 1;") -> tuple[bytes, str]:
    """A tiny npm-style tarball (package/fake.js, package/LICENSE) and its npm integrity string."""
    import base64
    import hashlib
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in (("package/fake.js", body), ("package/LICENSE", b"MIT")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    data = buffer.getvalue()
    return data, "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def fake_registry(tmp_path):
    """A local HTTP server standing in for the npm registry: serves whatever tarballs the test puts in it."""
    import http.server
    import threading

    served: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            data = served.get(self.path)
            self.send_response(200 if data is not None else 404)
            self.end_headers()
            self.wfile.write(data or b"not found")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", served
    server.shutdown()


def _use_fake_package(monkeypatch, installer, integrity: str) -> None:
    monkeypatch.setattr(
        installer,
        "PACKAGES",
        (("fake-lib@1.0.0", "fake-lib-1.0.0", {"fake.js": "fake.js", "LICENSE": "LICENSE"}),),
    )
    monkeypatch.setattr(installer, "KNOWN_INTEGRITY", {"fake-lib@1.0.0": integrity})
    monkeypatch.setattr(installer, "REQUIRED_ASSETS", ("fake-lib-1.0.0/fake.js",))


def test_download_without_npm_installs_and_verifies(monkeypatch, tmp_path, fake_registry):
    installer = _installer()
    base, served = fake_registry
    data, integrity = _fake_package(tmp_path)
    served["/fake-lib/-/fake-lib-1.0.0.tgz"] = data
    _use_fake_package(monkeypatch, installer, integrity)
    monkeypatch.setattr(installer.shutil, "which", lambda name: None)  # no npm on this machine
    monkeypatch.setenv("ATLAS_NPM_REGISTRY", base)
    vendor = tmp_path / "vendor"
    assert installer.main(["--vendor-dir", str(vendor)]) == 0
    assert (vendor / "fake-lib-1.0.0" / "fake.js").read_bytes() == b"window.fake = 1;"
    assert installer.installed_ok(vendor)


def test_tampered_tarball_is_refused_and_nothing_written(monkeypatch, tmp_path, fake_registry, capsys):
    installer = _installer()
    base, served = fake_registry
    _, integrity = _fake_package(tmp_path)
    served["/fake-lib/-/fake-lib-1.0.0.tgz"], _ = _fake_package(tmp_path, body=b"window.evil = 1;")
    _use_fake_package(monkeypatch, installer, integrity)
    monkeypatch.setenv("ATLAS_NPM_REGISTRY", base)
    vendor = tmp_path / "vendor"
    assert installer.main(["--vendor-dir", str(vendor)]) == 1
    assert "integrity mismatch" in capsys.readouterr().err
    assert not (vendor / "fake-lib-1.0.0").exists()


def test_offline_gives_a_clear_message(monkeypatch, tmp_path, capsys):
    installer = _installer()
    _, integrity = _fake_package(tmp_path)
    _use_fake_package(monkeypatch, installer, integrity)
    monkeypatch.setenv("ATLAS_NPM_REGISTRY", f"http://127.0.0.1:{_closed_port()}")  # nothing listens there
    assert installer.main(["--vendor-dir", str(tmp_path / "vendor")]) == 1
    err = capsys.readouterr().err
    assert "could not download fake-lib@1.0.0" in err and "connect to the internet" in err


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
