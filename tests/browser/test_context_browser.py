"""Atlas → District context → adult literacy in headless Chromium, offline: all 30 Sindh districts
coloured, Karachi's seven as one unit labelled so, year and source in the legend."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS
from playwright.sync_api import Error as PlaywrightError
from test_offline_map import map_frame

from cluster_model import context as cx
from geo.boundaries import boundaries_path, load_boundaries
from geo.context_map import CONTEXT_COLOURS, NO_FIGURE_FILL

KARACHI = {"Karachi Central", "Karachi East", "Karachi South", "Karachi West", "Keamari", "Korangi", "Malir"}

FILLS_JS = """
() => {
  const maps = [...new Set(Object.values(window).filter(v => v && v instanceof L.Map))];
  const out = {};
  for (const m of maps) {
    m.eachLayer(l => {
      if (l.feature && l.feature.properties && l.feature.properties.district && l._path && l.options.interactive !== false) {
        out[l.feature.properties.district] = {fill: l._path.getAttribute("fill"), stroke: l._path.getAttribute("stroke")};
      }
    });
  }
  const legend = document.querySelector(".atlas-legend");
  const labels = [...document.querySelectorAll(".atlas-unit-label")].map(e => e.textContent);
  const tips = (window.__atlasDistricts || {}).tip || {};
  return {fills: out, legend: legend ? legend.textContent : "", labels: labels, tip: tips["Korangi"] || ""};
}
"""


@pytest.mark.skipif(not cx.context_dir().is_dir(), reason="context files missing: run `make setup`")
def test_district_context_adult_literacy_colours_all_30_with_karachi_as_one(server, offline_page):
    page = offline_page.page
    page.goto(server, wait_until="domcontentloaded")
    map_frame(page)
    page.get_by_text("District context", exact=True).click()
    page.get_by_text("Districts ranked by adult literacy (25+), 2014").wait_for(timeout=120_000)
    state = {}
    for _ in range(120):  # the map is rebuilt with the context legend and colours
        try:
            state = map_frame(page).evaluate(FILLS_JS)
        except PlaywrightError:  # the old map's frame detached while the new one is drawn
            page.wait_for_timeout(250)
            continue
        if "Adult literacy (25+), 2014" in state["legend"] and len(state["fills"]) == 30 and state["labels"]:
            break
        page.wait_for_timeout(250)
    page.query_selector("iframe[title^='Map'], iframe[title*='folium']").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "atlas-district-context.png"), full_page=False)

    expected = set(load_boundaries(boundaries_path())["district"])
    assert set(state["fills"]) == expected and len(expected) == 30
    # Every district coloured by a class; none grey (no figure).
    palette = {c.lower() for c in CONTEXT_COLOURS}
    assert {d: f["fill"] for d, f in state["fills"].items() if (f["fill"] or "").lower() not in palette} == {}
    assert NO_FIGURE_FILL not in {f["fill"] for f in state["fills"].values()}
    # Karachi's seven: one fill, drawn as one unit (border in the fill colour), one label saying so.
    karachi = {state["fills"][d]["fill"] for d in KARACHI}
    assert len(karachi) == 1 and {state["fills"][d]["stroke"] for d in KARACHI} == karachi
    assert state["labels"] == ["Karachi City: one figure for 7 districts"]
    assert "Karachi City (one figure for 7 districts together" in state["tip"]
    # Year, unit, source, stated breaks and the credit in the legend.
    legend = state["legend"]
    for text in (
        "Adult literacy (25+), 2014",
        "% of people aged 25+",
        "quantiles",
        "no figure (unknown)",
        "PBS PSLM",
        cx.CONTEXT_CREDIT,
        "Karachi City: one figure for its districts together",
    ):
        assert text in legend, (text, legend)
    assert offline_page.refused == [], f"the page tried to reach the internet: {offline_page.refused}"


CHART_Y_JS = """
el => {
  const svg = el.querySelector("svg.marks");
  const frame = svg.querySelector(".role-frame path.background");
  const box = frame ? frame.getBBox() : {height: 0};
  const axes = [...svg.querySelectorAll("[aria-roledescription='axis']")].map(a => a.getAttribute("aria-label") || "");
  const ys = new Set([...svg.querySelectorAll(".role-mark path, .mark-symbol path")].map(p => {
    const t = (p.getAttribute("transform") || "").match(/translate\\(([-\\d.]+),([-\\d.]+)\\)/);
    return t ? Math.round(parseFloat(t[2])) : null;
  }).filter(y => y !== null));
  return {plot_height: box.height, axes: axes, distinct_y: ys.size};
}
"""


@pytest.mark.skipif(not cx.context_dir().is_dir(), reason="context files missing: run `make setup`")
def test_thatta_literacy_trend_has_a_y_scale_and_points_at_different_heights(server, offline_page_1280):
    # Issue #24 item 2: at 1280 the chart drew a flat row of dots with no y axis (the plot was 0 px tall).
    page = offline_page_1280.page
    page.goto(f"{server}/?district=Thatta", wait_until="domcontentloaded")
    map_frame(page)
    page.get_by_text("District context", exact=True).click()
    page.get_by_text("Districts ranked by adult literacy (25+), 2014").wait_for(timeout=120_000)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.locator("svg.marks .role-mark").first.wait_for(state="attached", timeout=120_000)
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(ARTIFACTS / "context-trend-thatta.png"))
    drawn = chart.evaluate(CHART_Y_JS)
    assert drawn["plot_height"] >= 100, drawn
    assert any(a.startswith("Y-axis") and "values from" in a for a in drawn["axes"]), drawn
    assert drawn["distinct_y"] > 2, drawn  # two series of six points, at their values' heights
    assert offline_page_1280.refused == []
