"""Institutions and linkages: who supports each cluster, who works with whom, which links are missing.

The dialogue's recommendation gives the ICCK a second objective, "identification
and assessment of institutes and linkages"; the HRD study calls weak linkage
between stakeholders the biggest hurdle. This module is the domain side of it:
the vocabulary, row validation (shared by the seed, the editor, the import and
the workshop), and the views (a cluster's links, its missing links, the
clusters × kinds-of-support matrix and its change between rounds, a small
network drawing). Plain pandas; no Streamlit, no geometry library.

Honest data: a kind of support with no link recorded is *unknown*, never
absent. "Absent" means someone recorded the link as needed but absent, with a
source.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .issues import N_, DataFileError, DataIssue
from .loading import (
    DATA_DIR,
    Check,
    Dataset,
    drop_bad_rows,
    duplicated,
    empty,
    formula_like,
    read_table,
    split_list,
    unknown,
)
from .markup import esc
from .memo import Memo
from .scoring import rounds_in_view
from .vocabulary import PILLARS, STAKEHOLDERS

if TYPE_CHECKING:
    from .view import View

# --------------------------------------------------------------------------- vocabulary (from issue 17)

INSTITUTION_KINDS: dict[str, str] = {
    "university": "University or research institute",
    "technical_institute": "Technical / vocational institute",
    "association": "Producers' or business association",
    "chamber": "Chamber",
    "zone": "Special economic zone or industrial estate",
    "government": "Government agency",
    "financier": "Development fund or financier",
    "lab": "Testing or certification lab",
    "ngo": "NGO",
}

LINK_TYPES: dict[str, str] = {
    "training": "Training",
    "research": "Research & development",
    "finance": "Finance",
    "regulation": "Regulation & standards",
    "market_access": "Market access",
    "membership": "Membership",
    "infrastructure": "Infrastructure",
}

ACTIVE, WEAK, NEEDED = "active", "weak", "needed but absent"
LINK_STATUSES = [ACTIVE, WEAK, NEEDED]

# Matrix cells. UNKNOWN: no link of this kind recorded (not the same as absent).
CELL_ACTIVE, CELL_WEAK, CELL_ABSENT, CELL_UNKNOWN = "active", "weak", "absent", "unknown"
CELL_STATES = [CELL_ACTIVE, CELL_WEAK, CELL_ABSENT, CELL_UNKNOWN]
CELL_COLOURS = {CELL_ACTIVE: "#1a9850", CELL_WEAK: "#fdae61", CELL_ABSENT: "#d73027", CELL_UNKNOWN: "#d9d9d9"}

# Sindh's extent with a small margin: a location outside it is a typo (swapped
# lat/lon, another province). The UI passes the real boundary test instead.
PROVINCE_BOUNDS = (66.4, 23.5, 71.3, 28.7)  # min lon, min lat, max lon, max lat
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}$")

INSTITUTION_COLUMNS = [
    "institution_id",
    "name",
    "kind",
    "stakeholder_group",
    "district",
    "lat",
    "lon",
    "location_note",
    "location_source_id",
    "source_id",
    "note",
]
LINK_COLUMNS = [
    "round_id",
    "institution_id",
    "cluster_id",
    "partner_id",
    "link_type",
    "status",
    "source_id",
    "note",
]
LINK_TYPES_COLUMNS = ["link_type", "indicators", "note"]

CLUSTER, INSTITUTION = "cluster", "institution"


def target_of(cluster_id: str = "", partner_id: str = "") -> str:
    return f"{CLUSTER}:{cluster_id}" if cluster_id else f"{INSTITUTION}:{partner_id}"


def split_target(target: str) -> tuple[str, str]:
    kind, _, ident = str(target).partition(":")
    return kind, ident


def normalise_pair(institution_id: str, partner_id: str) -> tuple[str, str]:
    """An institution <-> institution link is one link whichever end is written first."""
    return (institution_id, partner_id) if institution_id <= partner_id else (partner_id, institution_id)


def link_key(row: dict | pd.Series) -> tuple[str, str, str]:
    """(institution_id, target, link_type) with institution pairs in a fixed order."""
    inst, cluster, partner = (
        str(row["institution_id"]),
        str(row.get("cluster_id", "") or ""),
        str(row.get("partner_id", "") or ""),
    )
    if cluster:
        return inst, target_of(cluster_id=cluster), str(row["link_type"])
    a, b = normalise_pair(inst, partner)
    return a, target_of(partner_id=b), str(row["link_type"])


def inside_bounds(lat: float, lon: float, bounds=PROVINCE_BOUNDS) -> bool:
    return bounds[0] <= lon <= bounds[2] and bounds[1] <= lat <= bounds[3]


# --------------------------------------------------------------------------- the framework: what each kind of support answers


@dataclass(frozen=True)
class SupportKind:
    link_type: str
    label: str
    indicators: tuple[str, ...]
    note: str
    expected: bool  # mapped to a support or technology indicator: every cluster should have it


def load_link_types(
    ds: Dataset, path: Path | str | None = None, issues: list[DataIssue] | None = None
) -> list[SupportKind]:
    """``data/link_types.csv``: which indicators each kind of support answers (the ICCK edits it).

    A kind is *expected* of every cluster when one of its indicators belongs to the
    support or technology pillar. Bad rows are reported and left out.
    """
    path = Path(path) if path else DATA_DIR / "link_types.csv"
    issues = issues if issues is not None else []
    try:
        df = read_table(path, LINK_TYPES_COLUMNS)
    except DataFileError as exc:
        issues.append(exc.issue)
        df = pd.DataFrame(columns=["_line", *LINK_TYPES_COLUMNS])
    known = set(ds.indicators["indicator_id"])
    checks: list[Check] = [
        (
            ~df["link_type"].isin(LINK_TYPES.keys()),
            "link_type",
            lambda r: f"unknown kind of support '{r['link_type']}'",
            f"use one of: {', '.join(LINK_TYPES)}",
        ),
        duplicated(df, ["link_type"], "kind of support"),
        (
            df["indicators"].map(lambda c: any(i not in known for i in split_list(c))),
            "indicators",
            lambda r: (
                f"unknown indicator(s) {', '.join(i for i in split_list(r['indicators']) if i not in known)}"
            ),
            "use indicator ids from indicators.csv, separated by ';'",
        ),
    ]
    good = drop_bad_rows(df, str(path), checks, issues)
    pillar = dict(zip(ds.indicators["indicator_id"], ds.indicators["pillar"]))
    rows = {r["link_type"]: r for r in good.to_dict("records")}
    out = []
    for (
        lt,
        label,
    ) in LINK_TYPES.items():  # every kind, in the vocabulary's order; unmapped kinds are not expected
        r = rows.get(lt)
        inds = tuple(split_list(r["indicators"])) if r else ()
        out.append(
            SupportKind(
                lt,
                label,
                inds,
                r["note"] if r else "",
                any(pillar.get(i) in ("support", "technology") for i in inds),
            )
        )
    return out


# --------------------------------------------------------------------------- validation of rows


def validate_institutions(
    df: pd.DataFrame,
    *,
    file: str,
    sources: Iterable[str],
    taken: Iterable[str] = (),
    districts: Iterable[str] | None = None,
    contains: Callable[[float, float], bool] | None = None,
) -> tuple[pd.DataFrame, list[DataIssue]]:
    """Check institution rows (``INSTITUTION_COLUMNS`` as text plus ``_line``).

    ``taken``: ids that exist already (a new institution may not reuse one).
    ``districts``: known district names (None: not checked). ``contains(lat, lon)``:
    whether a point lies in the province (default: Sindh's bounding box).
    Returns good rows (lat/lon as floats or None) and one issue per bad row.
    """
    issues: list[DataIssue] = []
    df = df.copy()
    for c in INSTITUTION_COLUMNS:
        if c not in df.columns:
            df[c] = ""
        df[c] = df[c].fillna("").astype(str).str.strip()
    df["kind"] = df["kind"].str.lower()
    df["stakeholder_group"] = df["stakeholder_group"].str.lower()
    source_ids = pd.Series(list(sources), dtype=str)
    contains = contains or inside_bounds
    lat = pd.to_numeric(df["lat"], errors="coerce")
    lon = pd.to_numeric(df["lon"], errors="coerce")
    has_loc = (df["lat"] != "") | (df["lon"] != "")
    bad_number = has_loc & (lat.isna() | lon.isna())
    outside = (
        has_loc
        & ~bad_number
        & ~pd.Series(
            [
                bool(contains(float(a), float(o))) if not (pd.isna(a) or pd.isna(o)) else True
                for a, o in zip(lat, lon)
            ],
            index=df.index,
            dtype=bool,
        )
    )
    checks: list[Check] = [formula_like(df, c) for c in ("institution_id", "name", "note", "location_note")]
    checks += [
        empty(df, "institution_id", "give the institution a short id, e.g. muet"),
        (
            ~df["institution_id"].map(lambda v: bool(ID_PATTERN.match(v))),
            "institution_id",
            lambda r: f"'{r['institution_id']}' is not a usable id",
            "use lower-case letters, digits, '-' or '_', e.g. sindh_chamber",
        ),
        (
            df["institution_id"].isin(set(taken)),
            "institution_id",
            lambda r: f"institution '{r['institution_id']}' already exists",
            "choose another id, or edit the existing institution",
        ),
        duplicated(df, ["institution_id"], "institution"),
        empty(df, "name", "write the institution's name as the source gives it"),
        (
            ~df["kind"].isin(INSTITUTION_KINDS.keys()),
            "kind",
            lambda r: f"unknown kind '{r['kind']}'",
            f"use one of: {', '.join(INSTITUTION_KINDS)}",
        ),
        (
            (df["stakeholder_group"] != "") & ~df["stakeholder_group"].isin(STAKEHOLDERS.keys()),
            "stakeholder_group",
            lambda r: f"unknown stakeholder group '{r['stakeholder_group']}'",
            f"use one of: {', '.join(STAKEHOLDERS)} (IGCA), or leave it empty if the source does not say",
        ),
    ]
    if districts is not None:
        known = set(districts)
        checks.append(
            (
                (df["district"] != "") & ~df["district"].isin(known),
                "district",
                lambda r: f"unknown district '{r['district']}'",
                "use a district name as the map spells it (see the Atlas), or leave it empty if unknown",
            )
        )
    checks += [
        (
            bad_number,
            "lat",
            lambda r: f"location '{r['lat']}, {r['lon']}' is not a pair of numbers",
            "give both latitude and longitude in decimal degrees, or leave both empty if unknown",
        ),
        (
            outside,
            "lat",
            lambda r: f"location {r['lat']}, {r['lon']} lies outside the province",
            "check the numbers (latitude first, about 23.5–28.7; longitude about 66.5–71.2), or leave them empty",
        ),
        (
            has_loc & (df["location_source_id"] == ""),
            "location_source_id",
            lambda r: "a location without a source",
            "name where the coordinates come from (e.g. inst_coords for editor-supplied points to verify)",
        ),
        (
            (df["location_source_id"] != "") & ~df["location_source_id"].isin(set(source_ids)),
            "location_source_id",
            lambda r: f"unknown source '{r['location_source_id']}'",
            "use a source id from sources.csv",
        ),
        empty(df, "source_id", "every institution needs a source: add its id from sources.csv"),
        unknown(df, "source_id", source_ids, "source", "sources.csv"),
    ]
    good = drop_bad_rows(df, file, checks, issues)
    good["lat"] = pd.to_numeric(good["lat"], errors="coerce").astype(object).where(good["lat"] != "", None)
    good["lon"] = pd.to_numeric(good["lon"], errors="coerce").astype(object).where(good["lon"] != "", None)
    return good, issues


def validate_links(
    df: pd.DataFrame,
    *,
    file: str,
    rounds: Iterable[str],
    clusters: Iterable[str],
    institutions: Iterable[str],
    sources: Iterable[str],
) -> tuple[pd.DataFrame, list[DataIssue]]:
    """Check link rows (``LINK_COLUMNS`` as text plus ``_line``). Adds ``target`` and the normalised
    ``institution_id``. Unknown round / institution / cluster / kind / status, self-link, a link
    naming both a cluster and a partner (or neither), missing source, duplicates: one issue per row."""
    issues: list[DataIssue] = []
    df = df.copy()
    for c in LINK_COLUMNS:
        if c not in df.columns:
            df[c] = ""
        df[c] = df[c].fillna("").astype(str).str.strip()
    df["status"] = df["status"].str.lower()
    df["link_type"] = df["link_type"].str.lower()
    insts = set(institutions)
    source_ids = pd.Series(list(sources), dtype=str)
    keys = [link_key(r) for r in df.to_dict("records")] if not df.empty else []
    df["_inst"] = [k[0] for k in keys] if keys else pd.Series(dtype=str)
    df["target"] = [k[1] for k in keys] if keys else pd.Series(dtype=str)
    both = (df["cluster_id"] != "") & (df["partner_id"] != "")
    neither = (df["cluster_id"] == "") & (df["partner_id"] == "")
    checks: list[Check] = [formula_like(df, "note")]
    checks += [
        unknown(df, "round_id", list(rounds), "round", "the rounds on the Data page"),
        empty(
            df, "institution_id", "name the institution by its id (institutions.csv or the institutions list)"
        ),
        (
            ~df["institution_id"].isin(insts),
            "institution_id",
            lambda r: f"unknown institution '{r['institution_id']}'",
            "add the institution first (same file or the editor), or fix the id",
        ),
        (
            both,
            "partner_id",
            lambda r: "the row names both a cluster and a partner institution",
            "one link per row: a cluster_id or a partner_id, not both",
        ),
        (
            neither,
            "cluster_id",
            lambda r: "the row names neither a cluster nor a partner institution",
            "fill cluster_id (institution ↔ cluster) or partner_id (institution ↔ institution)",
        ),
        (
            (df["cluster_id"] != "") & ~df["cluster_id"].isin(set(clusters)),
            "cluster_id",
            lambda r: f"unknown cluster '{r['cluster_id']}'",
            "use a cluster id from clusters.csv (e.g. red_chili)",
        ),
        (
            (df["partner_id"] != "") & (df["partner_id"] == df["institution_id"]),
            "partner_id",
            lambda r: f"'{r['institution_id']}' is linked to itself",
            "a link joins two different institutions, or an institution and a cluster",
        ),
        (
            (df["partner_id"] != "") & ~df["partner_id"].isin(insts),
            "partner_id",
            lambda r: f"unknown institution '{r['partner_id']}'",
            "add the partner institution first, or fix the id",
        ),
        (
            ~df["link_type"].isin(LINK_TYPES.keys()),
            "link_type",
            lambda r: f"unknown kind of link '{r['link_type']}'",
            f"use one of: {', '.join(LINK_TYPES)}",
        ),
        (
            ~df["status"].isin(LINK_STATUSES),
            "status",
            lambda r: f"'{r['status']}' is not an allowed link status",
            f"use one of: {', '.join(LINK_STATUSES)}",
        ),
        empty(df, "source_id", "every link needs a source: add its id from sources.csv"),
        unknown(df, "source_id", source_ids, "source", "sources.csv"),
        duplicated(df, ["round_id", "_inst", "target", "link_type"], "link"),
    ]
    good = drop_bad_rows(df, file, checks, issues)
    good["institution_id"] = good["_inst"]
    return good.drop(columns=["_inst"]), issues


# --------------------------------------------------------------------------- the linkage data and its views


@dataclass
class Linkages:
    """Institutions (one row each) and links (every round), as read from the store."""

    institutions: pd.DataFrame  # INSTITUTION_COLUMNS + version, updated_by, updated_at
    links: (
        pd.DataFrame
    )  # round_id, institution_id, target, link_type, status, source_id, note, version, updated_by, updated_at
    kinds: list[SupportKind] = field(default_factory=list)
    issues: list[DataIssue] = field(default_factory=list)

    def name(self, institution_id: str) -> str:
        row = self.institutions[self.institutions["institution_id"] == institution_id]
        return str(row.iloc[0]["name"]) if not row.empty else str(institution_id)


LINK_VIEW_COLUMNS = ["round_id", "institution_id", "target", "link_type", "status", "source_id", "note"]


def links_in_view(ds: Dataset, lk: Linkages, round_id: str | None) -> pd.DataFrame:
    """Links as of ``round_id``: the latest record of each link from this round or an earlier real one
    (like assessments, ``scoring.rounds_in_view``; an illustrative round stands alone)."""
    order = {r: i for i, r in enumerate(rounds_in_view(ds, round_id))}
    rows = lk.links[lk.links["round_id"].isin(order.keys())]
    if rows.empty:
        return pd.DataFrame(columns=LINK_VIEW_COLUMNS + ["kind_of_target", "target_id"])
    rows = (
        rows.assign(_o=rows["round_id"].map(order))
        .sort_values("_o")
        .drop_duplicates(["institution_id", "target", "link_type"], keep="last")
        .drop(columns="_o")
    )
    parts = rows["target"].map(split_target)
    return (
        rows[LINK_VIEW_COLUMNS]
        .assign(kind_of_target=[p[0] for p in parts], target_id=[p[1] for p in parts])
        .reset_index(drop=True)
    )


class LinkageView:
    """The round's institutions and links as every page, map, brief and export shows them: the links in force
    worked out once (the one caller of :func:`links_in_view`), each table on first use, then kept.

    Built by the view of the round (``cluster_model.view.View.linkages``, through the view's cached
    constructor), so the Atlas's layer and district panel, the Clusters profile, the Linkage matrix, the export
    sheets and the briefs share it. ``assessments``: that view, whose matrix says what the indicators behind a
    missing link say. Read-only: treat the frames it returns as such.
    """

    def __init__(self, ds: Dataset, data: Linkages, round_id: str | None, assessments: View):
        self.dataset, self.data, self.round_id, self.assessments = ds, data, round_id, assessments
        self._kept = Memo(256)

    def _keep(self, key: tuple, compute):
        return self._kept.get(key, compute)

    @property
    def institutions(self) -> pd.DataFrame:
        return self.data.institutions

    def name(self, institution_id: str) -> str:
        return self.data.name(institution_id)

    @property
    def links(self) -> pd.DataFrame:
        """:func:`links_in_view`: the links in force in the round."""
        return self._keep(("links",), lambda: links_in_view(self.dataset, self.data, self.round_id))

    def cluster_links(self, cluster_id: str) -> pd.DataFrame:
        return self._keep(("cluster_links", cluster_id), lambda: cluster_links(self, cluster_id))

    def cluster_institutions(self, cluster_id: str) -> pd.DataFrame:
        return self._keep(
            ("cluster_institutions", cluster_id), lambda: cluster_institutions(self, cluster_id)
        )

    def matrix(self, cluster_ids: list[str] | None = None) -> pd.DataFrame:
        """:func:`linkage_matrix` of ``cluster_ids`` (default: every cluster)."""
        key = None if cluster_ids is None else tuple(cluster_ids)
        return self._keep(("matrix", key), lambda: linkage_matrix(self, cluster_ids))

    def changes_since(self, before: LinkageView | None, cluster_ids: list[str] | None = None) -> pd.DataFrame:
        """:func:`matrix_changes` against ``before`` (the previous round's linkages; None: nothing before)."""
        key = (
            None if before is None else before.round_id,
            None if cluster_ids is None else tuple(cluster_ids),
        )
        return self._keep(("changes", *key), lambda: matrix_changes(self, before, cluster_ids))

    def missing_links(self, cluster_id: str) -> pd.DataFrame:
        return self._keep(("missing_links", cluster_id), lambda: missing_links(self, cluster_id))

    def district_institutions(self, district: str) -> pd.DataFrame:
        return self._keep(("district_institutions", district), lambda: district_institutions(self, district))

    def export_tables(self, cluster_ids: list[str]) -> dict[str, pd.DataFrame]:
        return self._keep(("export_tables", tuple(cluster_ids)), lambda: export_tables(self, cluster_ids))

    def network_svg(self, cluster_id: str) -> str:
        return self._keep(("network_svg", cluster_id), lambda: network_svg(self, cluster_id))


def cluster_links(lv: LinkageView, cluster_id: str) -> pd.DataFrame:
    """The cluster's links as a readable table, with sources (plain text; escape before markup)."""
    ds, lk, view = lv.dataset, lv.data, lv.links
    view = view[(view["kind_of_target"] == CLUSTER) & (view["target_id"] == cluster_id)]
    inst = lk.institutions.set_index("institution_id")
    status_order = {s: i for i, s in enumerate(LINK_STATUSES)}
    view = view.assign(_s=view["status"].map(status_order)).sort_values(["_s", "link_type", "institution_id"])
    return pd.DataFrame(
        {
            "Institution": view["institution_id"].map(lambda i: inst.at[i, "name"] if i in inst.index else i),
            "Kind": view["institution_id"].map(
                lambda i: INSTITUTION_KINDS.get(inst.at[i, "kind"], "") if i in inst.index else ""
            ),
            "Link": view["link_type"].map(LINK_TYPES),
            "Status": view["status"],
            "Round": view["round_id"],
            "Source": view["source_id"].map(ds.citation),
            "Note": view["note"],
            "institution_id": view["institution_id"],
            "link_type": view["link_type"],
        }
    ).reset_index(drop=True)


def cluster_institutions(lv: LinkageView, cluster_id: str) -> pd.DataFrame:
    """The institutions linked to the cluster, with where they are and their sources."""
    ds, lk = lv.dataset, lv.data
    ids = set(lv.cluster_links(cluster_id)["institution_id"])
    inst = lk.institutions[lk.institutions["institution_id"].isin(ids)]
    return pd.DataFrame(
        {
            "Institution": inst["name"],
            "Kind": inst["kind"].map(INSTITUTION_KINDS),
            "Stakeholder group": inst["stakeholder_group"].map(lambda g: STAKEHOLDERS.get(g, "not stated")),
            "District": inst["district"].replace("", "unknown"),
            "Location": [
                ("unknown" if _missing(a) else f"{float(a):.4f}, {float(o):.4f}") + (f" ({n})" if n else "")
                for a, o, n in zip(inst["lat"], inst["lon"], inst["location_note"])
            ],
            "Source": inst["source_id"].map(ds.citation),
            "Note": inst["note"],
            # the keys a page words District and Location by in its own language
            "district_id": inst["district"],
            "located": [not _missing(a) for a in inst["lat"]],
            "location_note": inst["location_note"],
        }
    ).reset_index(drop=True)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _cell(statuses: list[str]) -> str:
    if ACTIVE in statuses:
        return CELL_ACTIVE
    if WEAK in statuses:
        return CELL_WEAK
    if NEEDED in statuses:
        return CELL_ABSENT
    return CELL_UNKNOWN


def linkage_matrix(lv: LinkageView, cluster_ids: list[str] | None = None) -> pd.DataFrame:
    """Long table, one row per cluster × kind of support: state (active / weak / absent / unknown) and counts.

    Active: at least one active link of the kind; weak: only weak ones; absent: only
    "needed but absent" records; unknown: nothing recorded (never shown as absent).
    """
    clusters = list(lv.dataset.clusters["cluster_id"]) if cluster_ids is None else list(cluster_ids)
    view = lv.links
    view = view[view["kind_of_target"] == CLUSTER]
    rows = []
    for cid in clusters:
        mine = view[view["target_id"] == cid]
        for lt in LINK_TYPES:
            st = list(mine[mine["link_type"] == lt]["status"])
            rows.append(
                {
                    "cluster_id": cid,
                    "link_type": lt,
                    "state": _cell(st),
                    "n_active": st.count(ACTIVE),
                    "n_weak": st.count(WEAK),
                    "n_needed": st.count(NEEDED),
                }
            )
    return pd.DataFrame(rows, columns=["cluster_id", "link_type", "state", "n_active", "n_weak", "n_needed"])


def cell_text(row, tr=None) -> str:
    """A matrix cell in words, "active (2), weak (1)", in ``tr``'s language (English when None), by message id."""
    _, _data = _words(tr)
    if row["state"] == CELL_ACTIVE:
        weak = _(", weak ({n})").format(n=row["n_weak"]) if row["n_weak"] else ""
        return _("active ({n})").format(n=row["n_active"]) + weak
    if row["state"] == CELL_WEAK:
        return _("weak ({n})").format(n=row["n_weak"])
    if row["state"] == CELL_ABSENT:
        return _("absent ({n} needed)").format(n=row["n_needed"])
    return _(CELL_UNKNOWN)


def matrix_changes(
    lv: LinkageView, previous: LinkageView | None, cluster_ids: list[str] | None = None
) -> pd.DataFrame:
    """``linkage_matrix`` for both rounds side by side: state_before, state_now, changed, change text."""
    now = lv.matrix(cluster_ids)
    before = (
        previous.matrix(cluster_ids)
        if previous
        else now.assign(state=CELL_UNKNOWN, n_active=0, n_weak=0, n_needed=0)
    )
    out = now.merge(before, on=["cluster_id", "link_type"], suffixes=("", "_before"))
    out = out.rename(columns={"state": "state_now"})
    out["changed"] = out["state_now"] != out["state_before"]
    out["change"] = [
        f"{b} → {n}" if c else "no change"
        for b, n, c in zip(out["state_before"], out["state_now"], out["changed"])
    ]
    return out


def matrix_table(
    ds: Dataset,
    long: pd.DataFrame,
    changes: pd.DataFrame | None = None,
    tr=None,
    cluster_name: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """Wide table for display and export: one row per cluster, one column per kind of support; in ``tr``'s
    language (English when None): cells and kinds by message id, clusters by ``cluster_name`` (by id)."""
    _, _data = _words(tr)
    cluster_name = cluster_name or ds.cluster_name
    texts = long.assign(text=[cell_text(r, tr) for r in long.to_dict("records")])
    if changes is not None:
        was = changes.set_index(["cluster_id", "link_type"])
        texts["text"] = [
            t
            + (
                " " + _("[was {state}]").format(state=_(was.loc[(c, lt), "state_before"]))
                if was.loc[(c, lt), "changed"]
                else ""
            )
            for t, c, lt in zip(texts["text"], texts["cluster_id"], texts["link_type"])
        ]
    wide = texts.pivot(index="cluster_id", columns="link_type", values="text")
    order = [c for c in long["cluster_id"].drop_duplicates()]
    wide = wide.loc[order, list(LINK_TYPES)]
    wide.columns = [_(LINK_TYPES[c]) for c in wide.columns]
    wide.insert(0, _("Cluster"), [cluster_name(c) for c in wide.index])
    return wide.reset_index(drop=True)


def state_counts(long: pd.DataFrame) -> dict[str, int]:
    return {s: int((long["state"] == s).sum()) for s in CELL_STATES}


def missing_links(lv: LinkageView, cluster_id: str) -> pd.DataFrame:
    """Kinds of support the framework expects (mapped to support / technology indicators) that no
    active link provides, and any kind recorded as needed but absent, with what the links and the indicator assessments say, and their sources.

    The English columns are :func:`missing_link_words` of the keys each row carries (``link_type``, ``state``,
    ``institutions``, ``assessed`` as (indicator id, status, note), ``source_list``): a page or a brief words
    the keys again in its own language. The indicators' statuses come from the round's view
    (``lv.assessments``): its one matrix."""
    ds, lk = lv.dataset, lv.data
    long = lv.matrix([cluster_id]).set_index("link_type")
    matrix = lv.assessments.matrix_for([cluster_id]).set_index("indicator_id")
    links = lv.cluster_links(cluster_id)
    names = dict(zip(ds.indicators["indicator_id"], ds.indicators["name"]))
    rows = []
    for kind in lk.kinds:
        state = long.at[kind.link_type, "state"]
        # A link recorded as needed but absent is a missing link whatever its kind: the record says
        # the cluster needs it, even where no support/technology indicator expects it.
        if state == CELL_ACTIVE or not (kind.expected or state == CELL_ABSENT):
            continue
        mine = links[links["link_type"] == kind.link_type]
        assessed, sources = [], []
        for ind in kind.indicators:
            if ind not in matrix.index:
                continue
            r = matrix.loc[ind]
            assessed.append((ind, r["status"], r["note"] or ""))
            if r["source_id"]:
                sources.append(ds.citation(r["source_id"]))
        link_sources = [s for s in mine["Source"] if s]
        keys = {
            "link_type": kind.link_type,
            "state": state,
            "institutions": tuple(mine["Institution"]),
            "assessed": tuple(assessed),
            "source_list": tuple(dict.fromkeys(link_sources + sources)),
        }
        rows.append({**missing_link_words(keys, indicator_name=lambda i: names.get(i, i)), **keys})
    return pd.DataFrame(rows, columns=[*MISSING_LINK_COLUMNS, *MISSING_LINK_KEYS])


MISSING_LINK_COLUMNS = ["Kind of support", "Links", "State", "What the assessments say", "Sources"]
MISSING_LINK_KEYS = ["link_type", "state", "institutions", "assessed", "source_list"]
# What a missing link's row says, by message id (missing_link_words words them in a page's or brief's language).
LINKS_ONLY_WEAK = N_("only weak link(s): {institutions}")
LINKS_NEEDED_ABSENT = N_("recorded as needed but absent: {institutions}")
LINKS_NONE = N_("no link recorded (unknown)")
NO_INDICATOR_MAPPED = N_("no indicator mapped")
NO_SOURCE_YET = N_("none yet")


def _words(tr):
    """``tr``'s look-up by message id and its marking of data text; as written when ``tr`` is None (English)."""
    return (tr.gettext, tr.data) if tr is not None else (str, str)


def missing_link_words(row, tr=None, indicator_name: Callable[[str], str] | None = None) -> dict[str, str]:
    """A :func:`missing_links` row's keys worded in ``tr``'s language (a ``cluster_model.i18n.Translator``;
    English when None): the kind, state and statuses by message id, indicators by ``indicator_name`` (by id),
    institutions, notes and sources as data."""
    _, data = _words(tr)
    indicator_name = indicator_name or str
    institutions = "; ".join(data(i) for i in row["institutions"])
    kind, state = LINK_TYPES[row["link_type"]], row["state"]  # bound first: the extractor reads no index
    links = {
        CELL_WEAK: _(LINKS_ONLY_WEAK).format(institutions=institutions),
        CELL_ABSENT: _(LINKS_NEEDED_ABSENT).format(institutions=institutions),
        CELL_UNKNOWN: _(LINKS_NONE),
    }[state]
    said = [
        f"{indicator_name(i)}: {_(status)}" + (f" — {data(note)}" if note else "")
        for i, status, note in row["assessed"]
    ]
    return {
        "Kind of support": _(kind),
        "Links": links,
        "State": _(state),
        "What the assessments say": " | ".join(said) or _(NO_INDICATOR_MAPPED),
        "Sources": "; ".join(data(s) for s in row["source_list"]) or _(NO_SOURCE_YET),
    }


def district_institutions(lv: LinkageView, district: str) -> pd.DataFrame:
    """Institutions located in ``district`` and the clusters they serve (any status) as of the round.

    "Clusters served" is :func:`served_words` of the ``served`` key (cluster id, link type, status) each row
    carries, with ``kind_id``: a page or a brief words them again in its own language."""
    ds = lv.dataset
    inst = lv.institutions[lv.institutions["district"] == district]
    view = lv.links
    view = view[view["kind_of_target"] == CLUSTER]
    rows = []
    for r in inst.to_dict("records"):
        mine = view[view["institution_id"] == r["institution_id"]]
        served = tuple(zip(mine["target_id"], mine["link_type"], mine["status"]))
        rows.append(
            {
                "Institution": r["name"],
                "Kind": INSTITUTION_KINDS.get(r["kind"], r["kind"]),
                "Clusters served": served_words(served, cluster_name=ds.cluster_name),
                "Location": r["location_note"] or "",
                "Source": ds.citation(r["source_id"]),
                "kind_id": r["kind"],
                "served": served,
            }
        )
    return pd.DataFrame(
        rows, columns=["Institution", "Kind", "Clusters served", "Location", "Source", "kind_id", "served"]
    )


NONE_RECORDED = N_("none recorded")


def served_words(served, tr=None, cluster_name: Callable[[str], str] | None = None) -> str:
    """The clusters an institution serves, "Cluster (kind of link, status); …", in ``tr``'s language
    (English when None): clusters by ``cluster_name`` (by id), the kind and status by message id."""
    _, _data = _words(tr)
    cluster_name = cluster_name or str
    return "; ".join(
        f"{cluster_name(c)} ({_(LINK_TYPES[t]) if t in LINK_TYPES else t}, {_(s)})" for c, t, s in served
    ) or _(NONE_RECORDED)


def export_tables(lv: LinkageView, cluster_ids: list[str]) -> dict[str, pd.DataFrame]:
    """For exports and briefs: the clusters' institutions and links, and their missing links, each with sources."""
    ds = lv.dataset
    links, missing = [], []
    for cid in cluster_ids:
        t = lv.cluster_links(cid).drop(columns=["institution_id", "link_type"])
        links.append(t.assign(Cluster=ds.cluster_name(cid)))
        m = lv.missing_links(cid).drop(columns=MISSING_LINK_KEYS)
        missing.append(m.assign(Cluster=ds.cluster_name(cid)))
    cols_l = ["Cluster", "Institution", "Kind", "Link", "Status", "Round", "Source", "Note"]
    cols_m = ["Cluster", *MISSING_LINK_COLUMNS]
    return {
        "Institutions & links": pd.concat(links, ignore_index=True)[cols_l]
        if links
        else pd.DataFrame(columns=cols_l),
        "Missing links": pd.concat(missing, ignore_index=True)[cols_m]
        if missing
        else pd.DataFrame(columns=cols_m),
    }


# --------------------------------------------------------------------------- the small network (SVG)

KIND_COLOURS = {
    "university": "#1f78b4",
    "technical_institute": "#33a02c",
    "association": "#ff7f00",
    "chamber": "#6a3d9a",
    "zone": "#b15928",
    "government": "#e31a1c",
    "financier": "#a6761d",
    "lab": "#17becf",
    "ngo": "#666666",
}
STATUS_DASH = {ACTIVE: "", WEAK: "6 4", NEEDED: "2 5"}
STATUS_WIDTH = {ACTIVE: 3.5, WEAK: 2, NEEDED: 2}
STATUS_COLOUR = {ACTIVE: "#1a9850", WEAK: "#f46d43", NEEDED: "#d73027"}


def _short(text: str, n: int = 26) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def network_svg(lv: LinkageView, cluster_id: str, width: int = 640, height: int = 440) -> str:
    """The cluster in the middle, its institutions around it grouped by kind, one line per link
    (solid: active, dashed: weak, dotted red: needed but absent). Every text is escaped."""
    ds, links = lv.dataset, lv.cluster_links(cluster_id)
    inst = lv.institutions.set_index("institution_id")
    ids = list(
        dict.fromkeys(
            sorted(
                links["institution_id"],
                key=lambda i: (
                    list(INSTITUTION_KINDS).index(inst.at[i, "kind"])
                    if i in inst.index and inst.at[i, "kind"] in INSTITUTION_KINDS
                    else 99,
                    i,
                ),
            )
        )
    )
    cx, cy = width / 2, height / 2 - 10
    rx, ry = width / 2 - 120, height / 2 - 70
    pos = {}
    for k, iid in enumerate(ids):
        a = -math.pi / 2 + 2 * math.pi * k / max(len(ids), 1)
        pos[iid] = (cx + rx * math.cos(a), cy + ry * math.sin(a))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="linkage-network" role="img" viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px;font-family:sans-serif">',
        f"<title>{esc('Links of the ' + ds.cluster_name(cluster_id) + ' cluster')}</title>",
    ]
    # Several links between the same pair are fanned out a little so each stays visible.
    seen: dict[str, int] = {}
    for r in links.to_dict("records"):
        x, y = pos[r["institution_id"]]
        n = seen.get(r["institution_id"], 0)
        seen[r["institution_id"]] = n + 1
        off = (n - 0) * 10
        mx, my = (cx + x) / 2 + off, (cy + y) / 2 - off
        st = r["Status"]
        parts.append(
            f'<path class="link" data-status="{esc(st)}" data-institution="{esc(r["institution_id"])}" data-link-type="{esc(r["link_type"])}" '
            f'd="M{cx:.1f},{cy:.1f} Q{mx:.1f},{my:.1f} {x:.1f},{y:.1f}" fill="none" stroke="{STATUS_COLOUR[st]}" stroke-width="{STATUS_WIDTH[st]}"'
            + (f' stroke-dasharray="{STATUS_DASH[st]}"' if STATUS_DASH[st] else "")
            + f"><title>{esc(r['Institution'] + ' — ' + r['Link'] + ': ' + st + ' (' + r['Source'] + ')')}</title></path>"
        )
        parts.append(
            f'<text x="{mx:.1f}" y="{my:.1f}" font-size="10" fill="#333" text-anchor="middle">{esc(_short(r["Link"] + " · " + st, 34))}</text>'
        )
    parts.append(f'<circle class="cluster-node" cx="{cx:.1f}" cy="{cy:.1f}" r="34" fill="#08519c"/>')
    parts.append(
        f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="12" fill="#fff" text-anchor="middle" font-weight="bold">{esc(_short(ds.cluster_name(cluster_id), 14))}</text>'
    )
    for iid, (x, y) in pos.items():
        kind = inst.at[iid, "kind"] if iid in inst.index else ""
        name = inst.at[iid, "name"] if iid in inst.index else iid
        parts.append(
            f'<g class="institution-node" data-institution="{esc(iid)}" data-kind="{esc(kind)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="14" fill="{KIND_COLOURS.get(kind, "#999")}"/>'
            f"<title>{esc(name + ' — ' + INSTITUTION_KINDS.get(kind, kind))}</title>"
            f'<text x="{x:.1f}" y="{y + 28:.1f}" font-size="11" text-anchor="middle" fill="#111">{esc(_short(name))}</text></g>'
        )
    if not ids:
        parts.append(
            f'<text x="{cx:.1f}" y="{cy + 60:.1f}" font-size="12" text-anchor="middle" fill="#555">No institution linked yet: unknown, not absent.</text>'
        )
    # Key: line style by status.
    y0 = height - 18
    for i, st in enumerate(LINK_STATUSES):
        x0 = 10 + i * 170
        parts.append(
            f'<line x1="{x0}" y1="{y0}" x2="{x0 + 34}" y2="{y0}" stroke="{STATUS_COLOUR[st]}" stroke-width="{STATUS_WIDTH[st]}"'
            + (f' stroke-dasharray="{STATUS_DASH[st]}"' if STATUS_DASH[st] else "")
            + "/>"
        )
        parts.append(f'<text x="{x0 + 40}" y="{y0 + 4}" font-size="11" fill="#111">{esc(st)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def pillar_note(tr=None) -> str:
    """Where the expected kinds of support come from, in ``tr``'s language (a ``cluster_model.i18n.Translator``;
    English when None): the sentence by its message id, the pillars by their ids."""
    if tr is None:
        return PILLAR_NOTE.format(support=PILLARS["support"], technology=PILLARS["technology"])
    return tr.gettext(PILLAR_NOTE).format(support=tr.pillar("support"), technology=tr.pillar("technology"))


# pillar_note's message id.
PILLAR_NOTE = N_(
    "Expected kinds of support come from the {support} and {technology} indicators (data/link_types.csv)."
)
