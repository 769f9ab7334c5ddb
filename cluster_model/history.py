"""Change since the previous round: per cluster × indicator and per cluster / district gap.

Pure pandas over a :class:`Dataset`; each round's values are those shown for it
(the matrix of each round's :class:`~cluster_model.view.View`: a real round
carries earlier real values forward, an illustrative round stands alone). A delta is NaN when either side
is unknown (nothing assessed): unknown is never zero.
"""

from __future__ import annotations

import pandas as pd

from .loading import Dataset
from .scoring import cluster_gaps, district_gaps, gap_changes
from .view import View, make_view


def previous_round(ds: Dataset, round_id: str | None) -> str | None:
    """The round before ``round_id`` of the same kind (real after real, illustrative after illustrative), by date."""
    rounds = ds.rounds
    if round_id is None or round_id not in set(rounds["round_id"]):
        return None
    chosen = rounds[rounds["round_id"] == round_id].iloc[0]
    same = rounds[rounds["illustrative"] == chosen["illustrative"]].sort_values(["date", "round_id"])
    ids = list(same["round_id"])
    pos = ids.index(round_id)
    return ids[pos - 1] if pos > 0 else None


def round_views(ds: Dataset, round_id: str | None, previous: str | None = None) -> tuple[View, View]:
    """Views of ``round_id`` and of the round before it (``previous``, else :func:`previous_round`)."""
    previous = previous if previous is not None else previous_round(ds, round_id)
    return make_view(ds, round_id), make_view(ds, previous)


def status_changes(now: View, before: View, *, only_changed: bool = False) -> pd.DataFrame:
    """Per cluster × indicator: status, source and note in the previous round and now.

    Columns: cluster_id, indicator_id, pillar, status_before, status_now,
    source_before, source_now, note_now, changed. With no previous round every
    ``*_before`` is "not assessed"/"".
    """
    before = before.matrix  # all "not assessed" when there is no previous round
    out = now.matrix[["cluster_id", "indicator_id", "pillar", "status", "source_id", "note"]].merge(
        before[["cluster_id", "indicator_id", "status", "source_id"]],
        on=["cluster_id", "indicator_id"],
        suffixes=("_now", "_before"),
    )
    out = out.rename(
        columns={"source_id_now": "source_now", "source_id_before": "source_before", "note": "note_now"}
    )
    out["changed"] = out["status_now"] != out["status_before"]
    out = out[
        [
            "cluster_id",
            "indicator_id",
            "pillar",
            "status_before",
            "status_now",
            "source_before",
            "source_now",
            "note_now",
            "changed",
        ]
    ]
    return out[out["changed"]].reset_index(drop=True) if only_changed else out


def cluster_gap_changes(now: View, before: View, pillars: list[str]) -> pd.DataFrame:
    """Per cluster: gap and coverage in the previous round and now, and the deltas (negative gap_delta = better)."""
    rules = now._data().rules
    return gap_changes(
        cluster_gaps(now.matrix, rules, pillars, per_pillar=False),
        cluster_gaps(before.matrix, rules, pillars, per_pillar=False),
        ["cluster_id"],
    )


def district_gap_changes(now: View, before: View, sites: pd.DataFrame, pillars: list[str]) -> pd.DataFrame:
    """Per district (``sites`` with canonical ``district``): gap and coverage before and now, and the deltas."""
    rules = now._data().rules
    return gap_changes(
        district_gaps(now.matrix, sites, rules, pillars),
        district_gaps(before.matrix, sites, rules, pillars),
        ["district"],
    )


def change_label(gap_delta: float, tr=None) -> str:
    """Short text for a gap change; never hides unknown. ``tr``: a Translator (default English)."""
    _ = tr.gettext if tr else str
    if pd.isna(gap_delta):
        return _("no comparison (not assessed in one of the rounds)")
    if abs(gap_delta) < 1e-9:
        return _("no change")
    text = _("gap down {change}") if gap_delta < 0 else _("gap up {change}")
    return text.format(change=f"{abs(gap_delta):.2f}")
