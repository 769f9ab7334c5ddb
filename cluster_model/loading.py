"""Load and validate the editable inputs in ``data/`` into a :class:`Dataset`.

Every table is checked row by row. A bad row is left out *and* reported as a
:class:`DataIssue` naming the file, the line and what to do; the good rows are
used. A file that cannot be used at all (missing, wrong columns) is reported
the same way and loads as an empty table, so the rest of the app keeps working.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from .issues import DataFileError, DataIssue
from .settings import DEFAULT_DATA_DIR
from .vocabulary import (
    CLASSES,
    INDICATOR_GROUPS,
    PARTICIPATION_LEVELS,
    PILLARS,
    STAKEHOLDERS,
    STATUSES,
)

DATA_DIR = DEFAULT_DATA_DIR  # the seed in the repository; ATLAS_DATA_DIR may name a copy (settings)

ROUND_KINDS = ["survey", "dialogue", "desk review"]
YES_NO = {"yes": True, "no": False, "true": True, "false": False, "1": True, "0": False}

# Columns every file must have; extra columns are kept and ignored.
COLUMNS: dict[str, list[str]] = {
    "sources.csv": ["source_id", "citation", "title", "kind", "date", "location", "note"],
    "indicators.csv": [
        "indicator_id",
        "pillar",
        "name",
        "how_assessed",
        "weight",
        "cluster_defining",
        "reference",
    ],
    "clusters.csv": ["cluster_id", "number", "name", "source_id"],
    "sites.csv": ["cluster_id", "place", "district", "lat", "lon", "location_note", "source_id"],
    "rounds.csv": ["round_id", "name", "date", "kind", "illustrative", "notes"],
    "assessments.csv": ["round_id", "cluster_id", "indicator_id", "status", "source_id", "note"],
    "participation.csv": ["cluster_id", "dimension", "level", "local_share_pct", "source_id", "note"],
    "evidence.csv": [
        "evidence_id",
        "statement",
        "speaker",
        "stakeholder_group",
        "pillars",
        "clusters",
        "source_id",
    ],
    "published_classification.csv": ["cluster_id", "classification", "source_id", "note"],
}


@dataclass
class Rules:
    gap_value: dict[str, float]
    low_coverage_warning: float
    partial_counts_as_missing: float
    functional_max_missing: float
    potential_max_missing: float
    min_assessed: int


DEFAULT_RULES = Rules(
    gap_value={"present": 0.0, "partial": 0.5, "absent": 1.0},
    low_coverage_warning=0.5,
    partial_counts_as_missing=0.5,
    functional_max_missing=0.5,
    potential_max_missing=2.0,
    min_assessed=4,
)


@dataclass
class Dataset:
    """Everything the atlas shows, as validated tables. No UI, no geometry."""

    sources: pd.DataFrame
    indicators: pd.DataFrame
    clusters: pd.DataFrame
    sites: pd.DataFrame
    rounds: pd.DataFrame
    assessments: pd.DataFrame
    participation: pd.DataFrame
    evidence: pd.DataFrame
    published: pd.DataFrame
    rules: Rules
    issues: list[DataIssue] = field(default_factory=list)
    # When each round was opened (the store's rounds.created_at, ISO UTC): rounds on the same date
    # are ordered by it. Empty for the seed files, whose rounds then follow their ids.
    round_opened: dict[str, str] = field(default_factory=dict)

    # Looked up once per cluster on every rerun (1,000 times for a national dataset): keep a dict.
    # A Dataset is not changed after loading; a new one is built when the data change.
    @cached_property
    def _cluster_names(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in zip(self.clusters["cluster_id"], self.clusters["name"])}

    @cached_property
    def _citations(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in zip(self.sources["source_id"], self.sources["citation"])}

    @cached_property
    def _assessed_rounds(self) -> frozenset[str]:
        return frozenset(self.assessments["round_id"].unique())

    @cached_property
    def _round_order(self) -> tuple[str, ...]:
        keyed = self.rounds.assign(_opened=[self.round_opened.get(r, "") for r in self.rounds["round_id"]])
        return tuple(keyed.sort_values(["date", "_opened", "round_id"])["round_id"])

    def round_order(self) -> list[str]:
        """Every round id, oldest first. The one order of rounds (carrying values forward, the
        previous round, the pickers): by date, then when the round was opened, then its id, so two
        rounds on the same date never swap or mix."""
        return list(self._round_order)

    def cluster_name(self, cluster_id: str) -> str:
        return self._cluster_names.get(cluster_id, str(cluster_id))

    def citation(self, source_id: str) -> str:
        return self._citations.get(source_id, str(source_id))

    def latest_round(self, include_illustrative: bool = False) -> str | None:
        """The round a view opens on: the newest real round holding indicator assessments.

        A round with none (say, a dialogue that recorded only the room's ratings)
        is passed over, unless no round has any.
        """
        rounds = self.rounds if include_illustrative else self.rounds[~self.rounds["illustrative"]]
        if rounds.empty:
            return None
        assessed = rounds[rounds["round_id"].isin(self._assessed_rounds)]
        rounds = assessed if not assessed.empty else rounds
        newest = [r for r in self._round_order if r in set(rounds["round_id"])]
        return newest[-1]


# --------------------------------------------------------------------------- reading

# One limit for a free-text note, whatever the path (seed CSV, import, table editor).
MAX_NOTE_CHARS = 2000
MAX_NAME_CHARS = 200
# The longest CSV field the reader accepts (a note is far shorter; this only stops a runaway field).
MAX_CSV_FIELD = 100_000
_SAVE_AS_CSV = (
    "save it as UTF-8 CSV with a header row (put a value containing a comma or a line break in double quotes)"
)


def read_csv_rows(
    data: bytes | str, file: str, *, max_rows: int | None = None, delimiter: str = ","
) -> tuple[pd.DataFrame, list[int]]:
    """Read CSV text into text columns, and the line in the file where each record starts.

    Lines are counted from the file itself (blank lines and line breaks inside
    quoted values included), so every message names the line a person sees in
    an editor. A record with more values than the header has columns (an
    unquoted comma), an unterminated quote, bytes that are not UTF-8 or a
    runaway field raise :class:`DataFileError` naming the line. Blank lines are
    skipped. ``max_rows`` stops reading as soon as there are more data records.
    ``delimiter``: the separator between values (KoboToolbox exports use ';').
    Header names are stripped; columns are not checked here.
    """
    import csv

    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise DataFileError(
                DataIssue(
                    file, f"line {line} is not UTF-8 text (byte {exc.start + 1})", _SAVE_AS_CSV, row=line
                )
            ) from exc
    else:
        text = data.lstrip("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataFileError(
            DataIssue(
                file, f"line {line} holds a NUL character: this is not a text file", _SAVE_AS_CSV, row=line
            )
        )
    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row or all(not v.strip() for v in row):
                continue
            if header is None:
                header = [h.strip() for h in row]
                if len(header) == 1 and delimiter != ";" and header[0].count(";") >= 2:
                    raise DataFileError(
                        DataIssue(
                            file,
                            "the header (line 1) is one column separated by ';'",
                            "save it as CSV with commas (in Excel: CSV UTF-8 (Comma delimited)), not with semicolons",
                            row=line,
                        )
                    )
                continue
            if len(row) > len(header) and any(v.strip() for v in row[len(header) :]):
                raise DataFileError(
                    DataIssue(
                        file,
                        f"line {line} has {len(row)} values but the header (line 1) has {len(header)} columns",
                        "a value containing a comma must be in double quotes; or remove the extra values",
                        row=line,
                    )
                )
            records.append((row + [""] * len(header))[: len(header)])
            lines.append(line)
            if max_rows is not None and len(records) > max_rows:
                raise DataFileError(DataIssue(file, f"more than {max_rows} rows", "split the file", row=line))
    except csv.Error as exc:
        raise DataFileError(
            DataIssue(file, f"cannot be read as CSV at line {start} ({exc})", _SAVE_AS_CSV, row=start)
        ) from exc
    if header is None:
        raise DataFileError(DataIssue(file, "is empty", _SAVE_AS_CSV))
    df = (
        pd.DataFrame(records, columns=range(len(header)), dtype=str)
        if records
        else pd.DataFrame({i: pd.Series(dtype=str) for i in range(len(header))})
    )
    df.columns = header  # may repeat a name, or be any name at all (even "_line"): callers pick their columns
    return df, lines


def read_table(path: Path, columns: list[str]) -> pd.DataFrame:
    """Read a CSV as text with a ``_line`` column (its line in a spreadsheet)."""
    if not path.exists():
        raise DataFileError(
            DataIssue(
                str(path), "file not found", "restore it from git or point the app at the right data folder"
            )
        )
    raw, lines = read_csv_rows(path.read_bytes(), str(path))
    # Only the columns the atlas knows are kept: an extra column, even one named like an internal one, is ignored.
    df = raw.loc[:, ~pd.Index(raw.columns).duplicated()]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataFileError(
            DataIssue(
                str(path),
                f"missing column(s) {', '.join(missing)}; found {', '.join(df.columns) or 'none'}",
                f"the header row must contain: {', '.join(columns)}",
            )
        )
    df = df[columns].apply(lambda col: col.str.strip())
    df.insert(0, "_line", lines)
    return df.reset_index(drop=True)


Check = tuple[pd.Series, str, Callable[[pd.Series], str], str]


def drop_bad_rows(df: pd.DataFrame, file: str, checks: list[Check], issues: list[DataIssue]) -> pd.DataFrame:
    """Apply vectorised row checks; report and drop every row that fails one.

    Each check is (bad_mask, column, message_for_row, hint).
    """
    bad_any = pd.Series(False, index=df.index)
    for bad, column, message, hint in checks:
        bad = bad.astype(bool) & ~bad_any  # report one problem per row: the first
        for _, row in df[bad].iterrows():
            issues.append(
                DataIssue(
                    file,
                    message(row),
                    hint,
                    row=int(row["_line"]),
                    column=column,
                    value=str(row.get(column, "")),
                )
            )
        bad_any |= bad
    return df[~bad_any].copy()


def unknown(df: pd.DataFrame, column: str, known: pd.Series | list[str], what: str, where: str) -> Check:
    known_set = set(known)
    return (
        ~df[column].isin(known_set),
        column,
        lambda r: f"unknown {what} '{r[column]}'",
        f"use one of the ids in {where}"
        if len(known_set) > 12
        else f"use one of: {', '.join(sorted(known_set))}",
    )


def duplicated(df: pd.DataFrame, keys: list[str], what: str) -> Check:
    first_line: dict[tuple, object] = {}
    if "_line" in df.columns and not df.empty:
        for key, line in zip(df[keys].itertuples(index=False, name=None), df["_line"]):
            first_line.setdefault(tuple(key), line)

    def message(r: pd.Series) -> str:
        key = tuple(r[k] for k in keys)
        earlier = f"line {first_line[key]}" if key in first_line else "an earlier line"
        return f"duplicate {what} ({', '.join(str(k) for k in key)}) already given on {earlier}"

    return (
        df.duplicated(keys, keep="first"),
        keys[-1],
        message,
        "keep one row per " + what + "; delete or merge the other",
    )


def empty(df: pd.DataFrame, column: str, hint: str) -> Check:
    return (df[column] == "", column, lambda r: f"'{column}' is empty", hint)


def number_outside(
    df: pd.DataFrame, column: str, low: float, high: float, allow_empty: bool = False
) -> Check:
    values = pd.to_numeric(df[column], errors="coerce")
    bad = values.isna() | (values < low) | (values > high)
    if allow_empty:
        bad &= df[column] != ""
    return (
        bad,
        column,
        lambda r: f"'{r[column]}' is not a number from {low:g} to {high:g}",
        f"enter a number from {low:g} to {high:g}"
        + (" or leave it empty for unknown" if allow_empty else ""),
    )


def too_long(df: pd.DataFrame, column: str, limit: int) -> Check:
    return (
        df[column].astype(str).str.len() > limit,
        column,
        lambda r: f"'{column}' has {len(str(r[column])):,} characters; at most {limit:,} are allowed",
        f"shorten it to {limit:,} characters (put longer text in a source document and cite it)",
    )


def not_yes_no(df: pd.DataFrame, column: str) -> Check:
    return (
        ~df[column].str.lower().isin(YES_NO.keys()),
        column,
        lambda r: f"'{r[column]}' is not yes or no",
        "write yes or no",
    )


def not_in_list(df: pd.DataFrame, column: str, allowed: list[str], what: str) -> Check:
    return (
        ~df[column].str.lower().isin(allowed),
        column,
        lambda r: f"'{r[column]}' is not an allowed {what}",
        f"use one of: {', '.join(allowed)}",
    )


def bad_list_items(
    df: pd.DataFrame, column: str, allowed: set[str], what: str, extra_ok: set[str] = frozenset()
) -> Check:
    def bad_items(cell: str) -> list[str]:
        return [x for x in split_list(cell) if x not in allowed and x not in extra_ok]

    return (
        df[column].map(lambda c: bool(bad_items(c))),
        column,
        lambda r: f"unknown {what} {', '.join(repr(x) for x in bad_items(r[column]))}",
        f"separate items with ';' and use: {', '.join(sorted(allowed | set(extra_ok)))}",
    )


def split_list(cell: str) -> list[str]:
    return [x.strip() for x in str(cell).split(";") if x.strip()]


FORMULA_START = ("=", "+", "@")


def formula_like(df: pd.DataFrame, column: str) -> Check:
    """A cell a spreadsheet would run as a formula (starts with =, + or @)."""
    return (
        df[column].astype(str).str.startswith(FORMULA_START),
        column,
        lambda r: f"'{r[column]}' looks like a spreadsheet formula",
        "type the value itself, not a formula (start a text note with a letter; a leading apostrophe ' is removed)",
    )


# --------------------------------------------------------------------------- per-table validators


def validate_rounds(
    df: pd.DataFrame, *, file: str, extra_checks: Callable[[pd.DataFrame], list[Check]] | None = None
) -> tuple[pd.DataFrame, list[DataIssue]]:
    """Check round rows (columns of ``COLUMNS['rounds.csv']`` plus ``_line``); ``illustrative`` becomes a bool."""
    issues: list[DataIssue] = []
    dates = pd.to_datetime(df["date"], errors="coerce", format="%Y-%m-%d")
    checks: list[Check] = list(extra_checks(df)) if extra_checks else []
    checks += [
        empty(df, "round_id", "give every round an id"),
        duplicated(df, ["round_id"], "round id"),
        (dates.isna(), "date", lambda r: f"'{r['date']}' is not a date", "write the date as YYYY-MM-DD"),
        not_in_list(df, "kind", ROUND_KINDS, "round kind"),
        not_yes_no(df, "illustrative"),
        too_long(df, "round_id", 100),
        too_long(df, "name", MAX_NAME_CHARS),
        too_long(df, "notes", MAX_NOTE_CHARS),
    ]
    good = drop_bad_rows(df, file, checks, issues)
    good["kind"] = good["kind"].str.lower()
    good["illustrative"] = good["illustrative"].str.lower().map(YES_NO).astype(bool)
    return good, issues


def validate_assessments(
    df: pd.DataFrame,
    *,
    file: str,
    rounds,
    clusters,
    indicators,
    sources,
    extra_checks: Callable[[pd.DataFrame], list[Check]] | None = None,
) -> tuple[pd.DataFrame, list[DataIssue]]:
    """Check assessment rows (columns of ``COLUMNS['assessments.csv']`` plus ``_line``).

    ``rounds``, ``clusters``, ``indicators`` and ``sources`` are the known ids.
    Returns the good rows (status lower-cased) and one issue per bad row. Used by
    :func:`load_dataset` and by the evidence store's import and editor.
    ``extra_checks(df)`` adds checks that run before the standard ones.
    """
    issues: list[DataIssue] = []
    df = df.copy()
    df["status"] = df["status"].str.lower()
    source_ids = pd.Series(list(sources), dtype=str)
    checks: list[Check] = list(extra_checks(df)) if extra_checks else []
    checks += [
        unknown(df, "round_id", list(rounds), "round", "rounds.csv"),
        unknown(df, "cluster_id", list(clusters), "cluster", "clusters.csv"),
        unknown(df, "indicator_id", list(indicators), "indicator", "indicators.csv"),
        not_in_list(df, "status", STATUSES, "status"),
        empty(df, "source_id", "every value needs a source: add its id from sources.csv"),
        unknown(df, "source_id", source_ids, "source", "sources.csv"),
        duplicated(df, ["round_id", "cluster_id", "indicator_id"], "assessment"),
        too_long(df, "note", MAX_NOTE_CHARS),
    ]
    good = drop_bad_rows(df, file, checks, issues)
    return good, issues


# --------------------------------------------------------------------------- tables


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"{value!r} is not a number")  # YAML reads yes/no/on/off as booleans
    return float(value)


def load_rules(path: Path, issues: list[DataIssue]) -> Rules:
    file = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        gap = raw["gap_scoring"]
        cls = raw["classification"]
        rules = Rules(
            gap_value={k: _number(gap["gap_value"][k]) for k in ("present", "partial", "absent")},
            low_coverage_warning=_number(gap["low_coverage_warning"]),
            partial_counts_as_missing=_number(cls["partial_counts_as_missing"]),
            functional_max_missing=_number(cls["functional_max_missing"]),
            potential_max_missing=_number(cls["potential_max_missing"]),
            min_assessed=int(_number(cls["min_assessed"])),
        )
    except FileNotFoundError:
        issues.append(
            DataIssue(
                file, "file not found; using the built-in default rules", "restore data/rules.yaml from git"
            )
        )
        return DEFAULT_RULES
    except (yaml.YAMLError, KeyError, TypeError, ValueError, OverflowError) as exc:
        issues.append(
            DataIssue(
                file,
                f"cannot be used ({type(exc).__name__}: {exc}); using the built-in default rules",
                "compare it with the copy in git: every key must be present with a number",
            )
        )
        return DEFAULT_RULES
    problems = rule_problems(rules)
    if problems:
        issues.append(
            DataIssue(
                file,
                "values out of range: " + "; ".join(problems) + "; using the built-in default rules",
                "fix the values (see the comments in the file)",
            )
        )
        return DEFAULT_RULES
    return rules


def rule_problems(rules: Rules) -> list[str]:
    """What is wrong with the rule values (empty when every value is in its range)."""
    import math

    problems = []

    def check(name: str, value: float, low: float, high: float | None = None) -> None:
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            problems.append(
                f"{name} = {value:g} is not a number from {low:g} to {high:g}"
                if high is not None
                else f"{name} = {value:g} is not a finite number ≥ {low:g}"
            )

    for status, value in rules.gap_value.items():
        check(f"gap_value.{status}", value, 0, 1)
    check("low_coverage_warning", rules.low_coverage_warning, 0, 1)
    check("partial_counts_as_missing", rules.partial_counts_as_missing, 0, 1)
    check("functional_max_missing", rules.functional_max_missing, 0)
    check("potential_max_missing", rules.potential_max_missing, 0)
    check("min_assessed", rules.min_assessed, 0)
    if not problems and rules.functional_max_missing > rules.potential_max_missing:
        problems.append("functional_max_missing must not be more than potential_max_missing")
    if (
        not problems
        and not rules.gap_value["present"] <= rules.gap_value["partial"] <= rules.gap_value["absent"]
    ):
        problems.append("gap values must grow from present to partial to absent")
    return problems


def _load(data_dir: Path, name: str, issues: list[DataIssue]) -> pd.DataFrame:
    try:
        return read_table(data_dir / name, COLUMNS[name])
    except DataFileError as exc:
        issues.append(exc.issue)
        return pd.DataFrame({c: pd.Series(dtype=str) for c in ["_line", *COLUMNS[name]]})


def _source_checks(df: pd.DataFrame, source_ids: pd.Series) -> list[Check]:
    return [
        empty(df, "source_id", "every value needs a source: add its id from sources.csv"),
        unknown(df, "source_id", source_ids, "source", "sources.csv"),
    ]


def _load_sources(data_dir: Path, issues: list[DataIssue]) -> pd.DataFrame:
    sources = _load(data_dir, "sources.csv", issues)
    return drop_bad_rows(
        sources,
        str(data_dir / "sources.csv"),
        [
            empty(sources, "source_id", "give every source an id"),
            duplicated(sources, ["source_id"], "source id"),
            empty(sources, "citation", "write how the source is cited"),
        ],
        issues,
    )


def _load_indicators(data_dir: Path, issues: list[DataIssue]) -> pd.DataFrame:
    indicators = _load(data_dir, "indicators.csv", issues)
    indicators = drop_bad_rows(
        indicators,
        str(data_dir / "indicators.csv"),
        [
            empty(indicators, "indicator_id", "give every indicator an id"),
            duplicated(indicators, ["indicator_id"], "indicator id"),
            unknown(indicators, "pillar", list(INDICATOR_GROUPS), "pillar", ""),
            empty(indicators, "name", "give the indicator a name"),
            number_outside(indicators, "weight", 0.0001, 100),
            not_yes_no(indicators, "cluster_defining"),
        ],
        issues,
    )
    indicators["weight"] = indicators["weight"].astype(float)
    indicators["cluster_defining"] = indicators["cluster_defining"].str.lower().map(YES_NO).astype(bool)
    return indicators


def _load_clusters(data_dir: Path, issues: list[DataIssue], source_ids: pd.Series) -> pd.DataFrame:
    clusters = _load(data_dir, "clusters.csv", issues)
    return drop_bad_rows(
        clusters,
        str(data_dir / "clusters.csv"),
        [
            empty(clusters, "cluster_id", "give every cluster an id"),
            duplicated(clusters, ["cluster_id"], "cluster id"),
            empty(clusters, "name", "give the cluster a name"),
            *_source_checks(clusters, source_ids),
        ],
        issues,
    )


def _load_sites(data_dir: Path, issues: list[DataIssue], cluster_ids, source_ids) -> pd.DataFrame:
    sites = _load(data_dir, "sites.csv", issues)
    sites = drop_bad_rows(
        sites,
        str(data_dir / "sites.csv"),
        [
            unknown(sites, "cluster_id", cluster_ids, "cluster", "clusters.csv"),
            empty(sites, "place", "write the place name as the source gives it"),
            empty(sites, "district", "write the district the place lies in"),
            number_outside(sites, "lat", -90, 90),
            number_outside(sites, "lon", -180, 180),
            duplicated(sites, ["cluster_id", "place"], "site"),
            *_source_checks(sites, source_ids),
        ],
        issues,
    )
    sites[["lat", "lon"]] = sites[["lat", "lon"]].astype(float)
    return sites


def _load_participation(data_dir: Path, issues: list[DataIssue], cluster_ids, source_ids) -> pd.DataFrame:
    participation = _load(data_dir, "participation.csv", issues)
    participation["dimension"] = participation["dimension"].str.lower()
    participation["level"] = participation["level"].str.lower()
    level_ok = pd.Series(
        [
            lvl in PARTICIPATION_LEVELS.get(dim, [])
            for dim, lvl in zip(participation["dimension"], participation["level"])
        ],
        index=participation.index,
        dtype=bool,
    )
    participation = drop_bad_rows(
        participation,
        str(data_dir / "participation.csv"),
        [
            unknown(participation, "cluster_id", cluster_ids, "cluster", "clusters.csv"),
            not_in_list(participation, "dimension", list(PARTICIPATION_LEVELS), "dimension"),
            (
                ~level_ok,
                "level",
                lambda r: f"'{r['level']}' is not a level of '{r['dimension']}'",
                "; ".join(f"{d}: {', '.join(v)}" for d, v in PARTICIPATION_LEVELS.items()),
            ),
            number_outside(participation, "local_share_pct", 0, 100, allow_empty=True),
            duplicated(participation, ["cluster_id", "dimension", "level"], "participation figure"),
            *_source_checks(participation, source_ids),
        ],
        issues,
    )
    # Empty means unknown, never zero.
    participation["local_share_pct"] = pd.to_numeric(participation["local_share_pct"], errors="coerce")
    return participation


def _load_evidence(data_dir: Path, issues: list[DataIssue], cluster_ids, source_ids) -> pd.DataFrame:
    evidence = _load(data_dir, "evidence.csv", issues)
    return drop_bad_rows(
        evidence,
        str(data_dir / "evidence.csv"),
        [
            empty(evidence, "evidence_id", "give every evidence item an id"),
            duplicated(evidence, ["evidence_id"], "evidence id"),
            empty(evidence, "statement", "write what was said or found"),
            (
                ~evidence["stakeholder_group"].isin(set(STAKEHOLDERS) | {""}),
                "stakeholder_group",
                lambda r: f"unknown stakeholder group '{r['stakeholder_group']}'",
                f"use one of: {', '.join(STAKEHOLDERS)}, or leave empty when not stated",
            ),
            bad_list_items(evidence, "pillars", set(PILLARS), "pillar"),
            bad_list_items(evidence, "clusters", set(cluster_ids), "cluster", extra_ok={"all"}),
            *_source_checks(evidence, source_ids),
        ],
        issues,
    )


def _load_published(data_dir: Path, issues: list[DataIssue], cluster_ids, source_ids) -> pd.DataFrame:
    published = _load(data_dir, "published_classification.csv", issues)
    published["classification"] = published["classification"].str.lower()
    return drop_bad_rows(
        published,
        str(data_dir / "published_classification.csv"),
        [
            unknown(published, "cluster_id", cluster_ids, "cluster", "clusters.csv"),
            not_in_list(published, "classification", CLASSES, "classification"),
            duplicated(published, ["cluster_id"], "published classification"),
            *_source_checks(published, source_ids),
        ],
        issues,
    )


def load_dataset(data_dir: Path | str = DATA_DIR) -> Dataset:
    """Read every input file, validate it, and return what can be used plus the issues."""
    data_dir = Path(data_dir)
    issues: list[DataIssue] = []
    # Read in this order: each file is checked against the ones before it (sources, clusters).
    sources = _load_sources(data_dir, issues)
    source_ids = sources["source_id"]
    indicators = _load_indicators(data_dir, issues)
    clusters = _load_clusters(data_dir, issues, source_ids)
    cluster_ids = clusters["cluster_id"]
    sites = _load_sites(data_dir, issues, cluster_ids, source_ids)

    rounds, round_issues = validate_rounds(
        _load(data_dir, "rounds.csv", issues), file=str(data_dir / "rounds.csv")
    )
    issues += round_issues
    assessments, assessment_issues = validate_assessments(
        _load(data_dir, "assessments.csv", issues),
        file=str(data_dir / "assessments.csv"),
        rounds=rounds["round_id"],
        clusters=cluster_ids,
        indicators=indicators["indicator_id"],
        sources=source_ids,
    )
    issues += assessment_issues

    participation = _load_participation(data_dir, issues, cluster_ids, source_ids)
    evidence = _load_evidence(data_dir, issues, cluster_ids, source_ids)
    published = _load_published(data_dir, issues, cluster_ids, source_ids)
    rules = load_rules(data_dir / "rules.yaml", issues)
    return Dataset(
        sources,
        indicators,
        clusters,
        sites,
        rounds,
        assessments,
        participation,
        evidence,
        published,
        rules,
        issues,
    )
