"""Download the district boundaries from their public upstream and convert them.

    python scripts/fetch_boundaries.py [--out var/boundaries]

Source (see ../shared/boundaries/PROVENANCE.md): the TopoJSON
``data/bundle/geography.topojson.json`` of the GitHub repository
``AbuBakrCh/pakistan-map`` at commit 3ddec907…, OpenStreetMap data under ODbL 1.0.
Steps: download, check the sha256, decode the ``districts`` object to GeoJSON
(arcs are absolute coordinates; a negative index ~i means arc i reversed),
drop degenerate rings (< 4 positions), make_valid the still-invalid features
(polygonal parts only), cast to MultiPolygon, write compact
``pakistan_adm2.geojson`` and ``sindh_adm2.geojson``, then verify them.

Output files are data, not code: never commit them (var/ is git-ignored).
Afterwards: ``export ATLAS_BOUNDARIES=<out>/sindh_adm2.geojson``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from verified_download import DownloadError, setup_step, sha256_hex, write_files
from verified_download import download as download_pinned
from verified_download import verify as verify_download

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "var" / "boundaries"

UPSTREAM_REPO = "AbuBakrCh/pakistan-map"
UPSTREAM_COMMIT = "3ddec90793c4cc4c85529e676301ed533ff84da1"
UPSTREAM_PATH = "data/bundle/geography.topojson.json"
UPSTREAM_URL = f"https://raw.githubusercontent.com/{UPSTREAM_REPO}/{UPSTREAM_COMMIT}/{UPSTREAM_PATH}"
UPSTREAM_SHA256 = "3ab805699df97f749459dcbebf380ac7190e3e58d4d44b4942cdc5a4c47d73e3"

# sha256 of the files in ../shared/boundaries (PROVENANCE.md table).
EXPECTED_SHA256 = {
    "pakistan_adm2.geojson": "5b3993ee784a44d18996c816d81f853903d80300b6446a0edf2884283fa8ab2f",
    "sindh_adm2.geojson": "077a168d84409ba5d201bf0a45b7e72a4604690cbcdaa94764b3064b2880ce8e",
}
EXPECTED_COUNTS = {"pakistan_adm2.geojson": 156, "sindh_adm2.geojson": 30}
SINDH_DISTRICTS = frozenset(
    {
        "Badin",
        "Dadu",
        "Hyderabad",
        "Jamshoro",
        "Matiari",
        "Sujawal",
        "Tando Allah Yar",
        "Tando Mohammad Khan",
        "Thatta",
        "Karachi Central",
        "Karachi East",
        "Karachi South",
        "Karachi West",
        "Keamari",
        "Korangi",
        "Malir",
        "Jacobabad",
        "Kambar Shahdadkot",
        "Kashmore",
        "Larkana",
        "Shikarpur",
        "Mirpur Khas",
        "Tharparkar",
        "Umerkot",
        "Naushahro Feroze",
        "Sanghar",
        "Shaheed Benazirabad",
        "Ghotki",
        "Khairpur",
        "Sukkur",
    }
)
SHARED_DIR = REPO_ROOT.parent / "shared" / "boundaries"


FetchError = DownloadError  # the name the callers and tests know
OFFLINE_HINT = (
    "Without network: copy the files pakistan_adm2.geojson and sindh_adm2.geojson (from another "
    f"machine's shared/boundaries/) to {SHARED_DIR}, or set ATLAS_BOUNDARIES to where you put "
    "sindh_adm2.geojson; then run `make setup` again"
)


def download(url: str = UPSTREAM_URL) -> bytes:
    """The raw upstream bytes; FetchError with what to do when offline."""
    return download_pinned(url, offline_hint=OFFLINE_HINT)


def _arc_coords(topology: dict) -> list[list[list[float]]]:
    """Arcs as absolute coordinates (undoing a quantisation transform if present)."""
    arcs = topology["arcs"]
    transform = topology.get("transform")
    if not transform:
        return arcs
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in arcs:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append([x * sx + tx, y * sy + ty])
        decoded.append(points)
    return decoded


def _ring(arc_indices: list[int], arcs: list) -> list[list[float]]:
    """Join arcs into one ring; ~i is arc i reversed; shared end points once."""
    ring: list[list[float]] = []
    for index in arc_indices:
        points = arcs[~index][::-1] if index < 0 else arcs[index]
        ring.extend(points if not ring else points[1:])
    return ring


def _polygons(geometry: dict, arcs: list) -> list[list[list[list[float]]]]:
    """Polygons of a TopoJSON Polygon/MultiPolygon, degenerate rings dropped."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    result = []
    for polygon in polygons:
        rings = [_ring(r, arcs) for r in polygon]
        if not rings or len(rings[0]) < 4:  # degenerate exterior: drop polygon
            continue
        result.append([rings[0]] + [r for r in rings[1:] if len(r) >= 4])
    return result


