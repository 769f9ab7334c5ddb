"""Print-ready map snapshots rendered on the server, without a browser.

The map is an altair ``mark_geoshape`` chart saved through vl-convert (which
bundles Vega; no network, no Chromium). A snapshot is never just a picture: it
carries its title, legend, the filters and round in force, the date, the credit
for the data and for the boundaries, and, when the round is illustrative or a draft, its mark
("ILLUSTRATIVE — not real data", "Draft, not published") written across the whole picture
(:func:`_watermarked`, the one watermark of every picture rendered here).

Colours, class breaks, the "not assessed" grey and the "no cluster" white are
those of the interactive map (geo/atlas_map.py), so the two always agree.
"Not assessed" districts are grey *and* hatched, and say so in the legend:
unknown is never drawn like a low gap. A gap figure with low coverage (the scoring's flag) is striped
in its class colour on white, as on screen, with its own legend row and a note.

Offline: vl-convert reads no URL (``allowed_base_urls=[]``); all data is
inline; fonts are the system DejaVu fonts registered below.

Typical use::

    chart = snapshot_chart(districts, scores, sites, title=..., subtitle_lines=[...],
                           credits=[...], illustrative=False, highlight=["Thatta"])
    png = render(chart, "png")          # 2x, print quality
    small = render_small_png(chart)      # < 300 KB, for messaging apps
"""

from __future__ import annotations

import io
import json
import math
import re
import textwrap
import threading
from collections.abc import Iterable, Sequence

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import vl_convert as vlc
from PIL import Image

from cluster_model.exports import RoundMarks, mark_lines, round_mark
from cluster_model.fonts import ARABIC_DIR, FONT_DIR  # the fonts every PDF embeds, so the map matches them
from cluster_model.i18n import is_rtl
from cluster_model.local_names import load_names
from cluster_model.markup import esc
from cluster_model.scoring import district_statuses
from cluster_model.vocabulary import ILLUSTRATIVE_MARK
from geo.atlas_map import (
    BORDER,
    GAP_BREAKS,
    GAP_COLOURS,
    HIGHLIGHT_OUTLINE,
    NO_CLUSTER_FILL,
    NOT_ASSESSED_FILL,
)
from geo.boundaries import BOUNDARY_ATTRIBUTION
from geo.derived import content_key, derived
from geo.projection import mercator_lat, mercator_px_per_radian, mercator_y, pixel_tolerance

WATERMARK = ILLUSTRATIVE_MARK
FONT = "DejaVu Sans"
# Urdu and Sindhi snapshots: Lateef (fonts-sil-lateef, made for Sindhi and Urdu) first, DejaVu for the rest;
# vl-convert's renderer (resvg) shapes the Arabic script and orders mixed runs (bidi) itself.
FONT_RTL = "Lateef, DejaVu Sans"
SMALL_PNG_LIMIT = 300 * 1024
DECIMALS = 3  # ~100 m, matches the display simplification; keeps the spec small
MAP_WIDTH = 720
# Geometry is simplified and rounded to the size of an output pixel of the 2x print PNG: the
# error stays under half an output pixel (0.25 CSS px): detail below that is never drawn.
PRINT_SCALE = 2.0
MAX_ERROR_PX = 0.5 / PRINT_SCALE  # in CSS px (Vega units)
# Above these, site codes would pile up unreadably (and every glyph costs rendering time):
# sites become small dots and the key a one-line summary. District names are printed only
# where the district is big enough on the map to hold one (~ Sindh's 1.5e9 m² at 720 px).
MAX_SITE_LABELS = 150  # labelled locations
MAX_KEY_CLUSTERS = 80  # clusters listed in the key
MIN_LABEL_AREA_PX = 2400.0
EARTH_RADIUS = 6378137.0
FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}

NOT_ASSESSED_LABEL = "not assessed (unknown, hatched)"
LOW_COVERAGE_LABEL = "hatched: low coverage, few indicators assessed"  # the on-screen legend's words
NO_CLUSTER_LABEL = "no cluster named"
GAP_LABELS = tuple(f"gap {GAP_BREAKS[i]:.1f}–{GAP_BREAKS[i + 1]:.1f}" for i in range(len(GAP_COLOURS)))
# The low-coverage entry is a legend row only (no district takes it: they keep their class colour, striped).
LEGEND_DOMAIN = (*GAP_LABELS, LOW_COVERAGE_LABEL, NOT_ASSESSED_LABEL, NO_CLUSTER_LABEL)
LEGEND_RANGE = (*GAP_COLOURS, NO_CLUSTER_FILL, NOT_ASSESSED_FILL, NO_CLUSTER_FILL)
# Low coverage as on screen (static/atlas/atlas-map.js, hatchPatterns): stripes of the class colour on
# white, 3.5 px of every 7 px, at 45°. Here white stripes are drawn over the class colour.
STRIPE_PERIOD_PX = 7.0
STRIPE_WHITE_PX = 3.5
NOT_ASSESSED_LINES = "#3d3d3d"
# Legend swatches (Vega symbol paths in [-1, 1]): a square with diagonal lines, drawn like the map's fills.
_SWATCH_LINES = "M-1,-1H1V1H-1Z M-1,0L0,-1 M-1,1L1,-1 M0,1L1,0"
LEGEND_SYMBOLS = "atlas_legend_symbols"  # the chart's usermeta key for them
# The chart's usermeta key for the round's mark, which render() writes across the whole picture.
WATERMARK_META = "atlas_watermark"

_fonts_lock = threading.Lock()
_fonts_registered = False


def _register_fonts() -> None:
    """Use the system DejaVu fonts (fonts-dejavu-core) so text renders the same everywhere."""
    global _fonts_registered
    with _fonts_lock:
        if not _fonts_registered:
            for folder in (FONT_DIR, ARABIC_DIR):
                if folder.is_dir():
                    vlc.register_font_directory(str(folder))
            _fonts_registered = True


