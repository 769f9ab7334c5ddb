"""Local people's share of a cluster's workforce, by job level and skill level.

Only figures with a source exist; every other level is returned as unknown
(NaN, ``known`` False), never as zero.
"""

from __future__ import annotations

import pandas as pd

from .loading import Dataset
from .vocabulary import PARTICIPATION_LEVELS


def participation_grid(ds: Dataset, cluster_id: str) -> pd.DataFrame:
    """All six levels for one cluster: share (or NaN), source citation, note, known."""
    grid = pd.DataFrame(
        [(dim, lvl) for dim, levels in PARTICIPATION_LEVELS.items() for lvl in levels],
        columns=["dimension", "level"],
    )
    rows = ds.participation[ds.participation["cluster_id"] == cluster_id]
    out = grid.merge(
        rows[["dimension", "level", "local_share_pct", "source_id", "note"]],
        on=["dimension", "level"],
        how="left",
    )
    out["known"] = out["local_share_pct"].notna()
    out[["source_id", "note"]] = out[["source_id", "note"]].fillna("")
    out["source"] = out["source_id"].map(lambda s: ds.citation(s) if s else "")
    out["display"] = out["local_share_pct"].map(lambda v: "unknown" if pd.isna(v) else f"{v:g}%")
    return out
