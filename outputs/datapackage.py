"""An edition as a Frictionless Data Package (issue #26 item 2): ``datapackage.json``, CSV resources with
Table Schemas, the district boundaries as GeoJSON, zipped.

What the package holds is the edition's content, the tables its checksum covers
(``cluster_model.publishing.edition_tables``: what the atlas shows for the round through the one view):
the clusters with their classification, indicators, sources and sites; every cluster × indicator value
(``not assessed`` included, with empty source); the gaps per district and per cluster, each with its
coverage (weight share, indicators assessed of those in scope, the low-coverage flag). The Table Schemas
give their types, constraints, primary and foreign keys. Unknown is an empty cell (``null`` under the
schema) with its status, never 0. An
illustrative round (a draft) is marked in the title, in a top-level ``illustrative`` (``draft``) member and
in an ``illustrative`` (``draft``) column of every table. The edition's id, checksum and citation are top-level members.

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
    file_prefix,
    sources_table,
)
from cluster_model.identity import atlas_name
from cluster_model.loading import Dataset
from cluster_model.view import View
from cluster_model.vocabulary import DRAFT_MARK, ILLUSTRATIVE_MARK, INDICATOR_GROUPS, PILLARS, STATUSES
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

# Fields per table: name -> (type, description, constraints). Types and constraints are Table Schema's;
# the columns are those of ``cluster_model.publishing.edition_tables`` (the content the checksum covers).
_ID = {"required": True}
_SHARE = {"minimum": 0, "maximum": 1}
_COUNT = {"required": True, "minimum": 0}
_FLAG = ["yes", "no", NOT_ASSESSED]
_GAP_FIELDS = {
    "gap": (
        "number",
        "Weighted share of assessed indicators absent (1) or partial (0.5); empty = unknown.",
        _SHARE,
    ),
    "gap_status": (
        "string",
        "'assessed', or 'not assessed' where the gap is unknown.",
        {"required": True, "enum": ["assessed", NOT_ASSESSED]},
    ),
    "indicators_assessed": ("integer", "Indicators assessed.", _COUNT),
    "indicators_total": ("integer", "Indicators in scope.", _COUNT),
    "coverage": ("number", "Share of the indicators' weight that is assessed.", {"required": True, **_SHARE}),
    "low_coverage": (
        "string",
        "Coverage under data/rules.yaml's warning: yes / no; 'not assessed' without a gap.",
        {"required": True, "enum": _FLAG},
    ),
}
SCHEMAS: dict[str, dict] = {
    "sources": {
        "fields": {
            "source_id": ("string", "Source id.", {**_ID, "unique": True}),
            "citation": ("string", "Cite as.", _ID),
            "title": ("string", "Title.", {}),
            "kind": ("string", "Kind of source.", {}),
            "date": ("string", "Date as stated; empty when the source gives none.", {}),
            "location": ("string", "Where the source is.", {}),
            "note": ("string", "Note.", {}),
        },
        "primaryKey": ["source_id"],
    },
    "clusters": {
        "fields": {
            "cluster_id": ("string", "Cluster id.", {**_ID, "unique": True}),
            "number": ("integer", "Number in the policy dialogue report.", {}),
            "name": ("string", "Name.", _ID),
            "source_id": ("string", "Source naming the cluster.", _ID),
            "computed_classification": ("string", "Cluster / agglomeration computed from the indicators (data/rules.yaml).", {}),
            "published_classification": ("string", "As the HRD study published it; empty when it did not.", {}),
            "published_source_id": ("string", "Source of the published classification.", {}),
        },
        "primaryKey": ["cluster_id"],
        "foreignKeys": [("source_id", "sources", "source_id"), ("published_source_id", "sources", "source_id")],
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
            "district": ("string", "District as the source names it (data/district_aliases.csv maps spellings).", _ID),
            "lat": ("number", "Latitude (WGS84); empty = unknown.", {"minimum": -90, "maximum": 90}),
            "lon": ("number", "Longitude (WGS84); empty = unknown.", {"minimum": -180, "maximum": 180}),
            "location_note": ("string", "How the location was placed.", {}),
            "source_id": ("string", "Source.", _ID),
        },
        "primaryKey": ["cluster_id", "place", "district"],
        "foreignKeys": [("cluster_id", "clusters", "cluster_id"), ("source_id", "sources", "source_id")],
    },
    "assessments": {
        "fields": {
            "cluster_id": ("string", "Cluster id.", _ID),
            "indicator_id": ("string", "Indicator id.", _ID),
            "pillar": ("string", "Pillar of the indicator.", {"enum": list(INDICATOR_GROUPS)}),
            "status": ("string", "Present / partial / absent, or not assessed (unknown).", {**_ID, "enum": list(STATUSES)}),
            "value_round_id": ("string", "Round the value comes from (values carry forward); empty when not assessed.", {}),
            "source_id": ("string", "Source of the value; empty when not assessed.", {}),
            "source": ("string", "The source's citation.", {}),
            "note": ("string", "What the source says.", {}),
        },
        "primaryKey": ["cluster_id", "indicator_id"],
        "foreignKeys": [
            ("cluster_id", "clusters", "cluster_id"),
            ("indicator_id", "indicators", "indicator_id"),
            ("source_id", "sources", "source_id"),
        ],
    },
    "district_gaps": {
        "fields": {
            "district": ("string", "District.", _ID),
            "pillar": ("string", "Pillar, or 'all' for the four together.", {**_ID, "enum": _GAP_PILLARS}),
            **_GAP_FIELDS,
            "clusters": ("string", "Cluster ids with a site in the district, ';'-separated.", {}),
        },
        "primaryKey": ["district", "pillar"],
    },
    "cluster_gaps": {
        "fields": {
            "cluster_id": ("string", "Cluster id.", _ID),
            "pillar": ("string", "Pillar.", {**_ID, "enum": _GAP_PILLARS}),
            **_GAP_FIELDS,
        },
        "primaryKey": ["cluster_id", "pillar"],
        "foreignKeys": [("cluster_id", "clusters", "cluster_id")],
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


# The columns that mark every row of a package that is not a citable edition (the checksum does not cover them).
MARKS = {
    "illustrative": (ILLUSTRATIVE_MARK, "Invented data: do not cite."),
    "draft": (DRAFT_MARK, "A draft an editor is working on: not reviewed, not to be cited."),
}


def marks(illustrative: bool, state: str | None) -> list[str]:
    """The marks a package carries: ``illustrative`` (invented data), ``draft`` (not published)."""
    return [m for m, on in (("illustrative", illustrative), ("draft", state == "draft")) if on]


def package_tables(content: dict[str, pd.DataFrame], marked: list[str]) -> dict[str, pd.DataFrame]:
    """Every CSV resource: the edition's content in its schema's column order, with a column per mark."""
    tables = {name: content[name][list(SCHEMAS[name]["fields"])].reset_index(drop=True) for name in SCHEMAS}
    columns = {m: MARKS[m][0] for m in marked}
    return {name: frame.assign(**columns) for name, frame in tables.items()}


def _schema(name: str, marked: list[str]) -> dict:
    spec = SCHEMAS[name]
    fields = [
        {"name": field, "type": kind, "description": text, **({"constraints": c} if c else {})}
        for field, (kind, text, c) in spec["fields"].items()
    ]
    fields += [{"name": m, "type": "string", "description": MARKS[m][1]} for m in marked]
    schema = {"fields": fields, "missingValues": [""], "primaryKey": spec["primaryKey"]}
    keys = [
        {"fields": field, "reference": {"resource": target, "fields": key}}
        for field, target, key in spec.get("foreignKeys", [])
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


def package_file_name(edition_id: str, marks) -> str:
    """The zip's file name, which says ``DRAFT-``/``ILLUSTRATIVE-`` like every file of such a round
    (``marks``: a view or ``cluster_model.exports.RoundMarks``)."""
    return f"{file_prefix(marks)}{package_name(edition_id)}.zip"


def descriptor(tables: dict[str, pd.DataFrame], edition: dict, marked: list[str]) -> dict:
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
            "schema": _schema(name, marked),
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
        "title": "".join(MARKS[m][0] + ": " for m in marked) + title,
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
        "illustrative": "illustrative" in marked,
        "draft": "draft" in marked,
        **({"warning": "; ".join(f"{MARKS[m][0]}: {MARKS[m][1]}" for m in marked)} if marked else {}),
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
    content: dict[str, pd.DataFrame], view: View, districts: gpd.GeoDataFrame | None, edition: dict
) -> bytes:
    """The zipped package of an edition: ``content`` its tables (``publishing.edition_tables``), ``view``
    the unfiltered view of its round (the boundaries' figures), ``edition`` as :func:`descriptor`."""
    marked = marks(view.illustrative, edition.get("state"))
    tables = package_tables(content, marked)
    package = descriptor(tables, edition, marked)
    if districts is None:  # no boundary file: the package says so by leaving the resource out
        package["resources"] = [r for r in package["resources"] if r["name"] != "districts"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        for name, frame in tables.items():
            archive.writestr(f"data/{name}.csv", _csv(frame))
        if districts is not None:
            ds = view.dataset
            geo = boundaries_geojson(ds, view, districts, sources_table(ds))
            archive.writestr("data/districts.geojson", to_geojson_bytes(geo))
    return buf.getvalue()


def served_package(engine, ds: Dataset, served, sites: pd.DataFrame, districts, url: str) -> bytes:
    """The package of what is served (``cluster_model.served.Served``: an edition, an illustrative round or
    a draft) at ``url``: its content over the rounds it is made of, its view, its record."""
    from cluster_model import publishing
    from cluster_model import served as sv
    from cluster_model.view import make_view

    own = sv.dataset_of(engine, ds, served)
    view = make_view(own, served.round_id, sites=sites)
    return data_package(
        publishing.edition_tables(own, served.round_id), view, districts, sv.package_record(served, url)
    )