# ---------------------------------------------------------------- data for the chart


def _scores_by_district(district_scores: pd.DataFrame | None) -> pd.DataFrame:
    if district_scores is None or len(district_scores) == 0:
        return pd.DataFrame(columns=["gap", "coverage", "n_clusters"])
    if "district" in district_scores.columns:
        return district_scores.set_index("district")
    return district_scores


def _rounded(geoms, decimals: int = DECIMALS) -> np.ndarray:
    """Rounded coordinates, polygons wound clockwise as d3-geo (Vega) expects.

    GeoJSON (RFC 7946) winds exterior rings counter-clockwise; d3's spherical
    geometry reads that as "the whole globe except this polygon".
    """
    rounded = shapely.transform(np.asarray(geoms), lambda xy: np.round(xy, decimals))
    return shapely.orient_polygons(rounded, exterior_cw=True)


def _prepare(districts: gpd.GeoDataFrame) -> tuple[np.ndarray, gpd.GeoSeries]:
    """(areas in m², label points), computed once per districts' content."""
    return derived(
        ("snapshot-prepare", content_key(districts, ["district"], geometry=True)),
        lambda: (districts.to_crs(6933).area.values, districts.geometry.representative_point()),
    )


def _pixel_geometry(
    districts: gpd.GeoDataFrame, tolerance: float, decimals: int
) -> tuple[np.ndarray, list[str | None]]:
    """(simplified geometries, their GeoJSON text), for one output pixel size.

    Cached per districts' content and (tolerance, decimals): a view only re-colours them.
    """

    def compute():
        geoms = np.asarray(districts.geometry.values)
        simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
        simple = np.where(shapely.is_empty(simple) | shapely.is_missing(simple), geoms, simple)
        simple = _rounded(simple, decimals)
        texts = [None if g is None or g.is_empty else t for g, t in zip(simple, shapely.to_geojson(simple))]
        return simple, texts

    key = ("snapshot-geometry", content_key(districts, ["district"], geometry=True), tolerance, decimals)
    return derived(key, compute)


def _features_json(geometry_texts: Sequence[str | None], props: Sequence[dict]) -> str:
    """A JSON array of features, built from pre-serialised geometry (no per-coordinate Python work)."""
    return (
        "["
        + ",".join(
            '{"type":"Feature","geometry":' + g + ',"properties":' + json.dumps(p, ensure_ascii=False) + "}"
            for g, p in zip(geometry_texts, props)
            if g is not None
        )
        + "]"
    )


def _json_data(text: str) -> alt.InlineData:
    """Inline data given as JSON text: altair passes one string on instead of walking every coordinate."""
    return alt.InlineData(values=text, format=alt.DataFormat(type="json"))


def _projection(
    box, width: int, height: int, k: float
) -> tuple[alt.Projection, tuple[float, float, float, float]]:
    """(Mercator projection showing the box centred at scale k, the lon/lat rectangle it shows).

    Set explicitly rather than by Vega's ``fit``, so the visible rectangle is known here
    (geometry is cut to it in Python, see :func:`_clip_json`). Vega-Lite then clips every mark
    by default: the map layers say ``clip=False``. Site dots are the only points.
    """
    minx, miny, maxx, maxy = box
    cx, cy = (minx + maxx) / 2, (mercator_y(miny) + mercator_y(maxy)) / 2
    half_x, half_y = math.degrees(width / k / 2), height / k / 2
    projection = alt.Projection(
        type="mercator",
        scale=k,
        center=[cx, mercator_lat(cy)],
        translate=[width / 2, height / 2],
        pointRadius=1.8,
    )
    return projection, (cx - half_x, mercator_lat(cy - half_y), cx + half_x, mercator_lat(cy + half_y))


def _clip_json(geoms, texts: Sequence[str | None], rect) -> list[str | None]:
    """GeoJSON texts of the geometries cut to the visible rectangle.

    Cutting here instead of a Vega ``clip``: a clip path makes the rasteriser draw the
    layer into a full-size mask, which tripled the PNG time.
    """
    bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    out = list(texts)
    cross = np.flatnonzero(
        (bounds[:, 0] < rect[0])
        | (bounds[:, 1] < rect[1])
        | (bounds[:, 2] > rect[2])
        | (bounds[:, 3] > rect[3])
    )
    if len(cross):
        cut = shapely.orient_polygons(
            shapely.clip_by_rect(np.asarray(geoms, dtype=object)[cross], *rect), exterior_cw=True
        )
        for i, g, t in zip(cross, cut, shapely.to_geojson(cut)):
            out[i] = None if g is None or g.is_empty else t
    return out


def _categories(
    names: Sequence[str], scores: pd.DataFrame
) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """(legend category, status text, status, low coverage) of every district, by the map's own rule."""
    statuses = district_statuses(names, scores)
    categories = [
        GAP_LABELS[cls] if st_ == "gap" else NOT_ASSESSED_LABEL if st_ == "not_assessed" else NO_CLUSTER_LABEL
        for st_, cls in zip(statuses["status"], statuses["gap_class"])
    ]
    return (
        categories,
        list(statuses["text"]),
        statuses["status"].to_numpy(dtype=object),
        statuses["low_coverage"].to_numpy(dtype=bool),
    )


def _legend_swatches(low_label: str, unknown_label: str) -> dict:
    """Vega legend symbol encoding: the low-coverage row striped (class colour on white), the not-assessed
    row grey with dark lines, as the map draws them; the other rows plain squares."""

    def pick(low, unknown, other) -> dict:
        low, unknown, other = (json.dumps(v) for v in (low, unknown, other))
        return {
            "signal": f"datum.label === {json.dumps(low_label)} ? {low} : "
            f"datum.label === {json.dumps(unknown_label)} ? {unknown} : {other}"
        }

    return {
        "symbols": {
            "update": {
                "shape": pick(_SWATCH_LINES, _SWATCH_LINES, "square"),
                "stroke": pick(GAP_COLOURS[2], NOT_ASSESSED_LINES, BORDER),
                "strokeWidth": pick(2.5, 1, 1),
            }
        }
    }


