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


def get_context(atlas: AtlasData) -> cx.ContextData:
    """The context figures for the atlas's province and boundary districts; problems in ``.issues``."""
    folder, data = cx.context_dir(), data_dir()
    districts = tuple(atlas.districts["district"]) if atlas.districts is not None else None
    return _load(
        str(folder),
        _mtimes(folder, cx.CONTEXT_FILES),
        str(data),
        _mtimes(data, (cx.CHOSEN_FILE, cx.CROSSWALK_FILE)),
        boundaries_province(),
        districts,
    )
