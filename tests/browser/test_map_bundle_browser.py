"""The map paints offline from its one bundled script (#28): Leaflet, topojson-client,
Leaflet.markercluster and atlas-map.js arrive as one served, content-named file."""

from __future__ import annotations

from test_offline_map import map_frame

from geo.offline import MAP_BUNDLE_JS

LIBRARIES_JS = """() => ({leaflet: typeof L.map, topojson: typeof topojson.feature,
  markercluster: typeof L.markerClusterGroup, atlas: typeof AtlasMap})"""


def test_the_map_paints_offline_from_one_bundled_script(server, offline_page):
    page = offline_page.page
    scripts: list[str] = []
    page.on(
        "request", lambda r: r.resource_type == "script" and "/app/static/" in r.url and scripts.append(r.url)
    )
    page.goto(server, wait_until="domcontentloaded")
    frame = map_frame(page, timeout=120_000)
    assert frame.evaluate(LIBRARIES_JS) == {
        "leaflet": "function",
        "topojson": "function",
        "markercluster": "function",
        "atlas": "object",
    }
    # The map's frame asked for one script of the app's own, the bundle, and nothing from the internet.
    assert [url.split("/app/static/", 1)[1] for url in scripts] == [
        MAP_BUNDLE_JS[1].split("/app/static/", 1)[1]
    ]
    assert offline_page.refused == []
