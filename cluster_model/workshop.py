"""Workshop mode: the agenda of a policy dialogue, the room's ratings, and the session summary.

No Streamlit. The store side (tables, writes) is :mod:`cluster_model.store.dialogue`.

How the room's ratings become a gap (also :func:`methods_markdown`):

* For the cluster and pillar on screen, each stakeholder group present
  (industry, government, community, academia) gives the room's view of the
  pillar on the same scale as indicators: present / partial / absent, or
  *not rated* (unknown: the group did not say, or was not there).
* room gap = mean over the groups that rated of ``gap_value(rating)``, with
  gap_value from ``data/rules.yaml`` (present 0, partial 0.5, absent 1).
* coverage = groups that rated / 4. With no group rating, the gap is unknown
  (NaN), never 0.
* A district's room gap (the map) is the mean of the room gaps of its clusters
  for the pillar(s) shown, over the cluster × pillar pairs the room rated;
  its coverage is the share of group ratings given.

This is what the people in the room said, recorded as a dialogue round. It is
*not* an indicator assessment and never enters the indicator gap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from .issues import N_, AtlasError
from .loading import Dataset, Rules
from .matrix import CLUSTERS, ORIENTATIONS
from .vocabulary import PILLARS, STAKEHOLDERS, Status

NOT_RATED = "not rated"
RATINGS: list[str] = [Status.PRESENT.value, Status.PARTIAL.value, Status.ABSENT.value, NOT_RATED]
RATED = RATINGS[:3]
QUOTE_KINDS: dict[str, str] = {"quote": "Quote", "recommendation": "Recommendation"}
GROUPS = list(STAKEHOLDERS)
MAX_QUOTE_CHARS = 4000
# A room gap from fewer groups than this is shown as low coverage (one voice is not the room's view).
MIN_GROUPS_FIRM = 2
LOW_COVERAGE_NOTE = f"a room gap from fewer than {MIN_GROUPS_FIRM} of the 4 groups is marked 'low coverage': one voice is not the room's view"

# One letter per pillar keeps the agenda short enough for a URL or a QR code.
PILLAR_CODES: dict[str, str] = {"technology": "T", "support": "S", "hrm": "H", "incentive": "I"}
_CODE_PILLAR = {v: k for k, v in PILLAR_CODES.items()}


class AgendaError(AtlasError, ValueError):
    """An agenda string or edit that cannot be used; the message says why."""


# An agenda item is a cluster × pillar the room rates (a vote), or the gap matrix projected for the room
# (cluster_model.matrix: clusters or districts × the item's pillars), which has nothing to vote on.
VOTE, MATRIX = "vote", "matrix"
# In the short form a matrix item is "*clusters:TSHI" or "*districts:TS": no cluster id starts with "*".
MATRIX_MARK = "*"
# What a phone says while the screen shows an item with nothing to vote on (web/vote.py, the presenter view).
NOTHING_TO_VOTE = N_("Nothing to vote on now: the screen shows the gap matrix. This page follows the screen.")


@dataclass(frozen=True)
class AgendaItem:
    """One step of the agenda. A matrix item's cluster_id and pillar are empty: no vote, rating or quote
    can name it (the store refuses a vote on any item that is not a vote item on the agenda)."""

    cluster_id: str
    pillar: str
    kind: str = VOTE
    orientation: str = ""  # a matrix item's rows: cluster_model.matrix.CLUSTERS or DISTRICTS
    pillars: tuple[str, ...] = ()  # a matrix item's columns, in the dialogue's order

    @classmethod
    def matrix(cls, orientation: str, pillars: Iterable[str]) -> AgendaItem:
        if orientation not in ORIENTATIONS:
            raise AgendaError(
                N_("'{orientation}' is not a gap matrix (clusters or districts)"), orientation=orientation
            )
        chosen = tuple(p for p in PILLARS if p in set(pillars))
        if not chosen:
            raise AgendaError(N_("the gap matrix needs at least one pillar"))
        return cls("", "", MATRIX, orientation, chosen)

    @property
    def votable(self) -> bool:
        """Whether phones vote on this item (a matrix item has nothing to vote on)."""
        return self.kind == VOTE


@dataclass(frozen=True)
class Agenda:
    """The clusters and pillars the facilitator steps through, in order."""

    items: tuple[AgendaItem, ...]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> AgendaItem:
        return self.items[index]

    @classmethod
    def default(cls, cluster_ids: Sequence[str], pillars: Sequence[str] = tuple(PILLARS)) -> Agenda:
        """Every cluster (in the report's order) × every pillar (in the dialogue's order)."""
        return cls(tuple(AgendaItem(c, p) for c in cluster_ids for p in pillars))

    def to_string(self) -> str:
        """Short text form: consecutive items of one cluster share it, e.g. ``mango:TSHI,rice:HT``; a
        matrix item stands alone, e.g. ``*clusters:TSHI``."""
        parts: list[list] = []
        for item in self.items:
            if not item.votable:
                parts.append([MATRIX_MARK + item.orientation, "".join(PILLAR_CODES[p] for p in item.pillars)])
            elif parts and parts[-1][0] == item.cluster_id:
                parts[-1][1] += PILLAR_CODES[item.pillar]
            else:
                parts.append([item.cluster_id, PILLAR_CODES[item.pillar]])
        return ",".join(f"{c}:{codes}" for c, codes in parts)

    @classmethod
    def from_string(cls, text: str, cluster_ids: Iterable[str]) -> Agenda:
        """Parse :meth:`to_string`; an unknown cluster or pillar code is an :class:`AgendaError`."""
        known = set(cluster_ids)
        items: list[AgendaItem] = []
        for part in [p.strip() for p in str(text or "").split(",") if p.strip()]:
            cluster, sep, codes = part.partition(":")
            if not sep or not codes:
                raise AgendaError(
                    N_("agenda part '{part}' is not 'cluster:pillars' (e.g. mango:TSHI)"), part=part
                )
            if cluster not in known and not cluster.startswith(MATRIX_MARK):
                raise AgendaError(
                    N_("agenda names cluster '{cluster}', which does not exist"), cluster=cluster
                )
            for code in codes:
                if code.upper() not in _CODE_PILLAR:
                    raise AgendaError(
                        N_("agenda part '{part}': '{code}' is not a pillar code (T, S, H or I)"),
                        part=part,
                        code=code,
                    )
            pillars = [_CODE_PILLAR[code.upper()] for code in codes]
            if cluster.startswith(MATRIX_MARK):
                items.append(AgendaItem.matrix(cluster.removeprefix(MATRIX_MARK), pillars))
            else:
                items.extend(AgendaItem(cluster, p) for p in pillars)
        if not items:
            raise AgendaError(N_("the agenda is empty: keep at least one cluster and pillar"))
        return cls(tuple(items))

    def position(self, index: int | str | None) -> int:
        """A usable 0-based position (clamped to the agenda; 0 when not a number)."""
        try:
            i = int(index)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return 0
        return min(max(i, 0), len(self.items) - 1)

    def move(self, index: int, delta: int) -> Agenda:
        items = list(self.items)
        j = index + delta
        if not (0 <= index < len(items) and 0 <= j < len(items)):
            return self
        items[index], items[j] = items[j], items[index]
        return Agenda(tuple(items))

    def move_to(self, index: int, target: int) -> Agenda:
        """Take item ``index`` out and put it at position ``target`` (both 0-based, clamped)."""
        if not 0 <= index < len(self.items):
            raise AgendaError(N_("there is no agenda item {n}"), n=index + 1)
        items = list(self.items)
        item = items.pop(index)
        items.insert(min(max(target, 0), len(items)), item)
        return Agenda(tuple(items))

    def remove(self, index: int) -> Agenda:
        if len(self.items) <= 1:
            raise AgendaError(N_("the agenda needs at least one item"))
        if not 0 <= index < len(self.items):
            raise AgendaError(N_("there is no agenda item {n}"), n=index + 1)
        return Agenda(self.items[:index] + self.items[index + 1 :])

    def add(self, cluster_id: str, pillar: str, cluster_ids: Iterable[str]) -> Agenda:
        if cluster_id not in set(cluster_ids):
            raise AgendaError(N_("cluster '{cluster}' does not exist"), cluster=cluster_id)
        if pillar not in PILLARS:
            raise AgendaError(N_("'{pillar}' is not one of the four pillars"), pillar=pillar)
        return Agenda(self.items + (AgendaItem(cluster_id, pillar),))

    def add_matrix(self, orientation: str, pillars: Iterable[str]) -> Agenda:
        """The agenda with the gap matrix (``orientation`` × ``pillars``) as its last item."""
        return Agenda(self.items + (AgendaItem.matrix(orientation, pillars),))

    def table(self, ds: Dataset, words=None) -> pd.DataFrame:
        """The agenda in order; ``words``: an item's (cluster or matrix, pillars) in words (e.g. in the page's
        language, :func:`item_words`), English when None."""
        words = words or (lambda it: item_words(ds, it))
        rows = [(i + 1, *words(it)) for i, it in enumerate(self.items)]
        return pd.DataFrame(rows, columns=["#", "Cluster", "Pillar"])


def item_words(ds: Dataset, item: AgendaItem, tr=None, cluster_name=None) -> tuple[str, str]:
    """An agenda item in words: (the cluster, its pillar), or (the gap matrix, its pillars); ``tr``: a
    Translator (English when None), ``cluster_name``: a cluster's name by id (English when None)."""
    _ = tr.gettext if tr is not None else (lambda message: message)
    if item.votable:
        return (cluster_name or ds.cluster_name)(item.cluster_id), _(PILLARS[item.pillar])
    title = (
        N_("Gap matrix: clusters × pillars")
        if item.orientation == CLUSTERS
        else N_("Gap matrix: districts × pillars")
    )
    return _(title), ", ".join(_(PILLARS[p]) for p in item.pillars)