def _hatch(polygons, bounds: Sequence[float], spacing: float) -> shapely.Geometry | None:
    """Diagonal hatch lines ``spacing`` apart, clipped to ``polygons``."""
    if len(polygons) == 0:
        return None
    area = shapely.union_all(
        shapely.make_valid(np.asarray(polygons, dtype=object))
    )  # rounding can self-touch
    minx, miny, maxx, maxy = bounds
    span = (maxx - minx) + (maxy - miny)
    offsets = np.arange(-span, span, spacing)
    lines = shapely.multilinestrings([[(minx + o, miny), (minx + o + span, miny + span)] for o in offsets])
    clipped = shapely.intersection(lines, area)
    return None if clipped.is_empty else clipped


def _fit_box(districts: gpd.GeoDataFrame, highlight: list[str]) -> tuple[float, float, float, float]:
    chosen = districts[districts["district"].isin(highlight)] if highlight else districts
    if chosen.empty:
        chosen = districts
    minx, miny, maxx, maxy = chosen.total_bounds
    # A small margin: the chosen districts fill the map (a wide one left an empty band and cut context).
    pad = 0.04 * max(maxx - minx, maxy - miny) if highlight else 0.02
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def _box_feature(box) -> dict:
    minx, miny, maxx, maxy = box
    return {
        "type": "Feature",
        "properties": {},
        "geometry": shapely.geometry.mapping(shapely.box(minx, miny, maxx, maxy, ccw=False)),
    }


def _map_height(box, width: int) -> int:
    minx, miny, maxx, maxy = box
    mid = np.radians((miny + maxy) / 2)
    ratio = (maxy - miny) / max((maxx - minx) * np.cos(mid), 1e-6)
    return int(np.clip(width * ratio, width * 0.4, width * 1.35))


# ---------------------------------------------------------------- chart pieces


def _text_block(
    lines: Sequence[tuple[str, str]], width: int, size: int = 11, line_height: int = 15, rtl: bool = False
) -> alt.Chart:
    """Left-aligned (right-aligned when ``rtl``) lines of text (text, colour) as a chart of its own."""
    rows = [{"t": text, "y": i * line_height, "c": colour} for i, (text, colour) in enumerate(lines)]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_text(align="right" if rtl else "left", baseline="top", fontSize=size, limit=width)
        .encode(
            x=alt.value(width if rtl else 0),
            y=alt.Y("y:Q", scale=None, axis=None),
            text="t:N",
            color=alt.Color("c:N", scale=None, legend=None),
        )
        .properties(width=width, height=max(len(rows), 1) * line_height)
    )


class _Pixels:
    """Where a lon/lat lands on the snapshot (the same Mercator as the chart's projection)."""

    def __init__(self, box, width: int, height: int, k: float):
        self.cx, self.cy = (box[0] + box[2]) / 2, (mercator_y(box[1]) + mercator_y(box[3])) / 2
        self.width, self.height, self.k = width, height, k

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.width / 2 + self.k * math.radians(lon - self.cx),
            self.height / 2 - self.k * (mercator_y(lat) - self.cy),
        )


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_badges(
    anchors: Sequence[tuple[float, float, str]], avoid: Sequence[tuple] = ()
) -> list[tuple[float, float]]:
    """Badge centres (pixels) for (x, y, text) anchors: on the anchor when free, else the nearest
    free spot around it, so no badge covers another badge or a district name (boxes in ``avoid``)."""
    placed: list[tuple] = list(avoid)
    out = []
    steps = [(0, 0)] + [
        (dx * r, dy * r)
        for r in (1, 2, 3)
        for dx, dy in ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1))
    ]
    for x, y, text in anchors:
        w, h = 7.0 * len(text) + 10, 17.0
        for dx, dy in steps:
            cx, cy = x + dx * (w * 0.6 if dx else 0), y + dy * h * 1.1
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not any(_overlaps(box, o) for o in placed):
                break
        placed.append(box)
        out.append((cx, cy))
    return out


