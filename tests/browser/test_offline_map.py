"""The real app in headless Chromium with no internet: every district and site is drawn."""

from __future__ import annotations

import html

from cluster_model.loading import load_dataset
from geo.boundaries import boundaries_path, load_boundaries

from browser_support import ARTIFACTS

MAP_LAYERS_JS = """
() => {
  const maps = Object.values(window).filter(v => v && v instanceof L.Map);
  const out = {maps: maps.length, districts: [], markers: []};
  for (const m of maps) {
    m.eachLayer(l => {
      if (l.feature && l.feature.properties && l.feature.properties.district && l._path) out.districts.push(l.feature.properties.district);
      if (l instanceof L.Marker) {
        const t = l.getTooltip && l.getTooltip();
        out.markers.push(t ? String(t.getContent()) : "");
      }
    });
  }
  return out;
}
"""


def map_frame(page, timeout=60_000):
    """The Leaflet frame inside the streamlit-folium component, once districts are painted."""
    page.wait_for_selector("iframe[title*='folium']", timeout=timeout)
    for frame in page.frames:
        if frame != page.main_frame and frame.query_selector(".leaflet-container"):
            frame.wait_for_selector("path.leaflet-interactive", timeout=timeout)
            return frame
    handle = page.query_selector("iframe[title*='folium']")
    frame = handle.content_frame()
    frame.wait_for_selector("path.leaflet-interactive", timeout=timeout)
    return frame


def test_atlas_draws_every_district_and_site_offline(server, offline_page):
    page = offline_page.page
    page.goto(server, wait_until="domcontentloaded")
    frame = map_frame(page)
    page.wait_for_timeout(1500)  # let markers settle
    drawn = frame.evaluate(MAP_LAYERS_JS)
    page.screenshot(path=str(ARTIFACTS / "atlas-offline.png"), full_page=False)

    expected = set(load_boundaries(boundaries_path())["district"])
    assert len(expected) == 30
    assert expected <= set(drawn["districts"]), f"missing: {expected - set(drawn['districts'])}"

    ds = load_dataset()
    marker_text = " | ".join(drawn["markers"])
    sites = ds.sites.merge(ds.clusters[["cluster_id", "name"]], on="cluster_id")
    for site in sites.itertuples():
        assert html.escape(site.name) in marker_text and html.escape(site.place) in marker_text, f"site not drawn: {site.name} at {site.place}"

    assert offline_page.refused == [], f"the page tried to reach the internet: {offline_page.refused}"
    assert page.get_by_text("Districts ranked by gap").is_visible()
