"""Web-Mercator maths and the display precision that follows from it, for every map the atlas draws.

The interactive map (geo/atlas_map.py) and the snapshot (geo/snapshot.py) both draw in web
Mercator; how far their geometry may be simplified and how finely it is rounded follows from the
pixel size of the map at the zoom it shows. Those rules live here, once.
"""

from __future__ import annotations

import math

# Fallback simplification (about 100 m) when the bounds are unusable.
DISPLAY_TOLERANCE_DEG = 0.001
# The display geometry is fitted to the pixel size of the map at the zoom Leaflet
# picks for the whole province (or country): simplified by SIMPLIFY_PX. coverage_simplify
# moves vertices several times its tolerance (measured by bench/run.py: ~5x), hence the
# small SIMPLIFY_PX; the benchmark checks < 1 px.
MAP_MAX_WIDTH, MAP_HEIGHT = 1100, 620  # the widest the Atlas map gets (wide layout), its height
SIMPLIFY_PX = 0.12
# The Atlas sends the districts as TopoJSON quantized to a grid of QUANTIZE_PX pixels at that
# zoom; integers are delta-encoded, so a finer grid costs little. Measured (Sindh, zoom 7): a
# 0.25 px grid moved some Karachi vertices 1.6 px (the topology step snaps/drops points, not
# only rounds them), 0.1 px 0.24 px, 0.05 px 0.04 px for +8 % bytes: hence 0.05.
QUANTIZE_PX = 0.05
DEFAULT_QUANTIZATION = 10**5  # when the bounds are unusable
MAX_LATITUDE = 85.0  # web Mercator stops short of the poles


def mercator_y(lat: float) -> float:
    """Web-Mercator y (radians) of a latitude in degrees, clamped to ±MAX_LATITUDE."""
    lat = max(min(lat, MAX_LATITUDE), -MAX_LATITUDE)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def mercator_lat(y: float) -> float:
    """The latitude in degrees of a web-Mercator y (the inverse of :func:`mercator_y`)."""
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def mercator_px_per_radian(box, width: int, height: int) -> float:
    """The scale fitting the lon/lat box into width × height: px per radian of longitude."""
    minx, miny, maxx, maxy = box
    dx, dy = math.radians(maxx - minx), mercator_y(maxy) - mercator_y(miny)
    return min(width / max(dx, 1e-9), height / max(dy, 1e-9))


def fitted_zoom(bounds, width: int = MAP_MAX_WIDTH, height: int = MAP_HEIGHT) -> int:
    """The zoom Leaflet's fitBounds picks (zoomSnap 1, no padding) for lon/lat bounds."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    dx = max(maxx - minx, 1e-9) / 360 * 256
    dy = max(mercator_y(maxy) - mercator_y(miny), 1e-9) / (2 * math.pi) * 256
    return max(0, min(18, int(math.floor(math.log2(min(width / dx, height / dy))))))


def display_tolerance(bounds) -> float:
    """Simplification tolerance in degrees for the default view of ``bounds``."""
    try:
        zoom = fitted_zoom(bounds)
        lat = max(abs(float(bounds[1])), abs(float(bounds[3])))
        deg_per_px = 360 / (256 * 2**zoom) * math.cos(math.radians(min(lat, MAX_LATITUDE)))
    except (ValueError, OverflowError, TypeError):
        return DISPLAY_TOLERANCE_DEG
    return SIMPLIFY_PX * deg_per_px


def display_quantization(bounds) -> int:
    """TopoJSON quantization (grid points per axis) for the default view of ``bounds``: cells <= QUANTIZE_PX."""
    try:
        minx, miny, maxx, maxy = (float(v) for v in bounds)
        zoom = fitted_zoom(bounds)
        deg_per_px = 360 / (256 * 2**zoom)  # longitude; a latitude degree spans 1/cos(lat) as many pixels
        lat = max(abs(miny), abs(maxy))
        cells = max(
            (maxx - minx) / deg_per_px,
            (maxy - miny) / (deg_per_px * math.cos(math.radians(min(lat, MAX_LATITUDE)))),
        )
        return int(min(10**7, max(10**3, math.ceil(cells / QUANTIZE_PX) + 1)))
    except (ValueError, OverflowError, TypeError):
        return DEFAULT_QUANTIZATION


def pixel_tolerance(box, k: float, max_error_px: float) -> tuple[float, int]:
    """(simplification tolerance in degrees, decimals) keeping the error < ``max_error_px`` on a
    map of scale ``k`` (px per radian, :func:`mercator_px_per_radian`)."""
    lat = max(abs(box[1]), abs(box[3]))
    px_per_degree = (
        k * math.pi / 180 / math.cos(math.radians(min(lat, MAX_LATITUDE)))
    )  # north-south, the finer
    degree = max_error_px / px_per_degree  # degrees per error budget
    decimals = int(
        min(max(math.ceil(-math.log10(0.25 * degree / 0.5)), 2), 6)
    )  # rounding <= 0.25 of the budget
    tolerance = float(f"{0.6 * degree:.2g}")  # simplification 0.6, rounding 0.25: total < the budget
    return tolerance, decimals
