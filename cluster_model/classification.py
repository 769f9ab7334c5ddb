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
    # Indicator ids (the names table's key: a page names them in its language by id).
    absent: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    unassessed: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    to_move_up: str = ""
    published: str | None = None
    published_source: str | None = None
    published_note: str | None = None
    comparison: str = NO_PUBLISHED
    indicator_names: dict[str, str] = field(default_factory=dict, repr=False)  # id → English name


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

        def ids(status: str, rows=rows) -> list[str]:
            return list(rows.loc[rows["status"] == status, "indicator_id"])

        absent, partial, unassessed = (
            ids(Status.ABSENT.value),
            ids(Status.PARTIAL.value),
            ids(Status.NOT_ASSESSED.value),
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
            indicator_names=indicator_names,
        )
        result.reasons, result.to_move_up = explain(result, rules)
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


def explain(result: Classification, rules: Rules, tr=None, name=None) -> tuple[list[str], str]:
    """Why the class is what it is, and what would lift it one step (or settle it), in words.

    ``tr``: a ``cluster_model.i18n.Translator`` (English when None); ``name``: an indicator's name
    by its id (e.g. in Urdu or Sindhi from data/names.csv); its English name when None.
    """
    _ = tr.gettext if tr is not None else (lambda message: message)
    shown = name or (lambda indicator_id: result.indicator_names.get(indicator_id, indicator_id))

    def listed(names: list[str]) -> str:
        return "; ".join(shown(n) for n in names)

    best, worst = _(result.best_case), _(result.worst_case)
    reasons = [
        _("{n} of {total} cluster-defining indicators assessed").format(
            n=result.n_assessed, total=result.n_defining
        )
    ]
    if result.absent:
        reasons.append(_("absent: {indicators}").format(indicators=listed(result.absent)))
    if result.partial:
        reasons.append(_("partial: {indicators}").format(indicators=listed(result.partial)))
    if result.unassessed:
        reasons.append(_("not assessed: {indicators}").format(indicators=listed(result.unassessed)))
    reasons.append(
        _(
            "{missing} missing (an absent indicator counts 1, a partial one {partial}); "
            "a functional cluster has at most {functional} missing, a potential cluster at most {potential}"
        ).format(
            missing=f"{result.missing:g}",
            partial=f"{rules.partial_counts_as_missing:g}",
            functional=f"{rules.functional_max_missing:g}",
            potential=f"{rules.potential_max_missing:g}",
        )
    )
    if result.computed == INSUFFICIENT:
        reasons.append(
            _("could be anything from {worst} to {best}; assess at least {n} more to narrow it").format(
                worst=worst, best=best, n=rules.min_assessed - result.n_assessed
            )
        )
    elif result.provisional:
        reasons.append(
            _(
                "provisional: {best} if the unassessed indicators are present, {worst} if they are absent"
            ).format(best=best, worst=worst)
        )
    return reasons, _to_move_up(result, rules, _, listed)


def _to_move_up(result: Classification, rules: Rules, _, listed) -> str:
    current, missing = result.computed, result.missing
    if current == INSUFFICIENT:
        return _("First assess: {indicators}.").format(indicators=listed(result.unassessed))
    if current == FUNCTIONAL:
        return _("Already the highest class; keep every cluster-defining indicator present.")
    target, limit = (
        (POTENTIAL, rules.potential_max_missing)
        if current == AGGLOMERATION
        else (FUNCTIONAL, rules.functional_max_missing)
    )
    candidates = result.absent + result.partial
    if not candidates:
        return _("To become a {target}: assess the remaining indicators.").format(target=_(target))
    return _(
        "To become a {target}: reduce the missing score by {needed} or more (now {missing}, needs ≤ {limit}) "
        "by making present: {indicators}."
    ).format(
        target=_(target),
        needed=f"{missing - limit:g}",
        missing=f"{missing:g}",
        limit=f"{limit:g}",
        indicators=listed(candidates),
    )


def classify_dataset(ds: Dataset, matrix: pd.DataFrame) -> dict[str, Classification]:
    names = dict(zip(ds.indicators["indicator_id"], ds.indicators["name"]))
    return classify(matrix, names, ds.rules, ds.published)
