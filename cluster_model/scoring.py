"""Gap scoring: where the indicators say a cluster, or a district, falls short.

Formula (shown on the Methods page):

    gap      = sum(weight × gap_value(status)) / sum(weight)   over ASSESSED indicators
    coverage = sum(weight of assessed indicators) / sum(weight of all indicators in scope)

with gap_value from ``data/rules.yaml`` (present 0, partial 0.5, absent 1).
"Not assessed" is never a gap: it is left out of the gap and lowers coverage.
With nothing assessed the gap is unknown (NaN), never 0.

A district's scope is every indicator of the selected pillars for every cluster
with a site in that district; a cluster with sites in two districts counts in both.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .loading import Dataset, Rules
from .vocabulary import ASSESSED_STATUSES, Status

MATRIX_COLUMNS = [
    "cluster_id",
    "indicator_id",
    "pillar",
    "weight",
    "cluster_defining",
    "status",
    "round_id",
    "source_id",
    "note",
]


def rounds_in_view(ds: Dataset, round_id: str | None) -> list[str]:
    """Rounds whose values count when ``round_id`` is shown, oldest first.

    A real round shows the latest value of each indicator from that round or an
    earlier real one (values carry forward until reassessed). An illustrative
    round stands alone, so invented values never mix with real ones. A published
    round (the store's ``edition_sequence``) shows its edition: only the rounds
    published up to it, never a draft (``cluster_model.publishing``).
    """
    rounds = ds.rounds
    if round_id is None or round_id not in set(rounds["round_id"]):
        return []
    chosen = rounds[rounds["round_id"] == round_id].iloc[0]
    if chosen["illustrative"]:
        return [round_id]
    order = ds.round_order()
    real = set(rounds.loc[~rounds["illustrative"], "round_id"])
    if "edition_sequence" in rounds and chosen["edition_sequence"] > 0:
        sequence = rounds["edition_sequence"]
        real = set(rounds.loc[(sequence > 0) & (sequence <= chosen["edition_sequence"]), "round_id"])
    # Up to the chosen round in the one total order: a round opened later on the same date is later.
    return [r for r in order[: order.index(round_id) + 1] if r in real]


def assessment_matrix(
    ds: Dataset, round_id: str | None, cluster_ids: list[str] | None = None
) -> pd.DataFrame:
    """Every cluster × indicator with its status as of ``round_id``.

    Pairs with no assessment are explicitly "not assessed" (no source), so every
    view can show them as unknown rather than leaving them out.
    """
    clusters = ds.clusters["cluster_id"] if cluster_ids is None else pd.Series(cluster_ids, name="cluster_id")
    grid = clusters.to_frame().merge(
        ds.indicators[["indicator_id", "pillar", "weight", "cluster_defining"]], how="cross"
    )
    order = {r: i for i, r in enumerate(rounds_in_view(ds, round_id))}
    rows = ds.assessments[ds.assessments["round_id"].isin(order.keys())]
    if cluster_ids is not None:
        rows = rows[rows["cluster_id"].isin(cluster_ids)]
    # Latest round wins for each pair.
    rows = (
        rows.assign(_order=rows["round_id"].map(order))
        .sort_values("_order")
        .drop_duplicates(["cluster_id", "indicator_id"], keep="last")
    )
    matrix = grid.merge(
        rows[["cluster_id", "indicator_id", "status", "round_id", "source_id", "note"]],
        on=["cluster_id", "indicator_id"],
        how="left",
    )
    matrix["status"] = matrix["status"].fillna(Status.NOT_ASSESSED.value)
    matrix[["round_id", "source_id", "note"]] = matrix[["round_id", "source_id", "note"]].fillna("")
    return matrix[MATRIX_COLUMNS]


_SUMS = ["total_w", "assessed_w", "gap_w", "n_indicators", "n_assessed", "n_gaps"]


def _sums(scoped: pd.DataFrame, by: list[str], rules: Rules) -> pd.DataFrame:
    """Weight and count sums per ``by`` group: additive, so groups can be summed further."""
    assessed = scoped["status"].isin(ASSESSED_STATUSES)
    frame = scoped[by].copy()
    frame["total_w"] = scoped["weight"]
    frame["assessed_w"] = scoped["weight"].where(assessed, 0.0)
    frame["gap_w"] = (scoped["weight"] * scoped["status"].map(rules.gap_value).astype(float)).fillna(
        0.0
    )  # float even when empty
    frame["n_indicators"] = 1
    frame["n_assessed"] = assessed.astype(int)
    frame["n_gaps"] = scoped["status"].isin([Status.PARTIAL.value, Status.ABSENT.value]).astype(int)
    return frame.groupby(by, sort=False)[_SUMS].sum()


def _ratios(g: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Gap (over assessed weight only; NaN when nothing is assessed) and coverage from ``_sums``."""
    out = pd.DataFrame(index=g.index)
    out["gap"] = (g["gap_w"] / g["assessed_w"]).where(g["assessed_w"] > 0)
    out["coverage"] = g["assessed_w"] / g["total_w"]
    out[["n_indicators", "n_assessed", "n_gaps"]] = g[["n_indicators", "n_assessed", "n_gaps"]].astype(int)
    out["low_coverage"] = out["coverage"] < rules.low_coverage_warning
    return out


def _aggregate(scoped: pd.DataFrame, by: list[str], rules: Rules) -> pd.DataFrame:
    return _ratios(_sums(scoped, by, rules), rules)


def _in_pillars(matrix: pd.DataFrame, pillars: list[str]) -> pd.DataFrame:
    return matrix[matrix["pillar"].isin(pillars)]


def cluster_gaps(
    matrix: pd.DataFrame, rules: Rules, pillars: list[str], per_pillar: bool = True
) -> pd.DataFrame:
    """Gap and coverage per cluster (× pillar when ``per_pillar``)."""
    by = ["cluster_id", "pillar"] if per_pillar else ["cluster_id"]
    return _aggregate(_in_pillars(matrix, pillars), by, rules).reset_index()


def pillar_sums(matrix: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Weight and count sums per cluster × pillar (clusters in the matrix's order): additive, so any
    choice of pillars is summed from these 4 rows per cluster instead of the matrix's 26."""
    return _sums(matrix, ["cluster_id", "pillar"], rules).reset_index()


def district_sums(
    matrix: pd.DataFrame, sites: pd.DataFrame, rules: Rules
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What every pillar choice's district gaps are summed from: (sums per district × pillar, each
    district's ``n_clusters`` and sorted ``clusters``). A view keeps them per round, so a new pillar
    choice is a filter and a group-by over a few hundred rows (issue #14)."""
    placed = sites[["cluster_id", "district"]].drop_duplicates()
    # Per cluster first, then over each district's clusters: the same sums as summing the indicator
    # rows per district, on a frame of sites instead of sites × indicators.
    joined = pillar_sums(matrix, rules).merge(placed, on="cluster_id")
    by_pillar = joined.groupby(["district", "pillar"], sort=False)[_SUMS].sum().reset_index()
    # Each district's clusters (those of the matrix with a site there), sorted by id.
    members = (
        joined[["district", "cluster_id"]]
        .drop_duplicates()
        .sort_values("cluster_id")
        .groupby("district", sort=False)["cluster_id"]
    )
    return by_pillar, pd.DataFrame({"n_clusters": members.size(), "clusters": members.agg(list)})


def district_gaps(
    matrix: pd.DataFrame, sites: pd.DataFrame, rules: Rules, pillars: list[str], per_pillar: bool = False
) -> pd.DataFrame:
    """Gap and coverage per district over the clusters with a site there.

    ``sites`` needs ``cluster_id`` and ``district`` (canonical names). Returns
    one row per district (× pillar) with ``n_clusters`` and ``clusters``.
    """
    return gaps_from_district_sums(district_sums(matrix, sites, rules), rules, pillars, per_pillar)


def gaps_from_district_sums(
    sums: tuple[pd.DataFrame, pd.DataFrame], rules: Rules, pillars: list[str], per_pillar: bool = False
) -> pd.DataFrame:
    """:func:`district_gaps` from :func:`district_sums` a caller keeps (a view, per round)."""
    by_pillar, members = sums
    by = ["district", "pillar"] if per_pillar else ["district"]
    chosen = by_pillar[by_pillar["pillar"].isin(pillars)]
    out = _ratios(chosen.groupby(by, sort=False)[_SUMS].sum(), rules)
    if out.empty:  # no pillar chosen, or no cluster placed: no district has a figure
        return out.reset_index().assign(n_clusters=pd.Series(dtype=int), clusters=pd.Series(dtype=object))
    return out.join(members, on="district").reset_index()


def rank_by_gap(scores: pd.DataFrame) -> pd.DataFrame:
    """Largest gap first; unknown gaps last (they are not 'no gap')."""
    return scores.sort_values(["gap", "coverage"], ascending=[False, False], na_position="last").reset_index(
        drop=True
    )


# Here, below both view and history (which compare rounds with it), so neither imports the other.
def gap_changes(now: pd.DataFrame, before: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Two rounds' scores (``cluster_gaps`` / ``district_gaps`` rows, one per ``key``) side by side:
    ``*_now``, ``*_before`` and the deltas (negative gap_delta = better; NaN when either is unknown)."""
    cols = ["gap", "coverage", "n_assessed", "n_gaps"]
    out = now[key + cols].merge(before[key + cols], on=key, how="outer", suffixes=("_now", "_before"))
    out["gap_delta"] = out["gap_now"] - out["gap_before"]  # NaN if either is unknown
    out["coverage_delta"] = out["coverage_now"].fillna(0) - out["coverage_before"].fillna(0)
    return out


def gap_label(gap: float, coverage: float, tr=None) -> str:
    """Short human text for a gap figure with its coverage; never hides unknown.

    ``tr``: a ``cluster_model.i18n.Translator`` for the text's language (default English).
    """
    _ = tr.gettext if tr else str
    if pd.isna(gap):
        return _("not assessed")
    return _("gap {gap} · {share} assessed").format(gap=f"{gap:.2f}", share=f"{coverage:.0%}")


# --------------------------------------------------------------------------- district status
# The status rules every view shares (map, snapshot, GeoJSON export): geo turns them into colours.

# Gap classes: fixed breaks, five classes.
GAP_BREAKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
N_GAP_CLASSES = len(GAP_BREAKS) - 1


def gap_class(gap: float | None) -> int | None:
    """Index of the gap class (0..4) for a gap in 0..1; None when not assessed."""
    if gap is None or pd.isna(gap):
        return None
    gap = min(max(float(gap), 0.0), 1.0)
    return min(int(np.searchsorted(GAP_BREAKS, gap, side="right")) - 1, N_GAP_CLASSES - 1)


def district_statuses(names: Iterable[str], scores: pd.DataFrame | None) -> pd.DataFrame:
    """Status, gap class and text of every district in one pass (indexed by name).

    status is "gap", "not_assessed" (clusters there, nothing assessed: unknown,
    never the zero-gap colour) or "no_cluster"; gap_class is 0..4, or -1 when
    there is no gap figure; low_coverage marks a gap figure resting on few assessed indicators
    (the map hatches it). Shared by the map, the snapshot and the GeoJSON export.
    """
    index = pd.Index([str(n) for n in names], name="district")
    if scores is None or len(scores) == 0:
        return pd.DataFrame(
            {"status": "no_cluster", "gap_class": -1, "text": "no cluster named", "low_coverage": False},
            index=index,
        )
    sc = scores[~scores.index.duplicated(keep="first")].reindex(index)
    n = (
        pd.to_numeric(sc["n_clusters"], errors="coerce").fillna(0).to_numpy()
        if "n_clusters" in sc
        else np.zeros(len(index))
    )
    gap = (
        pd.to_numeric(sc["gap"], errors="coerce").to_numpy(dtype=float)
        if "gap" in sc
        else np.full(len(index), np.nan)
    )
    label = (
        sc["label"].fillna("").astype(str).to_numpy()
        if "label" in sc
        else np.full(len(index), "", dtype=object)
    )
    status = np.where(n <= 0, "no_cluster", np.where(np.isnan(gap), "not_assessed", "gap"))
    cls = np.clip(
        np.searchsorted(GAP_BREAKS, np.clip(np.nan_to_num(gap), 0.0, 1.0), side="right") - 1,
        0,
        N_GAP_CLASSES - 1,
    )
    text = [
        (lab or f"gap {g:.2f}")
        if st_ == "gap"
        else (lab or "not assessed")
        if st_ == "not_assessed"
        else "no cluster named"
        for st_, g, lab in zip(status, gap, label)
    ]
    low = (
        sc["low_coverage"].fillna(False).astype(bool).to_numpy()
        if "low_coverage" in sc
        else np.zeros(len(index), dtype=bool)
    )
    return pd.DataFrame(
        {
            "status": status,
            "gap_class": np.where(status == "gap", cls, -1),
            "text": text,
            "low_coverage": low & (status == "gap"),
        },
        index=index,
    )


def district_status(district: str, scores: pd.DataFrame | None) -> tuple[str, str]:
    """(status, text) of one district; see :func:`district_statuses`."""
    row = district_statuses([district], scores).iloc[0]
    return str(row["status"]), str(row["text"])
