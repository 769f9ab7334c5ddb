"""(#27 item 2) Time on the map in headless Chromium, offline, on a store with two illustrative rounds after
the seed's desk review: a keyboard user steps the Atlas's round slider with the arrow keys; the map's fills
change where the rounds differ, the sidebar's round, the illustrative banner and the link follow, and only
styles travel: the map is kept (not rebuilt), no geometry is in the step's websocket messages, and a step
carries fewer bytes than the districts' geometry alone. The play control steps to the last round and stops,
with the same map."""

from __future__ import annotations

import re
import sys

import pytest
from browser_support import REPO, OfflinePage, settled, start_server, stop_server
from playwright.sync_api import expect
from test_atlas_round_slider import add_illustrative_rounds
from ux_support import map_frame

sys.path.insert(0, str(REPO))
from bench.browser import ROUND_SLIDER, MessageBytes

MAP_DATA = re.compile(r"/static/generated/[^/]+\.json$")
BANNER = "ILLUSTRATIVE DATA — this round is invented"
# Each district's fill, read from the map's own districts layer (the style table the round repaints).
FILLS_JS = """() => { const out = {}; window.__atlasDistricts.layer.eachLayer(
  l => { out[l.feature.properties.district] = l._path.getAttribute('fill'); }); return out; }"""


@pytest.fixture(scope="module")
def rounds_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('rounds')}/atlas.db"
    add_illustrative_rounds(url)
    proc, base = start_server({"ATLAS_DB_URL": url})
    yield base
    stop_server(proc)


def _sidebar_round(page):
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Assessment round")


def _open_atlas(page, base: str):
    page.goto(base + "/", wait_until="domcontentloaded")
    frame = map_frame(page, timeout=120_000)
    frame.wait_for_function("() => window.__atlasDistricts && window.__atlasDistricts.layer", timeout=120_000)
    settled(page)
    return frame


def _step(
    page, frame, meter: MessageBytes, key: str, district: str, sidebar_text: str
) -> tuple[list[bytes], list[str]]:
    """One arrow key on the slider; waits until ``district``'s fill changed and the run is drawn. Returns the
    websocket frames the step brought and the addresses the page requested meanwhile."""
    before = frame.evaluate(FILLS_JS)[district]
    frames_before, requests_before = len(meter.frames), len(meter.urls)
    thumb = page.locator(ROUND_SLIDER)
    thumb.focus()
    thumb.press(key)
    expect(_sidebar_round(page)).to_have_value(re.compile(re.escape(sidebar_text)), timeout=120_000)
    frame.wait_for_function(
        "([d, fill]) => { const l = Object.values(window.__atlasDistricts.layer._layers)"
        ".find(l => l.feature.properties.district === d); return l._path.getAttribute('fill') !== fill; }",
        arg=[district, before],
        timeout=120_000,
    )
    settled(page)
    return meter.frames[frames_before:], list(meter.urls.values())[requests_before:]