def _site_layer(
    sites: pd.DataFrame | None, pixels: _Pixels | None = None, avoid: Sequence[tuple] = ()
) -> tuple[list[alt.Chart], list[str], str | None]:
    """(site marker layers, key items "code name", or else one summary line when there are too many).

    With ``pixels``, badges are placed clear of each other and of the boxes in ``avoid`` (the
    district names); a moved badge keeps a thin line to its place."""
    if sites is None or len(sites) == 0:
        return [], [], None
    rows = pd.DataFrame(
        {
            "lat": sites["lat"].astype(float).round(4).to_numpy(),
            "lon": sites["lon"].astype(float).round(4).to_numpy(),
            "code": (
                sites["number"].astype(str) if "number" in sites else sites["cluster_id"].astype(str).str[:2]
            ).to_numpy(),
            "name": (sites["cluster_name"] if "cluster_name" in sites else sites["cluster_id"])
            .astype(str)
            .to_numpy(),
        }
    )
    places = rows.drop_duplicates(["lat", "lon"])
    clusters = rows.drop_duplicates(["code", "name"])
    if len(places) > MAX_SITE_LABELS or len(clusters) > MAX_KEY_CLUSTERS:
        # Too many to label at this scale: one dot per location, and say so in the key.
        # All dots as ONE MultiPoint shape: one SVG path instead of one symbol per location.
        points = json.dumps({"type": "MultiPoint", "coordinates": places[["lon", "lat"]].to_numpy().tolist()})
        base = alt.Chart(_json_data('[{"type":"Feature","properties":{},"geometry":' + points + "}]"))
        # a white rim under every dot first, then the dots: overlapping dots stay clean
        dots = [
            base.mark_geoshape(clip=False, fill="#ffffff", stroke="#ffffff", strokeWidth=1.2),
            base.mark_geoshape(clip=False, fill="#1d1d1d", strokeWidth=0),
        ]
        return (
            dots,
            [],
            (
                f"Sites: {len(places):,} locations of {len(clusters):,} clusters (dots; too many to label at "
                "this scale: choose districts to see cluster numbers, or use the data download)."
            ),
        )
    # One marker per location; clusters sharing a place share it ("6/9").
    grouped = (
        rows.drop_duplicates(["lat", "lon", "code"])
        .groupby(["lat", "lon"], sort=False)["code"]
        .agg("/".join)
        .reset_index()
    )
    values = grouped.to_dict("records")
    key = [f"{c} {n}" for c, n in zip(clusters["code"], clusters["name"])]
    key.sort(key=lambda k: (len(k.split(" ")[0]), k))
    if pixels is None:
        base = alt.Chart(alt.Data(values=values)).encode(longitude="lon:Q", latitude="lat:Q")
        layers = []
    else:
        anchors = [(*pixels(v["lon"], v["lat"]), v["code"]) for v in values]
        for v, (x, y, _), (bx, by) in zip(values, anchors, place_badges(anchors, avoid)):
            v.update(x=round(x, 1), y=round(y, 1), bx=round(bx, 1), by=round(by, 1))
        base = alt.Chart(alt.Data(values=values)).encode(
            x=alt.X("bx:Q", scale=None, axis=None), y=alt.Y("by:Q", scale=None, axis=None)
        )
        moved = [v for v in values if (v["x"], v["y"]) != (v["bx"], v["by"])]
        layers = []
        if moved:  # a leader from the true place to the moved badge, and a dot on the place
            lead = alt.Chart(alt.Data(values=moved))
            layers.append(
                lead.mark_rule(clip=False, color="#1d1d1d", strokeWidth=1).encode(
                    x=alt.X("x:Q", scale=None, axis=None),
                    y=alt.Y("y:Q", scale=None, axis=None),
                    x2="bx:Q",
                    y2="by:Q",
                )
            )
            layers.append(
                lead.mark_circle(clip=False, color="#1d1d1d", size=14, opacity=1).encode(
                    x=alt.X("x:Q", scale=None, axis=None), y=alt.Y("y:Q", scale=None, axis=None)
                )
            )
    # A dark pill behind white text (a thick text stroke), so "7/12" fits as well as "3".
    halo = base.mark_text(
        clip=False,
        fontSize=10,
        fontWeight="bold",
        stroke="#1d1d1d",
        strokeWidth=9,
        strokeJoin="round",
        color="#1d1d1d",
    ).encode(text="code:N")
    codes = base.mark_text(clip=False, fontSize=10, fontWeight="bold", color="#ffffff").encode(text="code:N")
    return layers + [halo, codes], key, None


def _district_shapes(
    geometry_texts, props: list[dict], legend_word, legend: bool, context: dict | None, rtl: bool, _
) -> alt.Chart:
    """The districts filled by their class (gap, or the context layer's), with the legend."""
    return (
        alt.Chart(_json_data(_features_json(geometry_texts, props)))
        .mark_geoshape(clip=False, stroke=BORDER, strokeWidth=0.6)
        .encode(
            color=alt.Color(
                "properties.category:N",
                scale=alt.Scale(
                    domain=list(context["domain"] if context else [legend_word(d) for d in LEGEND_DOMAIN]),
                    range=list(context["range"] if context else LEGEND_RANGE),
                ),
                legend=alt.Legend(
                    title=context["title"] if context else _("District gap, chosen pillars"),
                    orient="left" if rtl else "right",
                    symbolType="square",
                    symbolStrokeColor=BORDER,
                    symbolStrokeWidth=1,
                    symbolSize=180,
                    labelFontSize=11,
                    titleFontSize=12,
                    labelLimit=330,
                    titleLimit=320,
                )
                if legend
                else None,
            ),
            opacity=alt.condition("datum.properties.focus", alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("properties.district:N", title="District"),
                alt.Tooltip("properties.text:N", title="Figure" if context else "Gap"),
            ],
        )
    )


def _hatch_layers(geoms, unknown: list[bool], low_coverage, focus, box, k, rect, tolerance, decimals) -> list:
    """Hatching over "not assessed" districts, so unknown never reads as a colour class; white stripes over
    low-coverage gap figures, so a figure on a few indicators does not look as firm as one on many."""
    layers = []
    spacing = max(box[2] - box[0], box[3] - box[1]) / 70
    stripe_spacing = math.degrees(STRIPE_PERIOD_PX / k)
    marks = (
        (unknown, spacing, NOT_ASSESSED_LINES, 0.7),
        (low_coverage, stripe_spacing, NO_CLUSTER_FILL, STRIPE_WHITE_PX),
    )
    for on, opacity in ((True, 1.0), (False, 0.35)):
        for chosen_ones, step, colour, stroke_width in marks:
            polygons = [g for g, c, f in zip(geoms, chosen_ones, focus) if c and f == on and g is not None]
            hatch = _hatch(polygons, rect, step)
            if hatch is not None:
                hatch = _rounded([shapely.clip_by_rect(shapely.simplify(hatch, tolerance), *rect)], decimals)
                if not hatch[0].is_empty:
                    layers.append(
                        alt.Chart(_json_data(_features_json(shapely.to_geojson(hatch), [{}]))).mark_geoshape(
                            clip=False,
                            filled=False,
                            stroke=colour,
                            strokeWidth=stroke_width,
                            strokeOpacity=opacity,
                            strokeCap="butt",
                        )
                    )
    return layers


