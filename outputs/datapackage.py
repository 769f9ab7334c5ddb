"""An edition as a Frictionless Data Package (issue #26 item 2): ``datapackage.json``, CSV resources with
Table Schemas, the district boundaries as GeoJSON, zipped.

What the package holds is what the atlas shows for the edition's round with no filter (one
``cluster_model.view.View``): the clusters, indicators, sources and sites; every cluster × indicator value
as of the round (``not assessed`` included, with empty source); the gaps per district and per cluster,
overall and per pillar, each with its coverage (weight share, indicators assessed of those in scope, the
low-coverage flag). Unknown is an empty cell (``null`` under the schema) with its status, never 0. An
illustrative round is marked in the title, in a top-level ``illustrative`` member and in an
``illustrative`` column of every table. The edition's id, checksum and citation are top-level members.

Specification: https://datapackage.org (Data Package, Table Schema, CSV Dialect).
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import geopandas as gpd
import pandas as pd

from cluster_model.exports import (
    BOUNDARY_LICENCE,
    DATA_LICENCE,
    NOT_ASSESSED,
    low_coverage_text,
    sources_table,
)
from cluster_model.identity import atlas_name
from cluster_model.loading import Dataset
from cluster_model.view import View
from cluster_model.vocabulary import ILLUSTRATIVE_MARK, INDICATOR_GROUPS, PILLARS, STATUSES
from geo.boundaries import BOUNDARY_ATTRIBUTION
from geo.export_geojson import districts_geojson, to_geojson_bytes
from outputs.tables import neutralise_frame

PROFILE = "data-package"  # not tabular-data-package: the boundaries are a GeoJSON resource
ALL_PILLARS = "all"  # the gap over every pillar, beside each pillar's own
ODBL = {
    "name": "ODbL-1.0",
    "path": "https://opendatacommons.org/licenses/odbl/1-0/",
    "title": "Open Data Commons Open Database License 1.0",
}
_GAP_PILLARS = [ALL_PILLARS, *PILLARS]

# Fields per table: name -> (type, description, constraints). Types and constraints are Table Schema's.
_ID = {"required": True}
_SHARE = {"minimum": 0, "maximum": 1}
_COUNT = {"required": True, "minimum": 0}
_GAP_FIELDS = {
    "gap": ("number", "Weighted share of assessed indicators absent (1) or partial (0.5); empty = unknown.", _SHARE),
    "gap_status": ("string", "'assessed', or 'not assessed' where the gap is unknown.", {"required": True, "enum": ["assessed", NOT_ASSESSED]}),
    "coverage": ("number", "Share of the indicators' weight that is assessed.", {"required": True, **_SHARE}),
    "n_assessed": ("integer", "Indicators assessed.", _COUNT),
    "n_indicators": ("integer", "Indicators in scope.", _COUNT),
    "low_coverage": ("boolean", "The gap rests on less weight than data/rules.yaml's warning; empty without a gap.", {}),
    "n_gaps": ("integer", "Indicators absent or partial.", _COUNT),
}  # fmt: skip
SCHEMAS: dict[str, dict] = {
    "sources": {
        "fields": {
            "source_id": ("string", "Source id.", {**_ID, "unique": True}),
            "citation": ("string", "Cite as.", _ID),
            "title": ("string", "Title.", {}),
            "kind": ("string", "Kind of source.", {}),
            "date": ("string", "Date as stated ('not stated' when the source gives none).", {}),
            "location": ("string", "Where the source is.", {}),
            "note": ("string", "Note.", {}),
            "licence": ("string", "Licence or terms.", {}),
        },
        "primaryKey": ["source_id"],
    },
    "clusters": {
        "fields": {
            "cluster_id": ("string", "Cluster id.", {**_ID, "unique": True}),
            "number": ("integer", "Number in the policy dialogue report.", {}),
            "name": ("string", "Name.", _ID),
            "source_id": ("string", "Source naming the cluster.", _ID),
        },
        "primaryKey": ["cluster_id"],
        "foreignKeys": [("source_id", "sources")],
    },
    "indicators": {
        "fields": {
            "indicator_id": ("string", "Indicator id.", {**_ID, "unique": True}),
            "pillar": ("string", "Pillar (or the cluster-structure group).", {**_ID, "enum": list(INDICATOR_GROUPS)}),
            "name": ("string", "Name.", _ID),
            "how_assessed": ("string", "What present, partial and absent mean.", {}),
            "weight": ("number", "Weight in the gap.", {"minimum": 0}),
            "cluster_defining": ("boolean", "Used by the cluster / agglomeration rule.", {}),
            "reference": ("string", "Where the indicator comes from.", {}),
        },
        "primaryKey": ["indicator_id"],
    },
    "sites": {
        "fields": {
            "cluster_id": ("string", "Cluster id.", _ID),
            "place": ("string", "Place as the source names it.", _ID),
            "district": ("string", "District (the boundary file's name).", _ID),
            "lat": ("number", "Latitude (WGS84); empty = unknown.", {"minimum": -90, "maximum": 90}),
            "lon": ("number", "Longitude (WGS84); empty = unknown.", {"minimum": -180, "maximum": 180}),
            "location_note": ("string", "How the location was placed.", {}),
            "source_id": ("string", "Source.", _ID),
        },
        "primaryKey": ["cluster_id", "place", "district"],
        "foreignKeys": [("cluster_id", "clusters"), ("source_id", "sources")],
    },
    "assessments": {
        "fields": {
            "cluster_id": ("string", "Cluster id.", _ID),
            "indicator_id": ("string", "Indicator id.", _ID),
            "pillar": ("string", "Pillar of the indicator.", {"enum": list(INDICATOR_GROUPS)}),
            "status": ("string", "Present / partial / absent, or not assessed (unknown).", {**_ID, "enum": list(STATUSES)}),
            "round_id": ("string", "Round the value was assessed in (values carry forward); empty when not assessed.", {}),
            "source_id": ("string", "Source of the value; empty when not assessed.", {}),
            "note": ("string", "What the source says.", {}),
        },
        "primaryKey": ["cluster_id", "indicator_id"],
        "foreignKeys": [("cluster_id", "clusters"), ("indicator_id", "indicators"), ("source_id", "sources")],
    },
    "district_gaps": {
        "fields": {
            "district": ("string", "District.", _ID),
            "pillar": ("string", "Pillar, or 'all' for the four together.", {**_ID, "enum": _GAP_PILLARS}),
            **_GAP_FIELDS,
            "clusters": ("string", "Cluster ids with a site in the district, '; '-separated.", {}),
        },
        "primaryKey": ["district", "pillar"],
    },
    "cluster_gaps": {
        "fields": {
            "cluster_id": ("string", "Cluster id.", _ID),
            "pillar": ("string", "Pillar, or 'all' for the four together.", {**_ID, "enum": _GAP_PILLARS}),
            **_GAP_FIELDS,
        },
        "primaryKey": ["cluster_id", "pillar"],
        "foreignKeys": [("cluster_id", "clusters")],
    },
}  # fmt: skip
TITLES = {
    "sources": "Sources",
    "clusters": "Clusters",
    "indicators": "Indicator framework",
    "sites": "Cluster sites",
    "assessments": "Indicator values as of the edition",
    "district_gaps": "Gaps by district, with coverage",
    "cluster_gaps": "Gaps by cluster, with coverage",
}


def gap_rows(scores: pd.DataFrame, key: str, **extra) -> pd.DataFrame:
    """Gap figures as the package and the API give them: ``key`` and ``extra`` columns, then the gap (empty
    when unknown) with its status and its coverage (share of weight, indicators assessed of those in scope,
    the low-coverage flag, empty where there is no gap to flag)."""
    flag = low_coverage_text(scores)
    return pd.DataFrame(
        {
            key: scores[key],
            **extra,
            "gap": scores["gap"].astype(float),
            "gap_status": ["assessed" if pd.notna(g) else NOT_ASSESSED for g in scores["gap"]],
            "coverage": scores["coverage"].astype(float),
            "n_assessed": scores["n_assessed"].astype(int),
            "n_indicators": scores["n_indicators"].astype(int),
            "low_coverage": [None if f == NOT_ASSESSED else f == "yes" for f in flag],
            "n_gaps": scores["n_gaps"].astype(int),
        }
    )


def _per_pillar(scores: pd.DataFrame, key: str) -> pd.DataFrame:
    return gap_rows(scores, key, pillar=scores["pillar"])


def gap_tables(view: View) -> dict[str, pd.DataFrame]:
    """District and cluster gaps of ``view``: over all its pillars (pillar 'all'), then per pillar."""
    districts = pd.concat(
        [
            gap_rows(view.district_scores(every_district=True), "district", pillar=ALL_PILLARS),
            _per_pillar(view.district_scores(per_pillar=True, every_district=True), "district"),
        ],
        ignore_index=True,
    )
    members = view.district_scores(every_district=True).set_index("district")["clusters"]
    districts["clusters"] = districts["district"].map(lambda d: "; ".join(members.get(d, []) or []))
    clusters = pd.concat(
        [
            gap_rows(view.cluster_gaps(per_pillar=False), "cluster_id", pillar=ALL_PILLARS),
            _per_pillar(view.cluster_gaps(per_pillar=True), "cluster_id"),
        ],
        ignore_index=True,
    )
    return {
        "district_gaps": districts.sort_values(["district", "pillar"], kind="stable"),
        "cluster_gaps": clusters.sort_values(["cluster_id", "pillar"], kind="stable"),
    }


def package_tables(ds: Dataset, view: View, sites: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every CSV resource of the package as a frame in its schema's column order."""
    sources = sources_table(ds)
    sources.columns = list(SCHEMAS["sources"]["fields"])
    matrix = view.matrix
    tables = {
        "sources": sources,
        "clusters": ds.clusters,
        "indicators": ds.indicators,
        "sites": sites.drop_duplicates(["cluster_id", "place", "district"]),
        "assessments": matrix.assign(
            round_id=matrix["round_id"].where(matrix["status"] != NOT_ASSESSED, ""),
            source_id=matrix["source_id"].where(matrix["status"] != NOT_ASSESSED, ""),
        ),
        **gap_tables(view),
    }
    tables = {
        name: frame[list(SCHEMAS[name]["fields"])].reset_index(drop=True) for name, frame in tables.items()
    }
    if view.illustrative:
        tables = {name: frame.assign(illustrative=ILLUSTRATIVE_MARK) for name, frame in tables.items()}
    return tables


