"""The Linkage matrix at 1280×720 (issue #24 item 13): the heatmap fits the main column and no kind of
support's header is cut short."""

from __future__ import annotations

from browser_support import ARTIFACTS

FIT_JS = """
() => {
  const block = document.querySelector("[data-testid='stMainBlockContainer']");
  const box = block.getBoundingClientRect(), style = getComputedStyle(block);
  const chart = document.querySelector("[data-testid='stVegaLiteChart'] svg.marks").getBoundingClientRect();
  const headers = [...document.querySelectorAll("[data-testid='stVegaLiteChart'] .role-axis-label text")]
    .filter(t => t.getAttribute("opacity") !== "0").map(t => t.textContent);
  return {
    main: [box.left + parseFloat(style.paddingLeft), box.right - parseFloat(style.paddingRight)],
    chart: [chart.left, chart.right],
    headers: headers,
  };
}
"""


def test_linkage_matrix_fits_1280_with_whole_headers(server, offline_page_1280):
    page = offline_page_1280.page
    page.goto(f"{server}/linkages", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Linkage matrix").wait_for(timeout=120_000)
    page.locator("[data-testid='stVegaLiteChart'] .role-axis-label text").first.wait_for(
        state="attached", timeout=120_000
    )
    page.locator("[data-testid='stVegaLiteChart']").first.screenshot(
        path=str(ARTIFACTS / "linkage-matrix-1280.png")
    )
    fit = page.evaluate(FIT_JS)
    assert fit["chart"][0] >= fit["main"][0] - 1 and fit["chart"][1] <= fit["main"][1] + 1, fit
    assert {"Research &development", "Regulation &standards", "Membership"} <= set(fit["headers"]), fit
    assert not [h for h in fit["headers"] if h.endswith("…")], fit
    assert offline_page_1280.refused == []
