"""The API described for machines: an OpenAPI 3.1 document (``GET /api/v1/openapi.json``).

Written out by hand from the routes in ``web/api.py`` (they are few and fixed); the schemathesis test
(tests/test_api_fuzz.py) sends requests generated from this document and fails on any answer that does
not match it, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from cluster_model.i18n import LANGUAGES
from cluster_model.vocabulary import PILLARS, STATUSES

VERSION = "1.0.0"
NULLABLE_NUMBER = {"type": ["number", "null"]}
NULLABLE_TEXT = {"type": ["string", "null"]}
NULLABLE_BOOL = {"type": ["boolean", "null"]}
COUNT = {"type": "integer", "minimum": 0}

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "parameter": {"type": "string", "description": "The parameter refused."},
        "invalid": {"type": "array", "items": {"type": "string"}},
        "allowed": {"type": "array", "items": {"type": "string"}, "description": "The values it takes."},
        "detail": {"type": "string"},
        "retry_after_seconds": {"type": "integer"},
    },
}
_GAP = {
    "gap": {**NULLABLE_NUMBER, "minimum": 0, "maximum": 1, "description": "null when unknown (not 0)"},
    "gap_status": {"enum": ["assessed", "not assessed"]},
    "coverage": {"type": "number", "minimum": 0, "maximum": 1},
    "n_assessed": COUNT,
    "n_indicators": COUNT,
    "low_coverage": {**NULLABLE_BOOL, "description": "null where there is no gap figure"},
    "n_gaps": COUNT,
}
_ABOUT = {
    "edition": {"type": "string"},
    "round_id": {"type": "string"},
    "state": {"enum": ["published", "superseded", "draft", "illustrative"]},
    "checksum": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "illustrative": {"type": "boolean"},
    "warning": {"type": "string"},
}
_CITATION = {
    "type": "object",
    "required": ["text", "bibtex", "ris"],
    "properties": {"text": {"type": "string"}, "bibtex": {"type": "string"}, "ris": {"type": "string"}},
}
SCHEMAS = {
    "Error": _ERROR,
    "Edition": {
        "type": "object",
        "required": ["edition", "round_id", "state", "checksum", "illustrative", "citation"],
        "properties": {
            **_ABOUT,
            "citation": {"anyOf": [_CITATION, {"type": "null"}], "description": "null: not an edition, not to cite"},
            "links": {"type": "object"},
        },
    },
    "Editions": {
        "type": "object",
        "required": ["editions"],
        "properties": {"editions": {"type": "array", "items": {"$ref": "#/components/schemas/Edition"}}},
    },
    "DistrictGap": {
        "type": "object",
        "required": ["district", *_GAP, "clusters"],
        "properties": {"district": {"type": "string"}, **_GAP, "clusters": {"type": "array", "items": {"type": "string"}}},
    },
    "Gaps": {
        "type": "object",
        "required": [*_ABOUT.keys() - {"warning"}, "filters", "gaps"],
        "properties": {
            **_ABOUT,
            "filters": {"type": "object"},
            "gaps": {"type": "array", "items": {"$ref": "#/components/schemas/DistrictGap"}},
        },
    },
    "Cluster": {
        "type": "object",
        "required": ["cluster_id", "name", "districts", "source_id"],
        "properties": {
            "cluster_id": {"type": "string"},
            "number": {"type": ["integer", "null"]},
            "name": {"type": "string"},
            "districts": {"type": "array", "items": {"type": "string"}},
            "source_id": {"type": "string"},
            "source": {"type": "string"},
            "computed_classification": NULLABLE_TEXT,
            "published_classification": NULLABLE_TEXT,
        },
    },
    "Clusters": {
        "type": "object",
        "required": ["clusters"],
        "properties": {**_ABOUT, "clusters": {"type": "array", "items": {"$ref": "#/components/schemas/Cluster"}}},
    },
    "ClusterDetail": {
        "allOf": [{"$ref": "#/components/schemas/Cluster"}],
        "type": "object",
        "required": ["gaps", "indicators"],
        "properties": {
            **_ABOUT,
            "gaps": {
                "type": "array",
                "items": {"type": "object", "required": ["pillar", *_GAP], "properties": {"pillar": {"type": "string"}, **_GAP}},
            },
            "indicators": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["indicator_id", "pillar", "status", "source_id"],
                    "properties": {
                        "indicator_id": {"type": "string"},
                        "pillar": {"type": "string"},
                        "name": NULLABLE_TEXT,
                        "status": {"enum": list(STATUSES)},
                        "source_id": {**NULLABLE_TEXT, "description": "null when not assessed"},
                        "citation": NULLABLE_TEXT,
                        "note": NULLABLE_TEXT,
                        "round_id": NULLABLE_TEXT,
                    },
                },
            },
        },
    },
    "Indicators": {
        "type": "object",
        "required": ["indicators"],
        "properties": {**_ABOUT, "indicators": {"type": "array", "items": {"type": "object", "required": ["indicator_id", "pillar", "name"]}}},
    },
    "Linkages": {
        "type": "object",
        "required": ["linkages"],
        "properties": {
            **_ABOUT,
            "linkages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["cluster_id", "link_type", "state"],
                    "properties": {"state": {"enum": ["active", "weak", "absent", "unknown"]}},
                },
            },
        },
    },
}  # fmt: skip


def _json(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _csv() -> dict:
    return {"text/csv": {"schema": {"type": "string"}}}


def _errors(*codes: int) -> dict:
    text = {
        "304": "Not modified (If-None-Match matched the ETag).",
        "400": "A parameter has a value the route does not take: the body names it and the values allowed.",
        "404": "No such edition (or a draft, without a signed-in editor), or no such cluster.",
        "429": "Too many requests from this address; see Retry-After.",
    }
    out = {
        "304": {"description": text["304"]},
        "429": {"description": text["429"], "content": _json("Error")},
    }
    for code in codes:
        out[str(code)] = {"description": text[str(code)], "content": _json("Error")}
    return out


def _list_param(name: str, what: str, allowed=None) -> dict:
    items = {"type": "string", **({"enum": list(allowed)} if allowed else {})}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"{what}: comma-separated or repeated; none = all.",
        "schema": {"type": "array", "items": items},
        "style": "form",
        "explode": False,
    }


FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "json (default) or csv (also chosen by Accept: text/csv).",
    "schema": {"enum": ["json", "csv"]},
}
EDITION = {
    "name": "edition",
    "in": "path",
    "required": True,
    "description": "An edition id, `latest` (the newest published), an illustrative round's id, or — for a "
    "signed-in editor only — a draft round's id.",
    "schema": {"type": "string"},
    "example": "latest",
}

LANGUAGE = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "The report's language: en (default), ur or sd.",
    "schema": {"enum": list(LANGUAGES)},
}


def _get(summary: str, ok: dict, *, params=(), errors=(404,), description: str = "") -> dict:
    operation = {
        "summary": summary,
        "parameters": list(params),
        "responses": {"200": {"description": "OK", "content": ok}, **_errors(*errors)},
    }
    if description:
        operation["description"] = description
    return {"get": operation}


def document() -> dict:
    """The OpenAPI 3.1 document of every route."""
    e = "/api/v1/editions/{edition}"
    tabular = (EDITION, FORMAT)
    paths = {
        "/api/v1/openapi.json": _get("This document", {"application/json": {"schema": {"type": "object"}}}, errors=()),
        "/api/v1/docs": _get("This document for people (HTML)", {"text/html": {"schema": {"type": "string"}}}, errors=()),
        "/api/v1/editions": _get("Editions, newest first", {**_json("Editions"), **_csv()}, params=[FORMAT], errors=(400,)),
        e: _get("One edition: metadata, checksum, citation, what changed", _json("Edition"), params=[EDITION]),
        e + "/gaps": _get(
            "District gaps with coverage, as the Atlas shows them for the same filters",
            {**_json("Gaps"), **_csv()},
            params=[
                *tabular,
                _list_param("pillars", "Pillars", PILLARS),
                _list_param("districts", "Districts (the boundary file's names)"),
                _list_param("sectors", "Clusters (ids)"),
            ],
            errors=(400, 404),
            description="Districts ranked by gap, unknown last; an unknown gap is null with gap_status "
            "'not assessed', never 0.",
        ),
        e + "/clusters": _get("The clusters", {**_json("Clusters"), **_csv()}, params=tabular, errors=(400, 404)),
        e + "/clusters/{cluster_id}": _get(
            "One cluster: its indicators with status, source and citation, its gap per pillar",
            {**_json("ClusterDetail"), **_csv()},
            params=[*tabular, {"name": "cluster_id", "in": "path", "required": True, "schema": {"type": "string"}, "example": "fisheries"}],
            errors=(400, 404),
        ),
        e + "/indicators": _get("The indicator framework", {**_json("Indicators"), **_csv()}, params=tabular, errors=(400, 404)),
        e + "/linkages": _get(
            "Clusters × kinds of support: active / weak / absent / unknown",
            {**_json("Linkages"), **_csv()},
            params=tabular,
            errors=(400, 404),
        ),
        e + "/districts.geojson": _get(
            "District boundaries with gap and coverage (ODbL, © OpenStreetMap contributors)",
            {"application/geo+json": {"schema": {"type": "object", "required": ["type", "features"]}}},
            params=[EDITION],
        ),
        e + "/datapackage.zip": _get(
            "The edition as a Frictionless Data Package (zip)",
            {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            params=[EDITION],
        ),
        e + "/report.pdf": _get(
            "The edition's report (PDF): clusters × pillars with gap and coverage, classification, district ranking, "
            "what changed, sources, citation",
            {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            params=[EDITION, LANGUAGE],
            errors=(400, 404),
            description="The report kept when the edition was published: the same edition always gives the same "
            "bytes. A draft or an illustrative round has none (404).",
        ),
    }  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sindh Cluster Atlas API",
            "version": VERSION,
            "description": "Read-only. Published editions of the cluster indicators; drafts only for a signed-in "
            "editor. JSON by default, CSV on request. Unknown values are null with their status, never 0. "
            "ETag and Cache-Control come from the edition's checksum; requests per address are limited.",
            "license": {
                "name": "Boundaries: ODbL 1.0 (© OpenStreetMap contributors)",
                "identifier": "ODbL-1.0",
            },
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
