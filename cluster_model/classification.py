"""Cluster / agglomeration classification from the cluster-defining indicators.

The HRD-cluster-poverty study classifies a sector by which cluster indicators
are present or absent. The rule here makes that explicit and editable
(``data/rules.yaml``):

    missing = (#absent) + partial_counts_as_missing × (#partial)
    missing ≤ functional_max_missing  → functional cluster
    missing ≤ potential_max_missing   → potential cluster
    otherwise                         → agglomeration

Unassessed indicators are unknown, so the rule is run twice: as if every
unassessed indicator were present (best case) and absent (worst case). If both
give the same class, that is the result. If not, and fewer than ``min_assessed``
indicators are assessed, the result is "insufficient evidence"; otherwise the
best case is reported as provisional, with its range.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .loading import Dataset, Rules
from .vocabulary import AGGLOMERATION, FUNCTIONAL, INSUFFICIENT, POTENTIAL, Status

AGREES = "agrees"
DIFFERS = "differs"
NOT_COMPARABLE = "not comparable"
NO_PUBLISHED = "no published classification"


@dataclass
class Classification:
    cluster_id: str
    computed: str
    provisional: bool
    best_case: str
    worst_case: str
    n_defining: int
    n_assessed: int
    missing: float
    absent: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    unassessed: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    to_move_up: str = ""
    published: str | None = None
    published_source: str | None = None
    published_note: str | None = None
    comparison: str = NO_PUBLISHED


def class_for(missing: float, rules: Rules) -> str:
    if missing <= rules.functional_max_missing:
        return FUNCTIONAL
    if missing <= rules.potential_max_missing:
        return POTENTIAL
    return AGGLOMERATION


def classify(
    matrix: pd.DataFrame, indicator_names: dict[str, str], rules: Rules, published: pd.DataFrame | None = None
) -> dict[str, Classification]:
    """Classify every cluster in ``matrix`` (from :func:`assessment_matrix`)."""
    pub = published.set_index("cluster_id") if published is not None and not published.empty else None
    results: dict[str, Classification] = {}
    defining = matrix[matrix["cluster_defining"]]
    for cluster_id, rows in defining.groupby("cluster_id", sort=False):

        def names(status: str, rows=rows) -> list[str]:
            return [indicator_names.get(i, i) for i in rows.loc[rows["status"] == status, "indicator_id"]]

        absent, partial, unassessed = (
            names(Status.ABSENT.value),
            names(Status.PARTIAL.value),
            names(Status.NOT_ASSESSED.value),
        )
        missing = len(absent) + rules.partial_counts_as_missing * len(partial)
        best = class_for(missing, rules)
        worst = class_for(missing + len(unassessed), rules)
        n_assessed = len(rows) - len(unassessed)
        provisional = False
        if best == worst:
            computed = best
        elif n_assessed < rules.min_assessed:
            computed = INSUFFICIENT
        else:
            computed, provisional = best, True

        reasons = [f"{n_assessed} of {len(rows)} cluster-defining indicators assessed"]
        if absent:
            reasons.append("absent: " + "; ".join(absent))
        if partial:
            reasons.append("partial: " + "; ".join(partial))
        if unassessed:
            reasons.append("not assessed: " + "; ".join(unassessed))
        reasons.append(
            f"{missing:g} missing (an absent indicator counts 1, a partial one {rules.partial_counts_as_missing:g}); "
            f"a functional cluster has at most {rules.functional_max_missing:g} missing, a potential cluster at most {rules.potential_max_missing:g}"
        )
        if computed == INSUFFICIENT:
            reasons.append(
                f"could be anything from {worst} to {best}; assess at least {rules.min_assessed - n_assessed} more to narrow it"
            )
        elif provisional:
            reasons.append(
                f"provisional: {best} if the unassessed indicators are present, {worst} if they are absent"
            )

        result = Classification(
            cluster_id,
            computed,
            provisional,
            best,
            worst,
            len(rows),
            n_assessed,
            missing,
            absent,
            partial,
            unassessed,
            reasons,
            _to_move_up(computed, missing, absent, partial, unassessed, rules),
        )
        if pub is not None and cluster_id in pub.index:
            row = pub.loc[cluster_id]
            result.published, result.published_source, result.published_note = (
                row["classification"],
                row["source_id"],
                row["note"],
            )
            if computed == INSUFFICIENT:
                result.comparison = NOT_COMPARABLE
            else:
                result.comparison = AGREES if computed == result.published else DIFFERS
        results[cluster_id] = result
    return results


def _to_move_up(
    current: str, missing: float, absent: list[str], partial: list[str], unassessed: list[str], rules: Rules
) -> str:
    """What would lift the class one step (or settle it), in words."""
    if current == INSUFFICIENT:
        return "First assess: " + "; ".join(unassessed) + "."
    if current == FUNCTIONAL:
        return "Already the highest class; keep every cluster-defining indicator present."
    target, limit = (
        (POTENTIAL, rules.potential_max_missing)
        if current == AGGLOMERATION
        else (FUNCTIONAL, rules.functional_max_missing)
    )
    needed = missing - limit
    candidates = absent + partial
    if not candidates:
        return f"To become a {target}: assess the remaining indicators."
    return (
        f"To become a {target}: reduce the missing score by {needed:g} or more (now {missing:g}, needs ≤ {limit:g}) by making present: "
        + "; ".join(candidates)
        + "."
    )


def classify_dataset(ds: Dataset, matrix: pd.DataFrame) -> dict[str, Classification]:
    names = dict(zip(ds.indicators["indicator_id"], ds.indicators["name"]))
    return classify(matrix, names, ds.rules, ds.published)
