"""(#27) The gap matrix as a Workshop agenda item, on a 1920×1080 projector in headless Chromium, offline:
drawn large (no text under 20 px, nothing overlapping, the whole matrix on screen, no sideways scrolling),
each cell with its coverage and low coverage striped; a keyboard press steps to the next item and back; on
the matrix item the room view still follows the presenter; in Urdu the page reads right to left; the
presenter steps onto it with the keyboard and sees the same large matrix.
Screenshots: test-artifacts/workshop-matrix-1920.png, workshop-matrix-1920-ur.png and
workshop-matrix-presenter-1920.png."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, OfflinePage, settled, stop_server
from test_workshop_browser import TEXT_BOXES_JS, _overlaps  # the projector's legibility checks
from workshop_support import dialogue_server, keys_ready, open_presenter_signed_in

from cluster_model.store import dialogue as dl

PASSWORD = "matrix projector password 5"
ROUND = "dlg-matrix"
AGENDA = "mango:T,*clusters:TSHI,rice:S"  # the matrix is item 2
CHART = "[data-testid='stVegaLiteChart']"

LAYOUT_JS = """
() => {
  const chart = document.querySelector("%(chart)s svg.marks").getBoundingClientRect();
  const texts = [...document.querySelectorAll("%(chart)s .mark-text.role-mark text")].map(t => t.textContent);
  const cellBoxes = [...document.querySelectorAll("%(chart)s .mark-rect.role-mark path")].map(p => p.getBoundingClientRect())
    .filter(b => b.width > 0);
  return {
    pageWidth: document.documentElement.scrollWidth, viewport: [window.innerWidth, window.innerHeight],
    chart: [chart.left, chart.right, chart.top, chart.bottom],
    cells: document.querySelectorAll("%(chart)s .mark-rect.role-mark path").length,
    striped: document.querySelectorAll("%(chart)s path[fill^='url(']").length,
    texts: texts,
    legend: [...document.querySelectorAll("%(chart)s .role-legend-label text")].map(t => t.textContent),
    symbols: [...document.querySelectorAll("%(chart)s .role-legend-symbol path")].map(p => p.getBoundingClientRect().width),
    cellsTop: Math.min(...cellBoxes.map(b => b.top)),
    headers: [...document.querySelectorAll("%(chart)s .role-axis-label text")].map(t => [t.textContent, t.getBoundingClientRect()])
      .filter(([, b]) => b.width > 0 && b.top < Math.min(...cellBoxes.map(c => c.top))).map(([t, b]) => [t, b.bottom]),
    chartType: Math.min(...[...document.querySelectorAll("%(chart)s svg text")].filter(t => t.textContent.trim())
      .map(t => parseFloat(getComputedStyle(t).fontSize))),
    dir: getComputedStyle(document.querySelector('[data-testid="stMain"]')).direction === 'rtl',
  };
}
""" % {"chart": CHART}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    proc, base, engine = dialogue_server(
        tmp_path_factory.mktemp("matrix"), ROUND, AGENDA, PASSWORD, name="Matrix projector test"
    )
    yield base, engine
    stop_server(proc)
    engine.dispose()


def _wait_title(page, text: str) -> None:
    page.wait_for_function(
        "t => { const h = document.querySelector('.ws-title'); return h && h.textContent.includes(t); }",
        arg=text,
        timeout=120_000,
    )
    settled(page, timeout=120_000)


def _open_matrix(browser, base: str, engine, lang: str = "") -> OfflinePage:
    dl.set_position(engine, ROUND, 1, author="test setup")  # the room is at the matrix
    view = OfflinePage(browser, width=1920, height=1080)
    query = f"round={ROUND}&mode=present" + (f"&lang={lang}" if lang else "")
    view.page.goto(f"{base}/workshop?{query}", wait_until="domcontentloaded")
    view.page.locator(f"{CHART} .mark-text text").first.wait_for(state="attached", timeout=120_000)
    view.page.locator("table").first.wait_for(state="attached", timeout=120_000)
    settled(view.page, timeout=120_000)
    return view


def _readable(page) -> dict:
    got = page.evaluate(LAYOUT_JS)
    width, height = got["viewport"]
    assert got["pageWidth"] <= width, got  # no sideways scrolling
    left, right, top, bottom = got["chart"]
    assert left >= 0 and right <= width and top >= 0 and bottom <= height, got  # the whole matrix on screen
    assert got["cells"] >= 16 * 5, got
    assert all("/" in t for t in got["texts"]), got  # every cell says its coverage ("3/21")
    # The pillar names stand clear above the cells (two lines in a tall script too) ...
    assert got["headers"] and all(bottom <= got["cellsTop"] for _, bottom in got["headers"]), (
        got["cellsTop"],
        got["headers"],
    )
    # ... and the key's colours are large enough to tell apart from the back of the room.
    assert got["symbols"] and min(got["symbols"]) >= 14, got
    boxes = page.evaluate(TEXT_BOXES_JS)
    small = [(b["text"], b["size"]) for b in boxes if b["size"] < 20]
    assert not small, f"text under 20 px on the projector: {small[:10]}"
    overlapping = _overlaps(boxes)
    assert not overlapping, f"overlapping labels on the projector: {overlapping[:10]}"
    return got


def test_the_projector_shows_the_matrix_large_and_steps_on_with_the_keyboard(room, browser):
    base, engine = room
    view = _open_matrix(browser, base, engine)
    try:
        page = view.page
        _wait_title(page, "Gap matrix: clusters × pillars")
        page.screenshot(path=str(ARTIFACTS / "workshop-matrix-1920.png"))
        got = _readable(page)
        assert got["striped"] >= 1, got  # low coverage: the map's stripes
        assert "not assessed (unknown)" in got["legend"], got  # unknown: its own grey, in the key
        assert view.refused == []

        keys_ready(page)
        page.locator(".ws-title").click()
        page.keyboard.press("PageDown")
        _wait_title(page, "Rice — Support institutions")
        keys_ready(page)
        page.locator(".ws-title").click()
        page.keyboard.press("PageUp")
        _wait_title(page, "Gap matrix: clusters × pillars")
        page.locator(f"{CHART} .mark-text text").first.wait_for(state="attached", timeout=120_000)

        # The presenter moves the room (the stored position): the projector on the matrix follows.
        dl.set_position(engine, ROUND, 2, author="test setup")
        _wait_title(page, "Rice — Support institutions")
    finally:
        view.close()


def test_the_projected_matrix_in_urdu_reads_right_to_left(room, browser):
    base, engine = room
    view = _open_matrix(browser, base, engine, lang="ur")
    try:
        page = view.page
        _wait_title(page, "خلا کا میٹرکس: کلسٹر × ستون")
        page.screenshot(path=str(ARTIFACTS / "workshop-matrix-1920-ur.png"))
        got = _readable(page)
        assert got["dir"], "the Urdu projector is not right to left"
        assert view.refused == []
    finally:
        view.close()


def test_the_presenter_steps_onto_the_matrix_with_the_keyboard_and_sees_it_large(room, browser):
    base, engine = room
    dl.set_position(engine, ROUND, 0, author="test setup")  # a vote item: the presenter's tally is drawn
    view = OfflinePage(browser, width=1920, height=1080)
    try:
        page = view.page
        open_presenter_signed_in(page, base, ROUND, PASSWORD)
        keys_ready(page)
        page.locator(".ws-title").click()
        page.keyboard.press("PageDown")
        _wait_title(page, "Gap matrix: clusters × pillars")
        page.locator(f"{CHART} .mark-text text").first.wait_for(state="attached", timeout=120_000)
        settled(page, timeout=120_000)
        page.screenshot(path=str(ARTIFACTS / "workshop-matrix-presenter-1920.png"))
        assert dl.get_session(engine, ROUND).position == 1  # the room follows the presenter onto it
        got = page.evaluate(LAYOUT_JS)
        assert got["pageWidth"] <= got["viewport"][0], got
        assert got["cells"] >= 16 * 5 and all("/" in t for t in got["texts"]), got
        assert got["chartType"] >= 20, got  # the chart in the projector's type, not the page's
        # Phones have nothing to vote on; the presenter is told so and has no vote control.
        page.get_by_text("Nothing to vote on now").first.wait_for(timeout=120_000)
        assert page.get_by_role("button", name="Close voting on this item").count() == 0
        assert view.refused == []
    finally:
        view.close()
