"""Cluster, district and place names in Urdu and Sindhi script (``data/names.csv``).

One row per name: ``kind`` (cluster, district, place, indicator, context, province), ``id`` (the cluster id of
clusters.csv, the district as the boundary file names it, the place as
sites.csv writes it, the indicator_id of indicators.csv, the indicator_id of
context_indicators.csv for a district context figure's label, the province as the context files write
it), ``en``, ``ur``, ``sd``, ``status`` (``draft`` until a
native speaker has checked the row, then ``reviewed``) and ``source``. The
ICCK corrects names here, not in code.

A name the table lacks (no row, or an empty ``ur``/``sd`` cell) is shown in
English marked " [en]" (e.g. "Thatta [en]"): visibly untranslated, never an
empty label. Rows that cannot be used are reported as DataIssue by file, line
and column, and the good rows are still used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .i18n import DEFAULT_LANGUAGE, FALLBACK_MARK, LANGUAGES
from .issues import DataFileError, DataIssue

NAMES_FILE = Path(__file__).resolve().parents[1] / "data" / "names.csv"
COLUMNS = ["kind", "id", "en", "ur", "sd", "status", "source"]
KINDS = ("cluster", "district", "place", "indicator", "context", "province")
STATUSES = ("draft", "reviewed")
# The source of names the atlas developers drafted (not in data/sources.csv:
# it is not evidence, only a translation awaiting review).
DRAFT_SOURCE = "draft_translation"
SCRIPT_LANGUAGES = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]

_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass
class LocalNames:
    """The usable rows, by (kind, id)."""

    rows: dict[tuple[str, str], dict[str, str]]

    def name(self, kind: str, id_: str, language: str, english: str | None = None) -> str:
        """The name in ``language``; English (``english``, the table's, or the id) marked " [en]" when missing."""
        row = self.rows.get((kind, id_), {})
        base = english or row.get("en") or id_
        if language == DEFAULT_LANGUAGE:
            return base
        return row.get(language) or f"{base} {FALLBACK_MARK}"

    def is_draft(self, kind: str, id_: str) -> bool:
        return self.rows.get((kind, id_), {}).get("status") != "reviewed"

    @property
    def drafts(self) -> int:
        """How many names still await review by a native speaker."""
        return sum(1 for row in self.rows.values() if row["status"] != "reviewed")

    def missing(self, kind: str, ids, language: str) -> list[str]:
        """The ids of ``kind`` with no name in ``language`` (shown in English, marked)."""
        return [i for i in ids if not self.rows.get((kind, i), {}).get(language)]


def load_names(
    path: Path = NAMES_FILE, *, known: dict[str, set[str]] | None = None, sources: set[str] | None = None
) -> tuple[LocalNames, list[DataIssue]]:
    """Read and check the names table.

    ``known`` maps a kind to the ids that exist (clusters.csv, the boundary file,
    sites.csv); a row naming another id is an error. ``sources`` are the ids of
    data/sources.csv; ``draft_translation`` is always accepted.
    """
    if not path.is_file():
        raise DataFileError(DataIssue(str(path), "names table is missing", "restore data/names.csv from git"))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataFileError(
            DataIssue(
                str(path),
                f"names table cannot be read ({exc})",
                "save it as CSV in UTF-8 (Excel: 'CSV UTF-8')",
            )
        ) from None
    absent = [c for c in COLUMNS if c not in frame.columns]
    if absent:
        raise DataFileError(
            DataIssue(
                str(path), f"missing column(s) {', '.join(absent)}", f"the header must be {','.join(COLUMNS)}"
            )
        )
    allowed_sources = (sources or set()) | {DRAFT_SOURCE}
    issues: list[DataIssue] = []
    rows: dict[tuple[str, str], dict[str, str]] = {}
    first_line: dict[tuple[str, str], int] = {}
    for index, raw in frame.iterrows():
        line = int(index) + 2  # header is line 1
        row = {c: str(raw[c]).strip() for c in COLUMNS}
        problems = _row_problems(row, known, allowed_sources)
        for column, message, hint in problems:
            issues.append(DataIssue(str(path), message, hint, row=line, column=column, value=row.get(column)))
        if problems:
            continue
        key = (row["kind"], row["id"])
        if key in rows:
            issues.append(
                DataIssue(
                    str(path),
                    f"{row['kind']} '{row['id']}' is named twice (first on line {first_line[key]})",
                    "keep one row per name",
                    row=line,
                    column="id",
                    value=row["id"],
                )
            )
            continue
        rows[key] = row
        first_line[key] = line
    return LocalNames(rows), issues


def _row_problems(
    row: dict[str, str], known: dict[str, set[str]] | None, sources: set[str]
) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    if row["kind"] not in KINDS:
        out.append(("kind", f"unknown kind '{row['kind']}'", f"use one of {', '.join(KINDS)}"))
    if not row["id"]:
        out.append(
            (
                "id",
                "empty id",
                "write the cluster id, the district as the boundary file names it, or the place as sites.csv writes it",
            )
        )
    elif known is not None and row["kind"] in known and row["id"] not in known[row["kind"]]:
        out.append(
            (
                "id",
                f"unknown {row['kind']} '{row['id']}'",
                {
                    "cluster": "use a cluster_id of data/clusters.csv",
                    "district": "use the district's name in the boundary file",
                    "place": "use a place as data/sites.csv writes it",
                    "indicator": "use an indicator_id of data/indicators.csv",
                    "context": "use an indicator_id of data/context_indicators.csv",
                }[row["kind"]],
            )
        )
    if not row["en"]:
        out.append(("en", "empty English name", "write the name as the atlas shows it in English"))
    for code in SCRIPT_LANGUAGES:
        text = row[code]
        if not text:
            if row["status"] == "reviewed":
                out.append(
                    (
                        code,
                        f"empty {code} name in a reviewed row",
                        f"write the {code} name, or set status to draft",
                    )
                )
            continue
        if _LATIN_LETTER.search(text) or not _ARABIC_LETTER.search(text):
            out.append(
                (
                    code,
                    f"the {code} name '{text}' is not in Arabic script",
                    "write it in Urdu/Sindhi script, or leave the cell empty (English is then shown, marked [en])",
                )
            )
    if row["status"] not in STATUSES:
        out.append(
            (
                "status",
                f"unknown status '{row['status']}'",
                "use draft (not yet checked by a native speaker) or reviewed",
            )
        )
    if not row["source"]:
        out.append(
            (
                "source",
                "empty source",
                f"name who supplied the name: a source_id of data/sources.csv, or {DRAFT_SOURCE}",
            )
        )
    elif row["source"] not in sources:
        out.append(
            (
                "source",
                f"unknown source '{row['source']}'",
                f"use a source_id of data/sources.csv, or {DRAFT_SOURCE}",
            )
        )
    return out
