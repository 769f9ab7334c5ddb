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

Speed: the map is split in two parts. The *base* (``build_atlas_base``) depends
only on the districts, the sites and the basemap switch: the districts as
TopoJSON (shared borders once, quantized, delta-encoded; decoded in the browser
by topojson-client), the site markers, legend and attribution. Its pieces are
computed once per districts/sites frame and cached by identity, so its script is
the same string on every rerun. The *styles* (``atlas_styles``) are a small
FeatureGroup holding a district -> (style, tooltip) table and the selected /
highlighted outlines; they depend on round, pillars, sectors and selection.
Pass them to ``st_folium(base, feature_group_to_add=styles, ...)``:
streamlit-folium then keeps the map (same script, same component key) and only
evaluates the styles again, which restyle the districts layer in place.
``build_atlas_map`` returns one map with both (workshop page, tests, exports).
Treat the districts and sites frames as immutable.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from cluster_model.identity import region_name
from cluster_model.markup import esc
from cluster_model.markup import js_json as _js_json
from cluster_model.scoring import GAP_BREAKS, district_statuses
from geo.boundaries import BOUNDARY_ATTRIBUTION
from geo.derived import content_key, derived
from geo.offline import (
    GENERATED_DIR,
    GENERATED_URL,
    MAP_BUNDLE_JS,
    MARKERCLUSTER_CSS,
    localise_map,
    write_generated,
)
from geo.projection import display_quantization

# Gap classes: fixed breaks (cluster_model.scoring.GAP_BREAKS), ColorBrewer YlOrRd (5 classes, colour-blind safe).
GAP_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NOT_ASSESSED_FILL = "#9e9e9e"
NOT_ASSESSED_DASH = "6 4"
NO_CLUSTER_FILL = "#ffffff"
BORDER = "#6b6b6b"
SELECTED_OUTLINE = "#000000"
HIGHLIGHT_OUTLINE = "#1f5fbf"
BACKGROUND = "#eef1f4"  # plain light background when there are no tiles
ATLAS_LEGEND_TITLE = "District gap, chosen pillars"  # what the colours show, as the exports say it
MAX_ZOOM = 18
CLUSTER_SITES_ABOVE = 100  # more site markers than this are gathered into counted clusters
NOT_ASSESSED_LABEL = (
    "not assessed (unknown)"  # the legend's grey row; the workshop says "not rated (unknown)"
)
# The map frame's title (a screen reader's name for it); {region}: the atlas's region.
MAP_TITLE = "Map of {region}'s districts coloured by cluster gap, with the cluster sites"
TILES_ATTRIBUTION = "Map data and boundaries {attribution}"
RESET_VIEW = "Reset view"  # the map's button back to the fitted view

# Marker colours (Okabe-Ito plus a few dark, distinct tones), picked by a
# stable hash of cluster_id so a cluster has the same colour on every map.
SECTOR_COLOURS = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#000000",
    "#7f3c8d",
    "#11a579",
    "#a5682a",
    "#3969ac",
    "#80186b",
)


TOPOJSON_OBJECT = "districts"


# ---------------------------------------------------------------- geometry


def districts_topojson(districts: gpd.GeoDataFrame, quantization: int | None = None) -> str:
    """The districts as a TopoJSON string (object ``districts``; properties district, division).

    Shared borders are stored once; coordinates are quantized to ``quantization``
    grid points per axis (default: from the pixel size of the districts' default view,
    geo.projection.display_quantization) and delta-encoded. Cached by content.
    """
    quantization = int(quantization or display_quantization(districts.total_bounds))
    key = ("topojson", content_key(districts, ["district", "division"], geometry=True), quantization)
    return derived(key, lambda: _districts_topojson(districts, quantization), on_disk=_districts_topojson)


