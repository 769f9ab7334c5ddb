"""Print-ready map snapshots rendered on the server, without a browser.

The map is an altair ``mark_geoshape`` chart saved through vl-convert (which
bundles Vega; no network, no Chromium). A snapshot is never just a picture: it
carries its title, legend, the filters and round in force, the date, the credit
for the data and for the boundaries, and, when the round is illustrative, an
"ILLUSTRATIVE — not real data" watermark over the map.

Colours, class breaks, the "not assessed" grey and the "no cluster" white are
those of the interactive map (geo/atlas_map.py), so the two always agree.
"Not assessed" districts are grey *and* hatched, and say so in the legend:
unknown is never drawn like a low gap.

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
import textwrap
import threading
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import vl_convert as vlc
from PIL import Image

from geo.atlas_map import (
    BORDER,
    GAP_BREAKS,
    GAP_COLOURS,
    HIGHLIGHT_OUTLINE,
    NO_CLUSTER_FILL,
    NOT_ASSESSED_FILL,
    district_status,
    gap_class,
)
from geo.boundaries import BOUNDARY_ATTRIBUTION

WATERMARK = "ILLUSTRATIVE — not real data"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu Sans"
SMALL_PNG_LIMIT = 300 * 1024
DECIMALS = 3  # ~100 m, matches the display simplification; keeps the spec small
MAP_WIDTH = 720
FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}

NOT_ASSESSED_LABEL = "not assessed (unknown, hatched)"
NO_CLUSTER_LABEL = "no cluster named"
GAP_LABELS = tuple(f"gap {GAP_BREAKS[i]:.1f}–{GAP_BREAKS[i + 1]:.1f}" for i in range(len(GAP_COLOURS)))
LEGEND_DOMAIN = (*GAP_LABELS, NOT_ASSESSED_LABEL, NO_CLUSTER_LABEL)
LEGEND_RANGE = (*GAP_COLOURS, NOT_ASSESSED_FILL, NO_CLUSTER_FILL)

_fonts_lock = threading.Lock()
_fonts_registered = False


def _register_fonts() -> None:
    """Use the system DejaVu fonts (fonts-dejavu-core) so text renders the same everywhere."""
    global _fonts_registered
    with _fonts_lock:
        if not _fonts_registered:
            if FONT_DIR.is_dir():
                vlc.register_font_directory(str(FONT_DIR))
            _fonts_registered = True


# ---------------------------------------------------------------- data for the chart


def _scores_by_district(district_scores: pd.DataFrame | None) -> pd.DataFrame:
    if district_scores is None or len(district_scores) == 0:
        return pd.DataFrame(columns=["gap", "coverage", "n_clusters"])
    if "district" in district_scores.columns:
        return district_scores.set_index("district")
    return district_scores


def district_category(district: str, scores: pd.DataFrame) -> str:
    """Legend category of a district: a gap class, not assessed, or no cluster."""
    status, _ = district_status(district, scores)
    if status == "gap":
        return GAP_LABELS[gap_class(scores.loc[district, "gap"])]
    return NOT_ASSESSED_LABEL if status == "not_assessed" else NO_CLUSTER_LABEL


def _rounded(geoms) -> np.ndarray:
    """Rounded coordinates, polygons wound clockwise as d3-geo (Vega) expects.

    GeoJSON (RFC 7946) winds exterior rings counter-clockwise; d3's spherical
    geometry reads that as "the whole globe except this polygon".
    """
    rounded = shapely.transform(np.asarray(geoms), lambda xy: np.round(xy, DECIMALS))
    return shapely.orient_polygons(rounded, exterior_cw=True)


_prepared: dict[int, tuple] = {}


def _prepare(districts: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, gpd.GeoSeries]:
    """(rounded geometries, areas in m², label points), computed once per districts frame.

    Cached by identity, like geo.atlas_map.districts_geojson: treat the frame as immutable.
    """
    key = id(districts)
    if key not in _prepared:
        _prepared[key] = (_rounded(districts.geometry.values), districts.to_crs(6933).area.values,
                          districts.geometry.representative_point())
        weakref.finalize(districts, _prepared.pop, key, None)
    return _prepared[key]


def _features(geoms, props: list[dict]) -> list[dict]:
    return [
        {"type": "Feature", "geometry": shapely.geometry.mapping(g), "properties": p}
        for g, p in zip(geoms, props)
        if g is not None and not g.is_empty
    ]


def _hatch(polygons, bounds: Sequence[float], spacing: float) -> shapely.Geometry | None:
    """Diagonal hatch lines clipped to ``polygons`` (the 'not assessed' districts)."""
    if len(polygons) == 0:
        return None
    area = shapely.union_all(polygons)
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
    pad = 0.12 * max(maxx - minx, maxy - miny) if highlight else 0.02
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def _box_feature(box) -> dict:
    minx, miny, maxx, maxy = box
    return {"type": "Feature", "properties": {},
            "geometry": shapely.geometry.mapping(shapely.box(minx, miny, maxx, maxy, ccw=False))}


def _map_height(box, width: int) -> int:
    minx, miny, maxx, maxy = box
    mid = np.radians((miny + maxy) / 2)
    ratio = (maxy - miny) / max((maxx - minx) * np.cos(mid), 1e-6)
    return int(np.clip(width * ratio, width * 0.4, width * 1.35))


# ---------------------------------------------------------------- chart pieces


def _text_block(lines: Sequence[tuple[str, str]], width: int, size: int = 11, line_height: int = 15) -> alt.Chart:
    """Left-aligned lines of text (text, colour) as a chart of its own."""
    rows = [{"t": text, "y": i * line_height, "c": colour} for i, (text, colour) in enumerate(lines)]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_text(align="left", baseline="top", fontSize=size, limit=width)
        .encode(x=alt.value(0), y=alt.Y("y:Q", scale=None, axis=None), text="t:N",
                color=alt.Color("c:N", scale=None, legend=None))
        .properties(width=width, height=max(len(rows), 1) * line_height)
    )


def _site_layer(sites: pd.DataFrame | None) -> tuple[list[alt.Chart], list[str]]:
    if sites is None or len(sites) == 0:
        return [], []
    rows = sites.assign(
        lat=sites["lat"].astype(float).round(4), lon=sites["lon"].astype(float).round(4),
        code=sites["number"].astype(str) if "number" in sites else sites["cluster_id"].astype(str).str[:2],
        name=sites["cluster_name"] if "cluster_name" in sites else sites["cluster_id"],
    )
    # One marker per location; clusters sharing a place share it ("6/9").
    grouped = rows.groupby(["lat", "lon"], sort=False).agg(code=("code", lambda s: "/".join(dict.fromkeys(s)))).reset_index()
    values = grouped.to_dict("records")
    base = alt.Chart(alt.Data(values=values)).encode(longitude="lon:Q", latitude="lat:Q")
    # A dark pill behind white text (a thick text stroke), so "7/12" fits as well as "3".
    halo = base.mark_text(clip=True, fontSize=10, fontWeight="bold", stroke="#1d1d1d", strokeWidth=9, strokeJoin="round", color="#1d1d1d").encode(text="code:N")
    codes = base.mark_text(clip=True, fontSize=10, fontWeight="bold", color="#ffffff").encode(text="code:N")
    key = [f"{c} {n}" for c, n in dict.fromkeys(zip(rows["code"], rows["name"]))]
    key.sort(key=lambda k: (len(k.split(" ")[0]), k))
    return [halo, codes], key


def snapshot_chart(
    districts: gpd.GeoDataFrame,
    district_scores: pd.DataFrame | None,
    sites: pd.DataFrame | None,
    *,
    title: str,
    subtitle_lines: Sequence[str] = (),
    credits: Sequence[str] = (),
    illustrative: bool = False,
    highlight: Iterable[str] | None = None,
    width: int = MAP_WIDTH,
    legend: bool = True,
    labels: bool = True,
) -> alt.Chart:
    """The map snapshot as one altair chart (map, legend, texts, watermark).

    ``district_scores``: rows of :func:`cluster_model.scoring.district_gaps`
    (a ``district`` column or index; ``gap``, ``n_clusters``) for EVERY district, not
    only the highlighted ones, so the context districts keep their true colours. ``sites``: lat,
    lon, cluster_id and optionally number, cluster_name, place. ``highlight``:
    districts to zoom to and outline; the rest of the province stays, faint,
    for context. ``credits`` are printed under the map; the boundary
    attribution is always added if missing.
    """
    highlight = [d for d in (highlight or []) if d in set(districts["district"])]
    scores = _scores_by_district(district_scores)
    box = _fit_box(districts, highlight)
    height = _map_height(box, width)
    projection = alt.Projection(type="mercator", fit=_box_feature(box))

    geoms, areas, points = _prepare(districts)
    props = []
    for name in districts["district"]:
        status, text = district_status(name, scores)
        props.append({
            "district": str(name),
            "category": district_category(name, scores),
            "text": text,
            "focus": (not highlight) or name in highlight,
        })
    feats = _features(geoms, props)
    shapes = (
        alt.Chart(alt.Data(values=feats))
        .mark_geoshape(stroke=BORDER, strokeWidth=0.6, clip=True)
        .encode(
            color=alt.Color(
                "properties.category:N",
                scale=alt.Scale(domain=list(LEGEND_DOMAIN), range=list(LEGEND_RANGE)),
                legend=alt.Legend(title="District gap, chosen pillars", orient="right", symbolType="square",
                                  symbolStrokeColor=BORDER, symbolStrokeWidth=1, symbolSize=180,
                                  labelFontSize=11, titleFontSize=12, labelLimit=260, titleLimit=320) if legend else None,
            ),
            opacity=alt.condition("datum.properties.focus", alt.value(1.0), alt.value(0.35)),
            tooltip=[alt.Tooltip("properties.district:N", title="District"), alt.Tooltip("properties.text:N", title="Gap")],
        )
    )
    layers: list[alt.Chart] = [shapes]

    # Hatching over "not assessed" districts, so unknown never reads as a colour class.
    spacing = max(box[2] - box[0], box[3] - box[1]) / 70
    for focus, opacity in ((True, 1.0), (False, 0.35)):
        na = [g for g, p in zip(geoms, props) if p["category"] == NOT_ASSESSED_LABEL and p["focus"] == focus]
        hatch = _hatch(na, box, spacing)
        if hatch is not None:
            layers.append(alt.Chart(alt.Data(values=_features([_rounded([hatch])[0]], [{}])))
                          .mark_geoshape(filled=False, stroke="#3d3d3d", strokeWidth=0.7, strokeOpacity=opacity, clip=True))

    if highlight:
        hl = [f for f in feats if f["properties"]["district"] in highlight]
        layers.append(alt.Chart(alt.Data(values=hl)).mark_geoshape(filled=False, stroke=HIGHLIGHT_OUTLINE, strokeWidth=2.5, clip=True))

    if labels:
        names = districts["district"].tolist()
        if highlight:
            keep = [d in highlight for d in names]
        else:  # districts with a cluster, leaving out the small Karachi ones: labels would overlap
            keep = [district_status(d, scores)[0] != "no_cluster" and a > 1.5e9 for d, a in zip(names, areas)]
        values = [{"lon": round(p.x, 3), "lat": round(p.y, 3), "name": d} for p, d, k in zip(points, names, keep) if k]
        if values:
            lab = alt.Chart(alt.Data(values=values)).encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
            layers.append(lab.mark_text(fontSize=11, fontWeight="bold", dy=-16, stroke="#ffffff", strokeWidth=3, strokeOpacity=0.9))
            layers.append(lab.mark_text(fontSize=11, fontWeight="bold", dy=-16, color="#111111"))

    if highlight and sites is not None and "district" in sites:
        sites = sites[sites["district"].isin(highlight)]
    site_layers, site_key = _site_layer(sites)
    layers += site_layers

    if illustrative:
        marks = pd.DataFrame({"x": [width * 0.5, width * 0.25, width * 0.75], "y": [height * 0.5, height * 0.18, height * 0.82]})
        layers.append(
            alt.Chart(alt.Data(values=marks.to_dict("records")))
            .mark_text(text=WATERMARK, angle=330, fontSize=max(18, width // 22), fontWeight="bold", color="#c00000", opacity=0.35)
            .encode(x=alt.X("x:Q", scale=None, axis=None), y=alt.Y("y:Q", scale=None, axis=None))
        )

    the_map = alt.layer(*layers).properties(width=width, height=height, projection=projection)

    credit_lines = list(credits)
    if not any(BOUNDARY_ATTRIBUTION in c for c in credit_lines):
        credit_lines.append(f"District boundaries {BOUNDARY_ATTRIBUTION}.")
    text_lines: list[tuple[str, str]] = []
    if site_key:
        lines, line = [], "Sites (cluster number in the 2019 dialogue report):"
        for item in site_key:  # wrap between items, never inside a name
            if len(line) + len(item) + 3 > width / 6.6:
                lines.append(line)
                line = "   " + item
            else:
                line += (" · " if not line.endswith(":") else " ") + item
        text_lines += [(x, "#111111") for x in [*lines, line]]
    text_lines += [(x, "#333333") for c in credit_lines for x in textwrap.wrap(c, int(width / 6.4)) or [""]]
    if illustrative:
        text_lines.append((WATERMARK.upper() + ": invented for demonstration and training. Do not cite.", "#c00000"))
    footer = _text_block(text_lines, width)

    subtitle = list(subtitle_lines) + ([WATERMARK] if illustrative else [])
    return (
        alt.vconcat(the_map, footer, spacing=8)
        .properties(title=alt.TitleParams(text=title, subtitle=subtitle, anchor="start", fontSize=18,
                                          subtitleFontSize=12, subtitleColor="#333333", offset=10))
        .configure(font=FONT)
        .configure_view(stroke=None)
        .configure_legend(labelFont=FONT, titleFont=FONT)
        .configure_title(font=FONT, subtitleFont=FONT)
    )


def locator_chart(districts: gpd.GeoDataFrame, district: str, *, fill: str = HIGHLIGHT_OUTLINE, width: int = 220) -> alt.Chart:
    """A small locator map: the province in outline, one district filled."""
    geoms = _rounded(districts.geometry.values)
    feats = _features(geoms, [{"district": str(d), "on": d == district} for d in districts["district"]])
    box = _fit_box(districts, [])
    return (
        alt.Chart(alt.Data(values=feats))
        .mark_geoshape(stroke="#8a8a8a", strokeWidth=0.5)
        .encode(color=alt.condition("datum.properties.on", alt.value(fill), alt.value("#f2f2f2")))
        .properties(width=width, height=_map_height(box, width), projection=alt.Projection(type="mercator", fit=_box_feature(box)))
        .configure_view(stroke=None)
        .configure(font=FONT)
    )


# ---------------------------------------------------------------- rendering


def render(chart: alt.Chart | dict, fmt: str = "png", scale: float = 2.0) -> bytes:
    """Render to PNG (``scale``× pixels), SVG or PDF bytes, offline."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown snapshot format {fmt!r}; use one of {', '.join(FORMATS)}")
    _register_fonts()
    spec = chart.to_dict(validate=False) if isinstance(chart, alt.TopLevelMixin) else chart
    if fmt == "png":
        return vlc.vegalite_to_png(spec, scale=scale, allowed_base_urls=[])
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, allowed_base_urls=[]).encode("utf-8")
    return vlc.vegalite_to_pdf(spec, allowed_base_urls=[])


def render_small_png(chart: alt.Chart | dict, limit: int = SMALL_PNG_LIMIT) -> bytes:
    """A PNG under ``limit`` bytes for messaging apps: 1x, palette-quantised, then smaller if needed."""
    png = render(chart, "png", scale=1.0)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    for factor in (1.0, 0.8, 0.65, 0.5, 0.4):
        img = image if factor == 1.0 else image.resize((int(image.width * factor), int(image.height * factor)), Image.LANCZOS)
        out = io.BytesIO()
        img.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
        if out.tell() < limit:
            return out.getvalue()
    raise ValueError("the snapshot could not be made smaller than the limit; use the print PNG or the PDF")
