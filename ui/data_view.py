"""The one constructor of the current view (``cluster_model.view.View``) for every page.

Keyed by content: the bundle it is kept on (``AtlasData``) is itself cached by the store's revision and the
files' modification times, and within it the view is keyed by the round and filters (and today's date, which
every export prints). Two pages with the same filters, or a rerun, get the same view and everything it has
already computed; a change in the data builds a new bundle, so no stale view survives it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from cluster_model import survey as sv
from cluster_model.scoring import rounds_in_view
from cluster_model.store import linkages as sl
from cluster_model.store import survey_import as si
from cluster_model.tables import indicator_checklist
from cluster_model.view import View, make_view
from ui.context_access import context_revision, get_context_figures
from ui.data_access import AtlasData, data_dir, get_engine
from ui.i18n import current_language, translator
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
    # The context files are not the bundle's: their revision is in the key, so a changed file gives new views.
    return atlas.memo(
        ("view", rid, pillars, sectors, districts, date.today(), context_revision()),
        lambda: make_view(
            atlas.dataset,
            rid,
            pillars,
            sectors,
            districts,
            sites=atlas.sites,
            base=base,
            linkages=lambda: _linkage_data(atlas),
            context=lambda: get_context_figures(atlas),
        ),
    )


def _linkage_data(atlas: AtlasData):
    """Institutions, links and the framework's kinds, read once per store revision (kept with the bundle)."""
    return atlas.memo(("linkages",), lambda: sl.load_linkages(get_engine(), atlas.dataset, data_dir()))


def get_round_view(atlas: AtlasData, round_id: str | None) -> View:
    """The view of one round with no filter (every cluster, pillar and district): the Workshop's and history's."""
    return _view(atlas, round_id, (), (), ())


def evidence_checklist(
    atlas: AtlasData, data: View, cluster_ids: str | list[str], groups: list[str]
) -> pd.DataFrame:
    """The indicator checklist of ``cluster_ids`` as of ``data``'s round (``tables.indicator_checklist``),
    where a value a field survey left not assessed says why (a tie, only "don't know") and whose
    submissions: the profile's and the district panel's list of the values behind a figure."""
    ids = [cluster_ids] if isinstance(cluster_ids, str) else list(cluster_ids)
    matrix = sv.explain_unsettled(data.matrix_for(ids), _survey_reasons(atlas, data.round_id))
    return indicator_checklist(atlas.dataset, matrix, cluster_ids, groups)


def _survey_reasons(atlas: AtlasData, round_id: str | None) -> pd.DataFrame:
    """Per pair the survey rounds in view left unsettled: its reason (in the page's language) and the
    round's submissions as source; the latest survey round's when several."""

    def compute() -> pd.DataFrame:
        ds, tr = atlas.dataset, translator()
        kinds = dict(zip(ds.rounds["round_id"], ds.rounds["kind"]))
        frames = [
            sv.unsettled(si.survey_results(get_engine(), r), tr).assign(source_id=si.survey_source_id(r))
            for r in rounds_in_view(ds, round_id)
            if kinds.get(r) == "survey"
        ]
        found = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if found.empty:
            return pd.DataFrame(columns=["cluster_id", "indicator_id", "reason", "source_id"])
        return found.drop_duplicates(["cluster_id", "indicator_id"], keep="last")

    return atlas.memo(("survey_reasons", round_id, current_language()), compute)