def _districts_topojson(districts: gpd.GeoDataFrame, quantization: int) -> str:
    import topojson  # only here: importing it is slow-ish and the other maps do not need it

    frame = gpd.GeoDataFrame(
        {
            "district": districts["district"].astype(str).values,
            "division": [None if pd.isna(v) else str(v) for v in districts["division"]],
        },
        geometry=districts.geometry.values,
        crs=districts.crs,
    )
    topo = topojson.Topology(
        frame,
        object_name=TOPOJSON_OBJECT,
        prequantize=quantization,
        topology=True,
        presimplify=False,
        toposimplify=False,
    )
    # No "<" at all (only names can hold one): safe in a <script> block and in a JSON data block.
    return json.dumps(topo.to_dict(), separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


def decode_topojson(topo: dict | str, object_name: str = TOPOJSON_OBJECT) -> dict:
    """TopoJSON object -> GeoJSON FeatureCollection (as topojson-client's ``feature`` does); for tests and the bench."""
    if isinstance(topo, str):
        topo = json.loads(topo)
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        points = np.asarray(arc, dtype=float)
        if transform:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points.tolist())

    def ring(indexes):
        out = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    features = []
    for g in topo["objects"][object_name]["geometries"]:
        if g["type"] == "Polygon":
            geometry = {"type": "Polygon", "coordinates": [ring(r) for r in g["arcs"]]}
        elif g["type"] == "MultiPolygon":
            geometry = {
                "type": "MultiPolygon",
                "coordinates": [[ring(r) for r in poly] for poly in g["arcs"]],
            }
        else:
            geometry = None
        features.append({"type": "Feature", "properties": g.get("properties", {}), "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- styling


def hatch_id(gap_class: int) -> str:
    """Id of the SVG pattern (stripes of the class colour on white) for a low-coverage gap figure."""
    return f"atlas-hatch-{gap_class}"


def _fill_style(status: str, gap_class: int, low_coverage: bool = False) -> dict:
    style = {"color": BORDER, "weight": 1, "opacity": 1, "fillOpacity": 0.8}
    if status == "gap" and low_coverage:
        # Hatched, not solid: a figure on a few indicators must not look as firm as one on many.
        style.update(fillColor=f"url(#{hatch_id(gap_class)})", fillOpacity=0.95)
    elif status == "gap":
        style["fillColor"] = GAP_COLOURS[gap_class]
    elif status == "not_assessed":
        style.update(
            fillColor=NOT_ASSESSED_FILL,
            fillOpacity=0.55,
            dashArray=NOT_ASSESSED_DASH,
            weight=1.5,
            color="#424242",
        )
    else:
        style.update(fillColor=NO_CLUSTER_FILL, fillOpacity=0.6, color="#9a9a9a")
    return style


def _outline_style(district, selected, highlight) -> dict:
    if district == selected:
        return {"color": SELECTED_OUTLINE, "weight": 4, "fill": False, "opacity": 1}
    if district in highlight:
        return {"color": HIGHLIGHT_OUTLINE, "weight": 3, "fill": False, "opacity": 1}
    return {"stroke": False, "fill": False}


def district_tooltip_heads(districts: gpd.GeoDataFrame, tr=None) -> str:
    """JSON ``{district: "<b>name</b><br>division"}``: the fixed first lines of each district's
    tooltip, HTML-escaped. Part of the base map (sent once); the style table adds the figure.

    ``tr``: a Translator: the district's name from data/names.csv (English marked [en] when missing),
    the division's as data (marked [en])."""
    local = tr is not None and tr.language != "en"
    names = _local_names() if local else None
    heads = {}
    for district, division in zip(districts["district"].astype(str), districts["division"]):
        shown = names.name("district", district, tr.language) if local else district
        parts = [f"<b>{esc(shown)}</b>"]
        if not pd.isna(division):
            line = tr.gettext("{division} division") if tr else "{division} division"
            parts.append(esc(line.format(division=tr.data(str(division)) if local else division)))
        heads[district] = "<br>".join(parts)
    return _js_json(heads)


def _local_names():
    """The names table (data/names.csv) for the map's district names and tooltips in Urdu or Sindhi."""
    from cluster_model.local_names import load_names

    return load_names()[0]


# ---------------------------------------------------------------- markers


def sector_colour(cluster_id: str) -> str:
    return SECTOR_COLOURS[zlib.crc32(str(cluster_id).encode()) % len(SECTOR_COLOURS)]


def sector_code(row) -> str:
    """Short marker text: 'code' or 'number' column if given, else initials."""
    for column in ("code", "number", "cluster_number"):
        value = row.get(column)
        if value is not None and not pd.isna(value):
            return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    words = [
        w
        for w in str(row.get("cluster_name") or row.get("cluster_id")).replace("_", " ").split()
        if w.isalnum()
    ]
    return (words[0][:2].title() if len(words) == 1 else "".join(w[0] for w in words[:2]).upper()) or "?"


# The maps' own CSS. One rule for every site badge (markers and legend key), so a badge costs
# its colour and code: a national map has a thousand of them in its legend. And the credit line
# wraps beside the scale bar instead of running over it on a narrow map (the map fills its
# iframe, so 100vw is the map's width; the scale bar is at most 100 px plus its margin).
MAP_EXTRAS_CSS = (
    # A dark ring outside the white border: an orange badge stays visible on an orange district.
    ".atlas-badge{display:inline-flex;align-items:center;justify-content:center;min-width:22px;height:22px;"
    "padding:0 3px;box-sizing:border-box;border-radius:11px;border:2px solid #fff;"
    "box-shadow:0 0 0 1.5px #1a1a1a;font:bold 11px sans-serif;text-align:center}"
    ".leaflet-control-attribution{max-width:calc(100vw - 130px)}"
    # The legend sits bottom left; the map is fitted above or beside it, so it never covers a district.
    ".atlas-legend{background:rgba(255,255,255,0.95);padding:4px 8px;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,0.3);"
    "font:12px/1.45 sans-serif;color:#1a1a1a;max-width:calc(100vw - 24px);box-sizing:border-box;max-height:45vh;overflow:auto}"
    ".atlas-legend summary{cursor:pointer}"
    ".atlas-legend .atlas-legend-rows{display:flex;flex-wrap:wrap;gap:0 12px}"
    ".atlas-legend .atlas-legend-rows>div{white-space:nowrap}"
    ".atlas-legend .atlas-key{display:flex;flex-wrap:wrap;gap:2px 12px}"
    ".atlas-legend .atlas-key>div{white-space:nowrap}"
    ".atlas-legend .atlas-badge{min-width:20px;height:20px;font-size:10px}"
    # District names: white halo, never catch the mouse; hidden when they would overlap (see the labels script).
    ".atlas-district-label{font:600 11px/1.1 sans-serif;color:#1a1a1a;white-space:nowrap;pointer-events:none;"
    "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;transform:translate(-50%,-50%);display:inline-block}"
    # No black box around a district after a mouse click; a clear ring when reached with the keyboard.
    ".leaflet-interactive:focus:not(:focus-visible){outline:none}"
    "path.leaflet-interactive:focus-visible{outline:none;stroke:#1f5fbf;stroke-width:4px}"
    ".atlas-tiles-notice{background:#fff3cd;color:#5c4400;padding:4px 8px;border-radius:4px;font:12px/1.4 sans-serif;"
    "box-shadow:0 0 3px rgba(0,0,0,0.3);max-width:260px}"
    ".atlas-names-toggle{background:#fff;padding:2px 6px;border-radius:4px;font:12px sans-serif;box-shadow:0 0 3px rgba(0,0,0,0.3)}"
    ".atlas-reset-view a{font:bold 18px/26px sans-serif}"
)


def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def badge_text_colour(colour: str) -> str:
    """White or near-black, whichever contrasts more with the badge colour (WCAG AA for small bold text)."""
    lum = _luminance(colour)
    return "#ffffff" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.0625) else "#111111"


def _badge(code: str, colour: str) -> str:
    return (
        f'<span class="atlas-badge" style="background:{colour};color:{badge_text_colour(colour)}">'
        f"{esc(code)}</span>"
    )


class _RenderedText(Element):
    """HTML or JavaScript that is already rendered: rendered as is, never parsed as a template."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _DataElement(MacroElement):
    """An element that embeds data (TopoJSON, marker and style tables, legend) in its macros.

    branca's ``MacroElement.render`` wraps each rendered macro in a new Jinja Template, so
    every render (streamlit-folium renders the map on every run) re-parses the embedded data
    as a template: ~25 ms a run for Pakistan's districts, and a "{%" or "{{" in a cluster or
    place name is read as Jinja and breaks the map. These elements hand the figure their
    header, html and script as plain text instead.

    Data (``add_data``) are read by the script as a Promise, ``{{ this.read("name") }}``:
    * inline (default): a JSON data block in the map's HTML, named by a checksum of its data;
    * served (``served=True``, the Atlas page): a content-hashed file under ``static/generated/``
      that Streamlit's static serving hands out and the browser caches. What goes to the
      browser on every rerun then holds no geometry, markers or legend (issue #14: they were
      ~100 KB for Sindh and ~640 KB for Pakistan on every pillar change).
    """

    # Subclasses define their header / html / script macros in ``_template``, as MacroElement's
    # documentation asks (streamlit-folium reads the script macro from it too); rendered as plain text here.

    def __init__(self, served: bool = False):
        super().__init__()
        self.served = served
        self.blocks: dict[str, tuple[str, str]] = {}  # name -> (block id or file name, JSON text)

    def add_data(self, name: str, json_text: str) -> None:
        """``json_text``: JSON with no "<" (see ``_js_json``), safe inside a <script> block."""
        if self.served:
            digest = hashlib.sha256(json_text.encode()).hexdigest()[:20]
            self.blocks[name] = (f"{name}-{digest}.json", json_text)
        else:
            self.blocks[name] = (f"atlas-{name}-{zlib.crc32(json_text.encode()):08x}", json_text)

    def read(self, name: str) -> str:
        """A JavaScript expression: a Promise of the value of data block ``name``."""
        ref = self.blocks[name][0]
        if self.served:
            url = _js_string(f"{SERVED_URL}/{ref}")
            return (
                f"fetch({url}).then(function (r) {{ if (!r.ok) {{ throw new Error({url} + ': ' + r.status); }}"
                " return r.json(); })"
            )
        return f'Promise.resolve(JSON.parse(document.getElementById("{ref}").textContent))'

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        for name, (ref, text) in self.blocks.items():
            if self.served:
                write_generated(ref, text)
            else:
                figure.html.add_child(
                    _RenderedText(f'<script type="application/json" id="{ref}">{text}</script>'),
                    name=f"{self.get_name()}_{name}",
                )
        for part in ("header", "html", "script"):
            macro = getattr(self._template.module, part, None)
            if macro is not None:
                getattr(figure, part).add_child(_RenderedText(macro(self, kwargs)), name=self.get_name())


# Generated map files (districts, markers, legend), named by a hash of their content and served by
# Streamlit's static serving (.streamlit/config.toml): the browser fetches each once and caches it.
SERVED_DIR = GENERATED_DIR
SERVED_URL = GENERATED_URL


def _served_url(name: str, text: str, suffix: str = ".json") -> str:
    """URL of a content-named served copy of ``text`` (written on first use)."""
    file_name = f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:20]}{suffix}"
    write_generated(file_name, text)
    return f"{SERVED_URL}/{file_name}"


class _SiteMarkers(JSCSSMixin, _DataElement):
    """All site markers as one script block and one data table: the same Leaflet markers,
    DivIcons and tooltips folium would write, without one folium element (and one template
    render) per marker. ``body`` (a data block) is JSON: ``{"clusters": [[code, colour, name, text colour]],
    "markers": [[lat, lon, [[cluster index, place, note or ""], ...]], ...]}``, every text
    already HTML-escaped in Python; the badges and tooltips are put together by a small JS
    function, so a marker costs its coordinates, cluster numbers, place and note."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        AtlasMap.markers({{ this._parent.get_name() }}, {{ this.read("markers") }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )
    default_js = [MAP_BUNDLE_JS]

    def __init__(self, body: str, served: bool = False, n_markers: int = 0):
        super().__init__(served)
        self._name = "SiteMarkers"
        self.body = body
        self.add_data("markers", body)
        # A national map's thousands of badges would overlap into an unreadable mass: gathered into
        # counted clusters (Leaflet.markercluster, served locally) that open as one zooms in.
        cluster = n_markers > CLUSTER_SITES_ABOVE
        self.options = {"cluster": cluster}
        if cluster:
            self.default_css = list(MARKERCLUSTER_CSS)


def _js_string(text: str) -> str:
    """A JavaScript string literal for ``text``, safe inside a <script> block."""
    return json.dumps(text).replace("</", "<\\/")


def site_markers_data(sites: pd.DataFrame) -> tuple[str, list[tuple[str, str, str]]]:
    """(markers JSON for ``_SiteMarkers``, the (code, colour, cluster name) key entries for the legend).

    One marker per location; clusters sharing a location share the marker.
    """
    key: dict[str, tuple[str, str, str]] = {}
    index: dict[str, int] = {}
    rows = sites.assign(_lat=sites["lat"].astype(float).round(4), _lon=sites["lon"].astype(float).round(4))
    records = rows.to_dict("records")
    groups: dict[tuple[float, float], list[dict]] = {}
    for site in records:
        groups.setdefault((site["_lat"], site["_lon"]), []).append(site)
    markers = []
    for (lat, lon), group in groups.items():
        entries = []
        for site in group:
            cid = str(site["cluster_id"])
            if cid not in key:
                name = str(site.get("cluster_name") or site["cluster_id"])
                key[cid] = (sector_code(site), sector_colour(site["cluster_id"]), name)
                index[cid] = len(index)
            note = site.get("location_note")
            entries.append(
                [
                    index[cid],
                    esc(str(site["place"])),
                    esc(str(note)) if note is not None and not pd.isna(note) else "",
                ]
            )
        markers.append([lat, lon, entries])
    clusters = [
        [esc(code), colour, esc(name), badge_text_colour(colour)] for code, colour, name in key.values()
    ]
    return _js_json({"clusters": clusters, "markers": markers}), sorted(
        key.values(), key=lambda k: (len(k[0]), k[0])
    )


def _add_site_markers(layer, sites: pd.DataFrame, served: bool = False) -> list[tuple[str, str, str]]:
    """Add the site markers to ``layer``; returns their legend key entries."""
    body, marker_key = site_markers_data(sites)
    _SiteMarkers(body, served, len(sites)).add_to(layer)
    return marker_key


# ---------------------------------------------------------------- districts: base layer + style table

HOVER_STYLE = {"weight": 3, "color": "#333333"}


def _labels_in_language(label_points: str, language: str) -> str:
    """The district labels' names in Urdu or Sindhi (data/names.csv; English marked [en] when missing)."""
    names = _local_names()
    rows = json.loads(label_points)
    return _js_json([[names.name("district", n, language), lat, lon] for n, lat, lon in rows])


def district_label_points(districts: gpd.GeoDataFrame) -> str:
    """JSON ``[[name, lat, lon], ...]``: where each district's name is written (the pole of
    inaccessibility of its largest part, so the name sits well inside), largest district first.
    Cached by content."""
    key = ("labels", content_key(districts, ["district"], geometry=True))
    return derived(key, lambda: _district_label_points(districts), on_disk=_district_label_points)


def _district_label_points(districts: gpd.GeoDataFrame) -> str:
    from shapely.ops import polylabel

    rows = []
    for name, geom in zip(districts["district"].astype(str), districts.geometry):
        if geom is None or geom.is_empty:
            continue
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        try:
            point = polylabel(part, tolerance=0.01)
        except Exception:  # noqa: BLE001 - odd geometry: fall back to a point inside it
            point = part.representative_point()
        rows.append((geom.area, [name, round(point.y, 4), round(point.x, 4)]))
    return _js_json([r for _, r in sorted(rows, key=lambda r: -r[0])])


class _DistrictsLayer(JSCSSMixin, _DataElement):
    """The districts, decoded from TopoJSON in the browser into one interactive L.geoJson
    layer (so a click gives streamlit-folium the district's Feature). Styles and tooltips
    come from a table on the map (``map._atlasDistricts``) that ``_DistrictStyles`` fills;
    until then every district has the plain border style. The TopoJSON is a data block.

    Every district is also a keyboard control: focusable, named (``aria-label``, set with
    its figure by the style group), selected with Enter or Space like a click. District
    names are written on the map where they fit without overlapping; a checkbox hides them."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        AtlasMap.districts({{ this._parent.get_name() }}, {
            topology: {{ this.read("topology") }},
            heads: {{ this.read("heads") }},
            labels: {{ this.read("labels") if this.labels else "null" }},
            {%- for key, value in this.options.items() %}
            {{ key }}: {{ value|tojson }},
            {%- endfor %}
        });
        {% endmacro %}
        """
    )
    default_js = [MAP_BUNDLE_JS]

    def __init__(
        self,
        topojson_text: str,
        heads_json: str,
        labels_json: str | None = None,
        served: bool = False,
        names_label: str = "District names",
    ):
        super().__init__(served)
        self._name = "AtlasDistricts"
        self.add_data("topology", topojson_text)
        self.add_data("heads", heads_json)
        self.labels = bool(labels_json)
        if labels_json:
            self.add_data("labels", labels_json)
        self.options = {
            "object": TOPOJSON_OBJECT,
            "plain": {
                "color": BORDER,
                "weight": 1,
                "opacity": 1,
                "fillColor": NO_CLUSTER_FILL,
                "fillOpacity": 0.6,
            },
            "hover": HOVER_STYLE,
            "hatch": GAP_COLOURS,  # low-coverage fills: url(#atlas-hatch-<class>), see hatch_id
            "namesLabel": names_label,  # the names checkbox, in the page's language
        }


