"""District boundaries: find, load, check and simplify them.

The boundary files are not part of the project (they are ODbL data kept in
``../shared/boundaries/`` or fetched by ``scripts/fetch_boundaries.py``).
``load_boundaries`` turns any such vector file into one tidy GeoDataFrame with
the columns ``district``, ``division``, ``province``, ``geometry`` in EPSG:4326,
or raises ``DataFileError`` with a message the user can act on.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from cluster_model.issues import DataFileError, DataIssue
from cluster_model.settings import DEFAULT_PROVINCE, settings

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BOUNDARIES = REPO_ROOT.parent / "shared" / "boundaries" / "sindh_adm2.geojson"
DOWNLOADED_BOUNDARIES = (
    REPO_ROOT / "var" / "boundaries" / "sindh_adm2.geojson"
)  # `make setup` without ../shared

BOUNDARY_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"

# Columns tried, in order, when the requested name column is absent.
ALTERNATIVE_NAME_COLUMNS = ("district", "shapeName", "ADM2_EN")
OUTPUT_COLUMNS = ["district", "division", "province", "geometry"]

_MISSING_HINT = (
    "Put sindh_adm2.geojson and pakistan_adm2.geojson in ../shared/boundaries beside the atlas folder "
    f"({DEFAULT_BOUNDARIES.parent}), or run `make setup` to download and check them (once, with network), "
    "or set ATLAS_BOUNDARIES to a district boundary file."
)


def boundaries_path() -> Path:
    """The boundary file to use: $ATLAS_BOUNDARIES if set, else the shared default, else the
    copy `make setup` downloaded into var/boundaries."""
    configured = settings().boundaries
    if configured:
        return configured
    if not DEFAULT_BOUNDARIES.exists() and DOWNLOADED_BOUNDARIES.exists():
        return DOWNLOADED_BOUNDARIES
    return DEFAULT_BOUNDARIES


def boundaries_province() -> str | None:
    """Province to keep: $ATLAS_PROVINCE (empty string = all), default Sindh."""
    return settings().province


def provenance_text(path: str | Path | None = None) -> str | None:
    """Text of PROVENANCE.md next to the boundary file, or None if there is none."""
    path = Path(path) if path is not None else boundaries_path()
    provenance = path.parent / "PROVENANCE.md"
    try:
        return provenance.read_text(encoding="utf-8")
    except OSError:
        return None


def _fail(path: Path, message: str, hint: str) -> DataFileError:
    return DataFileError(DataIssue(file=str(path), message=message, hint=hint))


def _read_vector(path: Path) -> gpd.GeoDataFrame:
    """Read any OGR vector file (GeoJSON, GeoPackage, Shapefile …) with pyogrio."""
    if not path.exists():
        raise _fail(path, "boundary file not found", _MISSING_HINT)
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, OSError) as exc:
        raise _fail(
            path,
            f"cannot be read as a vector boundary file ({exc})",
            "Use a GeoJSON, GeoPackage or Shapefile of district polygons.",
        ) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.isna().all():
        raise _fail(path, "has no geometry", "Use a file of district polygons.")
    return gdf


def _to_wgs84(gdf: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """Return the frame in EPSG:4326, its coordinates checked to be longitude/latitude whatever the file declares."""
    out = _reproject(gdf, path)
    minx, miny, maxx, maxy = (float(v) for v in out.total_bounds)
    finite = all(map(math.isfinite, (minx, miny, maxx, maxy)))
    if not finite or minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        declared = (
            "no CRS"
            if gdf.crs is None
            else f"CRS {gdf.crs.to_string()}"
            + (" (GeoJSON's default)" if path.suffix.lower() in (".geojson", ".json") else "")
        )
        span = f"({minx:.0f}, {miny:.0f}) – ({maxx:.0f}, {maxy:.0f})" if finite else "(not finite numbers)"
        raise _fail(
            path,
            f"its coordinates {span} are not longitude/latitude, although the file declares {declared}: "
            "they look like projected coordinates (e.g. metres) with a wrong or missing CRS",
            "Save the file with its real coordinate reference system (e.g. as GeoPackage) "
            "or reproject it to WGS84 (EPSG:4326) in a GIS tool.",
        )
    return out


def _reproject(gdf: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise _fail(
                path,
                f"is not geographic: it has no CRS and its coordinates "
                f"({minx:.0f}, {miny:.0f}) – ({maxx:.0f}, {maxy:.0f}) are not longitude/latitude",
                "Save the file with its coordinate reference system (e.g. as GeoPackage) "
                "or reproject it to WGS84 (EPSG:4326).",
            )
        return gdf.set_crs(4326)
    if gdf.crs.to_epsg() == 4326:
        return gdf
    return gdf.to_crs(4326)


def _polygonal(geom):
    """Keep only the polygon parts of a geometry, as a MultiPolygon (or None)."""
    if geom is None or geom.is_empty:
        return None
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.MultiPolygon(list(shapely.get_parts(parts)))


def _repair(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """make_valid the invalid geometries, keeping polygonal parts only."""
    invalid = ~geoms.is_valid
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid].values)
    return gpd.GeoSeries([_polygonal(g) for g in geoms], index=geoms.index, crs=geoms.crs)


def _name_column(gdf: gpd.GeoDataFrame, name_column: str, path: Path) -> str:
    for column in (name_column, *ALTERNATIVE_NAME_COLUMNS):
        if column in gdf.columns and column != gdf.geometry.name:
            return column
    found = ", ".join(c for c in gdf.columns if c != gdf.geometry.name) or "none"
    raise _fail(
        path,
        f"has no district name column '{name_column}' (also tried "
        f"{', '.join(ALTERNATIVE_NAME_COLUMNS)}); columns found: {found}",
        "Pass name_column= the column holding district names, or use a file with a 'name' column.",
    )


def load_boundaries(
    path: str | Path | None = None,
    province: str | None = DEFAULT_PROVINCE,
    name_column: str = "name",
) -> gpd.GeoDataFrame:
    """Load district polygons as columns district, division, province, geometry (EPSG:4326).

    ``province`` filters on the file's ``province`` column when it has one
    (None or "" keeps every feature). Raises DataFileError for any unusable file.
    """
    path = Path(path) if path is not None else boundaries_path()
    gdf = _to_wgs84(_read_vector(path), path)
    name_col = _name_column(gdf, name_column, path)

    if province and "province" in gdf.columns:
        wanted = province.strip().casefold()
        keep = gdf["province"].astype("string").str.strip().str.casefold() == wanted
        if not keep.any():
            found = ", ".join(sorted(gdf["province"].dropna().astype(str).unique())) or "none"
            raise _fail(
                path,
                f"has no district in province '{province}'; provinces found: {found}",
                "Set ATLAS_PROVINCE to one of these (empty = all), or use another boundary file.",
            )
        gdf = gdf[keep]

    out = gpd.GeoDataFrame(
        {
            "district": gdf[name_col].astype("string").str.strip(),
            "division": gdf["division"].astype("string") if "division" in gdf else pd.NA,
            "province": gdf["province"].astype("string") if "province" in gdf else (province or pd.NA),
        },
        geometry=_repair(gdf.geometry),
        crs=4326,
    ).reset_index(drop=True)
    out["division"] = out["division"].astype("string")
    out["province"] = out["province"].astype("string")

    unnamed = out["district"].isna() | (out["district"] == "")
    if unnamed.any():
        raise _fail(
            path,
            f"{int(unnamed.sum())} feature(s) have no district name in column '{name_col}'",
            "Fill in the names or remove those features.",
        )
    dupes = sorted(out.loc[out["district"].duplicated(), "district"].unique())
    if dupes:
        raise _fail(
            path,
            f"district names occur more than once: {', '.join(dupes)}",
            "Dissolve the file to one feature per district (or filter by province).",
        )
    empty = out.loc[out.geometry.isna(), "district"].tolist()
    if empty:
        raise _fail(
            path,
            f"districts without a usable polygon: {', '.join(empty)}",
            "Check these features' geometry in a GIS tool.",
        )
    return out[OUTPUT_COLUMNS]


def simplify_for_display(gdf: gpd.GeoDataFrame, tolerance_deg: float) -> gpd.GeoDataFrame:
    """Simplify the districts as one coverage so that shared borders stay shared.

    Pure: returns a new frame. Uses ``shapely.coverage_simplify`` (GEOS ≥ 3.12)
    when available, else per-geometry topology-preserving simplification.
    """
    out = gdf.copy()
    if tolerance_deg <= 0:
        return out
    if hasattr(shapely, "coverage_simplify"):
        simplified = shapely.coverage_simplify(gdf.geometry.values, tolerance_deg)
        out = out.set_geometry(gpd.GeoSeries(simplified, index=gdf.index, crs=gdf.crs))
    else:  # older shapely/GEOS
        out = out.set_geometry(gdf.geometry.simplify(tolerance_deg, preserve_topology=True))
    return out
