"""The atlas map: Sindh districts coloured by cluster gap, with cluster sites.

Everything the map loads comes from the app's own server (see geo/offline.py);
no tiles unless ``basemap=True``.

Using it from a Streamlit page::

    from streamlit_folium import st_folium
    from geo.atlas_map import build_atlas_map, clicked_district

    m = build_atlas_map(districts, scores, sites, selected=current)
    ret = st_folium(m, key="atlas", height=600, use_container_width=True,
                    returned_objects=["last_active_drawing"])
    district = clicked_district(ret)

``returned_objects=["last_active_drawing"]`` makes the script rerun only when
a feature is clicked: panning and zooming change ``bounds``/``zoom``/``center``,
which are then not returned, so they do not rerun the script. A clicked
district comes back as a GeoJSON Feature whose ``properties.district`` is the
canonical name; a clicked site marker comes back as a Point without it.

Speed: ``districts_geojson`` (rounded geometry + names) is computed once per
districts frame and cached by identity; styling is applied per call without
touching the geometry. Treat the districts frame as immutable.
"""

from __future__ import annotations

import html
import json
import weakref
import zlib
from collections.abc import Iterable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo.boundaries import BOUNDARY_ATTRIBUTION
from geo.offline import localise_map

# Gap classes: fixed breaks, ColorBrewer YlOrRd (5 classes, colour-blind safe).
GAP_BREAKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
GAP_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NOT_ASSESSED_FILL = "#9e9e9e"
NOT_ASSESSED_DASH = "6 4"
NO_CLUSTER_FILL = "#ffffff"
BORDER = "#6b6b6b"
SELECTED_OUTLINE = "#000000"
HIGHLIGHT_OUTLINE = "#1f5fbf"
BACKGROUND = "#eef1f4"  # plain light background when there are no tiles

# Marker colours (Okabe-Ito plus a few dark, distinct tones), picked by a
# stable hash of cluster_id so a cluster has the same colour on every map.
SECTOR_COLOURS = (
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
    "#000000", "#7f3c8d", "#11a579", "#a5682a", "#3969ac", "#80186b",
)

COORD_DECIMALS = 5  # ~1 m; keeps the embedded GeoJSON small

_geojson_cache: dict[tuple[int, int], dict] = {}


# ---------------------------------------------------------------- geometry

def districts_geojson(districts: gpd.GeoDataFrame, decimals: int = COORD_DECIMALS) -> dict:
    """FeatureCollection of the districts (rounded coordinates, name properties).

    Cached per frame object; the result is shared, so do not mutate it.
    """
    decimals = districts.attrs.get("display_decimals", decimals)
    key = (id(districts), decimals)
    if key in _geojson_cache:
        return _geojson_cache[key]
    rounded = shapely.transform(districts.geometry.values, lambda xy: np.round(xy, decimals))
    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(geom),
            "properties": {
                "district": str(row.district),
                "division": None if pd.isna(row.division) else str(row.division),
            },
        }
        for row, geom in zip(districts.itertuples(index=False), rounded)
    ]
    collection = {"type": "FeatureCollection", "features": features}
    _geojson_cache[key] = collection
    weakref.finalize(districts, _geojson_cache.pop, key, None)
    return collection


# ---------------------------------------------------------------- styling

def gap_class(gap: float | None) -> int | None:
    """Index of the gap class (0..4) for a gap in 0..1; None when not assessed."""
    if gap is None or pd.isna(gap):
        return None
    gap = min(max(float(gap), 0.0), 1.0)
    return min(int(np.searchsorted(GAP_BREAKS, gap, side="right")) - 1, len(GAP_COLOURS) - 1)


def district_status(district: str, scores: pd.DataFrame | None) -> tuple[str, str]:
    """(status, text): status is "gap", "not_assessed" or "no_cluster"."""
    if scores is None or district not in scores.index:
        return "no_cluster", "no cluster named"
    row = scores.loc[district]
    if int(row.get("n_clusters", 0) or 0) <= 0:
        return "no_cluster", "no cluster named"
    label = str(row.get("label", "") or "")
    if pd.isna(row.get("gap")):
        return "not_assessed", label or "not assessed"
    return "gap", label or f"gap {float(row['gap']):.2f}"