class _DistrictStyles(_DataElement):
    """Fills the map's district style/tooltip table, restyles the districts layer in place
    and draws the selected/highlighted outlines (non-interactive) into its FeatureGroup."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var data = /* atlas-styles */ {{ this.data }};
            // streamlit-folium evaluates this group apart from the map script, where the map has another name.
            AtlasMap.styles({{ this._parent.get_name() }},
                (typeof {{ this.map_name }} !== "undefined" && {{ this.map_name }}._atlasDistricts) || window.__atlasDistricts,
                data);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, data: dict):
        super().__init__()
        self._name = "AtlasDistrictStyles"
        self.map_name = map_name
        self.data = _js_json(data)


def district_style_table(districts, scores, selected=None, highlight=(), fill_style=None) -> dict:
    """{"styles": [distinct styles], "districts": {name: [style index, tooltip html]}, "outlines": {name: style}}."""
    highlight = set(highlight or ())
    names = districts["district"].astype(str)
    statuses = district_statuses(names, scores)
    styles: list[dict] = []
    index: dict[str, int] = {}
    table, outlines = {}, {}
    for district, status, cls, text, low in zip(
        names,
        statuses["status"],
        statuses["gap_class"],
        statuses["text"],
        statuses["low_coverage"],
    ):
        style = fill_style(district) if fill_style else _fill_style(status, int(cls), bool(low))
        key = json.dumps(style, sort_keys=True)
        if key not in index:
            index[key] = len(styles)
            styles.append(style)
        # Only the figure's line: the district's name and division are in the base map's heads.
        table[district] = [index[key], esc(text)]
        if district == selected or district in highlight:
            outlines[district] = _outline_style(district, selected, highlight)
    return {"styles": styles, "districts": table, "outlines": outlines}


# ---------------------------------------------------------------- legend


TILES_FAILED = (
    "The online basemap could not load (no internet?). Districts, sites and figures are all shown without it."
)


class _MapExtras(JSCSSMixin, _DataElement):
    """Legend, attribution, plain background, the maps' CSS, the frame's title, and the fit.

    The legend sits bottom left (collapsible; its site key starts closed on a narrow map) and
    the map is fitted to ``fit`` ([[south, west], [north, east]]) in the space above it or
    beside it, whichever is larger, at fractional zoom, again whenever the frame or the legend
    changes size: the province fills the frame and no district lies under the legend. A "Reset
    view" button brings that view back; the mouse wheel zooms only after a click on the map
    (or with Ctrl), so scrolling the page over it does not. With online tiles, a failed tile says so once, and OpenStreetMap is
    credited once (its tiles and the boundaries share one credit)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        AtlasMap.extras({{ this._parent.get_name() }}, {
            legend: {{ this.read("legend") if this.legend_html else "null" }},
            {%- for key, value in this.options.items() %}
            {{ key }}: {{ value|tojson }},
            {%- endfor %}
        });
        {% endmacro %}
        """
    )
    default_js = [MAP_BUNDLE_JS]

    def __init__(
        self,
        legend_html: str,
        attribution: str,
        background: str | None,
        *,
        fit: list | None = None,
        title: str | None = None,
        served: bool = False,
        tiles_failed: str = TILES_FAILED,
        tiles_attribution: str | None = None,
        reset_label: str = RESET_VIEW,
    ):
        super().__init__(served)
        self._name = "AtlasExtras"
        self.set_legend(legend_html)
        # The maps' CSS is a served file too (a content-named copy of MAP_EXTRAS_CSS).
        self.default_css = [("atlas_map_css", _served_url("atlas-map", MAP_EXTRAS_CSS, ".css"))]
        self.options = {
            "title": title or MAP_TITLE.format(region=region_name()),
            "attribution": attribution,
            "tilesAttribution": tiles_attribution or TILES_ATTRIBUTION.format(attribution=attribution),
            "tilesFailed": tiles_failed,  # the offline-basemap notice, in the page's language
            "resetLabel": reset_label,  # the reset-view button's name, in the page's language
            "background": background,
            "fit": fit,
        }

    def set_legend(self, legend_html: str) -> None:
        self.legend_html = legend_html
        self.add_data("legend", _js_json(legend_html))


def _swatch(fill: str, border: str = BORDER, dashed: bool = False) -> str:
    style = "dashed" if dashed else "solid"
    return (
        f'<span style="display:inline-block;width:14px;height:12px;margin-right:6px;'
        f'vertical-align:middle;background:{fill};border:1.5px {style} {border}"></span>'
    )


def _hatch_swatch(colour: str) -> str:
    return (
        f'<span style="display:inline-block;width:14px;height:12px;margin-right:6px;vertical-align:middle;'
        f'background:repeating-linear-gradient(45deg,{colour} 0 3px,#fff 3px 6px);border:1.5px solid {BORDER}"></span>'
    )


def legend_html(
    marker_key: Iterable[tuple[str, str, str]] = (),
    title: str = "Cluster gap",
    not_assessed_label: str = NOT_ASSESSED_LABEL,
    tr=None,
) -> str:
    """Legend HTML: gap classes, hatching for low coverage, not assessed, no cluster, and the marker key.

    ``tr``: a ``cluster_model.i18n.Translator`` for the legend's language (default English); a
    ``title`` or ``not_assessed_label`` given already translated is kept as it is."""
    _ = tr.gettext if tr else str
    hatched, no_cluster = _("hatched: low coverage, few indicators assessed"), _("no cluster named")
    sites_title = _("Cluster sites")
    title = _(title) if tr is None or tr.has(title) else title
    unknown = _(not_assessed_label) if tr is None or tr.has(not_assessed_label) else not_assessed_label
    # Rows and key entries are divs, swatches and badges spans (the workshop view enlarges those by tag).
    rows = [
        f"<div>{_swatch(colour)}{GAP_BREAKS[i]:.1f}–{GAP_BREAKS[i + 1]:.1f}</div>"
        for i, colour in enumerate(GAP_COLOURS)
    ]
    rows.append(f"<div>{_hatch_swatch(GAP_COLOURS[2])}{esc(hatched)}</div>")
    rows.append(f"<div>{_swatch(NOT_ASSESSED_FILL, '#424242', dashed=True)}{esc(unknown)}</div>")
    rows.append(f"<div>{_swatch(NO_CLUSTER_FILL, '#9a9a9a')}{esc(no_cluster)}</div>")
    marker_key = list(marker_key)
    key_html = ""
    if marker_key:
        # Open: the badges' numbers mean nothing without it (closed by the map script on a narrow map).
        key_html = (
            f'<details class="atlas-key-box" open><summary><b>{esc(sites_title)} ({len(marker_key)})</b></summary>'
            '<div class="atlas-key">'
            + "".join(f"<div>{_badge(code, colour)} {esc(name)}</div>" for code, colour, name in marker_key)
            + "</div></details>"
        )
    return (
        f"<div><details open><summary><b>{esc(title)}</b></summary>"
        f'<div class="atlas-legend-rows">{"".join(rows)}</div></details>' + key_html + "</div>"
    )


# ---------------------------------------------------------------- maps


def _base_map(districts: gpd.GeoDataFrame, basemap: bool, pad: float = 0.0) -> folium.Map:
    """Empty map centred on ``districts``, local assets only (the map script fits it, ``_MapExtras``)."""
    minx, miny, maxx, maxy = districts.total_bounds + np.array([-pad, -pad, pad, pad])
    m = AtlasMap(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=6,
        tiles=None,
        control_scale=True,
        attributionControl=True,
        maxZoom=MAX_ZOOM,  # with no tile layer Leaflet has none, and Leaflet.markercluster needs one
    )
    if basemap:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)").add_to(m)
    # No folium fit_bounds: its animated zoom swallows every later fit until the animation ends, and in a
    # frame not yet drawn it never does (#24 item 3). The map script fits it (_MapExtras, ``fit``).
    return localise_map(m)


SITE_COLUMNS = (
    "cluster_id",
    "cluster_name",
    "code",
    "number",
    "cluster_number",
    "place",
    "location_note",
    "lat",
    "lon",
)


def _site_markers_cached(sites: pd.DataFrame) -> tuple[str, list]:
    """(markers JSON, their legend key) for a sites frame, cached by content: both are built
    from every site (2,000 on a national map) but never change with the scores."""
    return derived(("markers", content_key(sites, SITE_COLUMNS)), lambda: site_markers_data(sites))


ATLAS_MAP_ID = hashlib.md5(b"sindh-cluster-atlas map").hexdigest()  # a fixed name, not security


class AtlasMap(folium.Map):
    """A folium Map whose element id is always the same, so the same view sends byte-identical
    messages and Streamlit's message cache can skip them (folium draws a random id per map).
    ``_generate_id`` is branca's hook for this (python-visualization/branca#203).

    Keeps its legend's HTML (``legend_html``) and site key (``marker_key``), so a view can show
    the legend elsewhere or give it another title (``set_legend``) without reaching into folium."""

    legend_html: str = ""
    marker_key: list = []
    extras: _MapExtras | None = None

    def set_legend(self, legend: str) -> None:
        """Replace the legend's HTML (built and escaped by the caller, e.g. with ``legend_html``)."""
        self.legend_html = legend
        if self.extras is not None:
            self.extras.set_legend(legend)

    @classmethod
    def _generate_id(cls) -> str:
        # Looks like folium's random ids (32 hex digits): streamlit-folium renames every "_<id>" it
        # finds in the script, so a word such as "atlas" would rename parts of the map's own code.
        return ATLAS_MAP_ID


