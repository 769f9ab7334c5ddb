"""Issue #24 items 3, 5 and 11 in headless Chromium, offline: how the maps frame, zoom and label.

3: the province fills the frame and no district sits under the legend, on the gap map and the
District context map, at 1280×720, 1920×1080 and 390×844; the context legend folds.
5: the mouse wheel scrolls the page over an unclicked map; after a click it zooms; "Reset view"
brings the fitted view back (Atlas and the Clusters page's small map).
11: no district name is drawn under a control, a marker or another name.
"""

from __future__ import annotations

import time

import pytest
from browser_support import ARTIFACTS, OfflinePage
from playwright.sync_api import Error as PlaywrightError
from ux_support import MAP_IFRAME, map_frame

from cluster_model import context as cx

SIZES = [(1280, 720), (1920, 1080), (390, 844)]

# Boxes in the map frame's coordinates, measured after two animation frames (layout and any
# resize callbacks have run): the frame, each district's path, the legend, controls, markers, names.
MAP_BOXES_JS = """
async () => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const map = [...new Set(Object.values(window).filter(v => v && v instanceof L.Map))][0];
  const box = el => { const r = el.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const union = els => els.map(box).reduce((a, b) => ({l: Math.min(a.l, b.l), t: Math.min(a.t, b.t),
                                                          r: Math.max(a.r, b.r), b: Math.max(a.b, b.b)}));
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
                          && getComputedStyle(el).visibility !== "hidden"; };
  const districts = [];
  map.eachLayer(l => {
    if (l.feature && l._path && l.options.interactive !== false) {
      districts.push(Object.assign({name: l.feature.properties.district}, box(l._path)));
    }
  });
  const legend = document.querySelector(".atlas-legend");
  const c = map.getContainer();
  return {
    frame: box(c), zoom: map.getZoom(), center: map.getCenter(),
    province: districts.reduce((a, b) => ({l: Math.min(a.l, b.l), t: Math.min(a.t, b.t), r: Math.max(a.r, b.r), b: Math.max(a.b, b.b)})),
    districts,
    legend: legend && shown(legend) ? box(legend) : null,
    legendText: legend ? legend.textContent : "",
    controls: [...c.querySelectorAll(".leaflet-control")].filter(shown).map(e => Object.assign({what: e.className}, box(e))),
    markers: [...c.querySelectorAll(".leaflet-marker-pane .leaflet-marker-icon")].filter(shown)
      .map(e => Object.assign({what: e.textContent}, union([e, ...e.querySelectorAll("*")].filter(shown)))),
    labels: [...c.querySelectorAll(".atlas-district-label")].filter(e => e.textContent && shown(e))
      .map(e => Object.assign({what: e.textContent}, box(e))),
  };
}
"""

READY_JS = """() => { const ps = [...document.querySelectorAll('path.leaflet-interactive[tabindex="0"]')];
  return ps.length > 0 && ps.every(p => (p.getAttribute('aria-label') || '').includes('. '))
    && document.querySelectorAll('.atlas-district-label').length > 0 && !!document.querySelector('.atlas-legend'); }"""


# The Clusters page's small map writes no district names; its sites and key are what it waits for.
SITES_READY_JS = """() => document.querySelectorAll('path.leaflet-interactive').length > 0
  && !!document.querySelector('.atlas-legend') && !!document.querySelector('.leaflet-marker-icon')"""


