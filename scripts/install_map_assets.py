"""Install the map's front-end files (Leaflet, topojson-client) into static/vendor/ from the npm registry.

    python scripts/install_map_assets.py [--vendor-dir DIR] [--force]

For each package, downloads the tarball of ``<name>@<pinned version>`` from the npm
registry over plain HTTPS (no npm needed; ATLAS_NPM_REGISTRY names another registry),
checks it against the pinned npm integrity hash, and copies the files
the maps use into ``static/vendor/<name>-<version>/`` with a SHA256SUMS manifest, then joins the map's scripts into
one content-named file, ``static/generated/map-bundle-<hash>.js`` (``geo.offline.build_map_bundle``):
Leaflet (the version folium uses): ``dist/leaflet.js``, ``dist/leaflet.css`` and
``dist/images/``; topojson-client: ``dist/topojson-client.min.js``; Leaflet.markercluster
(national maps gather their sites into counted clusters): its script and two stylesheets; axe-core (for the
browser tests' accessibility checks only): ``axe.min.js``. Idempotent:
does nothing when the installed files match their manifests. static/vendor/ is
git-ignored; nothing here is committed.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from verified_download import DownloadError, download, matches, replace_folder, sha256_hex

from cluster_model.settings import settings
from geo.offline import (
    GENERATED_DIR,
    LEAFLET_DIR,
    LEAFLET_VERSION,
    MARKERCLUSTER_DIR,
    MARKERCLUSTER_VERSION,
    REQUIRED_ASSETS,
    TOPOJSON_CLIENT_DIR,
    TOPOJSON_CLIENT_VERSION,
    VENDOR_DIR,
    build_map_bundle,
    map_bundle_sources,
)

# axe-core: the accessibility checker the browser tests inject into every page (never loaded by the app).
AXE_CORE_VERSION = "4.14.1"
AXE_CORE_DIR = f"axe-core-{AXE_CORE_VERSION}"
TEST_ASSETS = (f"{AXE_CORE_DIR}/axe.min.js",)

# npm "dist.integrity" of the tarballs we accept, by package@version.
KNOWN_INTEGRITY = {
    f"axe-core@{AXE_CORE_VERSION}": "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
    f"leaflet.markercluster@{MARKERCLUSTER_VERSION}": "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==",
    "leaflet@1.9.3": "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
    "topojson-client@3.1.0": "sha512-605uxS6bcYxGXw9qi62XyrV6Q3xwbndjachmNxu8HWTtVPxZfEJN9fd/SZS1Q54Sn2y0TMyMxFj/cJINqGHrKw==",
}
MANIFEST = "SHA256SUMS"
DEFAULT_REGISTRY = "https://registry.npmjs.org"

# (npm spec, folder under static/vendor/, {path in the package: path in the folder}); a directory is copied whole.
PACKAGES = (
    (
        f"leaflet@{LEAFLET_VERSION}",
        LEAFLET_DIR,
        {
            "dist/leaflet.js": "leaflet.js",
            "dist/leaflet.css": "leaflet.css",
            "dist/images": "images",
            "LICENSE": "LICENSE",
        },
    ),
    (
        f"topojson-client@{TOPOJSON_CLIENT_VERSION}",
        TOPOJSON_CLIENT_DIR,
        {"dist/topojson-client.min.js": "topojson-client.min.js", "LICENSE": "LICENSE"},
    ),
    (
        f"leaflet.markercluster@{MARKERCLUSTER_VERSION}",
        MARKERCLUSTER_DIR,
        {
            "dist/leaflet.markercluster.js": "leaflet.markercluster.js",
            "dist/MarkerCluster.css": "MarkerCluster.css",
            "dist/MarkerCluster.Default.css": "MarkerCluster.Default.css",
            "MIT-LICENCE.txt": "LICENSE",
        },
    ),
    (f"axe-core@{AXE_CORE_VERSION}", AXE_CORE_DIR, {"axe.min.js": "axe.min.js", "LICENSE": "LICENSE"}),
)


class InstallError(Exception):
    pass


OFFLINE_HINT = (
    "The map files come from the npm registry once; connect to the internet (or set ATLAS_NPM_REGISTRY "
    "to a reachable mirror) and rerun `make setup`. Once installed, the atlas needs no internet."
)


def _sha256(path: Path) -> str:
    return sha256_hex(path.read_bytes())


def installed_ok(vendor_dir: Path, folder: str | None = None) -> bool:
    """The required files (of one package folder, or all) exist and match the manifest written at install time."""
    folders = [folder] if folder else [f for _, f, _ in PACKAGES]
    for name in folders:
        manifest = vendor_dir / name / MANIFEST
        if not manifest.is_file():
            return False
        sums = dict(line.split("  ", 1)[::-1] for line in manifest.read_text().splitlines() if line)
        for rel in REQUIRED_ASSETS + TEST_ASSETS:
            if not rel.startswith(f"{name}/"):
                continue
            path = vendor_dir / rel
            if not path.is_file() or sums.get(rel.removeprefix(f"{name}/")) != _sha256(path):
                return False
    return True


def registry_url() -> str:
    """The npm registry to download from: ATLAS_NPM_REGISTRY, else npm's usual setting, else the public one."""
    return settings().npm_registry or DEFAULT_REGISTRY


