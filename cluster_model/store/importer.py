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

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from ..issues import DataFileError, DataIssue
from ..loading import Check, formula_like, validate_assessments
from ..spreadsheet import unescape_formula
from ..uploads import read_upload, shorten
from . import schema as s
from .db import column_values
from .errors import ConflictError, ValidationError
from .repository import (
    ASSESSMENT_COLUMNS,
    ILLUSTRATIVE_COLUMN,
    Edit,
    SaveResult,
    read_grid,
    round_info,
    save_assessments,
)
from .review import published_issue

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


def read_assessments(data: bytes, filename: str) -> pd.DataFrame:
    """An assessments upload as text columns plus ``_line``, read by the one upload reader
    (sheet 'assessments', else the first). Raises ValidationError for a file that cannot be used.

    Only the columns the import knows are kept (any other column, even one named
    like an internal one such as ``_line``, is ignored).
    """
    try:
        (table,) = read_upload(data, filename, sheets=("assessments",), or_first_sheet=True)
    except DataFileError as exc:
        raise ValidationError([exc.issue]) from exc
    df = table.frame
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
    df.insert(0, "_line", df.index)
    # Rows with nothing in them (e.g. trailing blank lines) are not data.
    blank = (df[ASSESSMENT_COLUMNS] == "").all(axis=1)
    return df[~blank].reset_index(drop=True)


# --------------------------------------------------------------------------- plan and commit


def plan_import(engine: Engine, round_id: str, data: bytes, filename: str) -> ImportPlan:
    """Check the file against the store and work out what would change. Writes nothing."""
    try:
        df = read_assessments(data, filename)
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
        published = published_issue(conn, round_id, filename)
        if published is not None:
            return ImportPlan(round_id, filename, pd.DataFrame(), [published])
        df["round_id"] = df["round_id"].where(df["round_id"] != "", round_id)
        current = read_grid(conn, round_id).set_index(["cluster_id", "indicator_id"])
        clusters, indicators, sources = (
            column_values(conn, s.clusters.c.cluster_id),
            column_values(conn, s.indicators.c.indicator_id),
            column_values(conn, s.sources.c.source_id),
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
    good["note"] = good["note"].map(unescape_formula)
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
    "read_assessments",
    "plan_import",
    "commit_import",
    "import_file",
    "ConflictError",
    "ValidationError",
]
