"""Every tabular file the atlas writes (CSV and XLSX), with formula cells neutralised and the sources kept with the data.

One place for the file formats, used by every page: the filtered view's tables (``cluster_model.exports``
builds them, with the sources table and notes), a round's assessments and the import template (the store
gives the rows), and the workshop summary. Formula injection (OWASP "CSV injection"): every text cell
beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is written with a leading ``'``
(``cluster_model.spreadsheet.neutralise_formula``) so a spreadsheet shows it as text instead of running it.

CSV layout of the view's tables (chosen over a sidecar file, so the sources cannot get separated from the
data): a normal header + rows, text fields quoted, followed by trailing lines that start with ``#``
holding the sources, licence and filters. Read it back with ``pandas.read_csv(path, comment="#")``. Files
are UTF-8 with a BOM so Excel shows non-ASCII characters correctly.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine

from cluster_model import linkages as L
from cluster_model import publishing, store
from cluster_model.exports import RoundMarks, file_prefix, mark_lines, marked, marked_tables
from cluster_model.loading import Dataset
from cluster_model.spreadsheet import neutralise_formula
from cluster_model.store import TableRows, survey_import
from cluster_model.store import linkages as store_linkages
from cluster_model.store.repository import round_info
from cluster_model.survey import xlsform_sheets
from cluster_model.vocabulary import DRAFT_MARK, STATUSES
from cluster_model.workshop import SessionInfo, metadata_rows

# --------------------------------------------------------------------------- formula injection (cluster_model.spreadsheet)

# The bidi isolates (LRI, RLI, FSI, PDI) a right-to-left page wraps English data in (ui.i18n.isolated):
# rendering only. A file is plain text; in a cell they are invisible characters that break sorting and matching.
_ISOLATES = dict.fromkeys(range(0x2066, 0x206A))


def plain_text(value):
    """``value`` without bidi isolates (anything not text unchanged)."""
    return value.translate(_ISOLATES) if isinstance(value, str) else value


def file_cell(value):
    """A value as every file the atlas writes holds it: plain text (no bidi isolates), formulas neutralised."""
    return neutralise_formula(plain_text(value))


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with :func:`file_cell` applied to every text cell and header."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(file_cell)
    out.columns = [file_cell(str(c)) for c in out.columns]
    return out


# --------------------------------------------------------------------------- the filtered view


def to_csv_bytes(df: pd.DataFrame, sources_note: Sequence[str] | str) -> bytes:
    """CSV (UTF-8 with BOM) + trailing ``# `` lines with sources and licence.

    Text cells are neutralised against formula injection and quoted, so a ``#``
    in the data is never taken for a comment. Unknown values are empty cells.
    Read back with ``pd.read_csv(buf, comment="#")``.
    """
    note = sources_note.splitlines() if isinstance(sources_note, str) else list(sources_note)
    body = neutralise_frame(df).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    trailer = "".join("# " + file_cell(line).replace("\r", " ").replace("\n", " ") + "\n" for line in note)
    return (body + trailer).encode("utf-8-sig")


def _autosize(ws, frame: pd.DataFrame) -> None:
    for i, column in enumerate(frame.columns, start=1):
        longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 70)


def _write_frame(ws, frame: pd.DataFrame, start_row: int = 1) -> None:
    bold = Font(bold=True)
    for j, column in enumerate(frame.columns, start=1):
        ws.cell(row=start_row, column=j, value=file_cell(str(column))).font = bold
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, value in enumerate(row, start=1):
            if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
                continue  # unknown: an empty cell, never 0
            if hasattr(value, "item"):
                value = value.item()  # numpy scalar → python
            cell = ws.cell(row=i, column=j, value=file_cell(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)


def to_xlsx_bytes(
    sheets: dict[str, pd.DataFrame],
    sources: pd.DataFrame,
    notes: Sequence[str] = (),
    sources_title: str = "Sources",
) -> bytes:
    """Workbook: one sheet per table, then a "Sources" sheet (sources, licence, filters, notes);
    ``sources_title``: that sheet's name in the export's language."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=plain_text(name)[:31])
        _write_frame(ws, frame)
        _autosize(ws, frame)
    ws = wb.create_sheet(title=plain_text(sources_title)[:31])
    _write_frame(ws, sources)
    _autosize(ws, sources)
    row = len(sources) + 3
    for line in notes:
        cell = ws.cell(row=row, column=1, value=file_cell(str(line)))
        cell.data_type = "s"
        if "ILLUSTRATIVE" in line or DRAFT_MARK.upper() in line:
            cell.font = Font(bold=True, color="C00000")
        row += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- the store's tables


