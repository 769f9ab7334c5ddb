"""The real app in headless Chromium with no internet: every district and site is drawn."""

from __future__ import annotations

import html

from browser_support import ARTIFACTS

from cluster_model.loading import load_dataset
from geo.boundaries import boundaries_path, load_boundaries

MAP_LAYERS_JS = """
() => {
  // one map can be on the window twice (streamlit-folium sets window.map = map_div)
  const maps = [...new Set(Object.values(window).filter(v => v && v instanceof L.Map))];
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


LEGEND_JS = """
() => {
  const legend = document.querySelector(".atlas-legend");
  if (!legend) return null;
  const badge = legend.querySelector(".atlas-badge");
  return {text: legend.textContent, badge_radius: badge ? getComputedStyle(badge).borderRadius : null};
}
"""


def map_frame(page, timeout=120_000):
    """The Leaflet frame inside the streamlit-folium component, once districts are painted."""
    page.wait_for_selector("iframe[title^='Map'], iframe[title*='folium']", timeout=timeout)
    for frame in page.frames:
        if frame != page.main_frame and frame.query_selector(".leaflet-container"):
            frame.wait_for_selector("path.leaflet-interactive", timeout=timeout)
            return frame
    handle = page.query_selector("iframe[title^='Map'], iframe[title*='folium']")
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
        assert html.escape(site.name) in marker_text and html.escape(site.place) in marker_text, (
            f"site not drawn: {site.name} at {site.place}"
        )

    # The legend (a data block in the map's HTML) with its site key, styled by the badge CSS.
    legend = frame.evaluate(LEGEND_JS)
    assert legend and "not assessed (unknown)" in legend["text"], legend
    assert f"Cluster sites ({sites['cluster_id'].nunique()})" in legend["text"], legend
    assert legend["badge_radius"] == "11px", legend

    assert offline_page.refused == [], f"the page tried to reach the internet: {offline_page.refused}"
    assert page.get_by_text("Districts ranked by gap").is_visible()


POINT_JS = """
([name, lat, lng]) => {
  const map = Object.values(window).find(v => v && v instanceof L.Map);
  let path = null;
  map.eachLayer(l => { if (l.feature && l._path && l.options.interactive !== false && l.feature.properties.district === name) path = l._path; });
  path.setAttribute("data-test-target", "1");
  const p = map.latLngToContainerPoint([lat, lng]);
  const c = map.getContainer().getBoundingClientRect(), b = path.getBoundingClientRect();
  window.__atlasProbe = "same map";  // gone if the map is rebuilt
  return {x: c.left + p.x - b.left, y: c.top + p.y - b.top};
}
"""

OUTLINES_JS = """
() => {
  const map = Object.values(window).find(v => v && v instanceof L.Map);
  const out = [];
  map.eachLayer(l => { if (l.feature && l._path && l.options.interactive === false) out.push([l.feature.properties.district, l.options.weight]); });
  return {outlines: out, probe: window.__atlasProbe || null};
}
"""


def test_clicking_a_district_selects_it(server, offline_page):
    """A click on a district polygon (the TopoJSON layer) opens that district in the panel."""
    page = offline_page.page
    page.goto(server, wait_until="domcontentloaded")
    frame = map_frame(page)
    page.wait_for_timeout(1000)
    districts = load_boundaries(boundaries_path())
    sites = load_dataset().sites
    current = page.get_by_text("District (or click the map)").locator("xpath=..").inner_text()
    # the district whose inner point lies farthest from any site marker (markers sit above the districts)
    inner = {
        d: g.representative_point()
        for d, g in zip(districts["district"], districts.geometry)
        if d not in current
    }
    clearance = {
        d: min(((p.x - lon) ** 2 + (p.y - lat) ** 2) ** 0.5 for lat, lon in zip(sites["lat"], sites["lon"]))
        for d, p in inner.items()
    }
    target = max(clearance, key=clearance.get)
    point = inner[target]
    # Bring the whole map into view first: a mousedown in a partly hidden iframe scrolls the page,
    # the mouseup then lands elsewhere and the browser reports no click on the district.
    page.query_selector("iframe[title^='Map'], iframe[title*='folium']").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    where = frame.evaluate(POINT_JS, [target, point.y, point.x])
    frame.locator("path[data-test-target]").click(position=where, timeout=120_000)
    page.get_by_role("heading", name=target).wait_for(timeout=120_000)
    # the selection outline is drawn on the same map (only the style group was re-run)
    frame = map_frame(page)
    for _ in range(40):
        state = frame.evaluate(OUTLINES_JS)
        if [target, 4] in state["outlines"]:
            break
        page.wait_for_timeout(250)
    assert [target, 4] in state["outlines"], state
    assert state["probe"] == "same map"
    page.screenshot(path=str(ARTIFACTS / "atlas-clicked.png"), full_page=False)
    assert offline_page.refused == [], offline_page.refused


def test_cluster_page_map_draws_its_sites_offline(server, offline_page):
    """The Clusters page's small map: the cluster's sites as markers, its key in the legend."""
    page = offline_page.page
    page.goto(f"{server}/clusters?cluster=cotton_textile", wait_until="domcontentloaded")
    frame = map_frame(page)
    page.wait_for_timeout(1000)
    drawn = frame.evaluate(MAP_LAYERS_JS)
    ds = load_dataset()
    own = ds.sites[ds.sites["cluster_id"] == "cotton_textile"]
    assert len(own) >= 2
    assert len(drawn["markers"]) == len(own[["lat", "lon"]].drop_duplicates())
    assert set(own["district"]) <= set(drawn["districts"]), drawn[
        "districts"
    ]  # the districts layer, as on the Atlas
    tips = " | ".join(drawn["markers"])
    assert all(html.escape(place) in tips for place in own["place"]), tips
    legend = frame.evaluate(LEGEND_JS)
    assert legend and "district with a site" in legend["text"] and legend["badge_radius"] == "11px", legend
    # On this narrow map the credit line must wrap beside the scale bar, not run over it.
    overlap = frame.evaluate("""() => {
      const a = document.querySelector(".leaflet-control-attribution").getBoundingClientRect();
      const s = document.querySelector(".leaflet-control-scale").getBoundingClientRect();
      return !(a.right <= s.left || s.right <= a.left || a.bottom <= s.top || s.bottom <= a.top);
    }""")
    assert not overlap, "the map credit covers the scale bar"
    assert offline_page.refused == [], offline_page.refused
