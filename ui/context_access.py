"""Cached access to the district context (cluster_model.context), per context folder, data folder and boundaries."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from cluster_model import context as cx
from geo.boundaries import boundaries_province
from ui.data_access import AtlasData, data_dir


def _mtimes(folder: Path, names) -> tuple:
    return tuple((n, (folder / n).stat().st_mtime_ns if (folder / n).exists() else 0) for n in names)


@st.cache_resource(show_spinner="Loading district context…", max_entries=4)
def _load(
    folder: str,
    folder_mtimes: tuple,
    data_folder: str,
    data_mtimes: tuple,
    province: str | None,
    districts: tuple[str, ...] | None,
) -> cx.ContextData:
    # Shared by all sessions: callers must not mutate it.
    return cx.load_context(folder, data_folder, province, list(districts) if districts is not None else None)


def context_revision() -> tuple:
    """The context folder and its files' modification times: part of the view's key (ui.data_view)."""
    folder = cx.context_dir()
    return str(folder), _mtimes(folder, cx.CONTEXT_FILES)


def get_context_figures(atlas: AtlasData) -> cx.ContextFigures:
    """The district context over the atlas's districts, as the view keeps it (``View.context``): pages take
    it from their view, not from here."""
    districts = atlas.district_names if atlas.districts is not None else None
    return cx.ContextFigures(get_context(atlas), districts)


def get_context(atlas: AtlasData) -> cx.ContextData:
    """The context figures for the atlas's province and boundary districts; problems in ``.issues``."""
    (folder, folder_mtimes), data = context_revision(), data_dir()
    districts = tuple(atlas.districts["district"]) if atlas.districts is not None else None
    return _load(
        folder,
        folder_mtimes,
        str(data),
        _mtimes(data, (cx.CHOSEN_FILE, cx.CROSSWALK_FILE)),
        boundaries_province(),
        districts,
    )
