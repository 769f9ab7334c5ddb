"""Gaps & poverty at 1280×720 (issue #24 item 12): the chart fits the main column, no label sits on another,
and every column of the table is in view."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS

from cluster_model import context as cx

FIT_JS = """
() => {
  const block = document.querySelector("[data-testid='stMainBlockContainer']");
  const box = block.getBoundingClientRect(), style = getComputedStyle(block);
  const main = {left: box.left + parseFloat(style.paddingLeft), right: box.right - parseFloat(style.paddingRight)};
  const chart = document.querySelector("[data-testid='stVegaLiteChart'] svg.marks").getBoundingClientRect();
  const labels = [...document.querySelectorAll("[data-testid='stVegaLiteChart'] .mark-text.role-mark text")]
    .filter(t => t.textContent.trim())
    .map(t => { const b = t.getBoundingClientRect(); return {text: t.textContent, l: b.left, r: b.right, t: b.top, b: b.bottom}; });
  const overlaps = [];
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
    const a = labels[i], c = labels[j];
    if (a.l < c.r && c.l < a.r && a.t < c.b && c.t < a.b) overlaps.push([a.text, c.text]);
  }
  const grid = [...document.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller")].pop();
  return {
    main: [main.left, main.right], chart: [chart.left, chart.right], labels: labels.length, overlaps: overlaps,
    grid_scroll: grid ? [grid.scrollWidth, grid.clientWidth] : null,
  };
}
"""


@pytest.mark.skipif(not cx.context_dir().is_dir(), reason="context files missing: run `make setup`")
def test_gaps_and_poverty_fits_1280_without_overlapping_labels(server, offline_page_1280):
    page = offline_page_1280.page
    page.goto(f"{server}/poverty", wait_until="domcontentloaded")
    page.get_by_text("Cluster districts, poorest first").wait_for(timeout=120_000)
    page.locator("[data-testid='stVegaLiteChart'] .mark-text.role-mark text").first.wait_for(
        state="attached", timeout=120_000
    )
    page.locator("[data-testid='stDataFrame'] .dvn-scroller").last.wait_for(state="attached", timeout=120_000)
    page.locator("[data-testid='stVegaLiteChart']").first.screenshot(
        path=str(ARTIFACTS / "poverty-chart-1280.png")
    )
    page.locator("[data-testid='stDataFrame']").last.screenshot(
        path=str(ARTIFACTS / "poverty-table-1280.png")
    )
    fit = page.evaluate(FIT_JS)
    assert fit["chart"][0] >= fit["main"][0] - 1 and fit["chart"][1] <= fit["main"][1] + 1, fit
    assert fit["labels"] >= 5 and fit["overlaps"] == [], fit
    scroll_width, client_width = fit["grid_scroll"]
    assert scroll_width <= client_width + 1, fit  # every column, "Number of poor" included, in view
    assert offline_page_1280.refused == []
