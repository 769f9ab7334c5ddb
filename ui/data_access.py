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

from cluster_model.issues import DataFileError, DataIssue
from cluster_model.loading import DATA_DIR, Dataset, load_dataset
from geo.boundaries import boundaries_path, load_boundaries, simplify_for_display
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
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*") if p.is_file()))


@st.cache_data(show_spinner=False)
def _cached_dataset(data_dir: str, _key: tuple) -> Dataset:
    return load_dataset(data_dir)


@st.cache_resource(show_spinner="Loading district boundaries…")
def _cached_boundaries(path: str, province: str | None, _mtime: float) -> tuple[gpd.GeoDataFrame | None, DataIssue | None]:
    try:
        districts = load_boundaries(path, province=province)
    except DataFileError as exc:
        return None, exc.issue
    return simplify_for_display(districts, DISPLAY_TOLERANCE_DEG), None


def province() -> str | None:
    return os.environ.get("ATLAS_PROVINCE", "Sindh") or None


def get_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    return _cached_dataset(str(data_dir), _mtimes(data_dir))


def get_atlas_data(data_dir: Path = DATA_DIR) -> AtlasData:
    ds = get_dataset(data_dir)
    path = boundaries_path()
    mtime = path.stat().st_mtime if path.exists() else 0.0
    districts, boundary_issue = _cached_boundaries(str(path), province(), mtime)
    issues = list(ds.issues)
    if boundary_issue is not None:
        issues.insert(0, boundary_issue)

    sites = ds.sites.merge(ds.clusters[["cluster_id", "name"]].rename(columns={"name": "cluster_name"}), on="cluster_id")
    if districts is not None:
        aliases = load_aliases(data_dir / "district_aliases.csv", issues)
        matcher = DistrictMatcher(list(districts["district"]), aliases)
        sites, match_issues = match_column(sites, "district", matcher, file=str(data_dir / "sites.csv"))
        issues += match_issues
        issues += check_sites_within(sites, districts, file=str(data_dir / "sites.csv"))
    return AtlasData(ds, districts, path, sites, issues)


def shared_dir() -> Path:
    """The shared folder with seeds/ and boundaries/ (ATLAS_SHARED, else ../shared)."""
    return Path(os.environ.get("ATLAS_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
