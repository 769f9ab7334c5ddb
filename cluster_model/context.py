"""District context: public, sourced figures by district (poverty, literacy, labour, infrastructure).

A second, clearly separate kind of evidence beside the cluster gaps. These figures
describe the *district*, not its clusters: they never enter a gap score.

Inputs (not part of the project; see ``../shared/context/PROVENANCE.md``), read from
``ATLAS_CONTEXT`` (default ``../shared/context``):

- ``pakistan_district_indicators.csv``: World Bank Data4Pakistan estimates by district and
  year, from PBS surveys (HIES/PSLM) — the district set of their time (Sindh: 24 units,
  "Karachi City" one of them);
- ``indicator_definitions.csv``: definition, unit, source survey of each column;
- ``poverty_headcount_2018.csv``: provisional 2018 poverty rates with their mean squared error.

Chosen by the ICCK in ``data/context_indicators.csv`` (pillar each informs, label, unit,
direction, year, source); survey units are joined to boundary districts through the
explicit crosswalk ``data/context_crosswalk.csv``. A survey unit that covers several boundary
districts (Karachi City → seven Karachi districts) has ONE figure for them together: it is
ranked, averaged and listed once, as that unit.

Every problem (missing folder, other encoding, unknown indicator, unmatched name, a year
with no values, a non-numeric cell) is a ``DataIssue`` naming file, line and name; the
loader never raises, so the rest of the atlas keeps working.
"""

from __future__ import annotations

import difflib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cluster_model.issues import DataIssue
from cluster_model.memo import Memo
from cluster_model.settings import settings
from cluster_model.vocabulary import PILLARS

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONTEXT_DIR = REPO_ROOT.parent / "shared" / "context"
DOWNLOADED_CONTEXT_DIR = (
    REPO_ROOT / "var" / "context"
)  # where `make setup` puts them when ../shared is missing
INDICATORS_FILE = "pakistan_district_indicators.csv"
DEFINITIONS_FILE = "indicator_definitions.csv"
POVERTY_FILE = "poverty_headcount_2018.csv"
CONTEXT_FILES = (INDICATORS_FILE, DEFINITIONS_FILE, POVERTY_FILE)
CHOSEN_FILE = "context_indicators.csv"
CROSSWALK_FILE = "context_crosswalk.csv"

CONTEXT_CREDIT = "District indicators: World Bank Data4Pakistan (HIES/PSLM, PBS), via PakIndicatorsApp"

# The dialogue pillars a context figure can inform, plus the welfare context (poverty), which
# is no pillar. The incentive mechanism has no district figure.
WELFARE = "welfare"
CONTEXT_GROUPS: dict[str, str] = {
    WELFARE: "Welfare context (poverty)",
    **{k: v for k, v in PILLARS.items() if k != "incentive"},
}
DIRECTIONS = ("positive", "negative")  # higher is better / higher is worse (as the definitions file says)
CHOSEN_COLUMNS = [
    "indicator_id",
    "pillar",
    "label",
    "file",
    "column",
    "unit",
    "scale",
    "direction",
    "year",
    "source",
    "note",
]
CROSSWALK_COLUMNS = ["province", "survey_district", "district", "note"]
TREND_YEARS = (2004, 2014)
Z95 = 1.959964  # two-sided 95 % normal quantile

# Province spellings that differ between the two upstream files.
_PROVINCE_ALIASES = {
    "kp": "khyber pakhtunkhwa",
    "kpk": "khyber pakhtunkhwa",
    "fata": "fata",
    "ict": "federal capital territory",
    "islamabad": "federal capital territory",
}
_SEPARATORS = re.compile(r"[\W_]+")

_MISSING_HINT = (
    "Set ATLAS_CONTEXT to the folder holding "
    + ", ".join(CONTEXT_FILES)
    + ", or run `make setup` (scripts/fetch_context.py) to download them."
)


def context_dir() -> Path:
    """The folder with the context files: $ATLAS_CONTEXT if set, else ../shared/context,
    else the copy `make setup` downloaded into var/context."""
    configured = settings().context
    if configured:
        return configured
    if not DEFAULT_CONTEXT_DIR.is_dir() and DOWNLOADED_CONTEXT_DIR.is_dir():
        return DOWNLOADED_CONTEXT_DIR
    return DEFAULT_CONTEXT_DIR


def normalise(name: object) -> str:
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return ""
    return _SEPARATORS.sub(" ", str(name).casefold()).strip()


def _province_key(name: object) -> str:
    key = normalise(name)
    return _PROVINCE_ALIASES.get(key, key)


