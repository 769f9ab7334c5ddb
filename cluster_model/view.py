"""One view of the data: the filters and round in force, and everything derived from them, computed once.

A :class:`View` is what every page, the district brief and every export look at: the dataset, the round,
the pillars, sectors and districts chosen, in words (for titles and file notes) and as tables. The
assessment matrix of the round is built here and nowhere else (``scoring.assessment_matrix`` has this
one caller); the district scores, cluster gaps and classes are computed from it on first use and kept
on the view, so a page that asks twice, or a second page with the same filters, does not recompute them.

A view is read-only once built: the Streamlit pages share one per filters and data revision
(``ui.data_view.get_view``); treat the frames it returns as read-only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from .classification import classify_dataset
from .context import ContextFigures
from .linkages import Linkages, LinkageView
from .loading import Dataset
from .memo import Memo
from .scoring import (
    assessment_matrix,
    cluster_gaps,
    district_sums,
    gap_changes,
    gaps_from_district_sums,
    rank_by_gap,
)
from .tables import district_detail, ranking_table, status_counts
from .vocabulary import DRAFT_MARK, ILLUSTRATIVE_MARK, PILLARS


def local_districts(districts: Sequence[str], tr=None) -> list[str]:
    """District names in ``tr``'s language (data/names.csv), English without a translator."""
    if tr is None or tr.language == "en":
        return list(districts)
    from .local_names import load_names

    names = load_names()[0]
    return [names.name("district", d, tr.language) for d in districts]


def _local_name(kind: str, id_: str, english: str, tr=None) -> str:
    if tr is None or tr.language == "en":
        return english
    from .local_names import load_names

    return load_names()[0].name(kind, id_, tr.language, english)


