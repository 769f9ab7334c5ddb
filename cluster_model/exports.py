"""Data downloads of the filtered view: tables, CSV and XLSX, each with its sources.

Pure pandas/openpyxl: no streamlit, no geometry (the GeoJSON export lives in
``geo/export_geojson.py``).

Honesty rules carried into every file:

* Unknown stays unknown: a gap that cannot be computed is an empty cell with
  the status "not assessed", never 0; an indicator not assessed says so.
* Every value carries its source: indicator rows name the citation; every file
  carries the list of sources and the licence notes.
* Illustrative (invented) rounds: every data row gets an ``Illustrative``
  column reading "ILLUSTRATIVE — not real data", and the notes say it too.
* Formula injection (OWASP "CSV injection"): every text cell beginning with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with ``'`` so a
  spreadsheet shows it as text instead of running it.

CSV layout (chosen over a sidecar file, so the sources cannot get separated
from the data): a normal header + rows, text fields quoted, followed by
trailing lines that start with ``#`` holding the sources, licence and filters.
Read it back with ``pandas.read_csv(path, comment="#")`` (a ``#`` inside a
quoted text field is data, not a comment). The file is UTF-8 with a BOM so
Excel shows non-ASCII characters correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .classification import classify_dataset
from .evidence import evidence_items
from .identity import atlas_name, region_name
from .loading import Dataset
from .scoring import assessment_matrix, cluster_gaps, district_gaps, gap_label
from .spreadsheet import neutralise_formula
from .vocabulary import ILLUSTRATIVE_MARK, INDICATOR_GROUPS, PILLARS

NOT_ASSESSED = "not assessed"
BOUNDARY_SOURCE_ID = "osm_boundaries"
BOUNDARY_LICENCE = "District names and boundaries © OpenStreetMap contributors, ODbL 1.0 (share-alike: a public derived database must also be offered under ODbL)."
DATA_LICENCE = (
    "Cluster, indicator and evidence data: compiled by the ICCK from the sources listed; "
    "no licence has been stated for them yet — cite the sources."
)
ALL_PILLARS_LABEL = "all chosen pillars"


# --------------------------------------------------------------------------- formula injection


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with :func:`neutralise_formula` applied to every text cell and header."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_formula)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out


# --------------------------------------------------------------------------- the filtered view


@dataclass
class ExportView:
    """What is exported: the filters and round in force, in words and as tables."""

    round_id: str | None
    round_label: str
    illustrative: bool
    pillars: list[str]
    sectors: list[str]
    districts: list[str]
    generated: str = field(default_factory=lambda: date.today().isoformat())

    @property
    def pillar_labels(self) -> list[str]:
        return [PILLARS.get(p, p) for p in self.pillars]

    def filter_lines(self, ds: Dataset, tr=None) -> list[str]:
        """The filters in words; ``tr``: a ``cluster_model.i18n.Translator`` (default English)."""
        _ = tr.gettext if tr else str
        return [
            _("Pillars:") + " " + ", ".join(_(label) for label in self.pillar_labels),
            _("Sectors:")
            + " "
            + (", ".join(ds.cluster_name(c) for c in self.sectors) if self.sectors else _("all clusters")),
            _("Districts:")
            + " "
            + (", ".join(_local_districts(self.districts, tr)) if self.districts else _("all districts")),
            _("Round:")
            + " "
            + self.round_label
            + (" — " + _(ILLUSTRATIVE_MARK) if self.illustrative else ""),
        ]

    def as_dict(self) -> dict:
        return {"pillars": self.pillars, "sectors": self.sectors, "districts": self.districts}


def _local_districts(districts: Sequence[str], tr=None) -> list[str]:
    """District names in ``tr``'s language (data/names.csv), English without a translator."""
    if tr is None or tr.language == "en":
        return list(districts)
    from .local_names import load_names

    names = load_names()[0]
    return [names.name("district", d, tr.language) for d in districts]


def make_view(
    ds: Dataset,
    round_id: str | None,
    pillars: Sequence[str],
    sectors: Sequence[str] = (),
    districts: Sequence[str] = (),
    generated: str | None = None,
) -> ExportView:
    row = ds.rounds[ds.rounds["round_id"] == round_id]
    if row.empty:
        label, illustrative = "no round (every indicator not assessed)", False
    else:
        r = row.iloc[0]
        label, illustrative = f"{r['name']} ({r['date']})", bool(r["illustrative"])
    view = ExportView(
        round_id, label, illustrative, list(pillars) or list(PILLARS), list(sectors), list(districts)
    )
    if generated:
        view.generated = generated
    return view


def _gap_status(gap) -> str:
    return NOT_ASSESSED if pd.isna(gap) else "assessed"


def _round3(series: pd.Series) -> pd.Series:
    return series.astype(float).round(3)  # NaN stays NaN: an empty cell, never 0


