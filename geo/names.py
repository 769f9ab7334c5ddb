"""Match district names as written in data files to the boundary file's names.

Matching is explicit: a name matches when its normalised form equals a
canonical district name or an alias from ``data/district_aliases.csv``. There
is no fuzzy guessing; ``suggest`` only offers candidates for the error hint.
An unmatched name is reported as a ``DataIssue``, never silently dropped.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from cluster_model.issues import DataFileError, DataIssue

ALIASES_FILE = "data/district_aliases.csv"
ALIAS_COLUMNS = ("alias", "district", "note")

_SEPARATORS = re.compile(r"[\W_]+")  # runs of spaces, hyphens, punctuation


def normalise(name: object) -> str:
    """Casefold, strip and collapse spaces/hyphens/punctuation to single spaces.

    "Mirpur-Khas", " mirpur  khas" and "Mirpur Khas" all give "mirpur khas".
    """
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return ""
    return _SEPARATORS.sub(" ", str(name).casefold()).strip()


def load_aliases(path: str | Path, issues: list[DataIssue] | None = None) -> dict[str, str]:
    """Read alias → district from a CSV with columns alias,district,note.

    Malformed rows (empty alias or district, one alias mapped to two districts)
    are skipped and reported: appended to ``issues`` when a list is given,
    otherwise raised as DataFileError so they are never silently lost.
    """
    path = Path(path)
    found: list[DataIssue] = []
    aliases: dict[str, str] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in ("alias", "district") if c not in (reader.fieldnames or [])]
            if missing:
                raise DataFileError(
                    DataIssue(
                        file=str(path),
                        message=f"missing column(s) {', '.join(missing)}; columns found: "
                        f"{', '.join(reader.fieldnames or []) or 'none'}",
                        hint="The header must be: alias,district,note",
                    )
                )
            for line, row in enumerate(reader, start=2):
                alias = (row.get("alias") or "").strip()
                district = (row.get("district") or "").strip()
                if not alias or not district:
                    found.append(
                        DataIssue(
                            file=str(path),
                            row=line,
                            column="alias" if not alias else "district",
                            message="alias and district must both be filled in",
                            hint="Complete or delete this row.",
                        )
                    )
                    continue
                key = normalise(alias)
                if key in aliases and aliases[key] != district:
                    found.append(
                        DataIssue(
                            file=str(path),
                            row=line,
                            column="alias",
                            value=alias,
                            message=f"alias '{alias}' already maps to '{aliases[key]}', here to '{district}'",
                            hint="Keep one row per alias.",
                        )
                    )
                    continue
                aliases[key] = district
    except OSError as exc:
        raise DataFileError(
            DataIssue(
                file=str(path),
                message=f"cannot read the alias table ({exc.strerror or exc})",
                hint=f"Restore {ALIASES_FILE} (columns alias,district,note).",
            )
        ) from None
    if found and issues is None:
        raise DataFileError(found[0])
    if issues is not None:
        issues.extend(found)
    return aliases


class DistrictMatcher:
    """Resolve written names to canonical district names: exact, then alias.

    ``aliases`` keys may be raw or normalised spellings. Aliases that point at a
    district missing from ``canonical_names`` are listed in ``self.issues``.
    """

    def __init__(
        self,
        canonical_names: Iterable[str],
        aliases: dict[str, str] | None = None,
        aliases_file: str = ALIASES_FILE,
    ):
        self.canonical = sorted({str(n) for n in canonical_names})
        self._exact = {normalise(n): n for n in self.canonical}
        self._alias: dict[str, str] = {}
        self.issues: list[DataIssue] = []
        for alias, district in (aliases or {}).items():
            target = self._exact.get(normalise(district))
            if target is None:
                self.issues.append(
                    DataIssue(
                        file=aliases_file,
                        column="district",
                        value=district,
                        message=f"alias '{alias}' points at '{district}', which is not a district "
                        "in the boundary file",
                        hint=self._hint(district),
                    )
                )
                continue
            self._alias[normalise(alias)] = target

    def match(self, name: object) -> str | None:
        """Canonical district for ``name``, or None when nothing matches exactly."""
        key = normalise(name)
        return self._exact.get(key) or self._alias.get(key)

    def suggest(self, name: object, n: int = 3) -> list[str]:
        """Close canonical names (for hints only; never used to match)."""
        options = {**{k: v for k, v in self._alias.items()}, **self._exact}
        close = difflib.get_close_matches(normalise(name), list(options), n=n * 2, cutoff=0.6)
        return list(dict.fromkeys(options[c] for c in close))[:n]

    def _hint(self, name: object) -> str:
        guesses = self.suggest(name)
        did_you_mean = f"did you mean {' or '.join(guesses)}? or " if guesses else ""
        return f"{did_you_mean}add a row to {ALIASES_FILE} (alias,district,note)"


def match_column(
    df: pd.DataFrame,
    column: str,
    matcher: DistrictMatcher,
    file: str,
    first_line: int = 2,
    out_column: str | None = None,
) -> tuple[pd.DataFrame, list[DataIssue]]:
    """Replace names in ``column`` (or write ``out_column``) with canonical districts.

    Rows whose name matches nothing are removed from the returned frame and
    reported, with their line number (row i of ``df`` is line first_line + i).
    """
    if column not in df.columns:
        raise DataFileError(
            DataIssue(
                file=file,
                message=f"missing column '{column}'; columns found: {', '.join(map(str, df.columns))}",
                hint=f"Add a '{column}' column with district names.",
            )
        )
    out_column = out_column or column
    matched = [matcher.match(v) for v in df[column]]
    issues = []
    # Loaders keep each row's own line in "_line" (rows before it may have been dropped).
    lines = df["_line"].tolist() if "_line" in df.columns else [first_line + i for i in range(len(df))]
    for line, written, canonical in zip(lines, df[column], matched):
        if canonical is None:
            shown = "" if pd.isna(written) else str(written)
            issues.append(
                DataIssue(
                    file=file,
                    row=int(line),
                    column=column,
                    value=shown,
                    message=f"district '{shown}' is not a district in the boundary file"
                    if shown.strip()
                    else "district is empty",
                    hint=matcher._hint(shown),
                )
            )
    result = df.copy()
    result[out_column] = matched
    keep = [m is not None for m in matched]
    return result.loc[keep], issues


def check_sites_within(
    sites_df: pd.DataFrame,
    districts_gdf: gpd.GeoDataFrame,
    file: str,
    first_line: int = 2,
) -> list[DataIssue]:
    """Warn for each site whose lat/lon is not inside its declared district.

    Expects columns district (canonical), lat, lon. Row i is line first_line + i.
    """
    geometry = dict(zip(districts_gdf["district"], districts_gdf.geometry))
    issues = []
    lines = (
        sites_df["_line"].tolist()
        if "_line" in sites_df.columns
        else [first_line + i for i in range(len(sites_df))]
    )
    for line, row in zip(lines, sites_df.itertuples(index=False)):
        line = int(line)
        lat = pd.to_numeric(row.lat, errors="coerce")
        lon = pd.to_numeric(row.lon, errors="coerce")
        if pd.isna(lat) or pd.isna(lon):
            issues.append(
                DataIssue(
                    file=file,
                    row=line,
                    column="lat",
                    severity="warning",
                    message="site has no valid lat/lon",
                    hint="Fill in decimal degrees (WGS84).",
                )
            )
            continue
        point = shapely.Point(lon, lat)
        declared = row.district
        if declared in geometry and geometry[declared].covers(point):
            continue
        containing = [d for d, g in geometry.items() if g.covers(point)]
        where = f"it lies in {containing[0]}" if containing else "it lies outside every district"
        issues.append(
            DataIssue(
                file=file,
                row=line,
                column="lat",
                value=f"{lat}, {lon}",
                severity="warning",
                message=f"site at {lat}, {lon} is not inside its district '{declared}'; {where}",
                hint="Check the coordinates (lat, lon order) or the district.",
            )
        )
    return issues
