"""The gap matrix: clusters (or districts) × the chosen pillars plus overall, and what changed between rounds.

Every figure is the one view's (``View.cluster_gaps`` / ``View.district_scores``): nothing here scores
a second way. A cell keeps its coverage (assessed / total indicators, the weighted share and the map's
low-coverage flag) and the sources of the values behind it, so no file or picture can drop them.

A change between two rounds is counted per indicator and only where both rounds assessed it (better or
worse by the rules' gap values); an indicator assessed now but not before is *newly assessed*, never an
improvement, and one assessed before but not now is *no longer assessed*.
"""

from __future__ import annotations

import pandas as pd

from .history import status_changes
from .scoring import gap_class
from .view import View
from .vocabulary import ASSESSED_STATUSES

OVERALL = "overall"
CLUSTERS, DISTRICTS = "clusters", "districts"
ORIENTATIONS = (CLUSTERS, DISTRICTS)
SORTS = {CLUSTERS: ("number", "name", "district", "gap", "coverage"), DISTRICTS: ("name", "gap", "coverage")}
# Change of one cell, counted over the indicators both rounds assessed (see the module's docstring).
BETTER, WORSE, MIXED = "better", "worse", "mixed"
NEWLY, DROPPED, SAME, NONE = (
    "newly assessed",
    "no longer assessed",
    "no change",
    "not assessed in either round",
)
CHANGE_KINDS = (BETTER, WORSE, MIXED, NEWLY, DROPPED, SAME, NONE)
_COUNTS = ["better", "worse", "newly", "dropped", "same"]


def columns_of(view: View) -> list[str]:
    """The matrix's columns: the chosen pillars in their order, then overall."""
    return [*view.pillars, OVERALL]


def rows_of(view: View, orientation: str) -> list[str]:
    """Cluster ids (sector and district filters) or districts with a cluster of them, in the data's order."""
    if orientation == CLUSTERS:
        return view.view_clusters()
    return list(_placed(view)["district"].drop_duplicates())


def _placed(view: View) -> pd.DataFrame:
    """(cluster_id, district) of the view's clusters, restricted to the chosen districts."""
    sites = view.sites if view.sites is not None else view._data().sites
    placed = sites.loc[sites["cluster_id"].isin(view.view_clusters()), ["cluster_id", "district"]]
    if view.districts:
        placed = placed[placed["district"].isin(view.districts)]
    return placed.drop_duplicates()


def cells(view: View, orientation: str = CLUSTERS) -> pd.DataFrame:
    """One row per matrix row × column: ``row``, ``column``, gap (NaN = unknown), coverage, n_assessed,
    n_indicators, low_coverage, gap_class (-1 = unknown), coverage_text ("3/10") and sources (ids of the
    assessed values behind the figure, ";"-separated)."""
    if orientation == CLUSTERS:
        ids = view.view_clusters()
        per = view.cluster_gaps(ids)
        overall = view.cluster_gaps(ids, per_pillar=False).assign(pillar=OVERALL)
        key = "cluster_id"
    else:
        per = view.district_scores(per_pillar=True)
        overall = view.district_scores().assign(pillar=OVERALL)
        key = "district"
    frame = pd.concat([per, overall], ignore_index=True).rename(columns={key: "row", "pillar": "column"})
    frame = frame[frame["row"].isin(rows_of(view, orientation))]
    out = frame[["row", "column", "gap", "coverage", "n_assessed", "n_indicators", "low_coverage"]].copy()
    out["low_coverage"] = out["low_coverage"].astype(bool) & out["gap"].notna()
    out["gap_class"] = [-1 if c is None else c for c in map(gap_class, out["gap"])]
    out["coverage_text"] = [f"{a}/{n}" for a, n in zip(out["n_assessed"], out["n_indicators"])]
    sources = _sources(view, orientation)
    out["sources"] = [sources.get((r, c), "") for r, c in zip(out["row"], out["column"])]
    return out.reset_index(drop=True)


def _to_cells(view: View, frame: pd.DataFrame, orientation: str) -> pd.DataFrame:
    """Indicator rows (cluster_id, pillar, …) keyed by matrix cell: ``row`` and ``column``, each row
    twice (its pillar and overall); a district row once per district its cluster lies in."""
    frame = frame[frame["pillar"].isin(view.pillars) & frame["cluster_id"].isin(view.view_clusters())]
    if orientation == CLUSTERS:
        keyed = frame.assign(row=frame["cluster_id"])
    else:
        keyed = frame.merge(_placed(view), on="cluster_id").rename(columns={"district": "row"})
    return pd.concat([keyed.assign(column=keyed["pillar"]), keyed.assign(column=OVERALL)], ignore_index=True)


def _sources(view: View, orientation: str) -> dict[tuple[str, str], str]:
    matrix = view.matrix
    assessed = matrix[matrix["status"].isin(ASSESSED_STATUSES)]
    keyed = _to_cells(view, assessed, orientation)
    return {
        key: ";".join(sorted(set(group) - {""}))
        for key, group in keyed.groupby(["row", "column"], sort=False)["source_id"]
    }