def _bounds(frame: gpd.GeoDataFrame, pad: float = 0.0) -> list:
    minx, miny, maxx, maxy = frame.total_bounds + np.array([-pad, -pad, pad, pad])
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def build_atlas_base(
    districts: gpd.GeoDataFrame,
    sites: pd.DataFrame | None,
    *,
    basemap: bool = False,
    legend_title: str = ATLAS_LEGEND_TITLE,
    not_assessed_label: str = NOT_ASSESSED_LABEL,
    labels: bool = True,
    served: bool = False,
    tr=None,
) -> folium.Map:
    """The part of the atlas map that does not depend on round, pillars, sectors' scores or
    selection: districts (TopoJSON) and their names, site markers, legend, attribution. Same
    script every call for the same frames; colour it with ``atlas_styles``.

    ``served``: districts, markers and legend go to the browser as content-hashed files
    (fetched once, then cached) instead of inside the map; for a page served by Streamlit.
    The legend's HTML is kept as ``m.legend_html`` (e.g. to show it below a small map)."""
    m = _base_map(districts, basemap)
    label_points = district_label_points(districts) if labels else None
    if label_points and tr is not None and tr.language != "en":
        label_points = _labels_in_language(label_points, tr.language)
    _ = tr.gettext if tr else str
    _DistrictsLayer(
        districts_topojson(districts),
        district_tooltip_heads(districts, tr),
        label_points,
        served=served,
        names_label=_("District names"),
    ).add_to(m)
    marker_key: list = []
    if sites is not None and len(sites):
        layer = folium.FeatureGroup(name="Cluster sites").add_to(m)
        body, marker_key = _site_markers_cached(sites)
        _SiteMarkers(body, served, len(sites)).add_to(layer)
    m.marker_key = marker_key
    m.legend_html = legend_html(marker_key, legend_title, not_assessed_label, tr)
    m.extras = _MapExtras(
        m.legend_html,
        BOUNDARY_ATTRIBUTION,
        None if basemap else BACKGROUND,
        fit=_bounds(districts),
        served=served,
        title=_(MAP_TITLE).format(region=tr.data(region_name()) if tr else region_name()),
        tiles_failed=_(TILES_FAILED),
        tiles_attribution=_(TILES_ATTRIBUTION).format(attribution=BOUNDARY_ATTRIBUTION),
        reset_label=_("Reset view"),
    ).add_to(m)
    return m


