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
    """The round before ``round_id`` of the same kind (real after real, illustrative after illustrative),
    in the dataset's one order of rounds (date, then when opened: ``Dataset.round_order``)."""
    ids = comparable_rounds(ds, round_id)
    return ids[-1] if ids else None


def comparable_rounds(ds: Dataset, round_id: str | None) -> list[str]:
    """The rounds ``round_id`` can be compared with: those of the same kind before it, oldest first
    (the last is :func:`previous_round`)."""
    rounds = ds.rounds
    if round_id is None or round_id not in set(rounds["round_id"]):
        return []
    illustrative = dict(zip(rounds["round_id"], rounds["illustrative"]))
    order = ds.round_order()
    return [r for r in order[: order.index(round_id)] if illustrative[r] == illustrative[round_id]]


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


def change_label(
    gap_delta: float, tr=None, *, gap_before: float | None = None, gap_now: float | None = None
) -> str:
    """Short text for a gap change; never hides unknown. ``tr``: a Translator (default English).

    ``gap_before`` / ``gap_now`` (when given): unknown before and known now is "newly assessed", never
    an improvement or a rise from zero."""
    _ = tr.gettext if tr else str
    if pd.isna(gap_delta):
        if gap_before is not None and pd.isna(gap_before) and gap_now is not None and not pd.isna(gap_now):
            return _("newly assessed")
        return _("no comparison (not assessed in one of the rounds)")
    if abs(gap_delta) < 1e-9:
        return _("no change")
    text = _("gap down {change}") if gap_delta < 0 else _("gap up {change}")
    return text.format(change=f"{abs(gap_delta):.2f}")


def row_change_label(changes: pd.DataFrame, key: str, tr=None) -> str:
    """:func:`change_label` of the row ``key`` of ``gap_changes`` indexed by its key (none: no comparison)."""
    return row_change_labels(changes, [key], tr)[0]


def row_change_labels(changes: pd.DataFrame, keys, tr=None) -> list[str]:
    """:func:`row_change_label` of each of ``keys``, the table read once: a row look-up each cost a national
    Atlas (156 districts) ~20 ms of every rerun (#28)."""
    keys = list(keys)
    # Only the rows asked for: the Clusters page asks for one row of a table of up to 1,000 clusters.
    rows = changes.loc[changes.index.isin(keys), ["gap_delta", "gap_before", "gap_now"]].to_dict("index")
    unknown = change_label(float("nan"), tr)
    return [
        change_label(r["gap_delta"], tr, gap_before=r["gap_before"], gap_now=r["gap_now"]) if r else unknown
        for r in (rows.get(key) for key in keys)
    ]