def _schema(name: str, illustrative: bool) -> dict:
    spec = SCHEMAS[name]
    fields = [
        {"name": field, "type": kind, "description": text, **({"constraints": c} if c else {})}
        for field, (kind, text, c) in spec["fields"].items()
    ]
    if illustrative:
        fields.append(
            {"name": "illustrative", "type": "string", "description": "Invented data: do not cite."}
        )
    schema = {"fields": fields, "missingValues": [""], "primaryKey": spec["primaryKey"]}
    keys = [
        {"fields": field, "reference": {"resource": target, "fields": field}}
        for field, target in spec.get("foreignKeys", [])
    ]
    if keys:
        schema["foreignKeys"] = keys
    if "low_coverage" in spec["fields"] or "cluster_defining" in spec["fields"]:
        schema["fields"] = [
            {**f, "trueValues": ["true"], "falseValues": ["false"]} if f["type"] == "boolean" else f
            for f in fields
        ]
    return schema


def _csv(frame: pd.DataFrame) -> bytes:
    # Booleans as the schema's true/false; unknown (NaN, None) an empty cell; text neutralised against
    # spreadsheet formulas like every file the atlas writes (outputs.tables).
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, bool)).any():
            out[column] = out[column].map(lambda v: "" if v is None or pd.isna(v) else str(bool(v)).lower())
    return neutralise_frame(out).to_csv(index=False, lineterminator="\n").encode("utf-8")