def atlas_styles(
    base: folium.Map,
    districts: gpd.GeoDataFrame,
    district_scores: pd.DataFrame | None,
    *,
    selected: str | None = None,
    highlight: Iterable[str] | None = None,
    fill_style=None,
) -> folium.FeatureGroup:
    """District colours, tooltips and outlines for ``base``, as a FeatureGroup for
    ``st_folium(..., feature_group_to_add=...)`` (or to add to the map). ``fill_style``:
    district -> style, instead of the gap colours."""
    table = district_style_table(districts, district_scores, selected, highlight, fill_style)
    group = folium.FeatureGroup(name="District styles", control=False)
    _DistrictStyles(base.get_name(), table).add_to(group)
    return group


def build_atlas_map(
    districts: gpd.GeoDataFrame,
    district_scores: pd.DataFrame | None,
    sites: pd.DataFrame | None,
    *,
    selected: str | None = None,
    basemap: bool = False,
    highlight: Iterable[str] | None = None,
    legend_title: str = "Cluster gap",
    not_assessed_label: str = NOT_ASSESSED_LABEL,
    tr=None,
) -> folium.Map:
    """Districts filled by gap class, site markers, legend; offline unless basemap.

    One map with the styles inside; the Atlas page sends the two parts separately.
    (The workshop view titles the legend with the room's pillar; the Atlas says ``ATLAS_LEGEND_TITLE``.)
    """
    m = build_atlas_base(
        districts,
        sites,
        basemap=basemap,
        legend_title=legend_title,
        not_assessed_label=not_assessed_label,
        tr=tr,
    )
    atlas_styles(m, districts, district_scores, selected=selected, highlight=highlight).add_to(m)
    return m


