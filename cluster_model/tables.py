"""Display-ready tables (pure pandas): names instead of ids, sources as citations,
unknown spelled out. Pages render these; exports reuse them."""

from __future__ import annotations

import pandas as pd

from .loading import Dataset
from .scoring import cluster_gaps, gap_label
from .vocabulary import INDICATOR_GROUPS, PILLARS, Status


def indicator_checklist(
    ds: Dataset, matrix: pd.DataFrame, cluster_ids: str | list[str], groups: list[str] | None = None
) -> pd.DataFrame:
    """Indicators (in framework order) with status, source and note; a Cluster column when several clusters
    are asked for. ``indicator_id`` (and ``cluster_id``) say which, for names looked up by id."""
    several = not isinstance(cluster_ids, str)
    rows = (
        matrix[matrix["cluster_id"].isin(cluster_ids)]
        if several
        else matrix[matrix["cluster_id"] == cluster_ids]
    )
    if groups is not None:
        rows = rows[rows["pillar"].isin(groups)]
    names = dict(zip(ds.indicators["indicator_id"], ds.indicators["name"]))
    rounds = dict(zip(ds.rounds["round_id"], ds.rounds["name"]))
    table = pd.DataFrame(
        {
            "Pillar": rows["pillar"].map(INDICATOR_GROUPS),
            "Indicator": rows["indicator_id"].map(names),
            "Status": rows["status"],
            "Source": [ds.citation(s) if s else "—" for s in rows["source_id"]],
            "Note": rows["note"].replace("", "—"),
            "Round": [rounds.get(r, r) if r else "—" for r in rows["round_id"]],
            "Cluster-defining": rows["cluster_defining"].map({True: "yes", False: ""}),
            "indicator_id": rows["indicator_id"],
        }
    ).reset_index(drop=True)
    if several:
        table.insert(0, "Cluster", [ds.cluster_name(c) for c in rows["cluster_id"]])
        table["cluster_id"] = list(rows["cluster_id"])
    return table


def pillar_gap_table(
    ds: Dataset, per_pillar: pd.DataFrame, cluster_ids: list[str], pillars: list[str]
) -> pd.DataFrame:
    """Clusters as rows, pillars as columns, each cell 'gap x · y% assessed' or 'not assessed'."""
    wide = pillar_gap_cells(per_pillar, cluster_ids, pillars, gap_label)
    wide.columns = [PILLARS[p] for p in wide.columns]
    wide.index = [ds.cluster_name(c) for c in wide.index]
    wide.index.name = "Cluster"
    return wide.reset_index()


def pillar_gap_cells(
    per_pillar: pd.DataFrame, cluster_ids: list[str], pillars: list[str], label
) -> pd.DataFrame:
    """Cluster ids as the index, pillar ids as the columns, each cell ``label(gap, coverage)`` (a page
    passes ``gap_label`` with its translator: the cells read by key in its language)."""
    cells = per_pillar.assign(cell=[label(g, c) for g, c in zip(per_pillar["gap"], per_pillar["coverage"])])
    return cells.pivot(index="cluster_id", columns="pillar", values="cell").reindex(
        index=cluster_ids, columns=pillars
    )


def district_pillar_gaps(
    ds: Dataset, matrix: pd.DataFrame, cluster_ids: list[str], pillars: list[str]
) -> pd.DataFrame:
    """The gap and coverage of each of a district's clusters per pillar, by id (``scoring.cluster_gaps``)."""
    return cluster_gaps(matrix[matrix["cluster_id"].isin(cluster_ids)], ds.rules, pillars)


