"""Workshop mode in headless Chromium at 1280x720 with the internet cut off.

A real server (its own store, an editor account in a temporary secrets file
given through Streamlit's ``secrets.files`` option): sign in, create a dialogue,
present, step through three agenda items (keyboard and buttons), record a rating
and a quote, reload and find both; then check legibility (no text under 20 px,
no overlapping labels) at 1280x720 and 1920x1080 and save screenshots.
"""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, OfflinePage, settled, start_server, stop_server
from workshop_support import keys_ready

from cluster_model.auth import hash_password

PASSWORD = "workshop test password 7"
ROUND = "dialogue-browser-test"

# Every visible text run in the main area (the map frame is checked separately):
# its font size, and its box, to find text under 20 px and labels that overlap.
TEXT_BOXES_JS = """
() => {
  const root = document.querySelector('[data-testid="stMain"]');
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (!text) continue;
    const el = node.parentElement;
    if (el.closest('details:not([open]) > :not(summary)')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || parseFloat(style.opacity) === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    // only what is on screen (the presentation area the room sees)
    const r = rects[0];
    if (r.bottom <= 0 || r.top >= window.innerHeight || r.right <= 0 || r.left >= window.innerWidth) continue;
    for (const r of rects) {
      out.push({text: text.slice(0, 40), size: parseFloat(style.fontSize), tag: el.tagName,
                x: r.left, y: r.top, w: r.width, h: r.height});
    }
  }
  return out;
}
"""

MAP_TEXT_JS = """
() => [...document.querySelectorAll('.atlas-legend, .leaflet-tooltip, .atlas-site, .leaflet-control-attribution, .leaflet-control-scale')]
  .filter(e => e.getBoundingClientRect().width > 0)
  .flatMap(e => [...e.querySelectorAll('*'), e])
  .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(e => e.getClientRects().length > 0 && !e.closest('details:not([open]) > :not(summary)'))
  .map(e => ({text: e.textContent.trim().slice(0, 30), size: parseFloat(getComputedStyle(e).fontSize)}))
"""


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of text boxes that overlap by more than 2 px each way (lines of one node excluded)."""
    bad = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > 2 and dy > 2 and (a["text"], a["x"], a["y"]) != (b["text"], b["x"], b["y"]):
                bad.append((a["text"], b["text"]))
    return bad


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    folder = tmp_path_factory.mktemp("secrets")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f'[atlas_auth.users.facilitator]\nname = "Test Facilitator"\npassword_hash = "{hash_password(PASSWORD)}"\n'
    )
    proc, url = start_server({"STREAMLIT_SECRETS_FILES": str(secrets)})
    yield url
    stop_server(proc)


def _title(page) -> str:
    return page.locator(".ws-title").inner_text(timeout=120_000)


def _key_step(page, key: str, then: str) -> None:
    """Press ``key`` once on the projector and wait for the next item: every press is one step, also one
    landing during the projector's refresh (tests/browser/test_workshop_keys_browser.py)."""
    keys_ready(page)  # a press before the view's key handler is installed is ignored by design
    page.locator(".ws-title").click()
    page.keyboard.press(key)
    _wait_title(page, then)


def _wait_title(page, text: str, timeout: int = 30_000) -> None:
    page.wait_for_function(
        "t => { const h = document.querySelector('.ws-title'); return h && h.textContent.includes(t); }",
        arg=text,
        timeout=timeout,
    )
    settled(page)


def _sign_in(page) -> None:
    page.get_by_label("Username").fill("facilitator")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=120_000)


def _open_presenter(page, base: str) -> None:
    page.goto(f"{base}/workshop?round={ROUND}&mode=presenter", wait_until="domcontentloaded")
    # A new browser session keeps the sign-in (issue 10 item 3, session cookie); sign in only if the
    # cookie had not been set yet when the page was left.
    page.locator(".ws-title").or_(page.get_by_label("Username")).first.wait_for(timeout=120_000)
    if page.get_by_label("Username").count():
        _sign_in(page)


def _map_painted(page) -> None:
    page.wait_for_selector("iframe[title^='Map'], iframe[title*='folium']", timeout=120_000)
    for frame in page.frames:
        if frame != page.main_frame and frame.query_selector(".leaflet-container"):
            frame.wait_for_selector("path.leaflet-interactive", timeout=120_000)
            return


def _map_frame(page):
    for frame in page.frames:
        if frame != page.main_frame and frame.query_selector(".leaflet-container"):
            return frame
    return None