def _outline_layer(geometry_texts, props: list[dict], stroke: str, stroke_width: float) -> alt.Chart:
    """Borders drawn again over what lies on the districts (stripes; the chosen districts' outline)."""
    return alt.Chart(_json_data(_features_json(geometry_texts, props))).mark_geoshape(
        clip=False, filled=False, stroke=stroke, strokeWidth=stroke_width
    )


def _name_layers(names, points, keep, pixels: _Pixels, local_name) -> tuple[list, list[tuple]]:
    """The district names on the map, and their boxes in pixels (badges keep clear of them)."""
    values = [
        {"lon": round(p.x, 3), "lat": round(p.y, 3), "name": local_name("district", d)}
        for p, d, on in zip(points, names, keep)
        if on
    ]
    name_boxes = []
    for v in values:  # the name's box on the map (drawn 16 px above its point)
        x, y = pixels(v["lon"], v["lat"])
        w = 6.8 * len(v["name"]) + 4
        name_boxes.append((x - w / 2, y - 16 - 8, x + w / 2, y - 16 + 8))
    if not values:
        return [], name_boxes
    lab = alt.Chart(alt.Data(values=values)).encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
    halo = lab.mark_text(
        clip=False,
        fontSize=11,
        fontWeight="bold",
        dy=-16,
        stroke="#ffffff",
        strokeWidth=3,
        strokeOpacity=0.9,
    )
    return [
        halo,
        lab.mark_text(clip=False, fontSize=11, fontWeight="bold", dy=-16, color="#111111"),
    ], name_boxes


def _labelled(names, focus, highlight, status, areas, box, k) -> Sequence[bool]:
    """Which districts get a name: the chosen ones, or else those with a cluster that are big enough on
    the map to hold a name (not the small Karachi ones)."""
    if highlight:
        return focus
    m_per_px = EARTH_RADIUS * math.cos(math.radians((box[1] + box[3]) / 2)) / k
    min_area = max(1.5e9, MIN_LABEL_AREA_PX * m_per_px**2)
    return (status != "no_cluster") & (np.asarray(areas) > min_area)


def _sites_on_map(sites: pd.DataFrame | None, highlight: list[str], rect) -> pd.DataFrame | None:
    """The sites to mark: in the chosen districts, and on the map (no clip path: see _clip_json)."""
    if highlight and sites is not None and "district" in sites:
        sites = sites[sites["district"].isin(highlight)]
    if sites is not None and len(sites):
        lon, lat = sites["lon"].astype(float), sites["lat"].astype(float)
        sites = sites[lon.between(rect[0], rect[2]) & lat.between(rect[1], rect[3])]
    return sites


def _frame_layer(width: int, height: int) -> alt.Chart:
    """A frame: the context districts cut at the edge read as cut on purpose."""
    return (
        alt.Chart(alt.Data(values=[{"x": 0, "y": 0, "x2": width, "y2": height}]))
        .mark_rect(clip=False, filled=False, stroke="#8a8a8a", strokeWidth=1)
        .encode(
            x=alt.X("x:Q", scale=None, axis=None),
            y=alt.Y("y:Q", scale=None, axis=None),
            x2="x2:Q",
            y2="y2:Q",
        )
    )


def _footer_lines(
    credits: Sequence[str], site_note, site_key, width: int, marks: RoundMarks, tr
) -> list[tuple[str, str]]:
    """The texts under the map, (line, colour): the site note and key, the credits, the watermark's words."""
    _ = tr.gettext if tr else str
    credit_lines = list(credits)
    if not any(BOUNDARY_ATTRIBUTION in c for c in credit_lines):
        credit_lines.append(_("District boundaries") + f" {BOUNDARY_ATTRIBUTION}.")
    text_lines: list[tuple[str, str]] = []
    if site_note:
        text_lines += [(x, "#111111") for x in textwrap.wrap(site_note, int(width / 6.4))]
    if site_key:
        lines, line = [], _("Sites (cluster number in the 2019 dialogue report):")
        for item in site_key:  # wrap between items, never inside a name
            if len(line) + len(item) + 3 > width / 6.6:
                lines.append(line)
                line = "   " + item
            else:
                line += (" · " if not line.endswith(":") else " ") + item
        text_lines += [(x, "#111111") for x in [*lines, line]]
    text_lines += [(x, "#333333") for c in credit_lines for x in textwrap.wrap(c, int(width / 6.4)) or [""]]
    text_lines += [(line, "#c00000") for line in mark_lines(marks, tr)]
    return text_lines


def _footer(districts, highlight: list[str], text_lines, width: int, rtl: bool, _):
    """The footer's texts, beside a small locator map when a few districts are zoomed in on (it shows
    where they lie in the province)."""
    inset = None
    if highlight and len(highlight) <= LOCATOR_MAX_DISTRICTS:
        inset = _locator(districts, highlight, LOCATOR_WIDTH).properties(
            title=alt.TitleParams(_("Where in Sindh"), fontSize=11, anchor="end" if rtl else "start")
        )
    footer = _text_block(text_lines, width - (LOCATOR_WIDTH + 20 if inset is not None else 0), rtl=rtl)
    if inset is not None:
        footer = alt.hconcat(inset, footer, spacing=20) if rtl else alt.hconcat(footer, inset, spacing=20)
    return footer


def _titled(
    the_map, footer, title: str, subtitle: list[str], swatches: dict, rtl: bool, mark: str | None = None
) -> alt.Chart:
    """The map over its footer, under the title, in the language's font; ``mark`` (already in the
    language) in the subtitle and across the whole picture."""
    font = FONT_RTL if rtl else FONT
    meta = {**swatches, **({WATERMARK_META: {"text": mark, "font": font}} if mark else {})}
    return (
        alt.vconcat(the_map, footer, spacing=8)
        .properties(
            usermeta=meta,
            title=alt.TitleParams(
                text=title,
                subtitle=[*subtitle, *([mark] if mark else [])],
                anchor="end" if rtl else "start",
                fontSize=18,
                subtitleFontSize=12,
                subtitleColor="#333333",
                offset=10,
            ),
        )
        .configure(font=font)
        .configure_view(stroke=None)
        .configure_legend(labelFont=font, titleFont=font)
        .configure_title(font=font, subtitleFont=font)
    )


