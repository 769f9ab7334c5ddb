"""Cached access to the dataset and the boundaries, with every problem collected.

Nothing here decides anything about clusters: it loads, matches names, caches,
and hands the pages a bundle plus the list of issues to show.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from cluster_model import store
from cluster_model.issues import DataFileError, DataIssue
from cluster_model.loading import DATA_DIR, Dataset, load_dataset
from geo.boundaries import boundaries_path, boundaries_province, load_boundaries, simplify_for_display
from geo.names import DistrictMatcher, check_sites_within, load_aliases, match_column

# About 100 m: invisible at province zoom, and it shrinks the map data a lot.
DISPLAY_TOLERANCE_DEG = 0.001


@dataclass
class AtlasData:
    dataset: Dataset
    districts: gpd.GeoDataFrame | None  # simplified for display, EPSG:4326
    boundary_file: Path
    sites: pd.DataFrame  # sites whose district matched the boundaries, with cluster_name
    issues: list[DataIssue] = field(default_factory=list)

    @property
    def district_names(self) -> list[str]:
        if self.districts is not None:
            return sorted(self.districts["district"])
        return sorted(self.sites["district"].unique())


def _mtimes(folder: Path) -> tuple:
    """Cache key part that changes when an editor saves a file in ``folder``."""
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*") if p.is_file()))


def data_dir() -> Path:
    """The editable inputs: ``data/``, or ATLAS_DATA_DIR (another copy, for trials and tests)."""
    return Path(os.environ.get("ATLAS_DATA_DIR") or DATA_DIR)


def store_url() -> str:
    """ATLAS_DB_URL, else ``[connections.atlas] url`` in secrets.toml, else SQLite in var/ beside the data folder."""
    try:
        configured = st.secrets.get("connections", {}).get("atlas", {}).get("url")
    except Exception:  # noqa: BLE001 - no secrets file: use the default store
        configured = None
    if configured or os.environ.get("ATLAS_DB_URL"):
        return store.resolve_url(configured)
    return f"sqlite:///{data_dir().resolve().parent / 'var' / 'atlas.db'}"


@st.cache_resource(show_spinner="Opening the evidence store…")
def _open_store(url: str, seed_dir: str):
    return store.open_store(url, data_dir=seed_dir)


def get_engine():
    """The store's engine (one per URL), schema up to date, seeded from the data folder when empty."""
    return _open_store(store_url(), str(data_dir()))


def get_atlas_data() -> AtlasData:
    """Dataset (from the store), boundaries and matched sites; rebuilt only when something changes."""
    folder, path, url = data_dir(), boundaries_path(), store_url()
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    try:
        revision = store.revision(_open_store(url, str(folder)))
    except Exception as exc:  # noqa: BLE001 - an unreachable database must not take the atlas down
        revision = f"unavailable: {type(exc).__name__}"
    return _assemble(str(folder), _mtimes(folder), url, revision, str(path), mtime, boundaries_province())


def get_dataset() -> Dataset:
    return get_atlas_data().dataset


def _read_store(folder: str, url: str) -> tuple[Dataset, list[DataIssue]]:
    """The store's dataset, plus the problems in the seed files; the CSV files if the store fails."""
    seed = load_dataset(folder)  # validated seed files: their problems are shown, their good rows seed the store
    try:
        ds = store.load_dataset(_open_store(url, folder), folder)
    except Exception as exc:  # noqa: BLE001
        problem = DataIssue(store.safe_url(url), f"the evidence store cannot be opened ({type(exc).__name__}); showing the data/ files instead",
                            "check the database URL in ATLAS_DB_URL or .streamlit/secrets.toml, and that the database is running")
        return seed, [problem, *seed.issues]
    return ds, seed.issues


@st.cache_resource(show_spinner="Loading data and district boundaries…", max_entries=4)
def _assemble(folder: str, data_mtimes: tuple, url: str, revision, boundary_file: str, boundary_mtime: int, province: str | None) -> AtlasData:
    # Shared by all sessions and never copied: callers must not mutate it.
    ds, issues = _read_store(folder, url)
    issues = list(issues) + list(ds.issues)
    try:
        districts = simplify_for_display(load_boundaries(boundary_file, province=province), DISPLAY_TOLERANCE_DEG)
    except DataFileError as exc:
        districts = None
        issues.insert(0, exc.issue)

    sites = ds.sites.merge(ds.clusters[["cluster_id", "name"]].rename(columns={"name": "cluster_name"}), on="cluster_id")
    if districts is not None:
        sites_file = str(Path(folder) / "sites.csv")
        aliases = load_aliases(Path(folder) / "district_aliases.csv", issues)
        matcher = DistrictMatcher(list(districts["district"]), aliases)
        sites, match_issues = match_column(sites, "district", matcher, file=sites_file)
        issues += match_issues
        issues += check_sites_within(sites, districts, file=sites_file)
    return AtlasData(ds, districts, Path(boundary_file), sites, issues)


def shared_dir() -> Path:
    """The shared folder with seeds/ and boundaries/ (ATLAS_SHARED, else ../shared)."""
    return Path(os.environ.get("ATLAS_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
