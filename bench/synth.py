"""Synthetic all-Pakistan data for the benchmark (case b). Lives only here, never in the app.

``write_synthetic(folder)`` writes a complete data folder (the same files as
``data/``): 1,000 invented clusters with sites spread over every district of
the Pakistan ADM2 file, and 5 assessment rounds, all marked ``illustrative: yes``
so the app labels them ILLUSTRATIVE. Indicators, rules and sources are copied
from the real ``data/`` folder, plus one source row that says the data is synthetic.
Deterministic (fixed seed).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import shapely

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO / "data"
PAKISTAN_ADM2 = REPO.parent / "shared" / "boundaries" / "pakistan_adm2.geojson"

N_CLUSTERS = 1000
N_ROUNDS = 5
SEED = 20191126
STATUSES = ("present", "partial", "absent")
SOURCE_ID = "bench_synthetic"

EMPTY_FILES = {
    "participation.csv": ["cluster_id", "dimension", "level", "local_share_pct", "source_id", "note"],
    "evidence.csv": [
        "evidence_id",
        "statement",
        "speaker",
        "stakeholder_group",
        "pillars",
        "clusters",
        "source_id",
    ],
    "published_classification.csv": ["cluster_id", "classification", "source_id", "note"],
    "district_aliases.csv": ["alias", "district", "note"],
}


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _points_in(geom, n: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """n random (lon, lat) points strictly inside ``geom`` (rejection sampling)."""
    minx, miny, maxx, maxy = geom.bounds
    inner = geom.buffer(-0.01) if geom.area > 0.01 else geom
    if inner.is_empty:
        inner = geom
    out: list[tuple[float, float]] = []
    for _ in range(200):
        xs = rng.uniform(minx, maxx, 64)
        ys = rng.uniform(miny, maxy, 64)
        ok = shapely.contains_xy(inner, xs, ys)
        out += list(zip(xs[ok], ys[ok]))
        if len(out) >= n:
            return out[:n]
    p = geom.representative_point()
    return (out + [(p.x, p.y)] * n)[:n]


def write_synthetic(
    folder: str | Path,
    boundaries: str | Path = PAKISTAN_ADM2,
    n_clusters: int = N_CLUSTERS,
    n_rounds: int = N_ROUNDS,
    seed: int = SEED,
) -> Path:
    from geo.boundaries import load_boundaries

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    districts = load_boundaries(boundaries, province=None)

    for name in ("indicators.csv", "rules.yaml"):
        shutil.copy(REAL_DATA / name, folder / name)
    sources = (REAL_DATA / "sources.csv").read_text(encoding="utf-8").rstrip("\n") + "\n"
    sources += (
        f'{SOURCE_ID},"Synthetic benchmark data (bench/synth.py)","Invented clusters and assessments '
        f'for the performance benchmark only",editor note,2026-11-25,bench/synth.py,'
        f'"Not real data: generated with a fixed random seed."\n'
    )
    (folder / "sources.csv").write_text(sources, encoding="utf-8")
    for name, header in EMPTY_FILES.items():
        _write(folder / name, header, [])

    ids = [f"syn{i:04d}" for i in range(1, n_clusters + 1)]
    _write(
        folder / "clusters.csv",
        ["cluster_id", "number", "name", "source_id"],
        [(cid, i, f"Synthetic cluster {i:04d}", SOURCE_ID) for i, cid in enumerate(ids, 1)],
    )

    # 1-3 sites per cluster; every district gets at least one site.
    names = list(districts["district"])
    n_sites = rng.integers(1, 4, n_clusters)
    site_districts = [list(rng.choice(len(names), k, replace=False)) for k in n_sites]
    for d in range(len(names)):  # cover every district
        site_districts[d % n_clusters].append(d) if d not in site_districts[d % n_clusters] else None
    per_district: dict[int, int] = {}
    for ds in site_districts:
        for d in ds:
            per_district[d] = per_district.get(d, 0) + 1
    points = {d: _points_in(districts.geometry.iloc[d], k, rng) for d, k in per_district.items()}
    used = {d: 0 for d in per_district}
    rows = []
    for cid, ds in zip(ids, site_districts):
        for d in ds:
            lon, lat = points[d][used[d]]
            used[d] += 1
            rows.append(
                (cid, f"Place {cid}-{d}", names[d], f"{lat:.4f}", f"{lon:.4f}", "Synthetic site.", SOURCE_ID)
            )
    _write(
        folder / "sites.csv",
        ["cluster_id", "place", "district", "lat", "lon", "location_note", "source_id"],
        rows,
    )

    _write(
        folder / "rounds.csv",
        ["round_id", "name", "date", "kind", "illustrative", "notes"],
        [
            (
                f"syn-r{r}",
                f"Synthetic round {r}",
                f"{2020 + r}-06-30",
                "survey",
                "yes",
                "Synthetic benchmark round (not real data).",
            )
            for r in range(1, n_rounds + 1)
        ],
    )

    indicators = [
        r["indicator_id"] for r in csv.DictReader((folder / "indicators.csv").open(encoding="utf-8"))
    ]
    rows = []
    for r in range(1, n_rounds + 1):
        assessed = rng.random((n_clusters, len(indicators))) < 0.6
        status = rng.integers(0, 3, (n_clusters, len(indicators)))
        for i, cid in enumerate(ids):
            for j, ind in enumerate(indicators):
                if assessed[i, j]:
                    rows.append((f"syn-r{r}", cid, ind, STATUSES[status[i, j]], SOURCE_ID, ""))
    _write(
        folder / "assessments.csv",
        ["round_id", "cluster_id", "indicator_id", "status", "source_id", "note"],
        rows,
    )
    return folder


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(REPO))
    print(write_synthetic(sys.argv[1] if len(sys.argv) > 1 else "/tmp/atlas-bench-data"))