def package_name(edition_id: str) -> str:
    """The package's ``name``: lower case, digits, ``-._`` only (the spec's pattern)."""
    return re.sub(r"[^a-z0-9._-]+", "-", f"sindh-cluster-atlas-{edition_id}".lower()).strip("-")


def descriptor(tables: dict[str, pd.DataFrame], edition: dict, illustrative: bool) -> dict:
    """``datapackage.json``: the resources with their schemas, and the edition's id, checksum and citation.

    ``edition``: ``id``, ``checksum``, ``citation`` (text), ``state``, ``date`` and ``round_id``."""
    resources = [
        {
            "name": name,
            "path": f"data/{name}.csv",
            "profile": "tabular-data-resource",
            "title": TITLES[name],
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": _schema(name, illustrative),
        }
        for name in tables
    ]
    resources.append(
        {
            "name": "districts",
            "path": "data/districts.geojson",
            "title": "District boundaries with gap and coverage",
            "format": "geojson",
            "mediatype": "application/geo+json",
            "encoding": "utf-8",
            "licenses": [ODBL],
            "sources": [{"title": f"District boundaries {BOUNDARY_ATTRIBUTION}"}],
        }
    )
    title = f"{atlas_name()}: indicators of industrial cluster development, edition {edition['id']}"
    return {
        "profile": PROFILE,
        "name": package_name(edition["id"]),
        "id": f"{package_name(edition['id'])}-{edition['checksum'][:12]}",
        "title": (ILLUSTRATIVE_MARK + ": " if illustrative else "") + title,
        "description": " ".join(
            [
                "Unknown values are empty (null) with their status ('not assessed'), never 0.",
                "Every gap carries its coverage.",
                DATA_LICENCE,
                BOUNDARY_LICENCE,
            ]
        ),
        # the spec's created is an RFC 3339 datetime: the edition's date, at its start (UTC)
        **({"created": f"{edition['date']}T00:00:00Z"} if edition.get("date") else {}),
        "licenses": [ODBL],
        "sources": [{"title": t} for t in tables["sources"]["citation"]],
        "edition": edition["id"],
        "edition_state": edition.get("state"),
        "round_id": edition.get("round_id"),
        "checksum": {"algorithm": "sha256", "value": edition["checksum"]},
        "citation": edition.get("citation", ""),
        "illustrative": bool(illustrative),
        **({"warning": ILLUSTRATIVE_MARK + ": invented for demonstration and training. Do not cite."} if illustrative else {}),
        "resources": resources,
    }  # fmt: skip


