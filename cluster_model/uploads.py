"""The one reader for every file a person uploads: assessments, survey submissions, linkages.

    for table in read_upload(data, "links.xlsx", sheets=("institutions", "links")):
        table.sheet, table.frame      # the columns as headed, indexed by the line an editor shows

Why here: turning bytes into rows needs neither the store nor a page, so it sits in the
domain beside :func:`.loading.read_csv_rows` (the CSV reader the atlas's own data files
use too); the store's importers call it, and so must any future upload. Like geopandas'
one ``read_file``, one function dispatches on the file's type, so every guard lives on
the one path every upload takes: the file size, the zip container (a few kilobytes of
XLSX can unpack to gigabytes), the sheet's declared dimensions, rows read one at a time
up to the row limit, a column limit, UTF-8 text, line numbers as an editor shows them,
and formula cells kept as their formula text (``=...``) for validation to report.

A file that cannot be used raises :class:`.issues.DataFileError` naming the file (and
sheet), the line or column where it can, and what to do.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from .issues import DataFileError, DataIssue
from .loading import read_csv_rows

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 50
# An XLSX is a zip: a few kilobytes can unpack to gigabytes. Limits on what is unpacked and read.
MAX_UNCOMPRESSED = 40 * 10**6
MAX_XLSX_PARTS = 200
MAX_BLANK_ROWS = 5_000
XLSX_SHEET_ROWS = 1_048_576  # Excel's own limit

SAVE_AS = "save it as .csv (UTF-8) or .xlsx (Excel 2007 or later)"


@dataclass(frozen=True)
class UploadTable:
    """One table of an upload: a CSV file, or one sheet of a workbook."""

    file: str
    sheet: str | None  # None for a CSV
    # Every column as headed (stripped text; names may repeat, or be anything, even '_line'),
    # indexed by each row's line as an editor shows it (header = 1).
    frame: pd.DataFrame

    @property
    def where(self) -> str:
        """The name messages give this table: the file, and the sheet when there is one."""
        return self.file if self.sheet is None else f"{self.file} ({self.sheet})"


def cell_text(value: object) -> str:
    """A cell as the text a person typed: whole numbers without '.0', dates as ISO, no outer spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _refuse(file: str, message: str, fix: str, row: int | None = None) -> DataFileError:
    return DataFileError(DataIssue(file, message, fix, row=row))


def read_upload(
    data: bytes,
    filename: str,
    sheets: Sequence[str] | None = None,
    *,
    or_first_sheet: bool = False,
    separators: Sequence[str] = (",",),
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    fix: str = SAVE_AS,
) -> list[UploadTable]:
    """The tables of an uploaded .csv or .xlsx, read within every limit; raises DataFileError.

    A CSV is one table. Of a workbook, ``sheets`` names the sheets to read (those present,
    in that order; none present is refused unless ``or_first_sheet``, which reads the first
    sheet instead); ``None`` reads the first sheet. ``separators``: the CSV delimiters to
    accept, the one the header uses most is taken (KoboToolbox's CSV uses ';').
    ``fix`` is what a message tells a person whose file is not a usable .csv or .xlsx.
    Blank rows are left out; every cell is stripped text.
    """
    if len(data) > MAX_BYTES:
        raise _refuse(
            filename,
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
            "split it into smaller files",
        )
    name = filename.lower()
    if name.endswith(".csv"):
        tables = [_read_csv(data, filename, separators, max_rows)]
    elif name.endswith(".xlsx"):
        tables = _read_xlsx(data, filename, sheets, or_first_sheet, max_rows, max_columns, fix)
    else:
        raise _refuse(filename, "is neither .csv nor .xlsx", fix)
    for table in tables:
        width = len(table.frame.columns)
        if width > max_columns:
            raise _refuse(
                table.where,
                f"the header has more than {max_columns} columns; at most {max_columns} are read",
                "delete the columns the template does not have",
                row=1,
            )
    return tables


# --------------------------------------------------------------------------- CSV


def _read_csv(data: bytes, filename: str, separators: Sequence[str], max_rows: int) -> UploadTable:
    first_line = data.split(b"\n", 1)[0]
    delimiter = max(separators, key=lambda sep: first_line.count(sep.encode()))
    frame, lines = read_csv_rows(data, filename, max_rows=max_rows, delimiter=delimiter)
    frame = frame.map(cell_text)
    frame.index = pd.Index(lines, name="line", dtype=int)
    return UploadTable(filename, None, frame)


# --------------------------------------------------------------------------- XLSX