@dataclass
class ContextData:
    """The chosen indicators and their values by survey unit, plus every problem found.

    ``values``: one row per indicator, survey unit and year — columns indicator_id, province,
    unit, year, value (display units, after ``scale``), mse (2018 poverty rate only, in the
    same squared units; NaN elsewhere), line (the row in the source file).
    ``crosswalk``: survey unit → boundary districts (province, unit, district).
    """

    folder: Path
    indicators: pd.DataFrame
    values: pd.DataFrame
    crosswalk: pd.DataFrame
    definitions: pd.DataFrame
    issues: list[DataIssue] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return not self.indicators.empty and not self.values.empty

    def indicator(self, indicator_id: str) -> pd.Series:
        return self.indicators.set_index("indicator_id").loc[indicator_id]

    def definition(self, indicator_id: str) -> str:
        column = self.indicator(indicator_id)["column"]
        if self.definitions.empty or column not in self.definitions.index:
            return ""
        return str(self.definitions.at[column, "definition"])

    def label(self, indicator_id: str) -> str:
        return str(self.indicator(indicator_id)["label"])

    def grouped_options(self) -> list[tuple[str, str, str]]:
        """(group id: a pillar or ``WELFARE``, indicator_id, label) in the pillar order, for a picker grouped
        by pillar (the picker names the group by its id, in the page's language)."""
        out = []
        for group in CONTEXT_GROUPS:
            for row in self.indicators[self.indicators["pillar"] == group].itertuples():
                out.append((group, row.indicator_id, row.label))
        return out


def _empty_values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": pd.Series(dtype="string"),
            "province": pd.Series(dtype="string"),
            "unit": pd.Series(dtype="string"),
            "year": pd.Series(dtype="int64"),
            "value": pd.Series(dtype="float64"),
            "mse": pd.Series(dtype="float64"),
            "line": pd.Series(dtype="int64"),
        }
    )


def empty_context(folder: Path, issues: list[DataIssue] | None = None) -> ContextData:
    return ContextData(
        folder,
        pd.DataFrame(columns=CHOSEN_COLUMNS),
        _empty_values(),
        pd.DataFrame(columns=["province", "unit", "district", "line"]),
        pd.DataFrame(),
        list(issues or []),
    )


# ---------------------------------------------------------------- reading files