# --------------------------------------------------------------------------- the room's view


def indicator_round(ds: Dataset) -> str | None:
    """The indicator view shown beside the room's view: the newest real round with assessments."""
    return ds.latest_round()


def room_gaps(
    ratings: pd.DataFrame, rules: Rules, cluster_ids: Sequence[str], pillars: Sequence[str] = tuple(PILLARS)
) -> pd.DataFrame:
    """The room's gap per cluster × pillar: every pair, rated or not.

    ``ratings`` has columns cluster_id, pillar, stakeholder_group, rating (as
    :func:`cluster_model.store.dialogue.ratings` returns). Result columns:
    cluster_id, pillar, gap (NaN = unknown), coverage (0..1), n_rated, and one
    column per stakeholder group with its rating ("not rated" when none).
    """
    grid = pd.DataFrame([(c, p) for c in cluster_ids for p in pillars], columns=["cluster_id", "pillar"])
    r = (
        ratings[["cluster_id", "pillar", "stakeholder_group", "rating"]]
        if len(ratings)
        else pd.DataFrame(columns=["cluster_id", "pillar", "stakeholder_group", "rating"])
    )
    wide = (
        r.pivot_table(
            index=["cluster_id", "pillar"], columns="stakeholder_group", values="rating", aggfunc="last"
        )
        if len(r)
        else pd.DataFrame()
    )
    out = (
        grid.merge(wide.reset_index(), on=["cluster_id", "pillar"], how="left") if len(wide) else grid.copy()
    )
    for g in GROUPS:
        out[g] = out[g].fillna(NOT_RATED) if g in out else NOT_RATED
    values = out[GROUPS].apply(lambda col: col.map(lambda v: rules.gap_value.get(v)))
    values = values.apply(pd.to_numeric)
    out["n_rated"] = values.notna().sum(axis=1).astype(int)
    out["gap"] = values.mean(axis=1, skipna=True).where(out["n_rated"] > 0)
    out["coverage"] = out["n_rated"] / len(GROUPS)
    return out[["cluster_id", "pillar", "gap", "coverage", "n_rated", *GROUPS]]