def _gap_columns(scores: pd.DataFrame) -> dict[str, pd.Series | list[str]]:
    """How every export shows a gap figure: rounded gap (empty when unknown), status, summary, coverage."""
    return {
        "Gap": _round3(scores["gap"]),
        "Gap status": scores["gap"].map(_gap_status),
        "Summary": [gap_label(g, c) for g, c in zip(scores["gap"], scores["coverage"])],
        "Share of indicators assessed": _round3(scores["coverage"]),
    }


def view_clusters(ds: Dataset, sites: pd.DataFrame, view: ExportView) -> list[str]:
    """Clusters in the view: the sector filter, narrowed to those with a site in the chosen districts."""
    ids = view.sectors or list(ds.clusters["cluster_id"])
    if view.districts:
        there = set(sites.loc[sites["district"].isin(view.districts), "cluster_id"])
        ids = [c for c in ids if c in there]
    return ids


def district_scores(
    ds: Dataset, sites: pd.DataFrame, view: ExportView, per_pillar: bool = False
) -> pd.DataFrame:
    """Rows of :func:`district_gaps` for the view (districts filter applied)."""
    ids = view.sectors or list(ds.clusters["cluster_id"])
    matrix = assessment_matrix(ds, view.round_id, ids)
    placed = sites[sites["cluster_id"].isin(ids)]
    scores = district_gaps(matrix, placed, ds.rules, view.pillars, per_pillar=per_pillar)
    if view.districts:
        scores = scores[scores["district"].isin(view.districts)]
    return scores.reset_index(drop=True)


def district_table(ds: Dataset, sites: pd.DataFrame, view: ExportView) -> pd.DataFrame:
    """District × (all chosen pillars, then each pillar): gap, coverage, counts, clusters."""
    overall = district_scores(ds, sites, view).assign(pillar=ALL_PILLARS_LABEL)
    each = district_scores(ds, sites, view, per_pillar=True)
    each["pillar"] = each["pillar"].map(PILLARS)
    both = pd.concat([overall, each], ignore_index=True)
    order = {p: i for i, p in enumerate([ALL_PILLARS_LABEL, *view.pillar_labels])}
    both = both.assign(_o=both["pillar"].map(order)).sort_values(["district", "_o"], kind="stable")
    return pd.DataFrame(
        {
            "District": both["district"],
            "Pillar": both["pillar"],
            **_gap_columns(both),
            "Indicators in scope": both["n_indicators"].astype(int),
            "Indicators assessed": both["n_assessed"].astype(int),
            "Indicators with a gap": both["n_gaps"].astype(int),
            "Clusters": both["clusters"].map(
                lambda cs: "; ".join(ds.cluster_name(c) for c in cs) if isinstance(cs, list) else ""
            ),
            "Round": view.round_label,
        }
    ).reset_index(drop=True)


def cluster_gap_table(ds: Dataset, sites: pd.DataFrame, view: ExportView) -> pd.DataFrame:
    """Cluster × pillar gaps with coverage, and the districts where each cluster sits."""
    ids = view_clusters(ds, sites, view)
    matrix = assessment_matrix(ds, view.round_id, ids)
    per = cluster_gaps(matrix, ds.rules, view.pillars)
    where = sites.groupby("cluster_id")["district"].agg(lambda s: "; ".join(sorted(set(s))))
    return pd.DataFrame(
        {
            "Cluster": per["cluster_id"].map(ds.cluster_name),
            "Pillar": per["pillar"].map(PILLARS),
            **_gap_columns(per),
            "Indicators assessed": per["n_assessed"].astype(int),
            "Indicators in scope": per["n_indicators"].astype(int),
            "Districts": per["cluster_id"].map(where).fillna(""),
            "Round": view.round_label,
        }
    )


def indicator_table(ds: Dataset, sites: pd.DataFrame, view: ExportView) -> pd.DataFrame:
    """Every indicator of the chosen pillars for the clusters in view: status, source, note."""
    ids = view_clusters(ds, sites, view)
    matrix = assessment_matrix(ds, view.round_id, ids)
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


def classification_table(ds: Dataset, sites: pd.DataFrame, view: ExportView) -> pd.DataFrame:
    """Computed and published classification of the clusters in view, with the comparison."""
    ids = view_clusters(ds, sites, view)
    results = classify_dataset(ds, assessment_matrix(ds, view.round_id, ids))
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


def evidence_table(ds: Dataset, sites: pd.DataFrame, view: ExportView) -> pd.DataFrame:
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