def _district_style(district, scores, selected, highlight) -> dict:
    status, _ = district_status(district, scores)
    style = {"color": BORDER, "weight": 1, "opacity": 1, "fillOpacity": 0.8}
    if status == "gap":
        style["fillColor"] = GAP_COLOURS[gap_class(scores.loc[district, "gap"])]
    elif status == "not_assessed":
        style.update(fillColor=NOT_ASSESSED_FILL, fillOpacity=0.55, dashArray=NOT_ASSESSED_DASH,
                     weight=1.5, color="#424242")
    else:
        style.update(fillColor=NO_CLUSTER_FILL, fillOpacity=0.6, color="#9a9a9a")
    return style


def _outline_style(district, selected, highlight) -> dict:
    if district == selected:
        return {"color": SELECTED_OUTLINE, "weight": 4, "fill": False, "opacity": 1}
    if district in highlight:
        return {"color": HIGHLIGHT_OUTLINE, "weight": 3, "fill": False, "opacity": 1}
    return {"stroke": False, "fill": False}


def _tooltip_html(district, division, text) -> str:
    parts = [f"<b>{html.escape(district)}</b>"]
    if division:
        parts.append(f"{html.escape(division)} division")
    parts.append(html.escape(text))
    return "<br>".join(parts)


# ---------------------------------------------------------------- markers

def sector_colour(cluster_id: str) -> str:
    return SECTOR_COLOURS[zlib.crc32(str(cluster_id).encode()) % len(SECTOR_COLOURS)]


def sector_code(row) -> str:
    """Short marker text: 'code' or 'number' column if given, else initials."""
    for column in ("code", "number", "cluster_number"):
        value = row.get(column)
        if value is not None and not pd.isna(value):
            return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    words = [w for w in str(row.get("cluster_name") or row.get("cluster_id")).replace("_", " ").split()
             if w.isalnum()]
    return (words[0][:2].title() if len(words) == 1 else "".join(w[0] for w in words[:2]).upper()) or "?"


def _badge(code: str, colour: str) -> str:
    return (
        f'<span style="display:inline-flex;align-items:center;justify-content:center;min-width:22px;height:22px;'
        f"padding:0 3px;box-sizing:border-box;border-radius:11px;background:{colour};"
        f'color:#fff;border:2px solid #fff;box-shadow:0 0 2px #000;font:bold 11px sans-serif;'
        f'text-align:center">{html.escape(code)}</span>'
    )


class _SiteMarkers(MacroElement):
    """All site markers as one script block: the same Leaflet markers, DivIcons and
    tooltips folium would write, without one folium element (and one template
    render) per marker. The badge HTML is built by one small JS function, so each
    marker costs its coordinates, its badge codes and its tooltip."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var layer = {{ this._parent.get_name() }};
            function icon(badges) {
                var html = badges.map(function (b) {
                    return '<span style="display:inline-flex;align-items:center;justify-content:center;min-width:22px;height:22px;'
                        + 'padding:0 3px;box-sizing:border-box;border-radius:11px;background:' + b[1] + ';'
                        + 'color:#fff;border:2px solid #fff;box-shadow:0 0 2px #000;font:bold 11px sans-serif;'
                        + 'text-align:center">' + b[0] + '</span>';
                }).join("");
                var w = 26 * badges.length;
                return L.divIcon({html: '<div style="white-space:nowrap">' + html + '</div>',
                                  iconSize: [w, 24], iconAnchor: [Math.floor(w / 2), 12], className: "atlas-site"});
            }
            {{ this.body }}
        })();
        {% endmacro %}
        """
    )

    def __init__(self, body: str):
        super().__init__()
        self._name = "SiteMarkers"
        self.body = body


def _js_string(text: str) -> str:
    """A JavaScript string literal for ``text``, safe inside a <script> block."""
    return json.dumps(text).replace("</", "<\\/")