def export_round(engine: Engine, round_id: str, fmt: str = "csv") -> tuple[str, bytes]:
    """The round's assessments as (file name, bytes), CSV or XLSX, ready to edit and import again.

    An illustrative round says so in the file name and on every row (column ``illustrative_data``), and in
    the XLSX on a notice sheet too; so does a draft, a round that is not a published edition (column
    ``publication``, which an import ignores).
    """
    rows = store.round_rows(engine, round_id)
    if round_is_draft(engine, round_id):
        marks = RoundMarks(draft=True)
        rows = dataclasses.replace(
            rows,
            stem=file_prefix(marks) + rows.stem,
            columns=[*rows.columns, "publication"],
            records=[[*rec, DRAFT_MARK] for rec in rows.records],
            notice=mark_lines(marks)[0],
        )
    return table_file(rows, fmt)


def round_is_draft(engine: Engine, round_id: str) -> bool:
    """A real round of the store that is not (yet) a published edition (``cluster_model.view.is_draft``
    on a dataset; this asks the store)."""
    with engine.connect() as conn:
        info = round_info(conn, round_id)
    return (
        info is not None
        and not info["illustrative"]
        and publishing.round_state(engine, round_id) != publishing.PUBLISHED
    )


def import_template(fmt: str = "csv", engine: Engine | None = None) -> tuple[str, bytes]:
    """An empty import file (header row). The XLSX has a second sheet listing the allowed values."""
    return table_file(store.template_rows(engine), fmt)


def round_file_name(round_id: str, illustrative: bool, fmt: str, draft: bool = False) -> str:
    """The file name :func:`export_round` gives, known before the file is built (the download button needs it)."""
    return f"{file_prefix(RoundMarks(draft=draft))}{store.round_file_stem(round_id, illustrative)}.{fmt}"


def template_file_name(fmt: str) -> str:
    return f"{store.TEMPLATE_STEM}.{fmt}"


def export_submissions(engine: Engine, round_id: str) -> tuple[str, bytes]:
    """Every submission of the round as stored, replaced ones too, as CSV: the raw export row last (JSON)."""
    df = survey_import.submissions_rows(engine, round_id)
    if round_is_draft(engine, round_id):  # the submissions behind a draft's values: not an edition's
        df = marked(df, RoundMarks(draft=True))
    df = df.map(lambda v: file_cell("" if v is None else v))
    return survey_import.submissions_file_name(round_id), df.to_csv(index=False).encode("utf-8")