def indicator_changes(now: View, before: View) -> pd.DataFrame:
    """``history.status_changes`` of every cluster × indicator with ``kind``: better / worse / same (both
    rounds assessed it), newly (assessed now only), dropped (assessed before only), or none."""
    changes = status_changes(now, before)
    gap_value = now._data().rules.gap_value
    was = changes["status_before"].isin(ASSESSED_STATUSES)
    is_ = changes["status_now"].isin(ASSESSED_STATUSES)
    delta = changes["status_now"].map(gap_value).astype(float) - changes["status_before"].map(
        gap_value
    ).astype(float)
    kind = pd.Series("none", index=changes.index)
    kind[was & is_ & (delta < 0)] = "better"
    kind[was & is_ & (delta > 0)] = "worse"
    kind[was & is_ & (delta == 0)] = "same"
    kind[~was & is_] = "newly"
    kind[was & ~is_] = "dropped"
    return changes.assign(kind=kind)


def cell_changes(now: View, before: View, orientation: str = CLUSTERS) -> pd.DataFrame:
    """Per matrix cell (``row``, ``column``): how many indicators got better, worse, were newly assessed,
    no longer assessed or stayed the same, and the cell's ``change`` (one of ``CHANGE_KINDS``)."""
    keyed = _to_cells(now, indicator_changes(now, before), orientation)
    counts = pd.crosstab([keyed["row"], keyed["column"]], keyed["kind"]).reindex(
        columns=_COUNTS, fill_value=0
    )
    counts = counts.astype(int).reset_index()
    counts["change"] = [change_kind(*r) for r in counts[_COUNTS].itertuples(index=False)]
    return counts


def change_kind(better: int, worse: int, newly: int, dropped: int, same: int) -> str:
    """One cell's change from its indicators' counts. Newly assessed values never make a cell better:
    only values both rounds assessed can."""
    if better or worse:
        return BETTER if better > worse else WORSE if worse > better else MIXED
    if newly and dropped:
        return MIXED
    if newly:
        return NEWLY
    if dropped:
        return DROPPED
    return SAME if same else NONE


def change_word(kind: str, tr=None) -> str:
    """A cell's change in words (``tr``: a Translator, default English)."""
    _ = tr.gettext if tr else str
    return {
        BETTER: _("better"),
        WORSE: _("worse"),
        MIXED: _("mixed"),
        NEWLY: _("newly assessed"),
        DROPPED: _("no longer assessed"),
        SAME: _("no change"),
        NONE: _("not assessed in either round"),
    }[kind]


def cell_text(gap: float, n_assessed: int, n_indicators: int, low: bool, tr=None) -> str:
    """A cell in words: the gap or "not assessed", with its coverage; never a bare number."""
    _ = tr.gettext if tr else str
    if pd.isna(gap):
        return _("not assessed · {assessed}/{total}").format(assessed=n_assessed, total=n_indicators)
    text = _("gap {gap} · {assessed}/{total} assessed").format(
        gap=f"{gap:.2f}", assessed=n_assessed, total=n_indicators
    )
    return text + (" · " + _("low coverage") if low else "")


def order_rows(view: View, found: pd.DataFrame, orientation: str, by: str, label) -> list[str]:
    """The rows of ``found`` (:func:`cells`) sorted ``by`` one of ``SORTS[orientation]``: gap and coverage
    highest first on the overall column, unknown gaps last; ``label(row)``: the row's name for "name"."""
    rows = rows_of(view, orientation)
    if by == "name":
        return sorted(rows, key=lambda r: str(label(r)).casefold())
    if by == "district" and orientation == CLUSTERS:
        first = _placed(view).sort_values("district").drop_duplicates("cluster_id").set_index("cluster_id")
        return sorted(rows, key=lambda r: (first["district"].get(r, "~"), rows.index(r)))
    if by in ("gap", "coverage"):
        overall = found[found["column"] == OVERALL].set_index("row")
        return sorted(
            rows,
            key=lambda r: (
                pd.isna(overall.at[r, by]) if r in overall.index else True,
                -(overall.at[r, by] if r in overall.index and not pd.isna(overall.at[r, by]) else 0),
                rows.index(r),
            ),
        )
    return rows  # "number": the data's order


def indicator_history(views: list[View], cluster_id: str, indicator_id: str) -> pd.DataFrame:
    """One cluster × indicator in each round's view, oldest first: round_id, round (name), date,
    illustrative, status as shown then, source_id, note and ``from_round`` (the round the value was
    recorded in: a real round carries earlier real values forward)."""
    rows = []
    for view in views:
        ds = view._data()
        info = ds.rounds.set_index("round_id").loc[view.round_id]
        m = view.matrix
        hit = m[(m["cluster_id"] == cluster_id) & (m["indicator_id"] == indicator_id)].iloc[0]
        rows.append(
            {
                "round_id": view.round_id,
                "round": info["name"],
                "date": info["date"],
                "illustrative": bool(info["illustrative"]),
                "status": hit["status"],
                "source_id": hit["source_id"],
                "note": hit["note"],
                "from_round": hit["round_id"],
            }
        )
    return pd.DataFrame(rows)