def view_tables(ds: Dataset, sites: pd.DataFrame, view: ExportView) -> dict[str, pd.DataFrame]:
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
    if view.illustrative:
        tables = {name: t.assign(Illustrative=ILLUSTRATIVE_MARK) for name, t in tables.items()}
    return tables


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
    ds: Dataset, view: ExportView, title: str | None = None, sources: pd.DataFrame | None = None
) -> list[str]:
    """Plain-text lines: title, date, filters, illustrative warning, sources, licences."""
    title = title or f"{atlas_name()} export"
    lines = [title, f"Generated: {view.generated}"]
    if view.illustrative:
        lines.append(
            f"{ILLUSTRATIVE_MARK.upper()}: this round is invented for demonstration and training. Do not cite."
        )
    lines += view.filter_lines(ds)
    lines.append(
        "Gap = weighted share of assessed indicators that are absent (1) or partial (0.5); "
        "'not assessed' means unknown (empty gap), never zero."
    )
    src = sources if sources is not None else sources_table(ds)
    lines.append("Sources:")
    lines += [f"  [{r['Source id']}] {r['Citation']} — {r['Title']}" for _, r in src.iterrows()]
    lines += [f"Licence: {BOUNDARY_LICENCE}", f"Licence: {DATA_LICENCE}"]
    return lines


# --------------------------------------------------------------------------- writers


def to_csv_bytes(df: pd.DataFrame, sources_note: Sequence[str] | str) -> bytes:
    """CSV (UTF-8 with BOM) + trailing ``# `` lines with sources and licence.

    Text cells are neutralised against formula injection and quoted, so a ``#``
    in the data is never taken for a comment. Unknown values are empty cells.
    Read back with ``pd.read_csv(buf, comment="#")``.
    """
    note = sources_note.splitlines() if isinstance(sources_note, str) else list(sources_note)
    body = neutralise_frame(df).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    trailer = "".join("# " + line.replace("\r", " ").replace("\n", " ") + "\n" for line in note)
    return (body + trailer).encode("utf-8-sig")


def _autosize(ws, frame: pd.DataFrame) -> None:
    for i, column in enumerate(frame.columns, start=1):
        longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 70)


def _write_frame(ws, frame: pd.DataFrame, start_row: int = 1) -> None:
    bold = Font(bold=True)
    for j, column in enumerate(frame.columns, start=1):
        ws.cell(row=start_row, column=j, value=neutralise_formula(str(column))).font = bold
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, value in enumerate(row, start=1):
            if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
                continue  # unknown: an empty cell, never 0
            if hasattr(value, "item"):
                value = value.item()  # numpy scalar → python
            cell = ws.cell(row=i, column=j, value=neutralise_formula(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)


def to_xlsx_bytes(
    sheets: dict[str, pd.DataFrame],
    sources: pd.DataFrame,
    notes: Sequence[str] = (),
    sources_title: str = "Sources",
) -> bytes:
    """Workbook: one sheet per table, then a "Sources" sheet (sources, licence, filters, notes)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        _write_frame(ws, frame)
        _autosize(ws, frame)
    ws = wb.create_sheet(title=sources_title[:31])
    _write_frame(ws, sources)
    _autosize(ws, sources)
    row = len(sources) + 3
    for line in notes:
        cell = ws.cell(row=row, column=1, value=neutralise_formula(str(line)))
        cell.data_type = "s"
        if "ILLUSTRATIVE" in line:
            cell.font = Font(bold=True, color="C00000")
        row += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- names and captions


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-").replace("--", "-")


def export_filename(view: ExportView, ext: str, kind: str = "") -> str:
    """e.g. ``sindh-atlas_hrm_thatta-tharparkar_2026-11-25.png`` (kind adds e.g. ``_brief``)."""
    pillars = "all-pillars" if set(view.pillars) == set(PILLARS) else "-".join(view.pillars)
    where = "-".join(_slug(d) for d in view.districts) if view.districts else "sindh"
    if len(where) > 60:
        where = f"{len(view.districts)}-districts"
    parts = ["sindh-atlas", pillars, where] + ([kind] if kind else []) + [view.generated]
    if view.illustrative:
        parts.insert(1, "ILLUSTRATIVE")
    return "_".join(parts) + "." + ext.lstrip(".")


def snapshot_title(view: ExportView, tr=None) -> str:
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
        ", ".join(_local_districts(view.districts, tr))
        if view.districts
        else _("{region} districts").format(region=region)
    )
    return f"{what} — {where}"


def snapshot_texts(
    ds: Dataset, view: ExportView, source_ids: Iterable[str], tr=None
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
    tables: dict[str, pd.DataFrame], notes: list[str], ctx, districts: Sequence[str]
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The view's tables and notes plus a "District context" sheet (every figure with year and source) and its credit.

    Unchanged when ``ctx`` (a ``cluster_model.context.ContextData``) has no figure.
    """
    from .context import credit_lines, export_table

    if ctx is None or not ctx.available:
        return tables, notes
    return {**tables, "District context": export_table(ctx, list(districts))}, [*notes, *credit_lines(ctx)]
