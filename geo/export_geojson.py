"""GeoJSON download of the filtered view: districts with gap, coverage and status.

A FeatureCollection (RFC 7946, WGS84 lon/lat) whose top level also carries the
metadata a re-user needs (RFC 7946 §6.1 "foreign members"): ``sources``,
``licence``, ``attribution``, ``generated``, ``round``, ``filters``,
``illustrative``. GIS tools ignore foreign members, so the attribution is also
repeated in every feature's ``attribution`` property. Unknown gaps are
``null`` with ``status`` "not assessed", never 0. Every gap carries its coverage: share of weight,
``n_assessed`` of ``n_indicators`` and ``low_coverage`` (the scoring's flag; null without a figure).
Reads back with
``geopandas.read_file``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cluster_model.exports import RoundMarks, mark_lines
from cluster_model.scoring import district_status
from cluster_model.vocabulary import DRAFT_MARK, ILLUSTRATIVE_MARK
from geo.boundaries import BOUNDARY_ATTRIBUTION

DECIMALS = 5  # ~1 m


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 3)


def districts_geojson(
    districts: gpd.GeoDataFrame,
    overall: pd.DataFrame,
    per_pillar: pd.DataFrame | None = None,
    *,
    cluster_names: dict[str, str] | None = None,
    sources: Sequence[dict] = (),
    licence: Sequence[str] = (),
    generated: str = "",
    round_info: dict | None = None,
    filters: dict | None = None,
    illustrative: bool = False,
    draft: bool = False,
    only: Sequence[str] | None = None,
) -> dict:
    """The FeatureCollection as a dict; an ``illustrative`` round or a ``draft`` (not a published edition)
    says so in every feature and in a top-level ``warning``.

    ``overall``: rows of ``district_gaps`` (district, gap, coverage, n_*,
    clusters); ``per_pillar``: the same with a ``pillar`` column. ``only``
    limits the features to these districts (the view's district filter).
    """
    names = cluster_names or {}
    scores = overall.set_index("district") if "district" in overall.columns else overall
    frame = districts if not only else districts[districts["district"].isin(only)]
    geoms = shapely.transform(frame.geometry.values, lambda xy: np.round(xy, DECIMALS))
    features = []
    for row, geom in zip(frame.itertuples(index=False), geoms):
        name = str(row.district)
        status, text = district_status(name, scores)
        r = scores.loc[name] if name in scores.index else None
        props = {
            "district": name,
            "division": None if pd.isna(row.division) else str(row.division),
            "status": {"gap": "assessed", "not_assessed": "not assessed", "no_cluster": "no cluster named"}[
                status
            ],
            "gap": _num(r["gap"]) if r is not None else None,
            "coverage": _num(r["coverage"]) if r is not None else None,
            # the scoring's flag, only on a gap figure: null where there is none (not assessed, no cluster)
            "low_coverage": bool(r["low_coverage"]) if r is not None and status == "gap" else None,
            "label": text,
            "n_indicators": int(r["n_indicators"]) if r is not None else 0,
            "n_assessed": int(r["n_assessed"]) if r is not None else 0,
            "n_gaps": int(r["n_gaps"]) if r is not None else 0,
            "clusters": "; ".join(names.get(c, c) for c in r["clusters"])
            if r is not None and isinstance(r["clusters"], list)
            else "",
        }
        if per_pillar is not None and len(per_pillar):
            for _, p in per_pillar[per_pillar["district"] == name].iterrows():
                props[f"gap_{p['pillar']}"] = _num(p["gap"])
                props[f"coverage_{p['pillar']}"] = _num(p["coverage"])
                props[f"n_assessed_{p['pillar']}"] = int(p["n_assessed"])
                props[f"n_indicators_{p['pillar']}"] = int(p["n_indicators"])
                props[f"low_coverage_{p['pillar']}"] = None if pd.isna(p["gap"]) else bool(p["low_coverage"])
        props["attribution"] = BOUNDARY_ATTRIBUTION
        if illustrative:
            props["illustrative"] = ILLUSTRATIVE_MARK
        if draft:
            props["publication"] = DRAFT_MARK
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props})
    return {
        "type": "FeatureCollection",
        "name": "sindh_cluster_atlas_districts",
        "generated": generated,
        "round": round_info or {},
        "filters": filters or {},
        "illustrative": bool(illustrative),
        "draft": bool(draft),
        **(
            {"warning": " ".join(warning)} if (warning := mark_lines(RoundMarks(illustrative, draft))) else {}
        ),
        "attribution": BOUNDARY_ATTRIBUTION,
        "licence": list(licence) or [f"District boundaries {BOUNDARY_ATTRIBUTION}"],
        "sources": list(sources),
        "features": features,
    }


def to_geojson_bytes(collection: dict) -> bytes:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
