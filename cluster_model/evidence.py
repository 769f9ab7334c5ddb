"""Evidence items: what the sources said, tagged by pillar, cluster and stakeholder group."""

from __future__ import annotations

import pandas as pd

from .loading import Dataset, split_list
from .vocabulary import PILLARS, STAKEHOLDERS


def evidence_items(
    ds: Dataset, cluster_ids: list[str] | None = None, pillars: list[str] | None = None
) -> pd.DataFrame:
    """Items about any of ``cluster_ids`` (or 'all' clusters) and any of ``pillars``.

    An item tagged with no pillar (e.g. a classification finding) is kept for any
    pillar filter, since it is about the cluster as a whole.
    """
    ev = ds.evidence.copy()
    ev["cluster_list"] = ev["clusters"].map(split_list)
    ev["pillar_list"] = ev["pillars"].map(split_list)
    if cluster_ids is not None:
        wanted = set(cluster_ids)
        ev = ev[ev["cluster_list"].map(lambda cs: "all" in cs or bool(wanted & set(cs)))]
    if pillars is not None:
        wanted_p = set(pillars)
        ev = ev[ev["pillar_list"].map(lambda ps: not ps or bool(wanted_p & set(ps)))]
    ev["pillar_labels"] = ev["pillar_list"].map(
        lambda ps: ", ".join(PILLARS[p] for p in ps) or "whole cluster"
    )
    ev["group_label"] = ev["stakeholder_group"].map(lambda g: STAKEHOLDERS.get(g, "not stated"))
    ev["source"] = ev["source_id"].map(ds.citation)
    ev["cluster_labels"] = ev["cluster_list"].map(
        lambda cs: "all clusters" if "all" in cs else ", ".join(ds.cluster_name(c) for c in cs)
    )
    return ev.reset_index(drop=True)
