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


def get_atlas_data() -> AtlasData:
    """The dataset, boundaries and matched sites; rebuilt only when a file changes."""
    folder, path = data_dir(), boundaries_path()
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    return _assemble(str(folder), _mtimes(folder), str(path), mtime, boundaries_province())


def get_dataset() -> Dataset:
    return get_atlas_data().dataset


@st.cache_resource(show_spinner="Loading data and district boundaries…", max_entries=4)
def _assemble(folder: str, data_mtimes: tuple, boundary_file: str, boundary_mtime: int, province: str | None) -> AtlasData:
    # Shared by all sessions and never copied: callers must not mutate it.
    ds = load_dataset(folder)
    issues = list(ds.issues)
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