def test_workshop_offline_capture_reload_and_legibility(editor_server, browser):
    off = OfflinePage(browser, width=1280, height=720)
    page = off.page
    try:
        page.goto(editor_server + "/workshop", wait_until="domcontentloaded")
        page.get_by_text("Prepare a dialogue").wait_for(timeout=120_000)
        _sign_in(page)

        page.get_by_role("textbox", name="Round id (new round)").fill(ROUND)
        page.get_by_role("textbox", name="Name (new round)").fill("Browser test dialogue")
        page.get_by_role("textbox", name="Venue").fill("MUET, Jamshoro")
        page.get_by_role("textbox", name="Facilitator").fill("Test Facilitator")
        # No 64-item default agenda: the facilitator chooses the clusters (issue 10, item 12).
        picker = page.locator(".st-key-ws_new_clusters input")
        picker.click()
        picker.fill("Fisheries")
        picker.press("Enter")
        page.keyboard.press("Escape")
        page.locator(".st-key-ws_new_clusters").get_by_text("Fisheries").first.wait_for(timeout=120_000)
        page.get_by_role("button", name="Create dialogue").click()
        page.get_by_text("is ready").wait_for(timeout=120_000)
        page.get_by_role("button", name="Start presentation").click()
        _wait_title(page, "Fisheries — Technology")
        _map_painted(page)

        # Three agenda items: keyboard (→, PageDown) and the Next button.
        _key_step(page, "ArrowRight", "Fisheries — Support institutions")
        _key_step(page, "PageDown", "Fisheries — Capabilities & HRM")
        page.get_by_role("button", name="Next").click()
        _wait_title(page, "Fisheries — Incentive mechanism")
        page.get_by_role("button", name="Previous").click()
        _wait_title(page, "Fisheries — Capabilities & HRM")
        assert "item=3" in page.url

        # The room view has no editing controls (issue 10, item 11); the presenter view records.
        assert page.get_by_role("radiogroup", name="Community").count() == 0
        _open_presenter(page, editor_server)
        _wait_title(page, "Fisheries — Capabilities & HRM")
        community = page.get_by_role("radiogroup", name="Community")
        community.get_by_text("absent", exact=True).click()
        page.locator(".ws-panel:not(.ws-tally)").first.get_by_text("absent").wait_for(timeout=120_000)
        page.get_by_role("radiogroup", name="Said by (group)").get_by_text("Community", exact=True).click()
        page.get_by_role("textbox", name="Name (optional)").fill("Village elder")
        text_box = page.get_by_role("textbox", name="Quote or recommendation")
        text_box.fill("Local people must be hired at supervisory level.")
        text_box.press("ArrowLeft")  # arrow keys while typing must not move the agenda
        page.get_by_role("button", name="Save quote").click()
        page.get_by_text("Said in the room (1)").wait_for(timeout=120_000)
        assert "Capabilities & HRM" in _title(page)

        # Reload: the same item, the rating and the quote are still there.
        page.goto(
            f"{editor_server}/workshop?round={ROUND}&mode=present", wait_until="domcontentloaded"
        )  # the room view, fresh
        _wait_title(page, "Fisheries — Capabilities & HRM")
        panel = page.locator(".ws-panel:not(.ws-tally)").first
        panel.wait_for(timeout=120_000)
        assert "absent" in panel.inner_text()
        assert page.get_by_text("Local people must be hired at supervisory level.").is_visible()
        assert page.get_by_text("Village elder").count() >= 1

        # A fresh browser session opening the bare page resumes at the stored position.
        page.goto(f"{editor_server}/workshop?round={ROUND}&mode=present", wait_until="domcontentloaded")
        _wait_title(page, "Fisheries — Capabilities & HRM")

        # Legibility at 1280x720 and 1920x1080 (scrolled to the top: what the room sees).
        for width, height in ((1280, 720), (1920, 1080)):
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("window.scrollTo(0, 0)")
            _map_painted(page)
            page.wait_for_timeout(800)  # let the layout settle after the resize (not an assertion)
            shot = ARTIFACTS / f"workshop-present-{width}x{height}.png"
            page.screenshot(path=str(shot))
            boxes = page.evaluate(TEXT_BOXES_JS)
            assert boxes, "no text found on screen"
            small = [(b["text"], b["size"]) for b in boxes if b["size"] < 20]
            assert not small, f"text under 20 px at {width}x{height}: {small[:10]}"
            overlapping = _overlaps(boxes)
            assert not overlapping, f"overlapping labels at {width}x{height}: {overlapping[:10]}"
            assert not page.locator('[data-testid="stSidebar"]').is_visible()
            assert not page.locator('header[data-testid="stHeader"]').is_visible()
            frame = _map_frame(page)
            map_small = [t for t in frame.evaluate(MAP_TEXT_JS) if t["size"] < 20]
            assert not map_small, f"map text under 20 px: {map_small[:5]}"
            # Issue 10 item 11: the map takes the screen's height, not streamlit-folium's fixed 520 px.
            map_height = frame.evaluate(
                "() => document.querySelector('.leaflet-container').getBoundingClientRect().height"
            )
            assert map_height >= height - 200, f"map {map_height:.0f} px high on a {height} px screen"

        # The offline check, in the presenter view (issue 24 item 14: not on the projector), says everything is local.
        page.set_viewport_size({"width": 1280, "height": 720})
        _open_presenter(page, editor_server)
        _wait_title(page, "Fisheries — Capabilities & HRM")
        page.get_by_text("Offline check", exact=True).click()
        page.get_by_text("Run the offline check").click()
        page.get_by_text("Map files: all installed").wait_for(timeout=120_000)
        page.get_by_text("Map HTML: no script, stylesheet or image from another host.").wait_for(
            timeout=120_000
        )
        check = page.frame_locator(
            "iframe[srcdoc*='Browser check'], iframe[title*='st.iframe']"
        ).last.locator("#out")
        page.wait_for_function(
            "() => [...document.querySelectorAll('iframe')].some(f => { try { return f.contentDocument.querySelector('#out[data-remote]'); } catch (e) { return false; } })",
            timeout=120_000,
        )
        assert check.get_attribute("data-remote") == "0", check.inner_text()
        page.screenshot(path=str(ARTIFACTS / "workshop-offline-check.png"), full_page=True)

        assert off.refused == [], f"the page tried to reach the internet: {off.refused}"
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "workshop-failure.png"), full_page=True)
        raise
    finally:
        off.close()
