"""(#27) The Overview's gap matrix in Chromium at 1920×1080 (projector) and 390×844 (phone): the page
does not overflow sideways, every cell is wide enough for its text, and a click on a cell opens that
cluster's profile at that pillar. Screenshots: test-artifacts/overview-<width>.png."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, OfflinePage

CHART = "[data-testid='stVegaLiteChart']"

LAYOUT_JS = """
() => {
  const chart = document.querySelector("%(chart)s svg.marks").getBoundingClientRect();
  const cells = [...document.querySelectorAll("%(chart)s .mark-rect.role-mark path")].map(p => p.getBoundingClientRect())
    .filter(b => b.width > 0);
  const texts = [...document.querySelectorAll("%(chart)s .mark-text.role-mark text")].map(t => t.getBoundingClientRect())
    .filter(b => b.width > 0);
  return {
    pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
    chart: [chart.left, chart.right],
    cellWidth: Math.min(...cells.map(b => b.width)), cellHeight: Math.min(...cells.map(b => b.height)),
    textWidth: Math.max(...texts.map(b => b.width)), textHeight: Math.max(...texts.map(b => b.height)),
    cells: cells.length,
  };
}
""" % {"chart": CHART}


def open_overview(page, server):
    page.goto(f"{server}/overview", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Overview: the gap matrix").wait_for(timeout=120_000)
    page.locator(f"{CHART} .mark-text text").first.wait_for(state="attached", timeout=120_000)
    page.get_by_role("heading", name="The matrix as a table").wait_for(timeout=120_000)


@pytest.mark.parametrize("width,height", [(1920, 1080), (390, 844)])
def test_matrix_is_readable_without_sideways_scrolling(server, browser, width, height):
    view = OfflinePage(browser, width, height)
    try:
        page = view.page
        open_overview(page, server)
        page.screenshot(path=str(ARTIFACTS / f"overview-{width}.png"), full_page=True)
        page.locator(CHART).first.screenshot(path=str(ARTIFACTS / f"overview-matrix-{width}.png"))
        got = page.evaluate(LAYOUT_JS)
        assert got["pageWidth"] <= got["viewport"], got  # no sideways scrolling of the page
        assert got["chart"][0] >= 0 and got["chart"][1] <= got["viewport"], got
        assert got["cells"] >= 16 * 5, got
        # Every cell holds its text ("3/21" and a change mark) with room to spare.
        assert got["cellWidth"] >= got["textWidth"] + 4 and got["cellHeight"] >= got["textHeight"], got
        # The real table is there for keyboard and screen-reader users.
        assert page.locator("table").first.is_visible()
        assert view.refused == []
    finally:
        view.close()


CELL_JS = """
([row, column]) => {
  const labels = [...document.querySelectorAll("%(chart)s .role-axis-label text")];
  const find = (word) => labels.find(t => t.textContent.includes(word)).getBoundingClientRect();
  const x = find(column), y = find(row);
  return [x.left + x.width / 2, y.top + y.height / 2];
}
""" % {"chart": CHART}


@pytest.mark.parametrize("width,height", [(1920, 1080), (390, 844)])
def test_a_click_on_a_cell_opens_the_clusters_profile_at_that_pillar(server, browser, width, height):
    view = OfflinePage(browser, width, height)
    try:
        page = view.page
        open_overview(page, server)
        page.locator(CHART).first.scroll_into_view_if_needed()  # on a phone the matrix starts below the fold
        x, y = page.evaluate(CELL_JS, ["1. Fisheries", "Capabilities"])
        page.mouse.click(x, y)
        page.get_by_role("heading", name="Fisheries").wait_for(timeout=120_000)
        selected = page.get_by_role("tab", selected=True)
        selected.first.wait_for(timeout=120_000)
        assert "Capabilities & HRM" in selected.first.inner_text()
        # The link says so once the page has drawn to its end (ui.page.end publishes the state).
        page.wait_for_function(
            "() => location.search.includes('pillar=hrm') && location.search.includes('cluster=fisheries')",
            timeout=120_000,
        )
    finally:
        view.close()