def snapshot_chart(
    districts: gpd.GeoDataFrame,
    district_scores: pd.DataFrame | None,
    sites: pd.DataFrame | None,
    *,
    title: str,
    subtitle_lines: Sequence[str] = (),
    credits: Sequence[str] = (),
    illustrative: bool = False,
    draft: bool = False,
    highlight: Iterable[str] | None = None,
    width: int = MAP_WIDTH,
    legend: bool = True,
    labels: bool = True,
    context: dict | None = None,
    tr=None,
) -> alt.Chart:
    """The map snapshot as one altair chart (map, legend, texts, watermark: ``illustrative`` data, or a
    ``draft`` round, one that is not a published edition).

    ``district_scores``: rows of :func:`cluster_model.scoring.district_gaps`
    (a ``district`` column or index; ``gap``, ``n_clusters``) for EVERY district, not
    only the highlighted ones, so the context districts keep their true colours. ``sites``: lat,
    lon, cluster_id and optionally number, cluster_name, place. ``highlight``:
    districts to zoom to and outline; the rest of the province stays, faint,
    for context. ``credits`` are printed under the map; the boundary
    attribution is always added if missing. ``tr``: a ``cluster_model.i18n.Translator`` for the
    snapshot's words, names (data/names.csv) and direction (default English); ``title``,
    ``subtitle_lines`` and ``credits`` come already in that language.
    """
    _ = tr.gettext if tr else str
    rtl = tr is not None and is_rtl(tr.language)
    local = load_names()[0] if tr is not None and tr.language != "en" else None

    def local_name(kind: str, id_: str, english: str | None = None) -> str:
        return local.name(kind, id_, tr.language, english) if local else (english or id_)

    def legend_word(label: str) -> str:
        if label in GAP_LABELS:
            low, high = label.removeprefix("gap ").split("–")
            return _("gap {low}–{high}").format(low=low, high=high)
        return _(label)

    if local is not None and sites is not None and len(sites) and "cluster_name" in sites:
        sites = sites.assign(
            cluster_name=[
                local_name("cluster", c, n) for c, n in zip(sites["cluster_id"], sites["cluster_name"])
            ]
        )
    names = [str(d) for d in districts["district"]]
    highlight = [d for d in dict.fromkeys(highlight or []) if d in set(names)]
    scores = _scores_by_district(district_scores)
    box = _fit_box(districts, highlight)
    height = _map_height(box, width)
    k = mercator_px_per_radian(box, width, height)
    tolerance, decimals = pixel_tolerance(box, k, MAX_ERROR_PX)
    projection, rect = _projection(box, width, height, k)
    areas, points = _prepare(districts)
    geoms, geometry_texts = _pixel_geometry(districts, tolerance, decimals)
    geometry_texts = _clip_json(geoms, geometry_texts, rect)
    categories, texts, status, low_coverage = _categories(names, scores)
    categories = [legend_word(c) for c in categories]
    if (
        context is not None
    ):  # District context layer (geo.context_map.snapshot_context): its classes, not gaps
        categories = [context["category"].get(n, context["none"]) for n in names]
        texts = [context["text"].get(n, "") for n in names]
        low_coverage = np.zeros(len(names), dtype=bool)
    chosen = set(highlight)
    focus = [(not highlight) or name in chosen for name in names]
    props = [
        {"district": n, "category": c, "text": t, "focus": f}
        for n, c, t, f in zip(names, categories, texts, focus)
    ]
    layers: list[alt.Chart] = [_district_shapes(geometry_texts, props, legend_word, legend, context, rtl, _)]
    unknown = context["none"] if context else legend_word(NOT_ASSESSED_LABEL)
    layers += _hatch_layers(
        geoms, [c == unknown for c in categories], low_coverage, focus, box, k, rect, tolerance, decimals
    )
    if low_coverage.any():  # the borders again, over the stripes
        low_edges = [t if low else None for t, low in zip(geometry_texts, low_coverage)]
        layers.append(_outline_layer(low_edges, [{} for _ in names], BORDER, 0.6))
    if highlight:
        chosen_edges = [t if n in chosen else None for n, t in zip(names, geometry_texts)]
        layers.append(_outline_layer(chosen_edges, [{"district": n} for n in names], HIGHLIGHT_OUTLINE, 2.5))

    pixels = _Pixels(box, width, height, k)
    name_boxes: list[tuple] = []
    if labels:
        keep = _labelled(names, focus, highlight, status, areas, box, k)
        name_layers, name_boxes = _name_layers(names, points, keep, pixels, local_name)
        layers += name_layers
    site_layers, site_key, site_note = _site_layer(_sites_on_map(sites, highlight, rect), pixels, name_boxes)
    layers += site_layers
    if highlight:
        layers.append(_frame_layer(width, height))
    the_map = alt.layer(*layers).properties(width=width, height=height, projection=projection)

    text_lines = _footer_lines(credits, site_note, site_key, width, RoundMarks(illustrative, draft), tr)
    footer = _footer(districts, highlight, text_lines, width, rtl, _)
    mark = round_mark(RoundMarks(illustrative, draft))
    # Vega-Lite has no per-row legend symbols: the Vega legend's encoding, applied by render().
    swatches = (
        {}
        if context or not legend
        else {
            LEGEND_SYMBOLS: _legend_swatches(legend_word(LOW_COVERAGE_LABEL), legend_word(NOT_ASSESSED_LABEL))
        }
    )
    return _titled(the_map, footer, title, list(subtitle_lines), swatches, rtl, _(mark) if mark else None)