def room_district_gaps(
    gaps: pd.DataFrame, sites: pd.DataFrame, pillars: Sequence[str], n_voted: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per district (index), for the map: gap (mean over rated cluster × pillar pairs), coverage, n_clusters, n_voted, label.

    ``n_voted`` (cluster_id, pillar, n_voted; from :func:`cluster_model.store.votes.n_voted`) says how
    many phones voted on the pairs whose ratings came from a room vote; the label says it too.
    """
    placed = sites[["cluster_id", "district"]].drop_duplicates()
    scoped = gaps[gaps["pillar"].isin(pillars)].merge(placed, on="cluster_id")
    if scoped.empty:
        return pd.DataFrame(columns=["gap", "coverage", "n_clusters", "n_voted", "label"])
    if n_voted is not None and len(n_voted):
        scoped = scoped.merge(
            n_voted[["cluster_id", "pillar", "n_voted"]], on=["cluster_id", "pillar"], how="left"
        )
    else:
        scoped = scoped.assign(n_voted=float("nan"))
    g = scoped.groupby("district")
    out = pd.DataFrame(
        {
            "gap": g["gap"].mean(),
            "coverage": g["n_rated"].sum() / (g.size() * len(GROUPS)),
            "n_clusters": g["cluster_id"].nunique(),
            "n_voted": g["n_voted"].sum(min_count=1),
        }
    )
    out["label"] = [
        room_gap_label(gap, cov, nv) for gap, cov, nv in zip(out["gap"], out["coverage"], out["n_voted"])
    ]
    return out


def room_gap_label(gap: float, coverage: float, n_voted: float | None = None) -> str:
    """The room gap in words, with its coverage, "low coverage" below two groups, and how many voted (from phones)."""
    if pd.isna(gap):
        return "room's view: not rated"
    text = f"room's view: gap {gap:.2f} · {coverage:.0%} of groups rated"
    if coverage * len(GROUPS) < MIN_GROUPS_FIRM:
        text += " (low coverage)"
    if n_voted is not None and not pd.isna(n_voted):
        text += f" · {int(n_voted)} voted"
    return text


def room_gap_cell(gap: float, n_rated: int) -> str:
    """A room gap with its coverage for a table cell: "0.50 (3/4)", "1.00 (1/4, low coverage)" below
    MIN_GROUPS_FIRM groups, or "not rated"."""
    if pd.isna(gap):
        return NOT_RATED
    low = ", low coverage" if n_rated < MIN_GROUPS_FIRM else ""
    return f"{gap:.2f} ({int(n_rated)}/{len(GROUPS)}{low})"


def room_matrix(gaps: pd.DataFrame, ds: Dataset, pillars: Sequence[str] = tuple(PILLARS)) -> pd.DataFrame:
    """Cluster × pillar table of room gap texts (:func:`room_gap_cell`)."""

    table = gaps.assign(text=[room_gap_cell(g, n) for g, n in zip(gaps["gap"], gaps["n_rated"])]).pivot(
        index="cluster_id", columns="pillar", values="text"
    )
    order = [c for c in ds.clusters["cluster_id"] if c in table.index]
    table = table.reindex(order)[[p for p in pillars if p in table.columns]]
    table.index = [ds.cluster_name(c) for c in table.index]
    table.columns = [PILLARS[p] for p in table.columns]
    return table.rename_axis("Cluster").reset_index()


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class SessionInfo:
    """What the summary says about where the ratings come from."""

    round_id: str
    name: str
    date: str
    venue: str
    facilitator: str

    def source(self, group: str | None = None) -> str:
        text = f"Dialogue round '{self.name}' ({self.round_id}), {self.venue}, {self.date}"
        return text + (f"; stakeholder group: {STAKEHOLDERS.get(group, group)}" if group else "")


RATING_COLUMNS = [
    "Cluster",
    "Pillar",
    "Stakeholder group",
    "Rating",
    "Recorded by",
    "Recorded at (UTC)",
    "Source",
]
QUOTE_COLUMNS = [
    "Cluster",
    "Pillar",
    "Stakeholder group",
    "Speaker",
    "Kind",
    "Text",
    "Recorded by",
    "Recorded at (UTC)",
    "Source",
]


def _when(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)


def ratings_table(ds: Dataset, info: SessionInfo, ratings: pd.DataFrame) -> pd.DataFrame:
    """One row per recorded rating (not rated included when it was recorded), in agenda-like order."""
    rows = []
    order = {c: i for i, c in enumerate(ds.clusters["cluster_id"])}
    for r in sorted(
        ratings.to_dict("records"),
        key=lambda r: (
            order.get(r["cluster_id"], 99),
            list(PILLARS).index(r["pillar"]),
            GROUPS.index(r["stakeholder_group"]),
        ),
    ):
        rows.append(
            [
                ds.cluster_name(r["cluster_id"]),
                PILLARS[r["pillar"]],
                STAKEHOLDERS[r["stakeholder_group"]],
                r["rating"],
                r["author"],
                _when(r["updated_at"]),
                info.source(r["stakeholder_group"]),
            ]
        )
    return pd.DataFrame(rows, columns=RATING_COLUMNS)


def quotes_table(ds: Dataset, info: SessionInfo, quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per quote or recommendation still standing (withdrawn ones left out), in the order recorded."""
    rows = []
    for q in quotes.to_dict("records"):
        if q.get("withdrawn_at") is not None and not pd.isna(q.get("withdrawn_at")):
            continue
        rows.append(
            [
                ds.cluster_name(q["cluster_id"]),
                PILLARS[q["pillar"]],
                STAKEHOLDERS[q["stakeholder_group"]],
                q["speaker_name"] or "(not given)",
                QUOTE_KINDS[q["kind"]],
                q["text"],
                q["author"],
                _when(q["created_at"]),
                info.source(q["stakeholder_group"]),
            ]
        )
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def metadata_rows(info: SessionInfo) -> list[tuple[str, str]]:
    return [
        ("Round", f"{info.name} ({info.round_id})"),
        ("Kind", "dialogue: the room's view, recorded live; not an indicator assessment"),
        ("Venue", info.venue),
        ("Date", info.date),
        ("Facilitator", info.facilitator),
        ("Scale", "present / partial / absent, as for indicators; 'not rated' = unknown, never a gap"),
        (
            "Room gap",
            "mean over the groups that rated of the gap value (present 0, partial 0.5, absent 1, from data/rules.yaml); coverage = groups that rated / 4",
        ),
        ("Low coverage", LOW_COVERAGE_NOTE),
        (
            "Sources",
            "Every rating and quote comes from this dialogue round: its venue, date and the stakeholder group named on the row. "
            "Cluster list and pillars: Policy dialogue report, MUET, 2019.",
        ),
    ]


def summary_file_stem(info: SessionInfo) -> str:
    return "dialogue-" + re.sub(r"[^a-z0-9_-]+", "-", info.round_id.lower()).strip("-")


def methods_markdown(tr=None) -> str:
    """Text for the Methods page: how the room's ratings become a gap.

    ``tr``: a ``cluster_model.i18n.Translator`` (English when None); the formula stays as code."""
    _ = tr.gettext if tr is not None else (lambda message: message)
    return "\n\n".join(
        [
            "### " + _("Workshop mode: the room's view"),
            _(
                "In a policy dialogue the facilitator steps through an agenda of clusters and pillars. "
                "For the cluster and pillar on screen, each stakeholder group in the room — **industry, "
                "government, community, academia** — gives its view of the pillar on the same scale as "
                "indicators: **present**, **partial** or **absent**; a group that does not say is "
                "**not rated** (unknown). Quotes and recommendations are recorded with the group and, "
                "if given, the speaker's name."
            ),
            _(
                "Everything is stored as a round of kind *dialogue*, with its venue and date: that "
                "round, and the stakeholder group, are the source of every value."
            ),
            "    room gap  = mean over the groups that rated of gap_value(rating)\n"
            "    coverage  = groups that rated / 4",
            _(
                "with `gap_value` from `data/rules.yaml` (present 0, partial 0.5, absent 1). With no group "
                "rating, the room gap is unknown — never 0. On the map, a district's room gap is the mean "
                "over the rated cluster × pillar pairs of its clusters."
            ),
            _(
                "The room's view is shown apart from the indicator gap (its own matrix and map colouring, "
                'labelled "room\'s view"). It is what the people in the room said, not an indicator '
                "assessment, and it never changes an indicator's status. A room gap from one group of four "
                "is marked *low coverage*."
            ),
            _(
                "**Votes from phones.** Participants can also vote from their phones (present / partial / "
                "absent / don't know, one counting vote per phone per item, anonymous). When the facilitator "
                "accepts an item's tally, each group's rating is the choice most of its voters made among "
                'present / partial / absent (a tie counts as partial; only "don\'t know" = not rated), and the '
                "round keeps how many voted in each group and how they split; every raw vote is kept. Gaps "
                "drawn from a tally say how many voted."
            ),
        ]
    )
