"""Install the map's front-end files (Leaflet) into static/vendor/ from the npm registry.

    python scripts/install_map_assets.py [--vendor-dir DIR] [--force]

Runs ``npm pack leaflet@<version folium uses>`` in a temporary folder, checks the
tarball against the pinned npm integrity hash, and copies ``dist/leaflet.js``,
``dist/leaflet.css`` and ``dist/images/`` into ``static/vendor/leaflet-<version>/``
with a SHA256SUMS manifest. Idempotent: does nothing when the installed files
match their manifest. static/vendor/ is git-ignored; nothing here is committed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from geo.offline import LEAFLET_DIR, LEAFLET_VERSION, REQUIRED_ASSETS, VENDOR_DIR  # noqa: E402

# npm "dist.integrity" of the tarballs we accept, by version.
KNOWN_INTEGRITY = {
    "1.9.3": "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
}
MANIFEST = "SHA256SUMS"


class InstallError(Exception):
    pass


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def installed_ok(vendor_dir: Path) -> bool:
    """All required files exist and match the manifest written at install time."""
    manifest = vendor_dir / LEAFLET_DIR / MANIFEST
    if not manifest.is_file():
        return False
    sums = dict(line.split("  ", 1)[::-1] for line in manifest.read_text().splitlines() if line)
    for rel in REQUIRED_ASSETS:
        inner = rel.removeprefix(f"{LEAFLET_DIR}/")
        path = vendor_dir / rel
        if not path.is_file() or sums.get(inner) != _sha256(path):
            return False
    return True


def _npm_pack(spec: str, workdir: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise InstallError("npm is not installed; install Node.js/npm (e.g. `apt-get install npm`) and rerun.")
    try:
        result = subprocess.run(
            [npm, "pack", spec, "--pack-destination", str(workdir), "--silent"],
            cwd=workdir, capture_output=True, text=True, timeout=300,
        )
    except subprocess.TimeoutExpired:
        raise InstallError(f"`npm pack {spec}` timed out: is the npm registry reachable?") from None
    if result.returncode != 0:
        raise InstallError(
            f"`npm pack {spec}` failed: could not get it from the npm registry "
            f"({result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'no output'}). "
            "Check the network/registry settings (`npm config get registry`) and rerun."
        )
    tarballs = sorted(workdir.glob("*.tgz"))
    if not tarballs:
        raise InstallError(f"`npm pack {spec}` produced no tarball.")
    return tarballs[0]


def _check_integrity(tarball: Path, version: str) -> None:
    expected = KNOWN_INTEGRITY.get(version)
    if expected is None:
        print(f"note: no pinned integrity for leaflet {version}; relying on npm's own check")
        return
    algo, _, digest = expected.partition("-")
    actual = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
    if actual != digest:
        raise InstallError(f"{tarball.name}: integrity mismatch (expected {expected}).")


def install(vendor_dir: Path = VENDOR_DIR, force: bool = False) -> bool:
    """Install the assets; returns False when they were already there."""
    if not force and installed_ok(vendor_dir):
        return False
    target = vendor_dir / LEAFLET_DIR
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        tarball = _npm_pack(f"leaflet@{LEAFLET_VERSION}", tmpdir)
        _check_integrity(tarball, LEAFLET_VERSION)
        with tarfile.open(tarball) as archive:
            archive.extractall(tmpdir / "x", filter="data")
        dist = tmpdir / "x" / "package" / "dist"
        staging = tmpdir / "out"
        staging.mkdir()
        shutil.copy2(dist / "leaflet.js", staging / "leaflet.js")
        shutil.copy2(dist / "leaflet.css", staging / "leaflet.css")
        shutil.copytree(dist / "images", staging / "images")
        shutil.copy2(tmpdir / "x" / "package" / "LICENSE", staging / "LICENSE")
        sums = [f"{_sha256(p)}  {p.relative_to(staging).as_posix()}"
                for p in sorted(staging.rglob("*")) if p.is_file()]
        (staging / MANIFEST).write_text("\n".join(sums) + "\n")
        missing = [rel for rel in REQUIRED_ASSETS
                   if not (staging / rel.removeprefix(f"{LEAFLET_DIR}/")).is_file()]
        if missing:
            raise InstallError(f"leaflet@{LEAFLET_VERSION} tarball lacks {', '.join(missing)}")
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, target)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendor-dir", type=Path, default=VENDOR_DIR)
    parser.add_argument("--force", action="store_true", help="reinstall even if present")
    args = parser.parse_args(argv)
    try:
        changed = install(args.vendor_dir, args.force)
    except InstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    where = args.vendor_dir / LEAFLET_DIR
    print(f"{'installed' if changed else 'already installed'}: leaflet {LEAFLET_VERSION} in {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