def topology_to_features(topology: dict, object_name: str = "districts") -> list[dict]:
    """GeoJSON features (MultiPolygon, valid) of one TopoJSON object."""
    if object_name not in topology.get("objects", {}):
        raise FetchError(
            f"TopoJSON has no object '{object_name}' (found: {', '.join(topology.get('objects', {}))})"
        )
    arcs = _arc_coords(topology)
    features = []
    for geometry in topology["objects"][object_name]["geometries"]:
        coordinates = _polygons(geometry, arcs)
        if not coordinates:
            continue
        geojson = {"type": "MultiPolygon", "coordinates": coordinates}
        geom = shape(geojson)
        if not geom.is_valid:
            repaired = shapely.make_valid(geom)
            parts = [p for p in shapely.get_parts(repaired) if p.geom_type in ("Polygon", "MultiPolygon")]
            multi = shapely.MultiPolygon(list(shapely.get_parts(parts)))
            geojson = json.loads(json.dumps(mapping(multi)))  # tuples -> lists
        features.append(
            {"type": "Feature", "properties": geometry.get("properties", {}), "geometry": geojson}
        )
    return features


def _collection_bytes(name: str, features: list[dict]) -> bytes:
    text = json.dumps(
        {"type": "FeatureCollection", "name": name, "features": features},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return text.encode("utf-8")


def convert(raw: bytes, province: str = "Sindh") -> dict[str, bytes]:
    """Upstream TopoJSON bytes → {file name: GeoJSON bytes}."""
    features = topology_to_features(json.loads(raw))
    in_province = [f for f in features if f["properties"].get("province") == province]
    return {
        "pakistan_adm2.geojson": _collection_bytes("pakistan_adm2", features),
        "sindh_adm2.geojson": _collection_bytes("sindh_adm2", in_province),
    }


def verify(files: dict[str, bytes]) -> list[str]:
    """Check outputs: byte-identical sha256 if so, else feature counts and Sindh names.

    Returns notes to print; raises FetchError when the content is wrong.
    """
    notes = []
    for name, data in files.items():
        digest = sha256_hex(data)
        if digest == EXPECTED_SHA256.get(name):
            notes.append(f"{name}: sha256 matches PROVENANCE.md (byte-identical)")
            continue
        features = json.loads(data)["features"]
        if len(features) != EXPECTED_COUNTS[name]:
            raise FetchError(f"{name}: {len(features)} features, expected {EXPECTED_COUNTS[name]}")
        if name == "sindh_adm2.geojson":
            names = {f["properties"].get("name") for f in features}
            if names != SINDH_DISTRICTS:
                raise FetchError(
                    f"{name}: district names differ from PROVENANCE.md: "
                    f"missing {sorted(SINDH_DISTRICTS - names)}, extra {sorted(names - SINDH_DISTRICTS)}"
                )
        notes.append(
            f"{name}: not byte-identical to the shared copy (sha256 {digest[:12]}…), "
            f"but feature count{' and names' if name.startswith('sindh') else ''} match"
        )
    return notes


def fetch(out_dir: Path = DEFAULT_OUT, url: str = UPSTREAM_URL) -> list[str]:
    raw = download(url)
    verify_download(raw, UPSTREAM_SHA256, UPSTREAM_PATH)
    files = convert(raw)
    notes = verify(files)
    write_files(out_dir, files)  # only now, all verified; each atomically
    return notes + [
        f"wrote {', '.join(files)} to {out_dir}",
        f"use: export ATLAS_BOUNDARIES={out_dir / 'sindh_adm2.geojson'}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="target folder")
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="only when the app's boundary file is missing; never fail the setup (make setup)",
    )
    args = parser.parse_args(argv)

    def present() -> tuple[bool, str]:
        sys.path.insert(0, str(REPO_ROOT))
        from geo.boundaries import boundaries_path

        if boundaries_path().exists():
            return True, f"Boundary file present: {boundaries_path()}"
        return False, f"Boundary file {boundaries_path()} not found: downloading from {UPSTREAM_REPO}…"

    return setup_step(
        lambda: fetch(args.out),
        what="boundaries",
        if_missing=args.if_missing,
        present=present,
        still_starts="The atlas still starts, without its map, and says so.",
    )


if __name__ == "__main__":
    sys.exit(main())