def tarball_url(spec: str, registry: str | None = None) -> str:
    """Where the registry keeps a package's tarball: <registry>/<name>/-/<basename>-<version>.tgz."""
    name, _, version = spec.rpartition("@")
    return f"{registry or registry_url()}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


def _download(spec: str) -> bytes:
    """The package's tarball, checked against its pinned integrity hash."""
    # Plain HTTPS, no npm: a fresh machine has Python and make only. The pinned integrity hash
    # is what makes the download trustworthy, so every package must have one.
    if spec not in KNOWN_INTEGRITY:
        raise InstallError(
            f"{spec} has no pinned integrity hash in KNOWN_INTEGRITY; add it (npm view {spec} dist.integrity)."
        )
    url = tarball_url(spec)
    try:
        data = download(url, offline_hint=OFFLINE_HINT)
    except DownloadError as exc:
        raise InstallError(f"could not download {spec} from {url}: {exc}") from None
    if not matches(data, KNOWN_INTEGRITY[spec]):
        raise InstallError(
            f"{url.rsplit('/', 1)[-1]}: integrity mismatch (expected {KNOWN_INTEGRITY[spec]})."
        )
    return data


def _install_package(spec: str, folder: str, files: dict[str, str], vendor_dir: Path) -> None:
    target = vendor_dir / folder
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(_download(spec))) as archive:
            archive.extractall(tmpdir / "x", filter="data")
        package = tmpdir / "x" / "package"
        staging = tmpdir / "out"
        staging.mkdir()
        for src, dest in files.items():
            if (package / src).is_dir():
                shutil.copytree(package / src, staging / dest)
            elif (package / src).is_file():
                shutil.copy2(package / src, staging / dest)
        sums = [
            f"{_sha256(p)}  {p.relative_to(staging).as_posix()}"
            for p in sorted(staging.rglob("*"))
            if p.is_file()
        ]
        (staging / MANIFEST).write_text("\n".join(sums) + "\n")
        missing = [
            rel
            for rel in REQUIRED_ASSETS + TEST_ASSETS
            if rel.startswith(f"{folder}/") and not (staging / rel.removeprefix(f"{folder}/")).is_file()
        ]
        if missing:
            raise InstallError(f"{spec} tarball lacks {', '.join(missing)}")
        replace_folder(staging, target)


def install(vendor_dir: Path = VENDOR_DIR, force: bool = False) -> bool:
    """Install the assets; returns False when they were all already there."""
    changed = False
    for spec, folder, files in PACKAGES:
        if force or not installed_ok(vendor_dir, folder):
            _install_package(spec, folder, files, vendor_dir)
            changed = True
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendor-dir", type=Path, default=VENDOR_DIR)
    parser.add_argument("--force", action="store_true", help="reinstall even if present")
    parser.add_argument("--generated-dir", type=Path, default=GENERATED_DIR, help="where the map bundle goes")
    args = parser.parse_args(argv)
    try:
        changed = install(args.vendor_dir, args.force)
    except InstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    names = ", ".join(spec for spec, _, _ in PACKAGES)
    print(f"{'installed' if changed else 'already installed'}: {names} in {args.vendor_dir}")
    # Built from the files just verified, on every setup: a clean clone serves it before any map is drawn.
    sources = map_bundle_sources(args.vendor_dir)
    if all(path.is_file() for path in sources):
        print(f"map bundle: {build_map_bundle(sources, args.generated_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