def drawn_map(page, ready, what, seconds=180):
    """The map frame once ``ready`` holds in it, looked up afresh each time: Streamlit may replace the
    component's frame while the page settles (a rerun, a resize), and a wait held on the old frame then
    never ends (seen once in a full run on a loaded machine)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            frame = map_frame(page, timeout=10_000)
            if frame.evaluate(ready):
                return frame
        except PlaywrightError:  # the old frame detached while the new one is drawn
            pass
        page.wait_for_timeout(250)
    raise AssertionError(f"the {what} was not drawn")


def open_gap_map(page, server, path="/", ready=READY_JS):
    page.goto(server + path, wait_until="domcontentloaded")
    return drawn_map(page, ready, "gap map")


def open_context_map(page, server):
    open_gap_map(page, server)
    page.get_by_text("District context", exact=True).click()
    # The context map replaces the gap map in a new frame; its legend names its quantiles.
    context_ready = (
        "() => ((document.querySelector('.atlas-legend') || {}).textContent || '').includes('quantiles') && ("
        + READY_JS
        + ")()"
    )
    return drawn_map(page, context_ready, "District context map")


def intersects(a, b, margin=0.5):
    return (
        a["l"] + margin < b["r"]
        and b["l"] + margin < a["r"]
        and a["t"] + margin < b["b"]
        and b["t"] + margin < a["b"]
    )


def assert_framed(facts, where):
    frame, province, legend = facts["frame"], facts["province"], facts["legend"]
    fill = max(
        (province["b"] - province["t"]) / (frame["b"] - frame["t"]),
        (province["r"] - province["l"]) / (frame["r"] - frame["l"]),
    )
    assert fill >= 0.6, (where, "the province fills too little of the frame", fill, province, frame)
    assert legend is not None, where
    under = [
        d["name"]
        for d in facts["districts"]
        if legend["l"] < (d["l"] + d["r"]) / 2 < legend["r"]
        and legend["t"] < (d["t"] + d["b"]) / 2 < legend["b"]
    ]
    assert under == [], (where, "districts under the legend", under, legend)


# ---------------------------------------------------------------- item 3: framing


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_item3_gap_map_fills_the_frame_clear_of_the_legend(server, browser, size):
    offline_page = OfflinePage(browser, width=size[0], height=size[1])
    try:
        frame = open_gap_map(offline_page.page, server)
        assert_framed(frame.evaluate(MAP_BOXES_JS), f"gap map {size}")
    finally:
        offline_page.close()


@pytest.mark.skipif(not cx.context_dir().is_dir(), reason="context files missing: run `make setup`")
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_item3_context_map_fills_the_frame_clear_of_a_foldable_legend(server, browser, size):
    offline_page = OfflinePage(browser, width=size[0], height=size[1])
    try:
        page = offline_page.page
        frame = open_context_map(page, server)
        facts = frame.evaluate(MAP_BOXES_JS)
        page.query_selector(MAP_IFRAME).screenshot(
            path=str(ARTIFACTS / f"context-map-{size[0]}x{size[1]}.png")
        )
        assert_framed(facts, f"context map {size}")
        # The legend folds to its title, and the map is fitted again to the room it leaves.
        summary = frame.locator(".atlas-legend summary").first
        summary.click()
        frame.wait_for_function("() => !document.querySelector('.atlas-legend details').open")
        folded = frame.evaluate(MAP_BOXES_JS)
        assert folded["legend"]["b"] - folded["legend"]["t"] < 0.5 * (
            facts["legend"]["b"] - facts["legend"]["t"]
        )
        assert_framed(folded, f"context map {size}, legend folded")
    finally:
        offline_page.close()


# ---------------------------------------------------------------- item 5: wheel and reset

BLANK_POINT_JS = """
() => {
  // A point of the map on no district, control or marker (a click there selects nothing).
  const c = document.querySelector(".leaflet-container"), r = c.getBoundingClientRect();
  for (let fy = 0.1; fy < 0.95; fy += 0.05) for (let fx = 0.05; fx < 0.95; fx += 0.05) {
    const x = r.left + fx * r.width, y = r.top + fy * r.height, el = document.elementFromPoint(x, y);
    if (el && c.contains(el) && !el.closest(".leaflet-control, .leaflet-marker-icon, path.leaflet-interactive")) return {x, y};
  }
  return null;
}
"""

ZOOM_JS = "() => [...new Set(Object.values(window).filter(v => v && v instanceof L.Map))][0].getZoom()"


def map_point_in_page(page, point):
    """A point of the map frame in the page's coordinates (for the mouse)."""
    box = page.query_selector(MAP_IFRAME).bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


