"""The one constructor of the current view (``cluster_model.view.View``) for every page.

Keyed by content: the bundle it is kept on (``AtlasData``) is itself cached by the store's revision and the
files' modification times, and within it the view is keyed by the round and filters (and today's date, which
every export prints). Two pages with the same filters, or a rerun, get the same view and everything it has
already computed; a change in the data builds a new bundle, so no stale view survives it.
"""

from __future__ import annotations

from datetime import date

from cluster_model.view import View, make_view
from ui.data_access import AtlasData
from ui.state import ViewState

_KEEP = object()


def get_view(atlas: AtlasData, state: ViewState, round_id=_KEEP) -> View:
    """The view of the sidebar's filters (``round_id``: another round with the same filters, e.g. the previous)."""
    rid = state.round if round_id is _KEEP else round_id
    return _view(atlas, rid, tuple(state.pillars), tuple(state.sectors), tuple(state.districts))


def _view(atlas: AtlasData, rid, pillars: tuple, sectors: tuple, districts: tuple) -> View:
    unfiltered = not (pillars or sectors or districts)
    # A filtered view takes the round's matrix and classes from the unfiltered view of its round: built once.
    base = None if unfiltered else _view(atlas, rid, (), (), ())
    return atlas.memo(
        ("view", rid, pillars, sectors, districts, date.today()),
        lambda: make_view(atlas.dataset, rid, pillars, sectors, districts, sites=atlas.sites, base=base),
    )


def get_round_view(atlas: AtlasData, round_id: str | None) -> View:
    """The view of one round with no filter (every cluster, pillar and district): the Workshop's and history's."""
    return _view(atlas, round_id, (), (), ())
