"""Serve the map's JavaScript/CSS from the app itself, never from a CDN.

How streamlit-folium 0.27.4 loads a map's assets (read from its installed
``streamlit_folium/__init__.py`` and ``frontend/build/static/js/main.*.js``):

* ``st_folium`` renders the figure header and then *strips* every
  ``<script src=…>`` and ``<link rel="stylesheet" href=…/>`` from it.
* Instead it walks the map's element tree and collects ``default_js`` /
  ``default_css`` of every ``JSCSSMixin`` element (read with ``getattr``, so an
  instance attribute wins over folium's class default), deduplicates them and
  passes them to the frontend as ``js_links`` / ``css_links``.
* The frontend (``loadScripts``) appends one ``<script src>`` per js_link and
  one ``<link rel=stylesheet>`` per css_link to the component iframe, which is
  served by the Streamlit server itself, so a root-relative URL such as
  ``/app/static/vendor/…`` is requested from the app's own host.
* If any ``branca.colormap.ColorMap`` is in the tree it *adds d3 from two CDNs*
  (d3js.org and cdnjs): so this project never puts a branca colormap on a map
  (the legend is plain HTML, colours are computed in Python).
* The frontend bundle itself loads nothing from a CDN: its ``index.html`` has
  only its own ``./static/js/main.*.js``; the only URL in the bundle is React's
  error-decoder text. Leaflet's CSS references ``images/*.png`` relative to
  itself, so those are installed next to it; default Leaflet marker icons are
  not used (sites are ``DivIcon`` markers), nor are Font Awesome/glyphicons.
* The Atlas districts are sent as TopoJSON and decoded in the browser by
  topojson-client (npm ``topojson-client``, pinned below), also served from
  ``static/vendor/``; folium's own ``TopoJson`` would load topojson 1.6.9 from cdnjs.
* folium's ``Map`` defaults are Leaflet 1.9.3 plus jQuery, Bootstrap 5,
  bootstrap-glyphicons, Font Awesome and Leaflet.awesome-markers, all from CDNs.
  None is needed by our maps (GeoJson, GeoJsonTooltip, Marker+DivIcon, Tooltip
  and the legend are plain Leaflet), so ``localise_map`` keeps only Leaflet (in the map bundle).
* The frontend appends the js_links one after another, each waiting for the one before
  (``await`` per script): so the Atlas maps load one script, ``MAP_BUNDLE_JS``, which holds
  Leaflet, topojson-client, Leaflet.markercluster and ``static/atlas/atlas-map.js`` (#28).
* Streamlit 1.67 serves ``<app dir>/static/*`` at ``/app/static/*`` when
  ``[server] enableStaticServing = true``, with the real Content-Type from
  ``mimetypes`` (text/javascript, text/css) and ``nosniff``, so scripts run.

Install the files with ``python scripts/install_map_assets.py`` (they are not
committed: ``static/vendor/`` is git-ignored).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path

import folium
import folium.elements

from cluster_model.settings import settings

REPO_ROOT = Path(__file__).resolve().parents[1]
VENDOR_DIR = REPO_ROOT / "static" / "vendor"
# Where Streamlit serves <repo>/static; ATLAS_STATIC_URL if the app runs under a base URL path.
STATIC_URL = settings().static_url


def _folium_leaflet_version() -> str:
    """The Leaflet version folium was built against, read from its default URL."""
    for _, url in folium.Map.default_js:
        found = re.search(r"leaflet@(\d+\.\d+\.\d+)", url)
        if found:
            return found.group(1)
    return "1.9.3"


LEAFLET_VERSION = _folium_leaflet_version()
LEAFLET_DIR = f"leaflet-{LEAFLET_VERSION}"

# Files under static/vendor/ that the maps need (Leaflet's CSS uses the images).
REQUIRED_ASSETS: tuple[str, ...] = (
    f"{LEAFLET_DIR}/leaflet.js",
    f"{LEAFLET_DIR}/leaflet.css",
    f"{LEAFLET_DIR}/images/layers.png",
    f"{LEAFLET_DIR}/images/layers-2x.png",
    f"{LEAFLET_DIR}/images/marker-icon.png",
    f"{LEAFLET_DIR}/images/marker-icon-2x.png",
    f"{LEAFLET_DIR}/images/marker-shadow.png",
)

TOPOJSON_CLIENT_VERSION = "3.1.0"
TOPOJSON_CLIENT_DIR = f"topojson-client-{TOPOJSON_CLIENT_VERSION}"
REQUIRED_ASSETS += (f"{TOPOJSON_CLIENT_DIR}/topojson-client.min.js",)

LOCAL_JS = [("leaflet", f"{STATIC_URL}/vendor/{LEAFLET_DIR}/leaflet.js")]
LOCAL_CSS = [("leaflet_css", f"{STATIC_URL}/vendor/{LEAFLET_DIR}/leaflet.css")]
# Leaflet.markercluster: the national map's 2,000 sites gathered into counted clusters at low zoom.
MARKERCLUSTER_VERSION = "1.5.3"
MARKERCLUSTER_DIR = f"leaflet.markercluster-{MARKERCLUSTER_VERSION}"
REQUIRED_ASSETS += (
    f"{MARKERCLUSTER_DIR}/leaflet.markercluster.js",
    f"{MARKERCLUSTER_DIR}/MarkerCluster.css",
    f"{MARKERCLUSTER_DIR}/MarkerCluster.Default.css",
)
MARKERCLUSTER_CSS = [
    ("markercluster_css", f"{STATIC_URL}/vendor/{MARKERCLUSTER_DIR}/MarkerCluster.css"),
    ("markercluster_default_css", f"{STATIC_URL}/vendor/{MARKERCLUSTER_DIR}/MarkerCluster.Default.css"),
]

# The Atlas maps' own script (committed, static/atlas/).
ATLAS_JS_FILE = REPO_ROOT / "static" / "atlas" / "atlas-map.js"
# Files the app writes and serves itself, each named by a hash of its content (git-ignored).
GENERATED_DIR = REPO_ROOT / "static" / "generated"
GENERATED_URL = f"{STATIC_URL}/generated"


# The map's scripts as ONE served file (#28): streamlit-folium's frontend loads a map's scripts one
# after another, each request waiting for the one before. Leaflet first (the others use ``L``), then
# the plugins, then the Atlas's own script. Built from the verified files in static/vendor/ by
# ``scripts/install_map_assets.py`` (``make setup``), and again on import if a source changed since.
def map_bundle_sources(vendor_dir: Path = VENDOR_DIR) -> tuple[Path, ...]:
    """The bundle's files, in the order they must run."""
    return (
        vendor_dir / LEAFLET_DIR / "leaflet.js",
        vendor_dir / TOPOJSON_CLIENT_DIR / "topojson-client.min.js",
        vendor_dir / MARKERCLUSTER_DIR / "leaflet.markercluster.js",
        ATLAS_JS_FILE,
    )