def build_sites_map(
    districts: gpd.GeoDataFrame,
    sites: pd.DataFrame,
    cluster_id: str,
    *,
    basemap: bool = False,
    tr=None,
) -> folium.Map:
    """Small map of one cluster's sites, with the districts they lie in highlighted.
    ``tr``: a ``cluster_model.i18n.Translator`` for its key and notices (English when None)."""
    _ = tr.gettext if tr else str
    own = sites[sites["cluster_id"] == cluster_id]
    in_cluster = set(own["district"])
    focus = districts[districts["district"].isin(in_cluster)]
    m = _base_map(focus if len(focus) else districts, basemap, pad=0.3 if len(focus) else 0.0)

    def fill(district):
        if district in in_cluster:
            return {"color": HIGHLIGHT_OUTLINE, "weight": 2, "fillColor": "#9ecae1", "fillOpacity": 0.7}
        return {"color": "#9a9a9a", "weight": 1, "fillColor": NO_CLUSTER_FILL, "fillOpacity": 0.6}

    scores = pd.DataFrame(
        {"gap": np.nan, "n_clusters": 1, "label": _("site of this cluster")}, index=sorted(in_cluster)
    )
    _DistrictsLayer(
        districts_topojson(districts), district_tooltip_heads(districts, tr), names_label=_("District names")
    ).add_to(m)
    atlas_styles(m, districts, scores, fill_style=fill).add_to(m)
    marker_key = _add_site_markers(m, own) if len(own) else []
    rows = (
        [_swatch("#9ecae1", HIGHLIGHT_OUTLINE) + esc(_("district with a site"))]
        if len(own)
        else [esc(_("no site recorded for this cluster"))]
    )
    rows += [f"{_badge(code, colour)} {esc(name)}" for code, colour, name in marker_key]
    key_html = '<div class="atlas-key">' + "".join(f"<div>{r}</div>" for r in rows) + "</div>"
    _MapExtras(
        key_html,
        BOUNDARY_ATTRIBUTION,
        None if basemap else BACKGROUND,
        fit=_bounds(focus if len(focus) else districts, 0.3 if len(focus) else 0.0),
        title=_("Map of the districts where this cluster's sites lie"),
        tiles_failed=_(TILES_FAILED),
        tiles_attribution=_(TILES_ATTRIBUTION).format(attribution=BOUNDARY_ATTRIBUTION),
        reset_label=_("Reset view"),
    ).add_to(m)
    return m


def clicked_district(st_folium_return: dict | None) -> str | None:
    """District name of the clicked feature in an st_folium return value, else None."""
    if not st_folium_return:
        return None
    feature = st_folium_return.get("last_active_drawing") or {}
    properties = feature.get("properties") if isinstance(feature, dict) else None
    district = (properties or {}).get("district")
    return str(district) if district else None
