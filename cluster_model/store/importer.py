"""Import a round's assessments from CSV or XLSX: read, check, preview, commit.

    plan = plan_import(engine, "survey-2027", data, "round.xlsx")
    plan.issues        # one DataIssue per bad row: file, line, column, value, what to do
    plan.changes       # preview: new / changed / unchanged, old and new values
    commit_import(engine, plan, author="alice")   # one transaction, all or nothing

Lines are numbered as a spreadsheet shows them (header = line 1; for XLSX the
sheet row). Columns: round_id (may be empty: the round imported into),
cluster_id, indicator_id, status, source_id, note; an optional ``version``
column (as exported) makes the import refuse values changed since the export.
Other columns are ignored. Only assessments are imported: no district names,
so no district matching is needed here.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine

from ..issues import DataFileError, DataIssue
from ..loading import Check, formula_like, read_csv_rows, validate_assessments
from ..spreadsheet import FORMULA_TRIGGERS
from . import schema as s
from .errors import ConflictError, ValidationError
from .repository import (
    ASSESSMENT_COLUMNS,
    ILLUSTRATIVE_COLUMN,
    Edit,
    SaveResult,
    _grid,
    _ids,
    round_info,
    save_assessments,
)

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
# An XLSX is a zip: a few kilobytes can unpack to gigabytes. Limits on what is unpacked and read.
MAX_UNCOMPRESSED = 40 * 10**6
MAX_XLSX_PARTS = 200
MAX_XLSX_COLUMNS = 50
MAX_XLSX_BLANK_ROWS = 5_000
REQUIRED = [c for c in ASSESSMENT_COLUMNS if c != "round_id"]
KNOWN_COLUMNS = [*ASSESSMENT_COLUMNS, "version", ILLUSTRATIVE_COLUMN]  # every other column is ignored


@dataclass
class ImportPlan:
    round_id: str
    file: str
    changes: pd.DataFrame  # one row per good input row, with change = new / changed / unchanged
    issues: list[DataIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def count(self, kind: str) -> int:
        return int((self.changes["change"] == kind).sum()) if not self.changes.empty else 0

    def summary(self) -> str:
        if self.issues:
            return (
                f"{len(self.issues)} problem(s) in {self.file}: nothing will be imported until they are fixed"
            )
        return (
            f"{self.count('new')} new, {self.count('changed')} changed, {self.count('unchanged')} unchanged"
        )


# --------------------------------------------------------------------------- reading files


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _unescape(text: str) -> str:
    # A leading apostrophe that protects formula-looking text (as exported) is removed.
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def read_upload(data: bytes, filename: str) -> pd.DataFrame:
    """Read a CSV or XLSX into text columns plus ``_line``. Raises ValidationError for a file that cannot be used.

    Only the columns the import knows are kept (any other column, even one named
    like an internal one such as ``_line``, is ignored). Reading stops as soon as
    the file has more than MAX_ROWS rows, so a huge file cannot hold the server.
    """
    name = filename.lower()
    if len(data) > MAX_BYTES:
        raise ValidationError(
            [
                DataIssue(
                    filename,
                    f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
                    "split it, or import one round at a time",
                )
            ]
        )
    if name.endswith(".csv"):
        try:
            df, lines = read_csv_rows(data, filename, max_rows=MAX_ROWS)
        except DataFileError as exc:
            raise ValidationError([exc.issue]) from exc
    elif name.endswith(".xlsx"):
        df, lines = _read_xlsx(data, filename)
    else:
        raise ValidationError(
            [
                DataIssue(
                    filename,
                    "is neither .csv nor .xlsx",
                    "download the template and save your data in that format",
                )
            ]
        )
    df.columns = [str(c).strip().lower() for c in df.columns]
    repeated = sorted({c for c in df.columns[pd.Index(df.columns).duplicated()] if c in KNOWN_COLUMNS})
    if repeated:
        raise ValidationError(
            [
                DataIssue(
                    filename,
                    f"column(s) {', '.join(repeated)} appear more than once in the header",
                    "keep one column of each name",
                    row=1,
                )
            ]
        )
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        found = ", ".join(repr(shorten(c)) for c in list(df.columns)[:30]) or "none"
        raise ValidationError(
            [
                DataIssue(
                    filename,
                    f"missing column(s) {', '.join(missing)}; found {found}",
                    f"the header row (line 1) must contain: {', '.join(ASSESSMENT_COLUMNS)}",
                    row=1,
                )
            ]
        )
    df = df.loc[:, [c for c in KNOWN_COLUMNS if c in df.columns]]
    if "round_id" not in df.columns:
        df["round_id"] = ""
    df = df.apply(lambda col: col.map(_cell_text))
    df.insert(0, "_line", lines)
    # Rows with nothing in them (e.g. trailing blank lines) are not data.
    blank = (df[ASSESSMENT_COLUMNS] == "").all(axis=1)
    df = df[~blank].reset_index(drop=True)
    if len(df) > MAX_ROWS:
        raise ValidationError(
            [DataIssue(filename, f"{len(df)} rows is more than {MAX_ROWS}", "split the file")]
        )
    return df


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _check_xlsx_container(data: bytes, filename: str) -> None:
    """Refuse a workbook whose parts would unpack to more than MAX_UNCOMPRESSED bytes (a zip bomb)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(
            [
                DataIssue(
                    filename,
                    f"cannot be read as an Excel workbook ({type(exc).__name__})",
                    "save it as .xlsx (Excel 2007 or later)",
                )
            ]
        ) from exc
    total = sum(m.file_size for m in members)
    if len(members) > MAX_XLSX_PARTS or total > MAX_UNCOMPRESSED:
        raise ValidationError(
            [
                DataIssue(
                    filename,
                    f"the workbook unpacks to {total / 1e6:,.0f} MB in {len(members)} parts; at most {MAX_UNCOMPRESSED // 10**6} MB are read",
                    "save only the assessments sheet (no images or other sheets), or save it as CSV",
                )
            ]
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


def _read_xlsx(data: bytes, filename: str) -> tuple[pd.DataFrame, list[int]]:
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if hasattr(ReadOnlyWorksheet, "_get_size"):  # openpyxl 3.1 (pinned); see _declared_size_only
        ReadOnlyWorksheet._get_size = _declared_size_only
    _check_xlsx_container(data, filename)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:
        raise ValidationError(
            [
                DataIssue(
                    filename,
                    f"cannot be read as an Excel workbook ({type(exc).__name__})",
                    "save it as .xlsx (Excel 2007 or later)",
                )
            ]
        ) from exc
    try:
        ws = wb["assessments"] if "assessments" in wb.sheetnames else wb.worksheets[0]
        # The sheet's declared size (its <dimension>), checked before reading a row.
        declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
        if declared_rows > MAX_ROWS + 1 or declared_cols > MAX_XLSX_COLUMNS:
            raise ValidationError(
                [
                    DataIssue(
                        filename,
                        f"sheet '{shorten(ws.title)}' declares {declared_rows:,} rows × {declared_cols:,} columns; at most {MAX_ROWS:,} rows and {MAX_XLSX_COLUMNS} columns are read",
                        "delete the empty rows and columns below and right of the data (or copy the data into a new workbook), or save it as CSV",
                    )
                ]
            )
        # Row by row, at most MAX_XLSX_COLUMNS wide, stopping at the row limit (a sheet may not declare its
        # size). max_row is given so that a too-small declared size cannot cut the data short unnoticed.
        rows = ws.iter_rows(max_col=MAX_XLSX_COLUMNS, max_row=1_048_576)
        header_cells = next(rows, None)
        if not header_cells:
            raise ValidationError(
                [DataIssue(filename, f"sheet '{shorten(ws.title)}' is empty", "put the header row in row 1")]
            )
        header = [_cell_text(c.value) for c in header_cells]
        records, lines = [], []
        for number, cells in enumerate(rows, start=2):
            if number > MAX_ROWS + 1 + MAX_XLSX_BLANK_ROWS:
                raise ValidationError(
                    [
                        DataIssue(
                            filename,
                            f"more than {MAX_ROWS + MAX_XLSX_BLANK_ROWS:,} rows (blank rows count too)",
                            "delete the empty rows, or split the file",
                            row=number,
                        )
                    ]
                )
            values = [c.value for c in cells]
            if not cells or all(v is None or str(v).strip() == "" for v in values):
                continue
            if len(records) >= MAX_ROWS:
                raise ValidationError(
                    [DataIssue(filename, f"more than {MAX_ROWS:,} rows", "split the file", row=number)]
                )
            # A formula cell keeps its formula text (starting with '='), which validation reports.
            records.append(
                [_cell_text(v) for v in values][: len(header)] + [""] * max(0, len(header) - len(values))
            )
            lines.append(next((c.row for c in cells if getattr(c, "row", None)), number))
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(
            [
                DataIssue(
                    filename,
                    f"cannot be read as an Excel workbook ({type(exc).__name__})",
                    "save it as .xlsx (Excel 2007 or later), or as CSV",
                )
            ]
        ) from exc
    finally:
        wb.close()
    df = (
        pd.DataFrame(records, columns=range(len(header)), dtype=str)
        if records
        else pd.DataFrame({i: pd.Series(dtype=str) for i in range(len(header))})
    )
    df.columns = header
    return df, lines


# --------------------------------------------------------------------------- plan and commit


def plan_import(engine: Engine, round_id: str, data: bytes, filename: str) -> ImportPlan:
    """Check the file against the store and work out what would change. Writes nothing."""
    try:
        df = read_upload(data, filename)
    except ValidationError as exc:
        return ImportPlan(round_id, filename, pd.DataFrame(), exc.issues)
    with engine.connect() as conn, conn.begin():
        info = round_info(conn, round_id)
        if info is None:
            return ImportPlan(
                round_id,
                filename,
                pd.DataFrame(),
                [
                    DataIssue(
                        filename,
                        f"round '{round_id}' does not exist",
                        "create the round first, then import into it",
                    )
                ],
            )
        df["round_id"] = df["round_id"].where(df["round_id"] != "", round_id)
        current = _grid(conn, round_id).set_index(["cluster_id", "indicator_id"])
        clusters, indicators, sources = (
            _ids(conn, s.clusters.c.cluster_id),
            _ids(conn, s.indicators.c.indicator_id),
            _ids(conn, s.sources.c.source_id),
        )

    def extra(d: pd.DataFrame) -> list[Check]:
        checks: list[Check] = [formula_like(d, c) for c in ASSESSMENT_COLUMNS]
        if ILLUSTRATIVE_COLUMN in d.columns and not info["illustrative"]:
            checks.insert(
                0,
                (
                    d[ILLUSTRATIVE_COLUMN] != "",
                    ILLUSTRATIVE_COLUMN,
                    lambda r: "this row comes from an export of an illustrative (invented) round",
                    f"round '{round_id}' holds real data: do not import invented values into it",
                ),
            )
        return checks

    good, issues = validate_assessments(
        df,
        file=filename,
        rounds=[round_id],
        clusters=clusters,
        indicators=indicators,
        sources=sources,
        extra_checks=extra,
    )
    # Formula checks ran on the cells as written; now drop the protecting apostrophe.
    good["note"] = good["note"].map(_unescape)
    changes = []
    for row in good.to_dict("records"):
        key = (row["cluster_id"], row["indicator_id"])
        cur = current.loc[key]
        new = (row["status"], row["source_id"], row["note"])
        old = (cur["status"], cur["source_id"], cur["note"]) if cur["version"] else None
        kind = "new" if old is None else ("unchanged" if old == new else "changed")
        stated = row.get("version", "")
        if stated not in ("", None) and kind != "unchanged" and str(stated) != str(int(cur["version"])):
            when = cur["updated_at"].strftime("%Y-%m-%d %H:%M UTC") if cur["updated_at"] is not None else "?"
            issues.append(
                DataIssue(
                    filename,
                    f"this value was changed after your export (version {stated}): it is now '{cur['status']}' (source {cur['source_id'] or '—'}), changed by {cur['updated_by'] or '—'} at {when}",
                    "check it, then export again or clear the version cell to overwrite",
                    row=int(row["_line"]),
                    column="version",
                    value=str(stated),
                )
            )
            continue
        changes.append(
            {
                "_line": int(row["_line"]),
                "cluster_id": key[0],
                "indicator_id": key[1],
                "change": kind,
                "old_status": old[0] if old else "",
                "status": new[0],
                "old_source_id": old[1] if old else "",
                "source_id": new[1],
                "old_note": old[2] if old else "",
                "note": new[2],
                "base_version": int(cur["version"]),
            }
        )
    issues.sort(key=lambda i: (i.row or 0, i.column or ""))
    columns = [
        "_line",
        "cluster_id",
        "indicator_id",
        "change",
        "old_status",
        "status",
        "old_source_id",
        "source_id",
        "old_note",
        "note",
        "base_version",
    ]
    return ImportPlan(round_id, filename, pd.DataFrame(changes, columns=columns), issues)


def commit_import(
    engine: Engine, plan: ImportPlan, *, author: str, on_progress: Callable[[int, int], None] | None = None
) -> SaveResult:
    """Write a clean plan in one transaction. Values changed since the preview → ConflictError, nothing written."""
    if plan.issues:
        raise ValidationError(plan.issues)
    todo = plan.changes[plan.changes["change"] != "unchanged"] if not plan.changes.empty else plan.changes
    edits = [
        Edit(
            r["cluster_id"],
            r["indicator_id"],
            r["status"],
            r["source_id"],
            r["note"],
            int(r["base_version"]),
            int(r["_line"]),
        )
        for r in todo.to_dict("records")
    ]
    result = save_assessments(
        engine, plan.round_id, edits, author=author, via="import", file=plan.file, on_progress=on_progress
    )
    return SaveResult(result.created, result.updated, plan.count("unchanged"), result.revision)


def import_file(
    engine: Engine,
    round_id: str,
    data: bytes,
    filename: str,
    *,
    author: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> SaveResult:
    """Plan and commit in one go; raises ValidationError (with every issue) or ConflictError."""
    return commit_import(
        engine, plan_import(engine, round_id, data, filename), author=author, on_progress=on_progress
    )


__all__ = [
    "ImportPlan",
    "read_upload",
    "plan_import",
    "commit_import",
    "import_file",
    "ConflictError",
    "ValidationError",
]
