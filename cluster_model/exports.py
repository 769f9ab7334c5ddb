"""Data downloads of the filtered view: tables with their sources, notes and file names.

Pure pandas: no streamlit, no geometry (the GeoJSON export lives in ``geo/export_geojson.py``), no file
format (``outputs/tables.py`` writes the CSV and XLSX, neutralising formula cells).

Honesty rules carried into every file:

* Unknown stays unknown: a gap that cannot be computed is an empty cell with
  the status "not assessed", never 0; an indicator not assessed says so.
* Every value carries its source: indicator rows name the citation; every file
  carries the list of sources and the licence notes.
* Illustrative (invented) rounds: every data row gets an ``Illustrative``
  column reading "ILLUSTRATIVE — not real data", and the notes say it too.
* A round that is not a published edition (a draft, only editors see it): every row gets a
  ``Publication`` column reading "Draft, not published", the notes and the file name say it too.
  :func:`marked`, :func:`mark_lines`, :func:`file_prefix` and :func:`round_mark` (the words written across a
  picture or a PDF page) own these marks: the files of a view take them from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from .evidence import evidence_items
from .identity import atlas_name, region_name
from .loading import Dataset
from .scoring import gap_label
from .view import View, is_draft, local_districts
from .vocabulary import DRAFT_MARK, ILLUSTRATIVE_MARK, INDICATOR_GROUPS, PILLARS

NOT_ASSESSED = "not assessed"
BOUNDARY_SOURCE_ID = "osm_boundaries"
BOUNDARY_LICENCE = "District names and boundaries © OpenStreetMap contributors, ODbL 1.0 (share-alike: a public derived database must also be offered under ODbL)."
DATA_LICENCE = (
    "Cluster, indicator and evidence data: compiled by the ICCK from the sources listed; "
    "no licence has been stated for them yet — cite the sources."
)
ALL_PILLARS_LABEL = "all chosen pillars"


# --------------------------------------------------------------------------- the filtered view

# The filters and round in force are a ``cluster_model.view.View`` (built by ``make_view``); the
# functions below take the dataset and sites too, and use the view's kept results when they match.


def _bound(view: View, ds: Dataset, sites: pd.DataFrame) -> View:
    return view.over(ds, sites)


def _gap_status(gap) -> str:
    return NOT_ASSESSED if pd.isna(gap) else "assessed"


def _round3(series: pd.Series) -> pd.Series:
    return series.astype(float).round(3)  # NaN stays NaN: an empty cell, never 0


def low_coverage_text(scores: pd.DataFrame) -> list[str]:
    """The scoring's low-coverage flag in words: "yes" / "no", or "not assessed" where there is no figure
    to flag (unknown is not low coverage: it is no figure at all)."""
    return [
        NOT_ASSESSED if pd.isna(g) else "yes" if bool(low) else "no"
        for g, low in zip(scores["gap"], scores["low_coverage"])
    ]


def _gap_columns(scores: pd.DataFrame) -> dict[str, pd.Series | list[str]]:
    """How every export shows a gap figure: rounded gap (empty when unknown), status, summary, and its
    coverage (share of weight, indicators assessed of those in scope, the low-coverage flag)."""
    return {
        "Gap": _round3(scores["gap"]),
        "Gap status": scores["gap"].map(_gap_status),
        "Summary": [gap_label(g, c) for g, c in zip(scores["gap"], scores["coverage"])],
        "Share of indicators assessed": _round3(scores["coverage"]),
        "Indicators assessed": scores["n_assessed"].astype(int),
        "Indicators in scope": scores["n_indicators"].astype(int),
        "Low coverage": low_coverage_text(scores),
    }


def view_clusters(ds: Dataset, sites: pd.DataFrame, view: View) -> list[str]:
    """Clusters in the view: the sector filter, narrowed to those with a site in the chosen districts."""
    return _bound(view, ds, sites).view_clusters()


def district_scores(ds: Dataset, sites: pd.DataFrame, view: View, per_pillar: bool = False) -> pd.DataFrame:
    """Rows of :func:`district_gaps` for the view (districts filter applied)."""
    return _bound(view, ds, sites).district_scores(per_pillar=per_pillar)


def district_table(ds: Dataset, sites: pd.DataFrame, view: View) -> pd.DataFrame:
    """District × (all chosen pillars, then each pillar): gap, coverage, counts, clusters."""
    # assign, not an in-place write: the frame is the view's kept one, which the map and the Overview read too.
    each = district_scores(ds, sites, view, per_pillar=True)
    each = each.assign(pillar=each["pillar"].map(PILLARS))
    if len(view.pillars) > 1:  # with one pillar, "all chosen pillars" would repeat its rows
        overall = district_scores(ds, sites, view).assign(pillar=ALL_PILLARS_LABEL)
        each = pd.concat([overall, each], ignore_index=True)
    both = each
    order = {p: i for i, p in enumerate([ALL_PILLARS_LABEL, *view.pillar_labels])}
    both = both.assign(_o=both["pillar"].map(order)).sort_values(["district", "_o"], kind="stable")
    return pd.DataFrame(
        {
            "District": both["district"],
            "Pillar": both["pillar"],
            **_gap_columns(both),
            "Indicators with a gap": both["n_gaps"].astype(int),
            "Clusters": both["clusters"].map(
                lambda cs: "; ".join(ds.cluster_name(c) for c in cs) if isinstance(cs, list) else ""
            ),
            "Round": view.round_label,
        }
    ).reset_index(drop=True)


def cluster_gap_table(ds: Dataset, sites: pd.DataFrame, view: View) -> pd.DataFrame:
    """Cluster × pillar gaps with coverage, and the districts where each cluster sits."""
    bound = _bound(view, ds, sites)
    per = bound.cluster_gaps(bound.view_clusters())
    where = sites.groupby("cluster_id")["district"].agg(lambda s: "; ".join(sorted(set(s))))
    return pd.DataFrame(
        {
            "Cluster": per["cluster_id"].map(ds.cluster_name),
            "Pillar": per["pillar"].map(PILLARS),
            **_gap_columns(per),
            "Districts": per["cluster_id"].map(where).fillna(""),
            "Round": view.round_label,
        }
    )


def indicator_table(ds: Dataset, sites: pd.DataFrame, view: View) -> pd.DataFrame:
    """Every indicator of the chosen pillars for the clusters in view: status, source, note."""
    bound = _bound(view, ds, sites)
    matrix = bound.matrix_for(bound.view_clusters())
    matrix = matrix[matrix["pillar"].isin(view.pillars)]
    names = ds.indicators.set_index("indicator_id")["name"]
    rounds = ds.rounds.set_index("round_id")["name"]
    where = sites.groupby("cluster_id")["district"].agg(lambda s: "; ".join(sorted(set(s))))
    return pd.DataFrame(
        {
            "Cluster": matrix["cluster_id"].map(ds.cluster_name),
            "Districts": matrix["cluster_id"].map(where).fillna(""),
            "Pillar": matrix["pillar"].map(INDICATOR_GROUPS),
            "Indicator": matrix["indicator_id"].map(names),
            "Status": matrix["status"],
            "Source": matrix["source_id"].map(lambda s: ds.citation(s) if s else ""),
            "Note": matrix["note"],
            "Assessed in round": matrix["round_id"].map(lambda r: rounds.get(r, r) if r else ""),
        }
    ).reset_index(drop=True)


def classification_table(ds: Dataset, sites: pd.DataFrame, view: View) -> pd.DataFrame:
    """Computed and published classification of the clusters in view, with the comparison."""
    bound = _bound(view, ds, sites)
    ids, results = bound.view_clusters(), bound.classes
    rows = []
    for cid in ids:
        r = results.get(cid)
        if r is None:
            continue
        rows.append(
            {
                "Cluster": ds.cluster_name(cid),
                "Computed classification": r.computed + (" (provisional)" if r.provisional else ""),
                "Cluster-defining indicators assessed": f"{r.n_assessed} of {r.n_defining}",
                "Published classification": r.published or "",
                "Published by": ds.citation(r.published_source) if r.published_source else "",
                "Comparison": r.comparison,
                "Computed from": "data/rules.yaml applied to the assessments of this round",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Cluster",
            "Computed classification",
            "Cluster-defining indicators assessed",
            "Published classification",
            "Published by",
            "Comparison",
            "Computed from",
        ],
    )


def evidence_table(ds: Dataset, sites: pd.DataFrame, view: View) -> pd.DataFrame:
    ev = evidence_items(ds, view_clusters(ds, sites, view), view.pillars)
    return pd.DataFrame(
        {
            "Evidence id": ev["evidence_id"],
            "Statement": ev["statement"],
            "Speaker": ev["speaker"],
            "Stakeholder group": ev["group_label"],
            "Pillars": ev["pillar_labels"],
            "Clusters": ev["cluster_labels"],
            "Source": ev["source"],
        }
    )


def view_tables(ds: Dataset, sites: pd.DataFrame, view: View) -> dict[str, pd.DataFrame]:
    """The filtered view as named tables (sheet name → table).

    ``sites`` are the sites with canonical district names (``AtlasData.sites``).
    """
    tables = {
        "Districts": district_table(ds, sites, view),
        "Cluster gaps": cluster_gap_table(ds, sites, view),
        "Indicators": indicator_table(ds, sites, view),
        "Classification": classification_table(ds, sites, view),
        "Evidence": evidence_table(ds, sites, view),
    }
    return marked_tables(tables, view)


# --------------------------------------------------------------------------- marks of a round that is not an edition

# ``view`` below is anything that says ``illustrative`` and ``draft``: a ``View``, or ``RoundMarks`` for a
# round known without one. Never both: an invented round is never a draft (``cluster_model.view.is_draft``).


@dataclass(frozen=True)
class RoundMarks:
    """The marks of a round known without a view (a store table's round, an edition served)."""

    illustrative: bool = False
    draft: bool = False


def round_marks(ds: Dataset, round_id: str | None) -> RoundMarks:
    """The marks of one of ``ds``'s rounds, for a file made without a view (the workshop's summary)."""
    row = ds.rounds[ds.rounds["round_id"] == round_id]
    return RoundMarks(bool(not row.empty and row.iloc[0]["illustrative"]), bool(is_draft(ds, round_id)))


def round_mark(view) -> str | None:
    """The mark written across a picture or a PDF page of the round (English: each file translates it)."""
    return ILLUSTRATIVE_MARK if view.illustrative else DRAFT_MARK if view.draft else None


def marked(table: pd.DataFrame, view) -> pd.DataFrame:
    """``table`` with the round's mark in every row: ``Illustrative`` for invented data, ``Publication``
    "Draft, not published" for a round that is not a published edition; an edition's is unchanged."""
    if view.illustrative:
        table = table.assign(Illustrative=ILLUSTRATIVE_MARK)
    if view.draft:
        table = table.assign(Publication=DRAFT_MARK)
    return table


def marked_tables(tables: dict[str, pd.DataFrame], view) -> dict[str, pd.DataFrame]:
    return {name: marked(t, view) for name, t in tables.items()}


def mark_lines(view, tr=None) -> list[str]:
    """The warning every file's notes carry (CSV ``#`` lines, the XLSX's notes, picture footers), in
    ``tr``'s language; none for a published edition."""
    _ = tr.gettext if tr else str
    lines = []
    if view.illustrative:
        lines.append(
            _(ILLUSTRATIVE_MARK).upper() + ": " + _("invented for demonstration and training. Do not cite.")
        )
    if view.draft:
        lines.append(_(DRAFT_MARK).upper() + ": " + _("not a published edition. Do not cite."))
    return lines


def file_prefix(view) -> str:
    """What a file name of the round starts with: ``ILLUSTRATIVE-``, ``DRAFT-`` or nothing."""
    return "ILLUSTRATIVE-" if view.illustrative else "DRAFT-" if view.draft else ""


# --------------------------------------------------------------------------- sources and notes


def sources_table(ds: Dataset, source_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """The sources (all, or those named) plus the boundary source, with licence terms."""
    src = ds.sources
    if source_ids is not None:
        wanted = set(source_ids) | {BOUNDARY_SOURCE_ID}
        src = src[src["source_id"].isin(wanted)]
    out = pd.DataFrame(
        {
            "Source id": src["source_id"],
            "Citation": src["citation"],
            "Title": src["title"],
            "Kind": src["kind"],
            "Date": src["date"].replace("", "not stated"),
            "Where": src["location"],
            "Note": src["note"],
            "Licence / terms": src["source_id"].map(
                lambda s: BOUNDARY_LICENCE if s == BOUNDARY_SOURCE_ID else "cite as given; licence not stated"
            ),
        }
    ).reset_index(drop=True)
    if BOUNDARY_SOURCE_ID not in set(src["source_id"]):
        out.loc[len(out)] = [
            BOUNDARY_SOURCE_ID,
            "© OpenStreetMap contributors, ODbL 1.0",
            "District boundaries (OpenStreetMap)",
            "boundary data",
            "",
            "see PROVENANCE.md",
            "",
            BOUNDARY_LICENCE,
        ]
    return out


def used_source_ids(ds: Dataset, tables: dict[str, pd.DataFrame]) -> set[str]:
    """Source ids whose citation appears in the tables (plus the cluster list's own source)."""
    by_citation = dict(zip(ds.sources["citation"], ds.sources["source_id"]))
    used = set(ds.clusters["source_id"])
    for t in tables.values():
        for column in ("Source", "Published by"):
            if column in t:
                used |= {by_citation[c] for c in t[column].dropna().unique() if c in by_citation}
    return used


def notes_lines(
    ds: Dataset, view: View, title: str | None = None, sources: pd.DataFrame | None = None
) -> list[str]:
    """Plain-text lines: title, date, filters, illustrative warning, sources, licences."""
    title = title or f"{atlas_name()} export"
    lines = [title, f"Generated: {view.generated}"]
    lines += mark_lines(view)
    lines += view.filter_lines(ds)
    lines.append(
        "Gap = weighted share of assessed indicators that are absent (1) or partial (0.5); "
        "'not assessed' means unknown (empty gap), never zero."
    )
    lines.append(coverage_note(ds))
    src = sources if sources is not None else sources_table(ds)
    lines.append("Sources:")
    lines += [f"  [{r['Source id']}] {r['Citation']} — {r['Title']}" for _, r in src.iterrows()]
    lines += [f"Licence: {BOUNDARY_LICENCE}", f"Licence: {DATA_LICENCE}"]
    return lines


def coverage_note(ds: Dataset, tr=None) -> str:
    """What "low coverage" means, with the threshold of data/rules.yaml (the scoring's rule)."""
    _ = tr.gettext if tr else str
    return _(
        "Low coverage: a gap figure resting on less than {share} of its indicators' weight assessed "
        "(data/rules.yaml); it may change a lot as more indicators are assessed."
    ).format(share=f"{ds.rules.low_coverage_warning:.0%}")


# --------------------------------------------------------------------------- names and captions


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-").replace("--", "-")


def export_filename(view: View, ext: str, kind: str = "") -> str:
    """e.g. ``sindh-atlas_hrm_thatta-tharparkar_2026-11-25.png`` (kind adds e.g. ``_brief``)."""
    pillars = "all-pillars" if set(view.pillars) == set(PILLARS) else "-".join(view.pillars)
    where = "-".join(_slug(d) for d in view.districts) if view.districts else "sindh"
    if len(where) > 60:
        where = f"{len(view.districts)}-districts"
    parts = ["sindh-atlas", pillars, where] + ([kind] if kind else []) + [view.generated]
    if view.illustrative:
        parts.insert(1, "ILLUSTRATIVE")
    if view.draft:
        parts.insert(1, "DRAFT")
    return "_".join(parts) + "." + ext.lstrip(".")


def snapshot_title(view: View, tr=None) -> str:
    """``tr``: a ``cluster_model.i18n.Translator`` for the title's language (default English)."""
    _ = tr.gettext if tr else str
    what = (
        _("Cluster gaps, all four pillars")
        if set(view.pillars) == set(PILLARS)
        else _("{pillars} gaps").format(pillars=" & ".join(_(label) for label in view.pillar_labels))
    )
    region = region_name()
    region = tr.gettext(region) if tr and tr.has(region) else region
    where = (
        ", ".join(local_districts(view.districts, tr))
        if view.districts
        else _("{region} districts").format(region=region)
    )
    return f"{what} — {where}"


def snapshot_texts(
    ds: Dataset, view: View, source_ids: Iterable[str], tr=None
) -> tuple[str, list[str], list[str]]:
    """(title, subtitle lines, credit lines) for a map snapshot of the view; ``tr``: its language."""
    _ = tr.gettext if tr else str
    name = atlas_name()
    name = tr.gettext(name) if tr and tr.has(name) else name
    lines = view.filter_lines(ds, tr)
    subtitle = [
        "; ".join(lines[:3]),
        f"{lines[3]} · " + _("made {date} with the {atlas} (ICCK)").format(date=view.generated, atlas=name),
    ]
    cites = [ds.citation(s) for s in sorted(set(source_ids)) if s != BOUNDARY_SOURCE_ID]
    credits = [
        _(
            "Gap = weighted share of assessed indicators absent (1) or partial (0.5). Grey hatched = not assessed: unknown, not zero."
        ),
        _("Striped colour on white = low coverage.") + " " + coverage_note(ds, tr),
        _("Data:")
        + " "
        + "; ".join(cites)
        + ". "
        + _("Site markers are town centres, not surveyed cluster footprints."),
        _("District boundaries") + " © OpenStreetMap contributors, ODbL 1.0.",
    ]
    return snapshot_title(view, tr), subtitle, credits


# --------------------------------------------------------------------------- district context (cluster_model.context)


def add_context(
    tables: dict[str, pd.DataFrame], notes: list[str], ctx, districts: Sequence[str], marks=None
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The view's tables and notes plus a "District context" sheet (every figure with year and source) and its credit;
    ``marks``: the view, whose round's mark the sheet carries like the others (it is in the same file).

    Unchanged when ``ctx`` (a ``cluster_model.context.ContextData``) has no figure.
    """
    from .context import credit_lines, export_table

    if ctx is None or not ctx.available:
        return tables, notes
    sheet = export_table(ctx, list(districts))
    sheet = sheet if marks is None else marked(sheet, marks)
    return {**tables, "District context": sheet}, [*notes, *credit_lines(ctx)]