MAP_BUNDLE_SOURCES = map_bundle_sources()
# The source maps are not installed: a browser's developer tools would ask for them in vain.
_SOURCE_MAP_LINE = re.compile(rb"^//# sourceMappingURL=.*$", re.MULTILINE)


def write_generated(file_name: str, data: str | bytes, folder: Path = GENERATED_DIR) -> Path:
    """Write a content-named file under ``folder`` once (atomically: a browser never reads half of one)."""
    target = folder / file_name
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    os.replace(tmp, target)
    return target


def map_bundle_bytes(sources: tuple[Path, ...] = MAP_BUNDLE_SOURCES) -> bytes:
    """The sources joined in order; each is a complete script (UMD or an IIFE), so ``;`` keeps them apart."""
    parts = [_SOURCE_MAP_LINE.sub(b"", path.read_bytes()).rstrip() for path in sources]
    return b"\n;\n".join(parts) + b"\n"


def build_map_bundle(sources: tuple[Path, ...] = MAP_BUNDLE_SOURCES, folder: Path = GENERATED_DIR) -> Path:
    """The bundle file, ``map-bundle-<hash of its content>.js`` in ``folder`` (written if missing)."""
    data = map_bundle_bytes(sources)
    return write_generated(f"map-bundle-{hashlib.sha256(data).hexdigest()[:20]}.js", data, folder)


def _map_bundle_js() -> tuple[str, str]:
    # Without the vendor files (before `make setup`) there is nothing to bundle: the link names a file that
    # does not exist, as Leaflet's did before, and the Workshop's offline check lists what is missing.
    if not all(path.is_file() for path in MAP_BUNDLE_SOURCES):
        return ("atlas_map_bundle", f"{GENERATED_URL}/map-bundle-not-built.js")
    return ("atlas_map_bundle", f"{GENERATED_URL}/{build_map_bundle().name}")


# The one script every Atlas map loads (Leaflet, topojson-client, Leaflet.markercluster, atlas-map.js).
MAP_BUNDLE_JS = _map_bundle_js()


def missing_assets(vendor_dir: Path = VENDOR_DIR) -> list[Path]:
    """Required vendor files that are not installed (empty list = ready offline)."""
    return [vendor_dir / rel for rel in REQUIRED_ASSETS if not (vendor_dir / rel).is_file()]


def _is_remote(url: str) -> bool:
    return bool(re.match(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE))


def localise_map(m: folium.Map) -> folium.Map:
    """Point this map (only this instance) at the locally served Leaflet: the map bundle, which holds it.

    Drops folium's jQuery/Bootstrap/Font Awesome/awesome-markers defaults. A plugin that still
    loads from a CDN shows in the rendered HTML (:func:`cdn_urls_in`): the tests render every map
    the atlas builds and the Workshop's offline check renders the room's map, rather than walking
    folium's private element tree here.
    """
    m.default_js = [MAP_BUNDLE_JS]
    m.default_css = list(LOCAL_CSS)
    return m


_TAG_URL = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']"""
    r"""|@import\s+(?:url\()?\s*["']?([^"')\s]+)""",
    re.IGNORECASE,
)


def cdn_urls_in(html: str) -> list[str]:
    """Non-local URLs of scripts, stylesheets (and @imports) in rendered HTML."""
    urls = [a or b for a, b in _TAG_URL.findall(html)]
    return [u for u in dict.fromkeys(urls) if _is_remote(u)]