@pytest.mark.parametrize("path", ["/", "/clusters?cluster=cotton_textile"])
def test_item5_wheel_scrolls_the_page_until_the_map_is_clicked_and_reset_restores_the_view(
    server, browser, path
):
    offline_page = OfflinePage(browser, width=1280, height=720)
    try:
        page = offline_page.page
        frame = open_gap_map(page, server, path, READY_JS if path == "/" else SITES_READY_JS)
        page.query_selector(MAP_IFRAME).scroll_into_view_if_needed()
        fitted = frame.evaluate(MAP_BOXES_JS)
        top = page.query_selector(MAP_IFRAME).bounding_box()["y"]
        x, y = map_point_in_page(page, frame.evaluate(BLANK_POINT_JS))
        page.mouse.move(x, y)
        page.mouse.wheel(0, 300)
        # The page scrolls (the map's frame moves up) and the map keeps its zoom.
        page.wait_for_function(
            f"() => document.querySelector({MAP_IFRAME!r}).getBoundingClientRect().top < {top - 50}",
            timeout=120_000,
        )
        assert frame.evaluate(ZOOM_JS) == fitted["zoom"]
        # After a click on the map the wheel zooms it.
        page.query_selector(MAP_IFRAME).scroll_into_view_if_needed()
        x, y = map_point_in_page(page, frame.evaluate(BLANK_POINT_JS))
        page.mouse.click(x, y)
        page.mouse.wheel(0, -300)
        frame.wait_for_function(f"() => ({ZOOM_JS})() > {fitted['zoom']} + 0.2", timeout=120_000)
        # "Reset view" (named in the page's language) brings back the fitted view.
        frame.get_by_role("button", name="Reset view").click()
        frame.wait_for_function(f"() => Math.abs(({ZOOM_JS})() - {fitted['zoom']}) < 0.01", timeout=120_000)
        back = frame.evaluate(MAP_BOXES_JS)
        assert abs(back["center"]["lat"] - fitted["center"]["lat"]) < 0.01
        assert abs(back["center"]["lng"] - fitted["center"]["lng"]) < 0.01
    finally:
        offline_page.close()


def test_item5_reset_control_is_translated(server, browser):
    offline_page = OfflinePage(browser, width=1280, height=720)
    try:
        page = offline_page.page
        page.goto(server + "/?lang=ur", wait_until="domcontentloaded")
        # The frame is named in Urdu once drawn: found by its control, not by its title.
        for _ in range(240):
            frames = [
                f for f in page.frames if f != page.main_frame and f.query_selector(".atlas-reset-view a")
            ]
            if frames:
                break
            page.wait_for_timeout(250)
        assert frames, "no map with a reset control"
        control = frames[0].locator(".atlas-reset-view a")
        assert control.count() == 1
        assert control.get_attribute("aria-label") not in ("", None, "Reset view")
    finally:
        offline_page.close()


# ---------------------------------------------------------------- item 11: labels in the clear


def assert_labels_clear(facts, where, at_least):
    labels = facts["labels"]
    # Names give way to controls and markers: fewer are written, but each can be read.
    assert len(labels) >= at_least, (where, [lab["what"] for lab in labels])
    clashes = []
    for i, label in enumerate(labels):
        for other in facts["controls"] + facts["markers"] + labels[i + 1 :]:
            if intersects(label, other):
                clashes.append((label["what"], other["what"][:60]))
    assert clashes == [], (where, clashes)


def test_item11_gap_map_names_clear_of_controls_markers_and_each_other(server, browser):
    offline_page = OfflinePage(browser, width=1280, height=720)
    try:
        frame = open_gap_map(offline_page.page, server)
        facts = frame.evaluate(MAP_BOXES_JS)
        assert facts["markers"], "no site marker drawn"
        assert_labels_clear(facts, "gap map", 10)
    finally:
        offline_page.close()


@pytest.mark.skipif(not cx.context_dir().is_dir(), reason="context files missing: run `make setup`")
def test_item11_context_map_names_clear_of_the_karachi_label(server, browser):
    offline_page = OfflinePage(browser, width=1280, height=720)
    try:
        frame = open_context_map(offline_page.page, server)
        facts = frame.evaluate(MAP_BOXES_JS)
        assert any("one figure for 7 districts" in m["what"] for m in facts["markers"]), facts["markers"]
        assert_labels_clear(facts, "context map", 10)
    finally:
        offline_page.close()