def _add_site_markers(layer, sites: pd.DataFrame) -> list[tuple[str, str, str]]:
    """One marker per location; clusters sharing a location share the marker.

    Returns the (code, colour, cluster name) key entries for the legend.
    """
    key: dict[str, tuple[str, str, str]] = {}
    rows = sites.assign(_lat=sites["lat"].astype(float).round(4), _lon=sites["lon"].astype(float).round(4))
    records = rows.to_dict("records")
    groups: dict[tuple[float, float], list[dict]] = {}
    for site in records:
        groups.setdefault((site["_lat"], site["_lon"]), []).append(site)
    lines_js = []
    for (lat, lon), group in groups.items():
        badges, lines = [], []
        for site in group:
            cid = str(site["cluster_id"])
            if cid not in key:
                name = str(site.get("cluster_name") or site["cluster_id"])
                key[cid] = (sector_code(site), sector_colour(site["cluster_id"]), name)
            code, colour, _ = key[cid]
            name = str(site.get("cluster_name") or site["cluster_id"])
            badges.append([html.escape(code), colour])
            note = site.get("location_note")
            lines.append(
                f"<b>{html.escape(name)}</b> — {html.escape(str(site['place']))}"
                + (f"<br><i>{html.escape(str(note))}</i>" if note is not None and not pd.isna(note) else "")
            )
        tip = '<div>' + "<br>".join(lines) + '</div>'
        lines_js.append(
            f"L.marker([{lat!r}, {lon!r}], {{icon: icon({json.dumps(badges)})}})"
            f".bindTooltip({_js_string(tip)}, {{\"sticky\": false}}).addTo(layer);"
        )
    _SiteMarkers("\n".join(lines_js)).add_to(layer)
    return sorted(key.values(), key=lambda k: (len(k[0]), k[0]))


# ---------------------------------------------------------------- legend