def read_csv_utf8(
    path: Path, issues: list[DataIssue], required: list[str] | None = None
) -> pd.DataFrame | None:
    """A CSV read as text (every cell a string, "" when empty), or None with an issue.

    The files must be UTF-8: another encoding (e.g. the upstream Windows-1252 bytes) is
    reported with the line of the first bad byte, never guessed.
    """
    if not path.exists():
        issues.append(
            DataIssue(
                str(path),
                "file not found",
                _MISSING_HINT
                if path.name in CONTEXT_FILES
                else f"Restore {path.name} (it is part of the project, in data/).",
            )
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        issues.append(
            DataIssue(
                str(path),
                f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be read (another encoding, e.g. Windows-1252)",
                "Save the file as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`), or run `make setup` to fetch the converted copy.",
                row=line,
            )
        )
        return None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        issues.append(
            DataIssue(str(path), f"cannot be read as CSV ({exc})", "Check the file's commas and quotes.")
        )
        return None
    missing = [c for c in (required or []) if c not in df.columns]
    if missing:
        issues.append(
            DataIssue(
                str(path),
                f"missing column(s) {', '.join(missing)}; columns found: {', '.join(df.columns[:8])}…",
                "Use the file as published (see PROVENANCE.md) or fix the header.",
            )
        )
        return None
    return df


def _numbers(df: pd.DataFrame, column: str, path: Path, issues: list[DataIssue], what: str) -> pd.Series:
    """The column as floats; a non-numeric cell is reported by line and treated as no figure."""
    text = df[column].astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & (text != "") & ~text.str.casefold().isin({"na", "nan", "n/a"})
    for index in bad[bad].index[:20]:
        issues.append(
            DataIssue(
                str(path),
                f"{what}: '{text[index]}' is not a number; this cell is shown as no figure",
                "Correct the cell (a plain number, '.' as decimal point) or leave it empty.",
                row=int(index) + 2,
                column=column,
                value=text[index],
            )
        )
    if bad.sum() > 20:
        issues.append(
            DataIssue(
                str(path),
                f"{int(bad.sum()) - 20} more non-numeric cells in column '{column}'",
                "Correct them as above.",
                column=column,
            )
        )
    return values


def _suggest(name: str, candidates) -> str:
    candidates = [str(c) for c in candidates]
    close = difflib.get_close_matches(name, candidates, n=2, cutoff=0.6)
    if not close:  # long column names: same first words
        start = " ".join(normalise(name).split()[:2])
        close = [c for c in candidates if start and normalise(c).startswith(start)][:3]
    return f" Did you mean: {' / '.join(repr(c) for c in close)}?" if close else ""


# ---------------------------------------------------------------- the ICCK's choice


def load_chosen(path: Path, issues: list[DataIssue]) -> pd.DataFrame:
    """``data/context_indicators.csv``, rows that do not fit reported and left out."""
    df = read_csv_utf8(path, issues, required=[c for c in CHOSEN_COLUMNS if c != "note"])
    if df is None:
        return pd.DataFrame(columns=CHOSEN_COLUMNS + ["line"])
    if "note" not in df:
        df["note"] = ""
    df = df.assign(line=range(2, len(df) + 2))
    keep = []
    seen: set[str] = set()
    for index, row in df.iterrows():
        problems = []
        if not row["indicator_id"].strip():
            problems.append(("indicator_id", "is empty", "Give every indicator a short id."))
        elif row["indicator_id"] in seen:
            problems.append(
                ("indicator_id", f"'{row['indicator_id']}' occurs twice", "Keep one row per indicator.")
            )
        if row["pillar"] not in CONTEXT_GROUPS:
            problems.append(
                (
                    "pillar",
                    f"'{row['pillar']}' is not one of {', '.join(CONTEXT_GROUPS)}",
                    "Use one of those ids.",
                )
            )
        if row["direction"] not in DIRECTIONS:
            problems.append(
                (
                    "direction",
                    f"'{row['direction']}' is not positive or negative",
                    "positive = higher is better, negative = higher is worse.",
                )
            )
        if row["file"] not in (INDICATORS_FILE, POVERTY_FILE):
            problems.append(
                (
                    "file",
                    f"'{row['file']}' is not {INDICATORS_FILE} or {POVERTY_FILE}",
                    "Name one of the two data files.",
                )
            )
        if not row["source"].strip():
            problems.append(
                ("source", "is empty", "Every figure carries its source: name the survey and publisher.")
            )
        if not row["label"].strip():
            problems.append(("label", "is empty", "Give the indicator a label for the map."))
        for column, kind in (("year", int), ("scale", float)):
            try:
                kind(row[column] or ("1" if column == "scale" else ""))
            except ValueError:
                problems.append(
                    (
                        column,
                        f"'{row[column]}' is not a {'year' if column == 'year' else 'number'}",
                        "Write it as a plain number.",
                    )
                )
        for column, message, hint in problems:
            issues.append(
                DataIssue(
                    str(path),
                    f"{row['indicator_id'] or 'row'}: {column} {message}; indicator not shown",
                    hint,
                    row=int(row["line"]),
                    column=column,
                    value=row[column],
                )
            )
        if not problems:
            seen.add(row["indicator_id"])
            keep.append(index)
    out = df.loc[keep].copy()
    out["year"] = out["year"].astype(int)
    out["scale"] = out["scale"].replace("", "1").astype(float)
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- values


def _long_values(
    chosen: pd.DataFrame,
    table: pd.DataFrame,
    file: str,
    path: Path,
    province: str | None,
    issues: list[DataIssue],
    mse_column: str | None = None,
) -> pd.DataFrame:
    """Values of the chosen indicators that live in ``file``, long, for ``province`` (None = all)."""
    rows = chosen[chosen["file"] == file]
    if rows.empty:
        return _empty_values()
    if "Year" not in table:  # the 2018 poverty file has no year column: its rows are the 2018 round
        table = table.assign(Year="2018")
    prov_col = "Province" if "Province" in table else "province"
    dist_col = "District" if "District" in table else "district"
    scope = table
    if province:
        scope = table[table[prov_col].map(_province_key) == _province_key(province)]
    years = pd.to_numeric(scope["Year"], errors="coerce")
    frames = []
    for row in rows.itertuples():
        if row.column not in table.columns:
            issues.append(
                DataIssue(
                    CHOSEN_FILE,
                    f"{row.indicator_id}: column '{row.column}' is not in {file}; indicator not shown",
                    "Copy the column name exactly from the data file's header."
                    + _suggest(row.column, table.columns),
                    row=int(row.line),
                    column="column",
                    value=row.column,
                )
            )
            continue
        values = _numbers(scope, row.column, path, issues, f"{row.indicator_id}") * float(row.scale)
        mse = (
            _numbers(scope, mse_column, path, issues, "mean squared error") * float(row.scale) ** 2
            if mse_column and row.column == "povrate"
            else pd.Series(float("nan"), index=scope.index)
        )
        frame = pd.DataFrame(
            {
                "indicator_id": row.indicator_id,
                "province": scope[prov_col].str.strip(),
                "unit": scope[dist_col].str.strip(),
                "year": years,
                "value": values,
                "mse": mse,
                "line": scope.index + 2,
            }
        )
        frame = frame[frame["year"].notna()]
        frame["year"] = frame["year"].astype(int)
        if not frame.loc[frame["year"] == row.year, "value"].notna().any():
            with_values = sorted(frame.loc[frame["value"].notna(), "year"].unique())
            issues.append(
                DataIssue(
                    CHOSEN_FILE,
                    f"{row.indicator_id}: no values in {file} for {province or 'any province'} in {row.year}; "
                    f"years with values: {', '.join(map(str, with_values)) or 'none'}",
                    "Set 'year' to a year with values; until then the map shows this indicator grey.",
                    row=int(row.line),
                    column="year",
                    value=str(row.year),
                )
            )
        frames.append(frame)
    if not frames:
        return _empty_values()
    out = pd.concat(frames, ignore_index=True)
    return _drop_duplicate_units(out, path, issues)


def _drop_duplicate_units(values: pd.DataFrame, path: Path, issues: list[DataIssue]) -> pd.DataFrame:
    """A unit listed twice for the same year: kept once if the figures agree, dropped (reported) if not."""
    keys = ["indicator_id", "province", "unit", "year"]
    dup = values.duplicated(keys, keep=False)
    if not dup.any():
        return values
    keep = ~values.duplicated(keys, keep="first")
    for key, group in values[dup].groupby(keys, sort=False):
        if group["value"].nunique(dropna=False) > 1:
            keep[group.index] = False
            issues.append(
                DataIssue(
                    str(path),
                    f"'{key[2]}' ({key[1]}, {key[3]}) appears {len(group)} times with different "
                    f"figures for {key[0]}: not shown",
                    "Keep one row per district and year.",
                    row=int(group["line"].iloc[0]),
                )
            )
        elif key[0] == values["indicator_id"].iloc[0]:  # one warning per duplicated row, not per indicator
            issues.append(
                DataIssue(
                    str(path),
                    f"'{key[2]}' ({key[1]}) appears {len(group)} times with the same figures: used once",
                    "Remove the repeated row.",
                    row=int(group["line"].iloc[-1]),
                    severity="warning",
                )
            )
    return values[keep].reset_index(drop=True)


# ---------------------------------------------------------------- crosswalk


def load_crosswalk(path: Path, issues: list[DataIssue]) -> pd.DataFrame:
    df = read_csv_utf8(path, issues, required=["province", "survey_district", "district"])
    if df is None:
        return pd.DataFrame(columns=["province", "unit", "district", "line"])
    df = df.assign(line=range(2, len(df) + 2)).rename(columns={"survey_district": "unit"})
    empty = (df["unit"].str.strip() == "") | (df["district"].str.strip() == "")
    for row in df[empty].itertuples():
        issues.append(
            DataIssue(
                str(path),
                "survey_district or district is empty; row not used",
                "Fill in both names.",
                row=int(row.line),
            )
        )
    df = df[~empty]
    twice = df.duplicated(["district"], keep=False)
    for district, group in df[twice].groupby("district"):
        issues.append(
            DataIssue(
                str(path),
                f"boundary district '{district}' is mapped from {len(group)} survey units "
                f"({', '.join(group['unit'])}); rows not used",
                "A boundary district takes its figure from one survey unit only.",
                row=int(group["line"].iloc[0]),
            )
        )
    df = df[~twice]
    return (
        df[["province", "unit", "district", "line"]]
        .apply(lambda c: c.str.strip() if c.dtype == object else c)
        .reset_index(drop=True)
    )


def match_units(ctx: ContextData, boundary_districts: list[str] | None, province: str | None) -> pd.DataFrame:
    """Survey unit → boundary district(s), through the crosswalk, else the same name.

    Reports every survey unit that matches no boundary district and every crosswalk row
    naming a district that is not in the boundary file. With ``boundary_districts`` None
    (boundaries unusable) the crosswalk is taken as it is.
    """
    units = ctx.values[["province", "unit"]].drop_duplicates()
    cw = ctx.crosswalk
    known = None if boundary_districts is None else {normalise(d): d for d in boundary_districts}
    rows = []
    if province:
        cw = cw[cw["province"].map(_province_key) == _province_key(province)]
    for r in cw.itertuples():
        if known is not None and normalise(r.district) not in known:
            ctx.issues.append(
                DataIssue(
                    f"data/{CROSSWALK_FILE}",
                    f"district '{r.district}' (for survey unit '{r.unit}') is not in the boundary file",
                    "Spell it as the boundary file does."
                    + _suggest(r.district, known.values() if known else []),
                    row=int(r.line),
                    column="district",
                    value=r.district,
                )
            )
            continue
        rows.append((r.province, r.unit, known[normalise(r.district)] if known else r.district))
    mapped = {(_province_key(p), normalise(u)) for p, u, _ in rows}
    for r in units.itertuples():
        if (_province_key(r.province), normalise(r.unit)) in mapped:
            continue
        if known is not None and normalise(r.unit) in known:
            rows.append((r.province, r.unit, known[normalise(r.unit)]))
            continue
        file = (
            ", ".join(
                sorted(
                    set(
                        ctx.indicators.loc[
                            ctx.indicators["indicator_id"].isin(
                                ctx.values.loc[ctx.values["unit"] == r.unit, "indicator_id"]
                            ),
                            "file",
                        ]
                    )
                )
            )
            or INDICATORS_FILE
        )
        ctx.issues.append(
            DataIssue(
                file,
                f"district '{r.unit}' ({r.province}) matches no boundary district: its figures are not on the map",
                f"Add a row for it to data/{CROSSWALK_FILE} (survey_district → the boundary file's district name)."
                + (_suggest(r.unit, known.values()) if known else ""),
                value=r.unit,
                severity="warning",
            )
        )
    out = pd.DataFrame(rows, columns=["province", "unit", "district"]).drop_duplicates("district")
    # Match the units' spelling in the values (the crosswalk may differ in case/spacing).
    spelled = {(_province_key(p), normalise(u)): u for p, u in zip(units["province"], units["unit"])}
    out["unit"] = [
        spelled.get((_province_key(p), normalise(u)), u) for p, u in zip(out["province"], out["unit"])
    ]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- loading


def load_context(
    folder: Path | str | None = None,
    data_dir: Path | str | None = None,
    province: str | None = "Sindh",
    boundary_districts: list[str] | None = None,
) -> ContextData:
    """Everything the context layer needs, with every problem as a DataIssue. Never raises."""
    folder = Path(folder) if folder is not None else context_dir()
    data_dir = Path(data_dir) if data_dir is not None else REPO_ROOT / "data"
    issues: list[DataIssue] = []
    if not folder.is_dir():
        issues.append(
            DataIssue(
                str(folder),
                "district context folder not found: the District context layer is not available",
                _MISSING_HINT,
            )
        )
        return empty_context(folder, issues)
    chosen = load_chosen(data_dir / CHOSEN_FILE, issues)
    crosswalk = load_crosswalk(data_dir / CROSSWALK_FILE, issues)
    definitions = read_csv_utf8(folder / DEFINITIONS_FILE, issues, required=["indicator", "definition"])
    definitions = (
        definitions.drop_duplicates("indicator").set_index("indicator")
        if definitions is not None
        else pd.DataFrame()
    )
    frames = []
    main = read_csv_utf8(folder / INDICATORS_FILE, issues, required=["Province", "District", "Year"])
    if main is not None:
        frames.append(_long_values(chosen, main, INDICATORS_FILE, folder / INDICATORS_FILE, province, issues))
    poverty = read_csv_utf8(
        folder / POVERTY_FILE, issues, required=["Province", "District", "povrate", "msepovrate"]
    )
    if poverty is not None:
        frames.append(
            _long_values(
                chosen,
                poverty,
                POVERTY_FILE,
                folder / POVERTY_FILE,
                province,
                issues,
                mse_column="msepovrate",
            )
        )
    values = (
        pd.concat([f for f in frames if not f.empty], ignore_index=True)
        if any(not f.empty for f in frames)
        else _empty_values()
    )
    shown = chosen[chosen["indicator_id"].isin(values["indicator_id"])].reset_index(drop=True)
    ctx = ContextData(folder, shown, values, crosswalk, definitions, issues)
    ctx.crosswalk = match_units(ctx, boundary_districts, province)
    return ctx


# ---------------------------------------------------------------- figures


def unit_table(ctx: ContextData, indicator_id: str, year: int | None = None) -> pd.DataFrame:
    """One row per survey unit with a figure: value, rank in its province (1 = best), units ranked,
    provincial average (unweighted mean of the units' figures), 95 % interval where an MSE is
    given, and the boundary districts it covers."""
    meta = ctx.indicator(indicator_id)
    year = int(meta["year"]) if year is None else int(year)
    v = ctx.values[
        (ctx.values["indicator_id"] == indicator_id)
        & (ctx.values["year"] == year)
        & ctx.values["value"].notna()
    ].copy()
    ascending = meta["direction"] == "negative"  # lower is better → rank 1 is the lowest
    v["rank"] = v.groupby("province")["value"].rank(ascending=ascending, method="min").astype(int)
    v["n_ranked"] = v.groupby("province")["value"].transform("size").astype(int)
    v["province_average"] = v.groupby("province")["value"].transform("mean")
    se = v["mse"].where(v["mse"] > 0).pow(0.5)  # an MSE of 0 (Karachi upstream) states no interval
    lo, hi = v["value"] - Z95 * se, v["value"] + Z95 * se
    top = 100.0 if "%" in str(meta["unit"]) else float("inf")
    v["ci_low"], v["ci_high"] = lo.clip(lower=0), hi.clip(upper=top)
    districts = ctx.crosswalk.groupby(["province", "unit"])["district"].agg(list)
    v["districts"] = [districts.get((p, u), []) for p, u in zip(v["province"], v["unit"])]
    v["year"] = year
    return v.drop(columns=["line"]).reset_index(drop=True)


def district_table(
    ctx: ContextData, indicator_id: str, districts: list[str], year: int | None = None
) -> pd.DataFrame:
    """Every boundary district (indexed by name) with its unit's figure or NaN where none.

    ``shared_with``: how many boundary districts the unit's one figure covers (7 for Karachi City).
    """
    units = unit_table(ctx, indicator_id, year)
    cw = ctx.crosswalk.merge(units.drop(columns=["province"]), on="unit", how="left")
    cw["shared_with"] = cw["districts"].map(lambda d: len(d) if isinstance(d, list) else 1)
    out = cw.set_index("district").reindex(pd.Index(districts, name="district"))
    out["unit"] = out["unit"].astype(object)
    return out


class ContextFigures:
    """The district context as every page, map, brief and export shows it: each figure's table over the
    atlas's districts built once (the one caller of :func:`district_table`), then kept.

    Built by the view's cached constructor and kept on the view of a round (``cluster_model.view.View.context``),
    so the Atlas's context layer, its district panel, the export sheet, the GeoJSON, the snapshot and the briefs
    share one table per figure. Read-only: treat the frames it returns as such.
    """

    def __init__(self, data: ContextData, districts: list[str] | None = None):
        self.data = data
        # The boundary districts; without boundaries, those the crosswalk names.
        self.districts = list(districts) if districts is not None else list(data.crosswalk["district"])
        self._kept = Memo(64)

    @property
    def available(self) -> bool:
        return self.data.available

    @property
    def issues(self) -> list[DataIssue]:
        return self.data.issues

    @property
    def indicators(self) -> pd.DataFrame:
        return self.data.indicators

    def indicator(self, indicator_id: str) -> pd.Series:
        return self.data.indicator(indicator_id)

    def label(self, indicator_id: str) -> str:
        return self.data.label(indicator_id)

    def has(self, indicator_id: str) -> bool:
        return indicator_id in set(self.data.indicators["indicator_id"])

    def table(self, indicator_id: str, districts: list[str] | None = None) -> pd.DataFrame:
        """:func:`district_table` of the figure over every district (built once), or the rows of ``districts``
        in their order (a district with no unit: a row of no figure, never dropped)."""
        table = self._kept.get(
            ("table", indicator_id), lambda: district_table(self.data, indicator_id, self.districts)
        )
        if districts is None:
            return table
        return table.reindex(pd.Index(list(districts), name="district"))

    def units(self, indicator_id: str) -> pd.DataFrame:
        """:func:`unit_table` of the figure (each survey unit once), kept."""
        return self._kept.get(("units", indicator_id), lambda: unit_table(self.data, indicator_id))

    def rows(self, district: str) -> pd.DataFrame:
        """:func:`context_rows` of one district, kept."""
        return self._kept.get(("rows", district), lambda: context_rows(self, district))


def unit_label(unit: str, districts: list[str]) -> str:
    """How a unit is named wherever its figure is shown: one figure for several districts says so."""
    if len(districts) > 1:
        return f"{unit} (one figure for {len(districts)} districts together: {', '.join(sorted(districts))})"
    return unit


def format_value(value: float, unit: str) -> str:
    if value is None or pd.isna(value):
        return "no figure"
    if "%" in unit:
        return f"{value:.1f}%"
    return f"{value:,.0f} ({unit})" if abs(value) >= 100 else f"{value:,.1f} ({unit})"


def describe(ctx: ContextData, indicator_id: str, row: pd.Series | None) -> str:
    """One line for a tooltip, a panel or an export: value, year, rank, average, interval, source."""
    meta = ctx.indicator(indicator_id)
    if row is None or pd.isna(row.get("value")):
        return f"{meta['label']}: no figure ({meta['year']})"
    unit = str(meta["unit"])
    text = f"{meta['label']}: {format_value(row['value'], unit)} in {int(row['year'])}"
    text += f" · rank {int(row['rank'])} of {int(row['n_ranked'])} in {row['province']} (1 = best)"
    text += f" · provincial average {format_value(row['province_average'], unit)}"
    if not pd.isna(row.get("ci_low")):
        text += f" · 95% interval {format_value(row['ci_low'], unit)}–{format_value(row['ci_high'], unit)}"
    elif meta["column"] == "povrate":
        text += " · no interval (upstream gives an MSE of 0)"
    return text + f" · {meta['source']}"


def trend(
    ctx: ContextData,
    indicator_id: str,
    unit: str,
    province: str | None = None,
    years: tuple[int, int] = TREND_YEARS,
) -> pd.DataFrame:
    """The unit's figures over the survey rounds in ``years`` (2004→2014), with the provincial average."""
    v = ctx.values[
        (ctx.values["indicator_id"] == indicator_id)
        & ctx.values["year"].between(*years)
        & ctx.values["value"].notna()
    ]
    if province:
        v = v[v["province"].map(_province_key) == _province_key(province)]
    own = v[v["unit"] == unit].groupby("year")["value"].first().rename("district")
    avg = v.groupby("year")["value"].mean().rename("provincial average")
    frame = pd.concat([own, avg], axis=1).reset_index().rename(columns={"index": "year"})
    return frame.melt("year", var_name="series", value_name="value").dropna()


def breaks(values: pd.Series, classes: int = 5) -> list[float]:
    """Quantile class breaks of the units' figures (each unit counted once), ``classes`` classes."""
    v = pd.Series(values).dropna()
    if v.empty:
        return []
    qs = sorted(set(float(q) for q in v.quantile([i / classes for i in range(classes + 1)])))
    return qs if len(qs) > 1 else [qs[0], qs[0]]


def classify(value: float, edges: list[float]) -> int | None:
    """Class index 0..len(edges)-2 of ``value``; None when there is no figure."""
    if value is None or pd.isna(value) or len(edges) < 2:
        return None
    for i in range(1, len(edges) - 1):
        if value < edges[i]:
            return i - 1
    return len(edges) - 2


def context_rows(figures: ContextFigures, district: str) -> pd.DataFrame:
    """Every chosen indicator's figure for one boundary district: for briefs and exports."""
    rows = []
    for meta in figures.indicators.itertuples():
        r = figures.table(meta.indicator_id, [district]).iloc[0]
        unit = r["unit"] if isinstance(r["unit"], str) else ""
        interval = (
            ""
            if pd.isna(r.get("ci_low"))
            else f"{format_value(r['ci_low'], meta.unit)}–{format_value(r['ci_high'], meta.unit)}"
        )
        rows.append(
            {
                "pillar": CONTEXT_GROUPS[meta.pillar],
                "indicator": meta.label,
                "value": None if pd.isna(r["value"]) else round(float(r["value"]), 2),
                "shown as": format_value(r["value"], meta.unit),
                "unit": meta.unit,
                "year": int(meta.year),
                "rank in province": "" if pd.isna(r["rank"]) else f"{int(r['rank'])} of {int(r['n_ranked'])}",
                "provincial average": format_value(r["province_average"], meta.unit)
                if not pd.isna(r["value"])
                else "",
                "95% interval": interval,
                "survey unit": unit_label(unit, r["districts"])
                if unit and isinstance(r["districts"], list)
                else unit,
                "source": meta.source,
                # the keys a page words the row by (names by id, vocabulary by message id)
                "indicator_id": meta.indicator_id,
                "group_id": meta.pillar,
                "rank": r["rank"],
                "n_ranked": r["n_ranked"],
                "unit_id": unit,
                "districts": r["districts"] if isinstance(r["districts"], list) else [],
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- where gaps meet poverty


def sites_by_unit(ctx: ContextData, sites: pd.DataFrame) -> pd.DataFrame:
    """Sites with ``district`` replaced by their survey unit, so a unit's cluster gap is computed over
    all its clusters (Karachi City's over the clusters of all seven Karachi districts): one point per
    unit, never seven copies of one poverty figure. Sites in no unit keep their district."""
    to_unit = ctx.crosswalk.set_index("district")["unit"]
    return sites.assign(district=sites["district"].map(to_unit).fillna(sites["district"]))


def gaps_meet_poverty(
    ctx: ContextData, unit_gaps: pd.DataFrame, rate: str = "poverty_rate_2018", poor: str = "poor_2018"
) -> pd.DataFrame:
    """One row per survey unit with a cluster: its cluster gap (NaN = not assessed, kept), coverage,
    clusters, poverty rate with its 95 % interval and number of poor (``unit_gaps`` from
    ``scoring.district_gaps`` over ``sites_by_unit``)."""
    rates = (
        unit_table(ctx, rate).set_index("unit")
        if rate in set(ctx.indicators["indicator_id"])
        else pd.DataFrame()
    )
    poors = (
        unit_table(ctx, poor).set_index("unit")
        if poor in set(ctx.indicators["indicator_id"])
        else pd.DataFrame()
    )
    out = unit_gaps.rename(columns={"district": "unit"})[
        ["unit", "gap", "coverage", "n_clusters", "clusters"]
    ].copy()
    for column, source, key in (
        ("poverty_rate", rates, "value"),
        ("ci_low", rates, "ci_low"),
        ("ci_high", rates, "ci_high"),
        ("poor_1000", poors, "value"),
        ("districts", rates, "districts"),
    ):
        out[column] = out["unit"].map(source[key]) if key in source else float("nan")
    out["districts"] = [d if isinstance(d, list) else [u] for d, u in zip(out["districts"], out["unit"])]
    out["gap_known"] = out["gap"].notna()
    return out.sort_values(["poverty_rate"], ascending=False, na_position="last").reset_index(drop=True)


# ---------------------------------------------------------------- exports


def export_table(
    figures: ContextFigures, districts: list[str], indicator_ids: list[str] | None = None
) -> pd.DataFrame:
    """District × indicator, each figure with its survey unit, year, rank, provincial average, interval and
    source (for CSV/XLSX/GeoJSON). A figure shared by several districts says so in every row."""
    ids = indicator_ids or list(figures.indicators["indicator_id"])
    frames = []
    for indicator_id in ids:
        meta = figures.indicator(indicator_id)
        t = figures.table(indicator_id, districts)
        frames.append(
            pd.DataFrame(
                {
                    "District": t.index,
                    "Survey unit": [
                        unit_label(u, d) if isinstance(u, str) and isinstance(d, list) else "none matched"
                        for u, d in zip(t["unit"], t["districts"])
                    ],
                    "Indicator": meta["label"],
                    "Pillar informed": CONTEXT_GROUPS[meta["pillar"]],
                    "Value": t["value"].round(3).to_numpy(),
                    "Unit": meta["unit"],
                    "Year": int(meta["year"]),
                    "Rank in province (1 = best)": [
                        None if pd.isna(r) else f"{int(r)} of {int(n)}"
                        for r, n in zip(t["rank"], t["n_ranked"])
                    ],
                    "Provincial average": t["province_average"].round(3).to_numpy(),
                    "95% low": t["ci_low"].round(3).to_numpy(),
                    "95% high": t["ci_high"].round(3).to_numpy(),
                    "Source": meta["source"],
                    "Credit": CONTEXT_CREDIT,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def credit_lines(ctx: ContextData) -> list[str]:
    """Lines for an export's notes wherever context figures appear."""
    return [
        f"Credit: {CONTEXT_CREDIT}.",
        "District context figures are estimates with sampling error, from the survey year shown; "
        "they never enter a cluster gap score. Karachi City is one survey unit: one figure for its seven districts together.",
    ]


# ---------------------------------------------------------------- methods


def methods_markdown(tr=None) -> str:
    """The Methods page's section on the district context figures (static text: no data value in it).

    ``tr``: a ``cluster_model.i18n.Translator`` (English when None); the credit stays as written."""
    _ = tr.gettext if tr is not None else (lambda message: message)
    credit = tr.data(CONTEXT_CREDIT) if tr is not None else CONTEXT_CREDIT
    return "\n\n".join(
        [
            "## " + _("District context figures"),
            _(
                "**What they are.** Public figures about each district as a whole — poverty, number of poor, literacy, "
                "labour-force participation, child labour, school enrolment, electricity, piped water, access to public "
                "transport, mobile phones — from the World Bank's **Data4Pakistan** district estimates, built from Pakistan "
                "Bureau of Statistics surveys (HIES and PSLM; small-area estimation for poverty) and the census, as published "
                "in the open-source PakIndicatorsApp. Credit: *{credit}*."
            ).format(credit=credit),
            _(
                "**Which, and why.** The ICCK chooses them in `data/context_indicators.csv`: each with the dialogue pillar it "
                "informs (literacy, labour and enrolment → Capabilities & HRM; electricity, water and transport → Support "
                "institutions & infrastructure; mobile phones → Technology; poverty → welfare context, no pillar), its label, "
                "unit, direction (higher is better or worse), year and source. Every one must exist in the files; one that "
                "does not is listed as a data problem by file and line."
            ),
            _(
                "**Years.** The newest full round for Sindh is labelled **2014** (rounds 2004–2014 every two years); the trend "
                "chart shows 2004→2014. The **2018** poverty rates are provisional small-area estimates. The year is shown "
                "beside every value."
            ),
            _(
                "**Estimates with sampling error.** These are survey estimates, not counts. The 2018 poverty file gives each "
                "estimate's mean squared error (MSE); the atlas shows the 95% interval, rate ± 1.96·√MSE. Karachi's MSE is "
                "given as 0 upstream, so no interval is stated for it. The other figures come without an error measure: "
                "small differences between districts may not be real."
            ),
            _(
                "**District sets.** The surveys use the district set of their time: 24 Sindh districts with **Karachi City** "
                "as one unit. The boundaries use the 2023 census set: 30 districts, Karachi split into seven. The explicit "
                "crosswalk `data/context_crosswalk.csv` maps each survey unit to its boundary districts (and different "
                "spellings, e.g. Qambar Shahdadkot → Kambar Shahdadkot). A Karachi figure describes the seven Karachi districts "
                "together: it is drawn as one unit, ranked and averaged once and always labelled so — never as seven "
                "measurements. A name that matches nothing is listed as a data problem."
            ),
            _(
                "**Ranks and averages.** Rank 1 is the best figure among the province's survey districts (lowest poverty, "
                "highest literacy …). The provincial average is the unweighted mean of those districts' figures. Map classes "
                "are quantiles (five classes) of the survey districts' figures, each counted once; grey means no figure."
            ),
            _(
                "**They never change a cluster gap score.** The gap score uses only the dialogue's cluster indicators. The "
                "district figures are shown beside it — on the map's *District context* layer, in the district panel, on the "
                "*Gaps & poverty* page and in the exports — and are never mixed into it."
            ),
        ]
    )


def methods_table(ctx: ContextData) -> pd.DataFrame:
    """The chosen indicators as read, for the Methods page."""
    if ctx.indicators.empty:
        return pd.DataFrame(
            columns=["Pillar informed", "Figure", "Unit", "Year", "Direction", "Source", "Column in the file"]
        )
    i = ctx.indicators
    return pd.DataFrame(
        {
            "Pillar informed": i["pillar"].map(CONTEXT_GROUPS),
            "Figure": i["label"],
            "Unit": i["unit"],
            "Year": i["year"],
            "Direction": i["direction"].map({"positive": "higher is better", "negative": "higher is worse"}),
            "Source": i["source"],
            "Column in the file": i["file"] + ": " + i["column"],
        }
    )