def district_detail(
    ds: Dataset, matrix: pd.DataFrame, cluster_ids: list[str], pillars: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A district's two tables: its clusters' gap per pillar, and the indicator values behind them."""
    rows = matrix[matrix["cluster_id"].isin(cluster_ids)]
    per_pillar = district_pillar_gaps(ds, rows, cluster_ids, pillars)
    return pillar_gap_table(ds, per_pillar, cluster_ids, pillars), indicator_checklist(
        ds, rows, cluster_ids, pillars
    )


def gap_ranks(gaps: pd.Series) -> list[str]:
    """Rank labels for gaps in ranking order: equal gaps (to the 2 decimals shown) share a rank
    marked "=" ("=2", "=2", "4"), so a tie is never read as an order; unknown gaps get no rank."""
    shown = pd.to_numeric(pd.Series(list(gaps), dtype=object), errors="coerce").astype(float).round(2)
    ranks = shown.rank(method="min", ascending=False)
    counts = shown.value_counts()
    return [
        "" if pd.isna(g) else (f"={int(r)}" if counts[g] > 1 else str(int(r))) for g, r in zip(shown, ranks)
    ]


def ranking_table(ds: Dataset, district_scores: pd.DataFrame) -> pd.DataFrame:
    """Districts ranked by gap (unknown last), with ties marked, coverage and the clusters there."""
    return pd.DataFrame(
        {
            "Rank": gap_ranks(district_scores["gap"]),
            "District": district_scores["district"],
            "Gap": district_scores["gap"],  # NaN stays NaN: the page shows it as 'not assessed'
            "Assessed": district_scores["coverage"],
            "Indicators with a gap": district_scores["n_gaps"],
            "Indicators assessed": district_scores["n_assessed"].astype(str)
            + " of "
            + district_scores["n_indicators"].astype(str),
            "Clusters": district_scores["clusters"].map(lambda cs: ", ".join(ds.cluster_name(c) for c in cs)),
        }
    )


def status_counts(matrix: pd.DataFrame, pillars: list[str]) -> dict[str, int]:
    scoped = matrix[matrix["pillar"].isin(pillars)]
    counts = scoped["status"].value_counts()
    return {s.value: int(counts.get(s.value, 0)) for s in Status}


def map_summary(district_scores: pd.DataFrame, n_districts: int, pillar_labels: list[str], tr=None) -> str:
    """The map in words (for a screen reader, and anyone who cannot read colours): what is
    shown, the highest and lowest gap with their coverage, and how many districts are unknown.

    ``tr``: a ``cluster_model.i18n.Translator`` for the text's language (default English)."""
    _ = tr.gettext if tr else str
    with_cluster = (
        district_scores[district_scores["n_clusters"] > 0]
        if "n_clusters" in district_scores
        else district_scores
    )
    known = with_cluster[with_cluster["gap"].notna()].sort_values(
        ["gap", "coverage"], ascending=[False, False]
    )
    unknown = len(with_cluster) - len(known)
    parts = [
        _("The map shows the {n} districts coloured by cluster gap for {pillars}.").format(
            n=n_districts, pillars=", ".join(pillar_labels) if pillar_labels else _("all pillars")
        )
    ]

    def low(row) -> str:
        return (", " + _("low coverage") + ")") if row.get("low_coverage") else ")"

    def figure(row) -> str:
        return _("{district}, {gap} ({n} of {total} indicators assessed").format(
            district=row["district"], gap=f"{row['gap']:.2f}", n=row["n_assessed"], total=row["n_indicators"]
        ) + low(row)

    def shared(rows: pd.DataFrame) -> str:
        """Each district of a tie with its coverage: the figure is shared, the evidence behind it is not."""
        return ", ".join(
            _("{district} ({n} of {total} indicators assessed").format(
                district=r["district"], n=r["n_assessed"], total=r["n_indicators"]
            )
            + low(r)
            for _i, r in rows.iterrows()
        )

    # Ties are read at the two decimals shown: naming one district of a tie would rank what is equal.
    shown_gap = known["gap"].round(2)
    if known.empty:
        parts.append(_("No district has an assessed gap yet."))
    elif len(known) == 1:
        parts.append(
            _("Only one district has an assessed gap: {figure}.").format(figure=figure(known.iloc[0]))
        )
    elif shown_gap.nunique() == 1:
        parts.append(
            _("All {n} districts with an assessed gap have the same gap, {gap}: {districts}.").format(
                n=len(known), gap=f"{known['gap'].iloc[0]:.2f}", districts=shared(known)
            )
        )
    else:
        for label, single, gap in (
            (
                _("Highest gap {gap}, shared by {n} districts: {districts}."),
                _("Highest gap: {figure}") + ".",
                shown_gap.max(),
            ),
            (
                _("Lowest gap {gap}, shared by {n} districts: {districts}."),
                _("Lowest gap: {figure}."),
                shown_gap.min(),
            ),
        ):
            tied = known[shown_gap == gap]
            if len(tied) > 1:
                parts.append(label.format(gap=f"{gap:.2f}", n=len(tied), districts=shared(tied)))
            else:
                parts.append(single.format(figure=figure(tied.iloc[0])))
    parts.append(
        _(
            "{unknown} district(s) with clusters are not assessed (unknown); {none} have no cluster named."
        ).format(unknown=unknown, none=max(n_districts - len(with_cluster), 0))
    )
    return " ".join(parts)