def framed(
    chart: alt.Chart,
    *,
    title: str,
    subtitle_lines: Sequence[str] = (),
    credits: Sequence[str] = (),
    illustrative: bool = False,
    draft: bool = False,
    width: int = MAP_WIDTH,
    tr=None,
) -> alt.Chart:
    """Any chart (the gap matrix, small multiples) as a snapshot file: the same title, subtitle, credit
    lines (the boundary attribution added) and illustrative or draft marking as a map snapshot."""
    _ = tr.gettext if tr else str
    rtl = tr is not None and is_rtl(tr.language)
    lines = _footer_lines(credits, None, None, width, RoundMarks(illustrative, draft), tr)
    mark = round_mark(RoundMarks(illustrative, draft))
    return _titled(
        chart,
        _text_block(lines, width, rtl=rtl),
        title,
        list(subtitle_lines),
        {},
        rtl,
        _(mark) if mark else None,
    )


SMALL_MAP_WIDTH = 300
SMALL_MULTIPLES_COLUMNS = 3


def small_multiples_png(
    districts: gpd.GeoDataFrame,
    panels: Sequence[tuple[str, pd.DataFrame, bool, bool]],
    *,
    title: str,
    subtitle_lines: Sequence[str] = (),
    credits: Sequence[str] = (),
    tr=None,
    scale: float = PRINT_SCALE,
) -> bytes:
    """One small map per round, side by side, as one PNG: ``panels`` are (the round in words, its
    district scores as :func:`snapshot_chart` takes them, illustrative, draft). The title, filters, legend
    (once, under the last map), credits and each illustrative or draft round's mark (across its own map,
    and under the sheet) are those of a map snapshot."""
    _ = tr.gettext if tr else str
    rtl = tr is not None and is_rtl(tr.language)
    maps = [
        snapshot_chart(
            districts,
            scores,
            None,
            title=label,
            illustrative=illustrative,
            draft=draft,
            width=SMALL_MAP_WIDTH,
            legend=i == len(panels) - 1,
            labels=False,
            tr=tr,
        )
        for i, (label, scores, illustrative, draft) in enumerate(panels)
    ]
    images = [Image.open(io.BytesIO(render(m, "png", scale=scale))).convert("RGB") for m in maps]
    columns = min(SMALL_MULTIPLES_COLUMNS, len(images))
    cell_w, cell_h = max(i.width for i in images), max(i.height for i in images)
    rows = math.ceil(len(images) / columns)
    width_px = int(cell_w * columns)
    any_marks = RoundMarks(any(p[2] for p in panels), any(p[3] for p in panels))
    head = [(title, "#111111"), *[(line, "#333333") for line in subtitle_lines]]
    css_width = int(width_px / scale)
    header = render(_text_block(head, css_width, size=14, line_height=19, rtl=rtl), "png", scale=scale)
    footer_lines = _footer_lines(credits, None, None, css_width, any_marks, tr)
    footer = render(_text_block(footer_lines, css_width, rtl=rtl), "png", scale=scale)
    parts = [Image.open(io.BytesIO(header)).convert("RGB"), Image.open(io.BytesIO(footer)).convert("RGB")]
    sheet = Image.new("RGB", (width_px, parts[0].height + cell_h * rows + parts[1].height), "white")
    sheet.paste(parts[0], (0, 0))
    for n, image in enumerate(images):
        column = columns - 1 - n % columns if rtl else n % columns  # the first round on the reading side
        sheet.paste(image, (column * cell_w, parts[0].height + (n // columns) * cell_h))
    sheet.paste(parts[1], (0, parts[0].height + cell_h * rows))
    out = io.BytesIO()
    sheet.save(out, "PNG", optimize=True)
    return out.getvalue()


LOCATOR_WIDTH = 150
LOCATOR_MAX_DISTRICTS = 5


def _locator(
    districts: gpd.GeoDataFrame, chosen: Sequence[str], width: int, fill: str = HIGHLIGHT_OUTLINE
) -> alt.Chart:
    """The province in outline with the ``chosen`` districts filled (no configuration: nestable)."""
    box = _fit_box(districts, [])
    height = _map_height(box, width)
    _, texts = _pixel_geometry(
        districts, *pixel_tolerance(box, mercator_px_per_radian(box, width, height), MAX_ERROR_PX)
    )
    chosen = set(chosen)
    props = [{"district": str(d), "on": d in chosen} for d in districts["district"]]
    return (
        alt.Chart(_json_data(_features_json(texts, props)))
        .mark_geoshape(stroke="#8a8a8a", strokeWidth=0.5)
        .encode(color=alt.condition("datum.properties.on", alt.value(fill), alt.value("#f2f2f2")))
        .properties(
            width=width, height=height, projection=alt.Projection(type="mercator", fit=_box_feature(box))
        )
    )


def locator_chart(
    districts: gpd.GeoDataFrame, district: str, *, fill: str = HIGHLIGHT_OUTLINE, width: int = 220
) -> alt.Chart:
    """A small locator map: the province in outline, one district filled."""
    return _locator(districts, [district], width, fill).configure_view(stroke=None).configure(font=FONT)


# ---------------------------------------------------------------- rendering


def _with_legend_symbols(vega: dict, symbols: dict) -> dict:
    """The Vega spec with ``symbols`` merged into the encoding of every fill legend (nested groups too)."""

    def walk(node) -> None:
        if isinstance(node, dict):
            for legend in node.get("legends", []):
                if "fill" in legend:
                    update = (
                        legend.setdefault("encode", {}).setdefault("symbols", {}).setdefault("update", {})
                    )
                    update.update(symbols["symbols"]["update"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(vega)
    return vega


PAPER_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}  # points, portrait
PAPER_MARGIN = 28.35  # 1 cm


def on_paper(pdf: bytes, paper: str = "a4") -> bytes:
    """The one-page PDF scaled (vector, text kept) onto a page of ``paper`` size with a 1 cm margin,
    turned to landscape when the drawing is wider than tall, and set at the top of the page."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}; use one of {', '.join(PAPER_SIZES)}")
    drawing = PdfReader(io.BytesIO(pdf)).pages[0]
    w, h = float(drawing.mediabox.width), float(drawing.mediabox.height)
    page_w, page_h = PAPER_SIZES[paper] if h >= w else PAPER_SIZES[paper][::-1]
    room_w, room_h = page_w - 2 * PAPER_MARGIN, page_h - 2 * PAPER_MARGIN
    k = min(room_w / w, room_h / h)
    page = PageObject.create_blank_page(width=page_w, height=page_h)
    page.merge_transformed_page(
        drawing,
        Transformation()
        .scale(k)
        .translate(PAPER_MARGIN + (room_w - w * k) / 2, page_h - PAPER_MARGIN - h * k),
    )
    writer = PdfWriter()
    writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render(chart: alt.Chart | dict, fmt: str = "png", scale: float = 2.0, paper: str = "a4") -> bytes:
    """Render to PNG (``scale``× pixels), SVG or PDF bytes (on ``paper``: "a4" or "letter"), offline."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown snapshot format {fmt!r}; use one of {', '.join(FORMATS)}")
    _register_fonts()
    spec = chart.to_dict(validate=False) if isinstance(chart, alt.TopLevelMixin) else chart
    vega = vlc.vegalite_to_vega(spec)
    symbols = (spec.get("usermeta") or {}).get(LEGEND_SYMBOLS)
    if symbols:
        vega = _with_legend_symbols(vega, symbols)
    mark = (spec.get("usermeta") or {}).get(WATERMARK_META)
    if mark:  # drawn on the SVG, then the same renderer (resvg) makes the PNG or PDF of it
        svg = _watermarked(vlc.vega_to_svg(vega, allowed_base_urls=[]), **mark)
        if fmt == "png":
            return vlc.svg_to_png(svg, scale=scale)
        return svg.encode("utf-8") if fmt == "svg" else on_paper(vlc.svg_to_pdf(svg), paper)
    if fmt == "png":
        return vlc.vega_to_png(vega, scale=scale, allowed_base_urls=[])
    if fmt == "svg":
        return vlc.vega_to_svg(vega, allowed_base_urls=[]).encode("utf-8")
    return on_paper(vlc.vega_to_pdf(vega, allowed_base_urls=[]), paper)


_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def _watermarked(svg: str, text: str, font: str) -> str:
    """``svg`` with ``text`` written three times across it, diagonally, large, red and see-through: a
    picture of invented data or of a draft can be cropped, but no part of it passes for an edition."""
    size = _SVG_SIZE.search(svg)
    if size is None:
        raise ValueError("the snapshot's SVG has no size: its mark cannot be drawn")
    w, h = float(size.group(1)), float(size.group(2))
    # Each of the three marks is about 0.6 em a letter long, turned 30°: it stays within its third of the
    # width and clear of the top and bottom edges.
    length = min(0.52 * w, 0.8 * h)
    font_size = max(14.0, length / (0.6 * max(len(text), 1)))
    marks = "".join(
        f'<text x="{x:.0f}" y="{y:.0f}" transform="rotate(-30 {x:.0f} {y:.0f})">{esc(text)}</text>'
        for x, y in ((w * 0.25, h * 0.25), (w * 0.5, h * 0.5), (w * 0.75, h * 0.75))
    )
    layer = (
        f'<g class="atlas-watermark" font-family="{esc(font)}" font-size="{font_size:.0f}" font-weight="bold" '
        f'fill="#c00000" fill-opacity="0.35" text-anchor="middle" dominant-baseline="middle">{marks}</g>'
    )
    end = svg.rindex("</svg>")
    return svg[:end] + layer + svg[end:]


_HEX_COLOUR = re.compile(r'"(#[0-9a-fA-F]{6})"')


def _palette(image: Image.Image, spec: dict, colours: int = 128) -> Image.Image:
    """A palette image: every colour the spec names (legend swatches, fills, strokes) exactly, the rest
    chosen from the image. Without the named ones an adaptive palette merges a legend swatch of a class
    absent from the map with its neighbour's colour."""
    named = list(dict.fromkeys(c.lower() for c in _HEX_COLOUR.findall(json.dumps(spec))))[: colours // 2]
    fixed = [int(c[i : i + 2], 16) for c in named for i in (1, 3, 5)]
    adaptive = image.quantize(colors=colours - len(named), method=Image.Quantize.MEDIANCUT)
    rgb = (fixed + adaptive.getpalette()[: 3 * (colours - len(named))])[: 3 * colours]
    palette = Image.new("P", (1, 1))
    palette.putpalette(rgb + rgb[:3] * (256 - len(rgb) // 3))  # padded with a repeat: never a stray black
    return palette


def render_small_png(chart: alt.Chart | dict, limit: int = SMALL_PNG_LIMIT) -> bytes:
    """A PNG under ``limit`` bytes for messaging apps: 1x, palette-quantised, then smaller if needed."""
    spec = chart.to_dict(validate=False) if isinstance(chart, alt.TopLevelMixin) else chart
    png = render(spec, "png", scale=1.0)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    for factor in (1.0, 0.8, 0.65, 0.5, 0.4):
        img = (
            image
            if factor == 1.0
            else image.resize((int(image.width * factor), int(image.height * factor)), Image.LANCZOS)
        )
        out = io.BytesIO()
        img.quantize(palette=_palette(img, spec), dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
        if out.tell() < limit:
            return out.getvalue()
    raise ValueError("the snapshot could not be made smaller than the limit; use the print PNG or the PDF")