def table_file(rows: TableRows, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of a store table (a round's assessments, the import template), CSV or XLSX.

    The XLSX has an "about" sheet: the illustrative notice, the round, how to import it again, the allowed values.
    """
    stem, columns, notice, round_info, allowed = (
        rows.stem,
        rows.columns,
        rows.notice,
        rows.round_info,
        rows.allowed,
    )
    records = [[file_cell("" if v is None else v) for v in rec] for rec in rows.records]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(records)
        return f"{stem}.csv", buf.getvalue().encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError("format must be 'csv' or 'xlsx'")
    wb = Workbook()
    ws = wb.active
    ws.title = "assessments"
    ws.append(columns)
    for rec in records:
        ws.append(rec)
        for cell in ws[ws.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type  # never a formula
    info = wb.create_sheet("about")
    if notice:
        info.append([notice])
    if round_info:
        for key in ("round_id", "name", "date", "kind", "illustrative", "notes"):
            info.append([key, str(round_info[key])])
    info.append(
        [
            "Import the 'assessments' sheet again after editing; the header row must stay in row 1. Statuses: "
            + ", ".join(STATUSES)
            + ". Every row needs a source_id."
        ]
    )
    if allowed:
        for key, values in allowed.items():
            info.append([key, *values])
    out = io.BytesIO()
    wb.save(out)
    return f"{stem}.xlsx", out.getvalue()


# --------------------------------------------------------------------------- institutions and links


def linkage_template(fmt: str = "xlsx") -> tuple[str, bytes]:
    """An empty import file: XLSX with both sheets, or the links CSV."""
    if fmt == "csv":
        return "links-template.csv", (",".join(L.LINK_COLUMNS) + "\n").encode("utf-8-sig")
    wb = Workbook()
    ws = wb.active
    ws.title = "institutions"
    ws.append(L.INSTITUTION_COLUMNS)
    wl = wb.create_sheet("links")
    wl.append(L.LINK_COLUMNS)
    out = io.BytesIO()
    wb.save(out)
    return "linkages-template.xlsx", out.getvalue()


def linkage_workbook(engine: Engine, round_id: str) -> tuple[str, bytes]:
    """Institutions and the round's links as an XLSX with the import's sheet names: edit, import again."""
    tables = store_linkages.export_linkages(engine, round_id)
    draft = round_is_draft(engine, round_id)
    if draft:  # a column the import does not read
        tables = marked_tables(tables, RoundMarks(draft=True))
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in tables.items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        for rec in frame.itertuples(index=False):
            ws.append(["" if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in rec])
            for cell in ws[ws.max_row]:
                cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type  # never a formula
    if draft:  # last, a sheet the import does not read
        wb.create_sheet("about").append(mark_lines(RoundMarks(draft=True)))
    out = io.BytesIO()
    wb.save(out)
    return f"linkages-{round_id}.xlsx", out.getvalue()


LINKAGE_TEMPLATE_NAMES = {"csv": "links-template.csv", "xlsx": "linkages-template.xlsx"}


def linkage_workbook_name(round_id: str) -> str:
    return f"linkages-{round_id}.xlsx"


# --------------------------------------------------------------------------- the field survey form


def build_xlsform(ds: Dataset) -> bytes:
    """The XLSForm (.xlsx) for ODK Collect / KoboToolbox, from the indicator framework in ``ds``."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in xlsform_sheets(ds).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- the workshop summary


def workshop_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM, for spreadsheet programs) CSV; formula-like cells neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.columns)
    for rec in table.itertuples(index=False):
        w.writerow([file_cell("" if v is None else v) for v in rec])
    return buf.getvalue().encode("utf-8-sig")


def workshop_xlsx(
    info: SessionInfo, ratings: pd.DataFrame, quotes: pd.DataFrame, matrix: pd.DataFrame
) -> bytes:
    """Workbook: about (metadata and sources), ratings, quotes, room gaps."""
    wb = Workbook()
    about = wb.active
    about.title = "about"
    for key, value in metadata_rows(info):
        about.append([key, file_cell(value)])
        about.cell(row=about.max_row, column=1).font = Font(bold=True)
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 110
    for title, frame in (("ratings", ratings), ("quotes", quotes), ("room gaps", matrix)):
        ws = wb.create_sheet(title)
        ws.append([str(c) for c in frame.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for rec in frame.itertuples(index=False):
            ws.append([file_cell("" if v is None else v) for v in rec])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
        for i, col in enumerate(frame.columns, start=1):
            width = max([len(str(col))] + [min(len(str(v)), 60) for v in frame[col]]) + 2
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