def _check_container(data: bytes, filename: str, fix: str) -> None:
    """Refuse a workbook whose parts would unpack to more than MAX_UNCOMPRESSED bytes (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(filename, f"cannot be read as an Excel workbook ({type(exc).__name__})", fix) from exc
    total = sum(m.file_size for m in members)
    if len(members) > MAX_XLSX_PARTS or total > MAX_UNCOMPRESSED:
        raise _refuse(
            filename,
            f"the workbook unpacks to {total / 1e6:,.0f} MB in {len(members)} parts; at most {MAX_UNCOMPRESSED // 10**6} MB are read",
            "save only the data sheets (no images or other sheets), or save it as CSV",
        )


def _declared_size_only(self) -> None:
    """openpyxl 3.1's read-only sheet looks for the sheet's <dimension> with "end" events, so a sheet
    without one is parsed to its end before a single row is read (a 3 MB upload held the server
    for 30 s). Stop at the start of <sheetData> instead: <dimension> comes before it, or not at all."""
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    src = self._get_source()
    try:
        for _event, element in iterparse(src, events=("start",)):
            if element.tag == DATA_TAG:
                return
            if element.tag == DIMENSION_TAG:
                self._min_column, self._min_row, self._max_column, self._max_row = SheetDimension.from_tree(
                    element
                ).boundaries
                return
    finally:
        src.close()


def _read_xlsx(
    data: bytes,
    filename: str,
    sheets: Sequence[str] | None,
    or_first_sheet: bool,
    max_rows: int,
    max_columns: int,
    fix: str,
) -> list[UploadTable]:
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if hasattr(ReadOnlyWorksheet, "_get_size"):  # openpyxl 3.1 (pinned); see _declared_size_only
        ReadOnlyWorksheet._get_size = _declared_size_only
    _check_container(data, filename, fix)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise _refuse(filename, f"cannot be read as an Excel workbook ({type(exc).__name__})", fix) from exc
    try:
        if sheets is None:
            chosen = wb.sheetnames[:1]
        else:
            chosen = [s for s in sheets if s in wb.sheetnames] or (
                wb.sheetnames[:1] if or_first_sheet else []
            )
            if not chosen:
                raise _refuse(
                    filename,
                    f"has no sheet named {' or '.join(repr(s) for s in sheets)}",
                    "download the template and keep its sheet names",
                )
        if not chosen:
            raise _refuse(filename, "has no sheet", fix)
        return [_read_sheet(wb[sheet], filename, max_rows, max_columns) for sheet in chosen]
    except DataFileError:
        raise
    except Exception as exc:  # a damaged part shows only while its rows are read
        raise _refuse(filename, f"cannot be read as an Excel workbook ({type(exc).__name__})", fix) from exc
    finally:
        wb.close()


def _read_sheet(ws, filename: str, max_rows: int, max_columns: int) -> UploadTable:
    where = f"{filename} ({ws.title})"
    # The sheet's declared size (its <dimension>), checked before reading a row.
    declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
    if declared_rows > max_rows + 1 or declared_cols > max_columns:
        raise _refuse(
            where,
            f"sheet '{shorten(ws.title)}' declares {declared_rows:,} rows × {declared_cols:,} columns; at most {max_rows:,} rows and {max_columns} columns are read",
            "delete the empty rows and columns below and right of the data (or copy the data into a new workbook), or save it as CSV",
        )
    # Row by row, one column wider than read (to see a header that goes on), stopping at the row
    # limit (a sheet may not declare its size). max_row is given so that a too-small declared size
    # cannot cut the data short unnoticed.
    rows = ws.iter_rows(max_col=max_columns + 1, max_row=XLSX_SHEET_ROWS)
    header_cells = next(rows, None)
    if not header_cells:
        raise _refuse(where, f"sheet '{shorten(ws.title)}' is empty", "put the header row in row 1", row=1)
    header = [cell_text(c.value) for c in header_cells]
    if any(header[max_columns:]):
        raise _refuse(
            where,
            f"the header has more than {max_columns} columns; at most {max_columns} are read",
            "delete the columns the template does not have",
            row=1,
        )
    header = header[:max_columns]
    records, lines = [], []
    for number, cells in enumerate(rows, start=2):
        if number > max_rows + 1 + MAX_BLANK_ROWS:
            raise _refuse(
                where,
                f"more than {max_rows + MAX_BLANK_ROWS:,} rows (blank rows count too)",
                "delete the empty rows, or split the file",
                row=number,
            )
        values = [cell_text(c.value) for c in cells]
        if not any(values):
            continue
        if len(records) >= max_rows:
            raise _refuse(where, f"more than {max_rows:,} rows", "split the file", row=number)
        # A formula cell keeps its formula text (starting with '='), which validation reports.
        records.append(values[: len(header)] + [""] * max(0, len(header) - len(values)))
        lines.append(next((c.row for c in cells if getattr(c, "row", None)), number))
    frame = (
        pd.DataFrame(records, columns=range(len(header)), dtype=str)
        if records
        else pd.DataFrame({i: pd.Series(dtype=str) for i in range(len(header))})
    )
    frame.columns = header
    frame.index = pd.Index(lines, name="line", dtype=int)
    return UploadTable(filename, ws.title, frame)