def boundaries_geojson(ds: Dataset, view: View, districts: gpd.GeoDataFrame, sources: pd.DataFrame) -> dict:
    """The edition's districts with their gap and coverage (``geo.export_geojson``, as the Export page)."""
    return districts_geojson(
        districts,
        view.district_scores(every_district=True),
        view.district_scores(per_pillar=True, every_district=True),
        cluster_names=dict(zip(ds.clusters["cluster_id"], ds.clusters["name"])),
        sources=sources.to_dict("records"),
        licence=[f"District boundaries {BOUNDARY_ATTRIBUTION}", BOUNDARY_LICENCE, DATA_LICENCE],
        generated=view.generated,
        round_info={"id": view.round_id, "label": view.round_label},
        filters=view.as_dict(),
        illustrative=view.illustrative,
    )


def data_package(
    ds: Dataset, view: View, sites: pd.DataFrame, districts: gpd.GeoDataFrame | None, edition: dict
) -> bytes:
    """The zipped package of ``view``'s round (``view`` unfiltered); ``edition`` as :func:`descriptor`."""
    tables = package_tables(ds, view, sites)
    package = descriptor(tables, edition, view.illustrative)
    if districts is None:  # no boundary file: the package says so by leaving the resource out
        package["resources"] = [r for r in package["resources"] if r["name"] != "districts"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        for name, frame in tables.items():
            archive.writestr(f"data/{name}.csv", _csv(frame))
        if districts is not None:
            geo = boundaries_geojson(ds, view, districts, sources_table(ds))
            archive.writestr("data/districts.geojson", to_geojson_bytes(geo))
    return buf.getvalue()