class _MapExtras(MacroElement):
    """Legend control, attribution and plain background, as one script block."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            {% if this.legend_html %}
            var legend = L.control({position: "topright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "atlas-legend");
                div.innerHTML = {{ this.legend_html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
            {% endif %}
            if (!map.attributionControl) { L.control.attribution().addTo(map); }
            map.attributionControl.addAttribution({{ this.attribution|tojson }});
            {% if this.background %}
            map.getContainer().style.background = {{ this.background|tojson }};
            {% endif %}
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str, attribution: str, background: str | None):
        super().__init__()
        self._name = "AtlasExtras"
        self.legend_html = legend_html
        self.attribution = attribution
        self.background = background


def _swatch(fill: str, border: str = BORDER, dashed: bool = False) -> str:
    style = "dashed" if dashed else "solid"
    return (f'<span style="display:inline-block;width:14px;height:12px;margin-right:6px;'
            f'vertical-align:middle;background:{fill};border:1.5px {style} {border}"></span>')


def legend_html(marker_key: Iterable[tuple[str, str, str]] = (), title: str = "Cluster gap") -> str:
    """Legend HTML: gap classes, not assessed, no cluster, and the marker key."""
    rows = [f"<b>{html.escape(title)}</b>"]
    for i, colour in enumerate(GAP_COLOURS):
        rows.append(f"{_swatch(colour)}{GAP_BREAKS[i]:.1f}–{GAP_BREAKS[i + 1]:.1f}")
    rows.append(f"{_swatch(NOT_ASSESSED_FILL, '#424242', dashed=True)}not assessed (unknown)")
    rows.append(f"{_swatch(NO_CLUSTER_FILL, '#9a9a9a')}no cluster named")
    marker_key = list(marker_key)
    key_html = ""
    if marker_key:
        # Collapsed by default: sixteen entries would cover the east of Sindh.
        key_html = (
            f'<details><summary style="cursor:pointer"><b>Cluster sites ({len(marker_key)})</b></summary>'
            '<div style="display:grid;grid-template-columns:auto auto;gap:2px 10px">'
            + "".join(f"<div>{_badge(code, colour)} {html.escape(name)}</div>"
                      for code, colour, name in marker_key)
            + "</div></details>"
        )
    return (
        '<div style="background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;'
        'box-shadow:0 0 4px rgba(0,0,0,0.3);font:12px/1.5 sans-serif;max-height:70vh;overflow:auto">'
        + "<br>".join(rows) + key_html + "</div>"
    )


# ---------------------------------------------------------------- maps

def _base_map(districts: gpd.GeoDataFrame, basemap: bool, pad: float = 0.0) -> folium.Map:
    """Empty map fitted to ``districts`` (padded by ``pad`` degrees), local assets only."""
    minx, miny, maxx, maxy = districts.total_bounds + np.array([-pad, -pad, pad, pad])
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=6, tiles=None,
        control_scale=True, attributionControl=True,
    )
    if basemap:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)").add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return localise_map(m)


def _district_layers(m, districts, scores, selected, highlight, fill_style):
    """Filled district layer (with tooltip) plus an outline layer on top."""
    base = districts_geojson(districts)
    features = []
    for feature in base["features"]:
        props = feature["properties"]
        _, text = district_status(props["district"], scores)
        features.append({
            "type": "Feature",
            "geometry": feature["geometry"],  # shared, not copied
            "properties": {**props, "tooltip": _tooltip_html(props["district"], props["division"], text)},
        })
    data = {"type": "FeatureCollection", "features": features}
    folium.GeoJson(
        data, name="Districts",
        style_function=lambda f: fill_style(f["properties"]["district"]),
        highlight_function=lambda f: {"weight": 3, "color": "#333333"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    ).add_to(m)
    marked = [f for f in features if f["properties"]["district"] == selected
              or f["properties"]["district"] in highlight]
    if marked:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": marked}, name="Selection",
            style_function=lambda f: _outline_style(f["properties"]["district"], selected, highlight),
        ).add_to(m)


def build_atlas_map(
    districts: gpd.GeoDataFrame,
    district_scores: pd.DataFrame | None,
    sites: pd.DataFrame | None,
    *,
    selected: str | None = None,
    basemap: bool = False,
    highlight: Iterable[str] | None = None,
) -> folium.Map:
    """Districts filled by gap class, site markers, legend; offline unless basemap."""
    highlight = set(highlight or ())
    scores = district_scores if district_scores is not None else pd.DataFrame()
    m = _base_map(districts, basemap)
    _district_layers(m, districts, scores, selected, highlight,
                     lambda d: _district_style(d, scores, selected, highlight))
    marker_key = []
    if sites is not None and len(sites):
        layer = folium.FeatureGroup(name="Cluster sites").add_to(m)
        marker_key = _add_site_markers(layer, sites)
    _MapExtras(legend_html(marker_key), BOUNDARY_ATTRIBUTION, None if basemap else BACKGROUND).add_to(m)
    return m


def build_sites_map(
    districts: gpd.GeoDataFrame, sites: pd.DataFrame, cluster_id: str, *, basemap: bool = False,
) -> folium.Map:
    """Small map of one cluster's sites, with the districts they lie in highlighted."""
    own = sites[sites["cluster_id"] == cluster_id]
    in_cluster = set(own["district"])
    focus = districts[districts["district"].isin(in_cluster)]
    m = _base_map(focus if len(focus) else districts, basemap, pad=0.3 if len(focus) else 0.0)

    def fill(district):
        if district in in_cluster:
            return {"color": HIGHLIGHT_OUTLINE, "weight": 2, "fillColor": "#9ecae1", "fillOpacity": 0.7}
        return {"color": "#9a9a9a", "weight": 1, "fillColor": NO_CLUSTER_FILL, "fillOpacity": 0.6}

    scores = pd.DataFrame(
        {"gap": np.nan, "n_clusters": 1, "label": "site of this cluster"}, index=sorted(in_cluster)
    )
    _district_layers(m, districts, scores, None, set(), fill)
    marker_key = _add_site_markers(m, own) if len(own) else []
    rows = [f"{_swatch('#9ecae1', HIGHLIGHT_OUTLINE)}district with a site"] if len(own) else [
        "no site recorded for this cluster"]
    rows += [f"{_badge(code, colour)} {html.escape(name)}" for code, colour, name in marker_key]
    key_html = (
        '<div style="background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;'
        'font:12px/1.5 sans-serif">' + "<br>".join(rows) + "</div>"
    )
    _MapExtras(key_html, BOUNDARY_ATTRIBUTION, None if basemap else BACKGROUND).add_to(m)
    return m


def clicked_district(st_folium_return: dict | None) -> str | None:
    """District name of the clicked feature in an st_folium return value, else None."""
    if not st_folium_return:
        return None
    feature = st_folium_return.get("last_active_drawing") or {}
    properties = feature.get("properties") if isinstance(feature, dict) else None
    district = (properties or {}).get("district")
    return str(district) if district else None
