"""The Atlas's optional institutions layer: institutions as circles coloured by kind, and lines
from them to the sites of the clusters they serve (line style by link status).

Built as one folium FeatureGroup that the Atlas page sends with its styles
(``st_folium(..., feature_group_to_add=[styles, layer])``), so switching it on
does not rebuild the base map. Circles and lines are SVG paths: no icon assets,
nothing from a CDN. Every text is HTML-escaped (Leaflet tooltips are HTML).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import folium
import pandas as pd

from cluster_model.linkages import (
    ACTIVE,
    CLUSTER,
    INSTITUTION_KINDS,
    KIND_COLOURS,
    LINK_TYPES,
    STATUS_COLOUR,
    STATUS_DASH,
)
from cluster_model.markup import esc

LAYER_NAME = "Institutions"


def served_sites(
    links_view: pd.DataFrame,
    sites: pd.DataFrame,
    cluster_ids: Iterable[str] | None = None,
    district: str | None = None,
) -> pd.DataFrame:
    """One row per (institution link × site of the served cluster), for the chosen clusters or,
    failing that, the clusters with a site in ``district``. Columns: institution_id, link_type,
    status, cluster_id, place, district, lat, lon."""
    links = links_view[links_view["kind_of_target"] == CLUSTER]
    wanted = set(cluster_ids or [])
    if not wanted and district:
        wanted = set(sites.loc[sites["district"] == district, "cluster_id"])
    links = links[links["target_id"].isin(wanted)]
    out = links.rename(columns={"target_id": "cluster_id"})[
        ["institution_id", "link_type", "status", "cluster_id"]
    ].merge(sites[["cluster_id", "place", "district", "lat", "lon"]], on="cluster_id")
    return out.reset_index(drop=True)


def build_institutions_layer(
    institutions: pd.DataFrame,
    links_view: pd.DataFrame,
    sites: pd.DataFrame,
    *,
    cluster_names: dict[str, str],
    cluster_ids: Iterable[str] | None = None,
    district: str | None = None,
) -> folium.FeatureGroup:
    """Institutions with a known location as circles by kind; lines to the served sites of the
    chosen clusters (or of the clusters in ``district``). Institutions with no location are left
    off the map (the page lists them)."""
    group = folium.FeatureGroup(name=LAYER_NAME, control=False)
    located = institutions[institutions["lat"].notna() & institutions["lon"].notna()]
    where = located.set_index("institution_id")[["lat", "lon", "name", "kind"]]
    for r in served_sites(links_view, sites, cluster_ids, district).to_dict("records"):
        if r["institution_id"] not in where.index:
            continue
        i = where.loc[r["institution_id"]]
        tip = (
            f"{esc(i['name'])} → {esc(cluster_names.get(r['cluster_id'], r['cluster_id']))} ({esc(r['place'])}): "
            f"{esc(LINK_TYPES.get(r['link_type'], r['link_type']))}, {esc(r['status'])}"
        )
        folium.PolyLine(
            [[float(i["lat"]), float(i["lon"])], [float(r["lat"]), float(r["lon"])]],
            color=STATUS_COLOUR[r["status"]],
            weight=4 if r["status"] == ACTIVE else 3,
            opacity=0.9,
            dash_array=STATUS_DASH[r["status"]] or None,
            tooltip=tip,
            class_name=f"atlas-link link-{r['status'].replace(' ', '-')}",
        ).add_to(group)
    for r in located.to_dict("records"):
        kind = r["kind"]
        tip = (
            f"<b>{esc(r['name'])}</b><br>{esc(INSTITUTION_KINDS.get(kind, kind))}"
            + (f" · {esc(r['district'])}" if r["district"] else "")
            + (f"<br><i>{esc(r['location_note'])}</i>" if r["location_note"] else "")
        )
        folium.CircleMarker(
            [float(r["lat"]), float(r["lon"])],
            radius=8,
            color="#222",
            weight=1.5,
            fill=True,
            fill_color=KIND_COLOURS.get(kind, "#999"),
            fill_opacity=0.95,
            tooltip=tip,
            class_name=f"atlas-institution kind-{kind}",
        ).add_to(group)
    return group


def legend_rows(institutions: pd.DataFrame) -> list[tuple[str, str]]:
    """(colour, kind label) for the kinds present, in the vocabulary's order."""
    present = set(institutions["kind"])
    return [(KIND_COLOURS[k], label) for k, label in INSTITUTION_KINDS.items() if k in present]


def province_contains(districts) -> Callable[[float, float], bool] | None:
    """``contains(lat, lon)`` for the loaded district boundaries (their union, with ~1 km of slack
    for simplified coasts), or None when no boundaries are loaded (the model's bounding box is used)."""
    if districts is None or len(districts) == 0:
        return None
    from shapely.geometry import Point
    from shapely.prepared import prep

    area = prep(districts.geometry.union_all().buffer(0.01))
    return lambda lat, lon: bool(area.contains(Point(float(lon), float(lat))))