def test_stepping_the_round_slider_repaints_only_the_styles(rounds_server, browser):
    view = OfflinePage(browser, 1400, 900)
    try:
        page = view.page
        meter = MessageBytes(view.context.new_cdp_session(page), keep_frames=True)
        frame = _open_atlas(page, rounds_server)
        first_paint_ws = meter.ws
        expect(_sidebar_round(page)).to_have_value(re.compile("^Desk review of the 2019 sources"))
        assert page.get_by_text(BANNER).count() == 0  # the desk review is a published edition
        # The map's data files as the first paint fetched them (geometry, names, markers, legend).
        map_files = {u: page.request.get(u).body() for u in meter.urls.values() if MAP_DATA.search(u)}
        topology = next(body for u, body in map_files.items() if "/topology-" in u)
        first_paint = first_paint_ws + sum(len(body) for body in map_files.values())
        frame.evaluate("() => { window.__mapKept = true; }")  # gone if the map were built again
        desk = frame.evaluate(FILLS_JS)

        # Desk review -> demonstration round 1: illustrative, so the banner appears with it.
        step1, requested1 = _step(page, frame, meter, "ArrowRight", "Thatta", "Demonstration round 1")
        page.get_by_text(BANNER).wait_for(timeout=120_000)
        round1 = frame.evaluate(FILLS_JS)
        assert round1 != desk
        page.wait_for_function("() => location.search.includes('round=demo-1')", timeout=120_000)

        # Demonstration round 1 -> 2: Thatta's fisheries went from absent to present.
        step2, requested2 = _step(page, frame, meter, "ArrowRight", "Thatta", "Demonstration round 2")
        round2 = frame.evaluate(FILLS_JS)
        assert round2["Thatta"] != round1["Thatta"]
        expect(page.get_by_text(BANNER)).to_be_visible()
        page.wait_for_function("() => location.search.includes('round=demo-2')", timeout=120_000)

        assert frame.evaluate("() => window.__mapKept === true")  # the same map, restyled in place
        arcs_sample = topology[topology.index(b'"arcs":[[[') + 10 :][:40]
        for step, requested in ((step1, requested1), (step2, requested2)):
            payload = b"".join(step)
            assert step  # the step came over the websocket
            # No map file (geometry, names, markers) fetched again.
            assert not [u for u in requested if "/static/generated/" in u], requested
            assert b'"arcs"' not in payload and b"Topology" not in payload and arcs_sample not in payload
            # Far fewer bytes than the geometry alone, and than the first paint (its messages and map data).
            assert len(payload) < len(topology) / 2, (len(payload), len(topology))
            assert len(payload) < first_paint / 3, (len(payload), first_paint)
        assert view.refused == [] and view.console_errors == []
    finally:
        view.close()


def test_play_steps_through_the_rounds_and_stops_on_the_last(rounds_server, browser):
    view = OfflinePage(browser, 1400, 900)
    try:
        page = view.page
        frame = _open_atlas(page, rounds_server)
        # The play's timer is drawn only while it plays: the map is kept (restyled) through it all.
        frame.evaluate("() => { window.__mapKept = true; }")
        page.get_by_role("button", name="▶ Play", exact=True).click()
        expect(page.get_by_role("button", name="■ Stop", exact=True)).to_be_visible(timeout=120_000)
        # The server steps one round at a time; at the last it shows Play again.
        expect(_sidebar_round(page)).to_have_value(re.compile("^Demonstration round 2"), timeout=180_000)
        expect(page.get_by_role("button", name="▶ Play", exact=True)).to_be_visible(timeout=120_000)
        page.get_by_text(BANNER).wait_for(timeout=120_000)
        expect(page.locator(ROUND_SLIDER)).to_have_value("2")
        page.wait_for_function("() => location.search.includes('round=demo-2')", timeout=120_000)
        assert frame.evaluate("() => window.__mapKept === true")
        assert view.refused == []
    finally:
        view.close()


def test_the_bench_times_and_counts_round_steps_like_a_pillar_change(browser, tmp_path):
    """The bench's round rows (#27): each arrow key on the slider is timed from its keydown to the repaint and
    its bytes counted; the rows print the medians (reported, no budget)."""
    from bench import browser as harness
    from bench.run import round_step_rows

    url = f"sqlite:///{tmp_path}/atlas.db"
    add_illustrative_rounds(url)
    out = harness.measure(
        REPO / "app.py", {"ATLAS_DB_URL": url}, {}, tmp_path, n_changes=0, browser=browser, n_round_steps=3
    )

    assert out["refused"] == 0, out["refused_hosts"]
    steps = out["changes"]
    # Desk review -> round 1 -> round 2 (the newest), then back towards the oldest.
    assert [(c["view"], c["to"]) for c in steps] == [("round", 1), ("round", 2), ("round", 1)]
    for c in steps:
        assert c["fills_changed"] and c["repaint_s"] > 0, c
        assert c["ws_bytes"] > 0 and c["other_http_bytes"] == 0, c  # nothing fetched again per step
        assert c["n_paths"] == out["n_paths"], c  # the same districts, restyled
    assert out["round"]["n"] == 3 and out["round"]["n_fills_changed"] == 3
    printed = {row[1]: row[2] for row in round_step_rows("x", out)}
    assert set(printed) == {
        "Chromium: round step -> map repainted (median of 3)",
        "Chromium: bytes per round step, on the wire (compressed, all traffic) (median of 3)",
        "Chromium: bytes per round step, messages (uncompressed) (median of 3)",
    }
    assert "n/a" not in printed.values(), printed