@dataclass
class View:
    """The filters and round in force, in words and as tables (lazily computed, then kept)."""

    round_id: str | None
    round_label: str
    illustrative: bool
    pillars: list[str]
    sectors: list[str]
    districts: list[str]
    generated: str = field(default_factory=lambda: date.today().isoformat())
    # A real round of the store that is not a published edition (an editor's view): marked everywhere.
    draft: bool = False
    dataset: Dataset | None = field(default=None, repr=False, compare=False)
    # Sites with canonical district names (``AtlasData.sites``): the districts scored.
    sites: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    # The unfiltered view of the same round: what depends on the round alone (matrix, classes) is taken from it,
    # so views of one round with different filters share one matrix.
    base: View | None = field(default=None, repr=False, compare=False)
    # Shared by the sessions on these filters (thread-safe); bounded, as a round's base view keeps the rows
    # of every filter asked of it.
    _kept: Memo = field(default_factory=lambda: Memo(256), init=False, repr=False, compare=False)
    # Where the institutions and links and the district context come from (``ui.data_view`` gives its cached
    # loaders): read on first use, so a page that shows neither never loads them.
    linkage_source: Callable[[], Linkages] | None = field(default=None, repr=False, compare=False)
    context_source: Callable[[], ContextFigures] | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ in words

    @property
    def pillar_labels(self) -> list[str]:
        return [PILLARS.get(p, p) for p in self.pillars]

    def filter_lines(self, ds: Dataset | None = None, tr=None) -> list[str]:
        """The filters in words; ``tr``: a ``cluster_model.i18n.Translator`` (default English)."""
        ds = ds if ds is not None else self.dataset
        _ = tr.gettext if tr else str
        return [
            _("Pillars:") + " " + ", ".join(_(label) for label in self.pillar_labels),
            _("Sectors:")
            + " "
            + (
                ", ".join(_local_name("cluster", c, ds.cluster_name(c), tr) for c in self.sectors)
                if self.sectors
                else _("all clusters")
            ),
            _("Districts:")
            + " "
            + (", ".join(local_districts(self.districts, tr)) if self.districts else _("all districts")),
            _("Round:")
            + " "
            + (tr.data(self.round_label) if tr else self.round_label)
            + (" — " + _(ILLUSTRATIVE_MARK) if self.illustrative else "")
            + (" — " + _(DRAFT_MARK) if self.draft else ""),
        ]

    def as_dict(self) -> dict:
        return {"pillars": self.pillars, "sectors": self.sectors, "districts": self.districts}

    def replace(self, **changes) -> View:
        """The same view with some filters changed (a new view: nothing computed is carried over)."""
        return dataclasses.replace(self, **changes)

    def over(self, ds: Dataset, sites: pd.DataFrame | None) -> View:
        """This view when it already scores ``sites`` of ``ds``; else the same filters over them."""
        if self.dataset is ds and (sites is None or self.sites is sites):
            return self
        return self.replace(dataset=ds, sites=sites)

    # ------------------------------------------------------------------ computed once, kept

    def keep(self, key: tuple, compute):
        """``compute()`` once for this view (a product of it such as a rendered snapshot), then kept on it."""
        return self._keep(("kept", *key), compute)

    def kept(self, key: tuple):
        """What :meth:`keep` holds under ``key``, or None when nothing was made yet."""
        return self._kept.peek(("kept", *key))

    def _keep(self, key: tuple, compute):
        return self._kept.get(key, compute)

    def _data(self) -> Dataset:
        if self.dataset is None:
            raise ValueError("this view has no dataset: build it with cluster_model.view.make_view")
        return self.dataset

    @property
    def cluster_ids(self) -> list[str]:
        """The clusters of the sector filter (all when none is chosen)."""
        return list(self.sectors) or list(self._data().clusters["cluster_id"])

    @property
    def matrix(self) -> pd.DataFrame:
        """Every cluster × indicator with its status as of the round (all clusters; the one place it is built)."""
        if self._shares_base():
            return self.base.matrix
        return self._keep(("matrix",), lambda: assessment_matrix(self._data(), self.round_id))

    def _shares_base(self) -> bool:
        return (
            self.base is not None
            and self.base.round_id == self.round_id
            and self.base.dataset is self.dataset
        )

    def matrix_for(self, cluster_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """The matrix rows of ``cluster_ids`` (default: the sector filter), in their order."""
        ids = list(cluster_ids) if cluster_ids is not None else self.cluster_ids
        if ids == self._all_cluster_ids():  # the whole matrix, already in that order
            return self.matrix
        return self._keep(("matrix", tuple(ids)), lambda: _rows_of(self.matrix, ids))

    def _all_cluster_ids(self) -> list[str]:
        return self._round_view()._keep(
            ("all_cluster_ids",), lambda: list(self._data().clusters["cluster_id"])
        )

    def _sites_keeper(self) -> View:
        """The view that keeps what depends on the round and the sites alone (not on pillars)."""
        return self.base if self._shares_base() and self.base.sites is self.sites else self

    def _round_view(self) -> View:
        """The view that keeps what depends on the round alone: the base when it is of this round."""
        return self.base if self._shares_base() else self

    def district_sums(self, cluster_ids: Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """:func:`scoring.district_sums` of ``cluster_ids`` (default: the sector filter): kept on the
        round's view when it scores the same sites, so a new pillar choice sums a few hundred rows
        instead of scoring the matrix again."""
        ids = list(cluster_ids) if cluster_ids is not None else self.cluster_ids
        return self._sites_keeper()._keep(
            ("district_sums", tuple(ids)),
            lambda: district_sums(self.matrix_for(ids), self._sites_of(ids), self._data().rules),
        )

    def view_clusters(self) -> list[str]:
        """Clusters in the sector filter that have a site in one of the chosen districts (all when none chosen)."""

        def compute() -> list[str]:
            ids = self.cluster_ids
            if self.districts:
                sites = self._sites()
                there = set(sites.loc[sites["district"].isin(self.districts), "cluster_id"])
                ids = [c for c in ids if c in there]
            return ids

        return self._keep(("view_clusters",), compute)

    def _sites(self) -> pd.DataFrame:
        return self.sites if self.sites is not None else self._data().sites

    def _sites_of(self, ids: list[str]) -> pd.DataFrame:
        """The sites of clusters ``ids``."""
        return self._sites()[self._sites()["cluster_id"].isin(ids)]

    def district_scores(self, per_pillar: bool = False, every_district: bool = False) -> pd.DataFrame:
        """Rows of :func:`scoring.district_gaps` for the sector filter and pillars.

        Only the chosen districts unless ``every_district`` (a map keeps its context's true colours).
        """

        def compute() -> pd.DataFrame:
            ids = self.cluster_ids
            scores = gaps_from_district_sums(
                self.district_sums(ids), self._data().rules, self.pillars, per_pillar=per_pillar
            )
            if self.districts and not every_district:
                scores = scores[scores["district"].isin(self.districts)]
            return scores.reset_index(drop=True)

        return self._keep(("district_scores", per_pillar, every_district), compute)

    def ranked_districts(self) -> pd.DataFrame:
        """Every district's scores (district filter not applied), highest gap first, unknown last."""
        return self._keep(("ranked",), lambda: rank_by_gap(self.district_scores(every_district=True)))

    def cluster_gaps(
        self, cluster_ids: Sequence[str] | None = None, pillars: Sequence[str] | None = None, per_pillar=True
    ) -> pd.DataFrame:
        """Rows of :func:`scoring.cluster_gaps` (default: the sector filter, the chosen pillars)."""
        ids = tuple(cluster_ids) if cluster_ids is not None else tuple(self.cluster_ids)
        chosen = tuple(pillars) if pillars is not None else tuple(self.pillars)
        return self._keep(
            ("cluster_gaps", ids, chosen, per_pillar),
            lambda: cluster_gaps(
                self.matrix_for(ids), self._data().rules, list(chosen), per_pillar=per_pillar
            ),
        )

    def placed_sites(self) -> pd.DataFrame:
        """Sites of the sector filter with their cluster's number (the map's badges)."""
        ds, ids = self._data(), self.cluster_ids
        # The same frame for every pillar choice (its map markers are hashed and built once).
        return self._sites_keeper()._keep(
            ("placed_sites", tuple(ids)),
            lambda: self._sites_of(ids).merge(
                ds.clusters[["cluster_id", "number"]], on="cluster_id", how="left"
            ),
        )

    def shown_districts(self) -> pd.DataFrame:
        """:meth:`ranked_districts` narrowed to the district filter (all when none is chosen)."""

        def compute() -> pd.DataFrame:
            ranked = self.ranked_districts()
            if not self.districts:
                return ranked
            return ranked[ranked["district"].isin(self.districts)].reset_index(drop=True)

        return self._keep(("shown_districts",), compute)

    def status_counts(self) -> dict[str, int]:
        """How many indicator values of the sector filter and pillars are present, partial, absent, not assessed."""
        return self._keep(("status_counts",), lambda: status_counts(self.matrix_for(), self.pillars))

    def district_changes(self, before: View) -> pd.DataFrame:
        """Gap per district before and now and the change since ``before`` (a view of an earlier round
        with the same filters): ``gap_changes`` indexed by district."""
        return self._keep(
            ("district_changes", before.round_id),
            lambda: gap_changes(self.ranked_districts(), before.ranked_districts(), ["district"]).set_index(
                "district"
            ),
        )

    def district_detail(self, cluster_ids: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(gap by pillar, indicator checklist) of the clusters in one district (``tables.district_detail``)."""
        ids = tuple(cluster_ids)
        return self._keep(
            ("district_detail", ids),
            lambda: district_detail(self._data(), self.matrix_for(), list(ids), self.pillars),
        )

    def ranking_table(self) -> pd.DataFrame:
        """The district ranking as shown (``tables.ranking_table`` of :meth:`shown_districts`)."""
        return self._keep(("ranking_table",), lambda: ranking_table(self._data(), self.shown_districts()))

    # ------------------------------------------------------------------ linkages and district context

    @property
    def linkages(self) -> LinkageView:
        """The round's institutions and links (``linkages.LinkageView``): built once per round, shared by
        every view of it, whatever the pillars, sectors and districts."""
        keeper = self._round_view()
        if keeper is not self:
            return keeper.linkages
        return self._keep(
            ("linkages",),
            lambda: LinkageView(self._data(), _read(self.linkage_source, "linkages"), self.round_id, self),
        )

    @property
    def context(self) -> ContextFigures:
        """The district context (``context.ContextFigures``): its figures' tables built once, shared by every
        view of the round (they depend on no filter)."""
        keeper = self._round_view()
        if keeper is not self:
            return keeper.context
        return self._keep(("context",), lambda: _read(self.context_source, "district context"))

    @property
    def classes(self) -> dict:
        """Computed and published classification of every cluster (``classification.classify_dataset``)."""
        if self._shares_base():
            return self.base.classes
        return self._keep(("classes",), lambda: classify_dataset(self._data(), self.matrix))


def _read(source: Callable | None, what: str):
    if source is None:
        raise ValueError(f"this view has no {what}: build it with make_view(..., {what.split()[-1]}=...)")
    return source()


def _source(value) -> Callable | None:
    """A loader, or a value already loaded (tests, scripts) as one."""
    return value if value is None or callable(value) else (lambda: value)


def _rows_of(matrix: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """``matrix`` rows of ``ids``, clusters in the order of ``ids`` (as a matrix built for them)."""
    position = {c: i for i, c in enumerate(ids)}
    rows = matrix[matrix["cluster_id"].isin(position)]
    order = rows["cluster_id"].map(position).to_numpy().argsort(kind="stable")
    return rows.iloc[order].reset_index(drop=True)


def is_draft(ds: Dataset, round_id: str | None) -> bool:
    """A real round of the store that is not a published edition (rounds read from the store say
    which edition they are; the data/ files alone have no editions, and invented rounds are marked
    illustrative instead)."""
    row = ds.rounds[ds.rounds["round_id"] == round_id]
    return (
        "edition" in row and not row.empty and not row.iloc[0]["illustrative"] and not row.iloc[0]["edition"]
    )


def make_view(
    ds: Dataset,
    round_id: str | None,
    pillars: Sequence[str] = (),
    sectors: Sequence[str] = (),
    districts: Sequence[str] = (),
    generated: str | None = None,
    sites: pd.DataFrame | None = None,
    base: View | None = None,
    linkages: Linkages | Callable[[], Linkages] | None = None,
    context: ContextFigures | Callable[[], ContextFigures] | None = None,
) -> View:
    """The view of ``ds`` for these filters (no pillar chosen means all four); ``linkages`` and ``context``:
    the institutions and links and the district context, or the loaders that read them on first use."""
    row = ds.rounds[ds.rounds["round_id"] == round_id]
    if row.empty:
        label, illustrative = "no round (every indicator not assessed)", False
    else:
        r = row.iloc[0]
        label, illustrative = f"{r['name']} ({r['date']})", bool(r["illustrative"])
    view = View(
        round_id,
        label,
        illustrative,
        list(pillars) or list(PILLARS),
        list(sectors),
        list(districts),
        draft=is_draft(ds, round_id),
        dataset=ds,
        sites=sites,
        base=base,
        linkage_source=_source(linkages),
        context_source=_source(context),
    )
    if generated:
        view.generated = generated
    return view
