"""What the Workshop's views share: the page's context for this run, and the messages kept across a rerun."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from cluster_model import store
from cluster_model import workshop as ws
from cluster_model.loading import Dataset
from ui.chrome import show_error
from ui.data_access import AtlasData
from ui.i18n import name, translator
from ui.state import ViewState


@dataclass
class Workshop:
    """This run of the Workshop page: the data, the store, who is signed in, and the dialogue the URL names."""

    atlas: AtlasData
    state: ViewState
    ds: Dataset
    engine: Engine
    editor: object  # ui.auth's signed-in editor, or None
    cluster_ids: list[str]
    params: object  # st.query_params: this page keeps its own URL parameters
    sessions: pd.DataFrame
    ready: pd.DataFrame  # dialogue rounds with a workshop session
    round_id: str | None
    mode: str  # setup, present or presenter
    session: object  # cluster_model.store.dialogue's session of round_id, or None


def problems(exc: store.ValidationError) -> None:
    show_error(exc)


def flash(kind: str, text: str) -> None:
    st.session_state["ws_flash"] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop("ws_flash", (None, None))
    if kind:
        getattr(st, kind)(text)


def item_words(ds: Dataset, item: ws.AgendaItem) -> tuple[str, str]:
    """An agenda item in the page's language: (the cluster, its pillar) or (the gap matrix, its pillars)."""
    return ws.item_words(ds, item, translator(), lambda c: name("cluster", c, ds.cluster_name(c)))


def item_title(ds: Dataset, item: ws.AgendaItem) -> str:
    """An agenda item as one line of plain text (escape it where it goes): "Mango — Technology"."""
    return " — ".join(item_words(ds, item))
