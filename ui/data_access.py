"""Cached access to the dataset and the boundaries, with every problem collected.

Nothing here decides anything about clusters: it loads, matches names, caches,
and hands the pages a bundle plus the list of issues to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from cluster_model import disk_cache, publishing, store
from cluster_model import loading as loading_rules
from cluster_model.issues import DataFileError, DataIssue
from cluster_model.loading import Dataset, load_dataset
from cluster_model.memo import Memo
from cluster_model.settings import settings
from geo import boundaries as boundaries_module
from geo.boundaries import boundaries_path, boundaries_province, load_boundaries, simplify_for_display
from geo.names import DistrictMatcher, check_sites_within, load_aliases, match_column
from geo.projection import display_quantization, display_tolerance


@dataclass
class AtlasData:
    dataset: Dataset
    districts: gpd.GeoDataFrame | None  # simplified for display, EPSG:4326
    boundary_file: Path
    sites: pd.DataFrame  # sites whose district matched the boundaries, with cluster_name
    issues: list[DataIssue] = field(default_factory=list)
    _memo: Memo = field(default_factory=lambda: Memo(128), repr=False)

    def memo(self, key: tuple, compute):
        """``compute()`` once per key for this data (round and filters in the key).

        Kept with the cached bundle, so it is dropped when the data change, and
        shared by all sessions (thread-safe): treat the result as read-only.
        """
        return self._memo.get(key, compute)

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
    return settings().data_dir


def store_url() -> str:
    """ATLAS_DB_URL, else ``[connections.atlas] url`` in secrets.toml, else SQLite in var/ beside the data folder."""
    try:
        configured = st.secrets.get("connections", {}).get("atlas", {}).get("url")
    except Exception:  # noqa: BLE001 - no secrets file: use the default store
        configured = None
    return store.resolve_url(configured)


@st.cache_resource(show_spinner="Opening the evidence store…")
def _open_store(url: str, seed_dir: str):
    engine = store.open_store(url, data_dir=seed_dir)
    # An edition the schema step or the seed recorded gets its checksum now, once, as the store opens:
    # else the first read of it (a visitor's citation, an API GET) would write, and change the data's revision.
    publishing.sum_pending(engine)
    return engine


def get_engine():
    """The store's engine (one per URL), schema up to date, seeded from the data folder when empty."""
    return _open_store(store_url(), str(data_dir()))


def data_key() -> tuple:
    """What the bundle is built from: the data folder and its files' times, the store and its revision,
    the boundary file and its time, the province. A new key builds a new bundle (and drops the API's
    kept answers, web/api.py)."""
    folder, path, url = data_dir(), boundaries_path(), store_url()
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    try:
        revision = store.revision(_open_store(url, str(folder)))
    except Exception as exc:  # noqa: BLE001 - an unreachable database must not take the atlas down
        revision = f"unavailable: {type(exc).__name__}"
    return (str(folder), _mtimes(folder), url, revision, str(path), mtime, boundaries_province())


def get_atlas_data() -> AtlasData:
    """Dataset (from the store), boundaries and matched sites; rebuilt only when something changes."""
    return _assemble(*data_key())


def get_dataset() -> Dataset:
    return get_atlas_data().dataset


def cache_dir() -> Path:
    """Derived results kept between starts (cluster_model.disk_cache): var/cache beside the data folder."""
    return settings().cache_dir


@st.cache_resource(show_spinner=False, max_entries=4)
def _seed(folder: str, data_mtimes: tuple) -> Dataset:
    """The validated seed files: their problems are shown, their good rows seed an empty store.

    Validated once per content of the files (and of the rules that validate them), not on every
    start: 1.4 s for the national data."""
    files = [p for p in Path(folder).glob("*") if p.is_file()]
    key = disk_cache.files_hash(files, loading_rules)
    return disk_cache.cached(cache_dir(), "seed", key, lambda: load_dataset(folder))


def _read_store(folder: str, data_mtimes: tuple, url: str) -> tuple[Dataset, list[DataIssue]]:
    """The store's dataset, plus the problems in the seed files; the CSV files if the store fails."""
    seed = _seed(folder, data_mtimes)
    try:
        ds = store.load_dataset(_open_store(url, folder), folder)
    except Exception as exc:  # noqa: BLE001
        problem = DataIssue(
            store.safe_url(url),
            f"the evidence store cannot be opened ({type(exc).__name__}); showing the data/ files instead",
            "check the database URL in ATLAS_DB_URL or .streamlit/secrets.toml, and that the database is running",
        )
        return seed, [problem, *seed.issues]
    return ds, seed.issues


@st.cache_resource(show_spinner="Loading district boundaries…", max_entries=4)
def _display_districts(
    boundary_file: str, boundary_mtime: int, province: str | None
) -> tuple[gpd.GeoDataFrame | None, DataIssue | None]:
    """Boundaries simplified for the default view; loaded once per file, not per data change."""
    # Kept on disk per content of the boundary file (and of the code that reads and simplifies it).
    key = disk_cache.files_hash(
        [Path(boundary_file)], str(province), boundaries_module, display_tolerance, display_quantization
    )
    return disk_cache.cached(
        cache_dir(), "districts", key, lambda: _compute_display_districts(boundary_file, province)
    )


def _compute_display_districts(
    boundary_file: str, province: str | None
) -> tuple[gpd.GeoDataFrame | None, DataIssue | None]:
    try:
        raw = load_boundaries(boundary_file, province=province)
    except DataFileError as exc:
        return None, exc.issue
    return simplify_for_display(raw, display_tolerance(raw.total_bounds)), None


@st.cache_resource(show_spinner="Loading data…", max_entries=4)
def _assemble(
    folder: str,
    data_mtimes: tuple,
    url: str,
    revision,
    boundary_file: str,
    boundary_mtime: int,
    province: str | None,
) -> AtlasData:
    # Rebuilt when the store's revision or a file changes. Shared by all sessions and never copied:
    # callers must not mutate it.
    ds, issues = _read_store(folder, data_mtimes, url)
    issues = list(issues) + list(ds.issues)
    districts, boundary_issue = _display_districts(boundary_file, boundary_mtime, province)
    if boundary_issue is not None:
        issues.insert(0, boundary_issue)

    sites = ds.sites.merge(
        ds.clusters[["cluster_id", "name"]].rename(columns={"name": "cluster_name"}), on="cluster_id"
    )
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
    return settings().shared_dir
