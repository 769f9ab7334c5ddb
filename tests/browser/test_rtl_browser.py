"""The RTL helper in a real Streamlit server and headless Chromium, offline.

A small app calls
ui.rtl.apply(): Urdu lays the main content out right to left with the sidebar on
the right and draws Arabic script with Noto Naskh Arabic fetched from the
app itself; English stays left to right.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from browser_support import ARTIFACTS, REPO, OfflinePage, free_port, stop_server

APP = """
import streamlit as st
from ui.i18n import _, current_language
from ui.rtl import apply

apply(current_language())
st.sidebar.markdown("### " + _("Filters"))
st.sidebar.write(_("Pillars"))
st.title(_("Atlas"))
st.write(_("The four aspects the 2019 dialogue examined every cluster under."))
"""


@pytest.fixture(scope="module")
def rtl_server(tmp_path_factory):
    if not (REPO / "static" / "fonts" / "noto-naskh-arabic" / "NotoNaskhArabic-Variable.ttf").is_file():
        pytest.skip("web font not installed: run `make setup` (scripts/install_web_fonts.py)")
    folder = tmp_path_factory.mktemp("rtl_app")
    (folder / "app.py").write_text(APP, encoding="utf-8")
    (folder / "static").symlink_to(REPO / "static")  # Streamlit serves <app folder>/static
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-rtl-{port}.log", "w")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(folder / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # cwd: .streamlit/config.toml
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log.name}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    yield url
    stop_server(proc)


LAYOUT = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const side = document.querySelector("[data-testid='stSidebar']");
  const h1 = main.querySelector('h1 span') || main.querySelector('h1');
  const block = document.querySelector("[data-testid='stMainBlockContainer']");
  const sideText = side.querySelector('p');
  return {direction: getComputedStyle(main).direction, dir: main.getAttribute('dir'), lang: main.getAttribute('lang'),
          mainX: main.getBoundingClientRect().x, sideX: side.getBoundingClientRect().x,
          h1Right: h1.getBoundingClientRect().right, blockRight: block.getBoundingClientRect().right,
          h1Left: h1.getBoundingClientRect().left, blockLeft: block.getBoundingClientRect().left,
          sideTextRight: sideText.getBoundingClientRect().right, sideRight: side.getBoundingClientRect().right,
          text: main.innerText,
          naskh: [...document.fonts].filter(f => f.family.includes('Noto Naskh Arabic') && f.status === 'loaded').length};
}"""


def _open(browser, url: str, heading: str) -> tuple[OfflinePage, dict, list[str]]:
    page = OfflinePage(browser)
    fonts: list[str] = []
    page.page.on("response", lambda r: "/fonts/" in r.url and fonts.append(f"{r.status} {r.url}"))
    page.page.goto(url, wait_until="domcontentloaded")
    page.page.get_by_role("heading", name=heading).wait_for(timeout=120_000)
    page.page.wait_for_function("document.fonts.status === 'loaded'", timeout=120_000)
    page.page.wait_for_timeout(500)  # the direction script runs after the element is drawn
    return page, page.page.evaluate(LAYOUT), fonts


def test_urdu_reads_right_to_left_with_the_local_font(browser, rtl_server):
    page, layout, fonts = _open(browser, f"{rtl_server}/?lang=ur", "اٹلس")
    try:
        page.page.screenshot(path=str(ARTIFACTS / "rtl-ur.png"))
        assert layout["direction"] == "rtl" and layout["dir"] == "rtl" and layout["lang"] == "ur"
        assert layout["sideX"] > layout["mainX"]  # the sidebar on the reading side
        # text starts at the right edge: the title, and the sidebar's text
        assert layout["blockRight"] - layout["h1Right"] < 80 < layout["h1Left"] - layout["blockLeft"], layout
        assert layout["sideRight"] - layout["sideTextRight"] < 80, layout
        arabic = sum(1 for ch in layout["text"] if "\u0600" <= ch <= "\u06ff")
        latin = sum(1 for ch in layout["text"] if ch.isascii() and ch.isalpha())
        assert arabic > 3 * latin
        assert (
            layout["naskh"] >= 1 and fonts and all(f.startswith("200 ") and "127.0.0.1" in f for f in fonts)
        )
        assert page.refused == []
    finally:
        page.close()


def test_english_stays_left_to_right(browser, rtl_server):
    page, layout, _ = _open(browser, f"{rtl_server}/?lang=en", "Atlas")
    try:
        assert layout["direction"] == "ltr" and layout["dir"] == "ltr"
        assert layout["sideX"] < layout["mainX"]
        assert page.refused == []
    finally:
        page.close()


@pytest.mark.parametrize(
    ("lang", "heading", "names_toggle"),
    [("ur", "سندھ کلسٹر اٹلس", "اضلاع کے نام"), ("sd", "سنڌ ڪلسٽر ائٽلس", "ضلعن جا نالا")],
)
def test_the_atlas_in_urdu_and_sindhi_reads_right_to_left_offline(
    browser, server, lang, heading, names_toggle
):
    """The real app: /?lang=ur|sd lays the page out right to left, mostly in Arabic script, map legend
    and the map's "District names" checkbox included (labels from the catalogue, passed in the map's
    options), with nothing requested from outside; the language stays in the URL."""
    page, layout, fonts = _open(browser, f"{server}/?lang={lang}", heading)
    try:
        legend = page.page.frame_locator("iframe").first.locator(".atlas-legend-rows")
        legend.wait_for(timeout=120_000)
        page.page.wait_for_timeout(1500)  # the page's last elements (ranking, footer)
        layout = page.page.evaluate(LAYOUT)
        page.page.screenshot(path=str(ARTIFACTS / f"rtl-atlas-{lang}.png"), full_page=True)
        assert layout["direction"] == "rtl" and layout["dir"] == "rtl" and layout["lang"] == lang
        assert layout["sideX"] > layout["mainX"]  # the sidebar on the reading side
        # the title starts at the right edge of the content (the wide layout pads the block by 5rem)
        assert layout["blockRight"] - layout["h1Right"] <= 100 < layout["h1Left"] - layout["blockLeft"], (
            layout
        )
        arabic = sum(1 for ch in layout["text"] if "\u0600" <= ch <= "\u06ff")
        latin = sum(1 for ch in layout["text"] if ch.isascii() and ch.isalpha())
        assert arabic > 2 * latin, (arabic, latin)
        legend_text = legend.inner_text()
        assert sum(1 for ch in legend_text if "\u0600" <= ch <= "\u06ff") > 20, legend_text
        toggle = page.page.frame_locator("iframe").first.locator(".atlas-names-toggle")
        toggle.wait_for(timeout=120_000)
        assert toggle.inner_text().strip() == names_toggle, toggle.inner_text()
        assert f"lang={lang}" in page.page.url
        assert layout["naskh"] >= 1 and all(f.startswith("200 ") and "127.0.0.1" in f for f in fonts)
        assert page.refused == []
    finally:
        page.close()


def test_workshop_projector_and_phone_in_sindhi_read_right_to_left_offline(browser, tmp_path):
    """Done when of issue 13: the projector and a phone in Sindhi, right to left, Arabic script, offline."""
    from browser_support import start_server

    from cluster_model import store
    from cluster_model.store import dialogue as dl

    db = f"sqlite:///{tmp_path}/workshop.db"
    engine = store.open_store(db)
    dl.create_dialogue(
        engine,
        round_id="dlg-sd",
        name="Sindhi test",
        date="2027-01-01",
        venue="MUET",
        facilitator="F",
        agenda="mango:T,rice:H",
        author="seed",
    )
    engine.dispose()
    proc, url = start_server({"ATLAS_DB_URL": db})
    projector = OfflinePage(browser, width=1280, height=720)
    phone = OfflinePage(browser, width=390, height=844)
    try:
        projector.page.goto(
            f"{url}/workshop?round=dlg-sd&mode=present&lang=sd", wait_until="domcontentloaded"
        )
        title = projector.page.locator(".ws-title")
        title.wait_for(timeout=120_000)
        assert title.inner_text() == "انب — ٽيڪنالاجي"  # Mango — Technology
        projector.page.locator("#ws-link").wait_for(timeout=120_000)
        assert "lang=sd" in projector.page.locator("#ws-link").inner_text()
        # The projector's legend (inside the map, or under it on a small screen) is in Sindhi.
        legend_text = ""
        for _ in range(90):  # the map is one of the page's frames (the keyboard script is another)
            found = [f for f in projector.page.frames if f.locator(".atlas-legend-rows").count()]
            if found:
                legend_text = found[0].locator(".atlas-legend-rows").first.text_content()
                break
            projector.page.wait_for_timeout(1000)
        assert sum(1 for ch in legend_text if "\u0600" <= ch <= "\u06ff") > 20, legend_text
        projector.page.wait_for_timeout(1000)
        main = projector.page.evaluate(
            "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
            " return {dir: m.getAttribute('dir'), text: m.innerText}; }"
        )
        projector.page.screenshot(path=str(ARTIFACTS / "workshop-present-sd.png"))
        assert main["dir"] == "rtl"
        arabic = sum(1 for ch in main["text"] if "\u0600" <= ch <= "\u06ff")
        latin = sum(1 for ch in main["text"] if ch.isascii() and ch.isalpha())
        assert arabic > 2 * latin, (arabic, latin)

        phone.page.goto(f"{url}/vote?r=dlg-sd&lang=sd", wait_until="domcontentloaded")
        phone.page.get_by_role("button", name="صنعت").click(timeout=120_000)  # Industry
        phone.page.locator("#vote-item").wait_for(timeout=120_000)
        assert phone.page.locator("#vote-item").inner_text() == "انب — ٽيڪنالاجي"
        phone.page.wait_for_timeout(1000)
        assert (
            phone.page.evaluate("document.querySelector(\"[data-testid='stMain']\").getAttribute('dir')")
            == "rtl"
        )
        phone.page.screenshot(path=str(ARTIFACTS / "vote-phone-sd.png"))
        assert "lang=sd" in phone.page.url and "g=industry" in phone.page.url
        assert projector.refused == [] and phone.refused == []
    finally:
        projector.close()
        phone.close()
        stop_server(proc)


# ---------------------------------------------------------------- #24 item 17: the real app in Urdu

RANKING_HEADERS = """() => [...document.querySelectorAll("[data-testid='stDataFrame']")]
  .map(df => [...df.querySelectorAll("th, [role=columnheader]")].map(t => t.textContent.trim()))
  .find(h => h.includes("درجہ"))"""  # the ranking: the table with a Rank column

ATLAS_RTL = (
    """() => {
  const headers = ("""
    + RANKING_HEADERS
    + """)();
  const side = document.querySelector("[data-testid='stSidebar']");
  const captions = [...side.querySelectorAll("[data-testid='stCaptionContainer']")].map(c =>
      ({text: c.innerText, fits: c.scrollWidth <= c.clientWidth}));
  const main = document.querySelector("[data-testid='stMain']");
  const skip = document.querySelector("[data-testid='stSkipToContent']");
  return {headers, captions, text: main.innerText, skip: skip && skip.textContent};
}"""
)

AXIS_TITLES = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].flatMap(chart => {
  const box = chart.getBoundingClientRect();
  return [...chart.querySelectorAll(".role-axis-title text")].map(t => {
    const r = t.getBoundingClientRect();
    return {title: t.textContent, inside: r.left >= box.left && r.right <= box.right && r.top >= box.top
            && r.bottom <= box.bottom, visible: r.left >= 0, title_box: [r.left, r.right], chart_box: [box.left, box.right]};
  });
})"""


def test_item17_the_atlas_in_urdu_mirrors_the_ranking_and_keeps_english_runs_whole(browser, server):
    """The ranking runs right to left (its first column, Rank, on the right); the chosen round's full
    name is visible; English data text inside Urdu text is isolated (FSI … PDI), so its words keep
    their order; Streamlit's "Skip to main content" link is in Urdu."""
    page = OfflinePage(browser, width=1280, height=720)
    try:
        page.page.goto(f"{server}/?lang=ur", wait_until="domcontentloaded")
        page.page.locator("[data-testid='stDataFrame']").last.wait_for(timeout=120_000)
        page.page.wait_for_function(
            "document.querySelector(\"[data-testid='stSkipToContent']\").textContent !== 'Skip to main content'",
            timeout=120_000,
        )
        page.page.wait_for_function(f"!!({RANKING_HEADERS})()", timeout=120_000)
        footer = page.page.locator(
            "[data-testid='stMain'] [data-testid='stCaptionContainer']", has_text="2026-11-25"
        )
        footer.last.wait_for(timeout=120_000)  # the footer, drawn last, names the round
        found = page.page.evaluate(ATLAS_RTL)
        headers = found["headers"]
        assert headers.index("درجہ") > headers.index("ضلع"), headers  # Rank drawn right of District
        round_label = "\u2068Desk review of the 2019 sources [en]\u2069 (2026-11-25)"
        assert any(c["text"] == round_label and c["fits"] for c in found["captions"]), found["captions"]
        assert "\u2068Desk review of the 2019 sources [en]\u2069" in found["text"]  # the footer's round
        assert found["skip"] == "مرکزی مواد پر جائیں"
    finally:
        page.close()


def test_item17_chart_axis_titles_in_urdu_stay_inside_their_chart(browser, server):
    page = OfflinePage(browser, width=1280, height=720)
    try:
        for path in ("poverty", "clusters"):
            page.page.goto(f"{server}/{path}?lang=ur", wait_until="domcontentloaded")
            page.page.locator("[data-testid='stVegaLiteChart'] .role-axis-title text").first.wait_for(
                timeout=120_000
            )
            titles = page.page.evaluate(AXIS_TITLES)
            assert titles and all(t["inside"] and t["visible"] for t in titles), (path, titles)
    finally:
        page.close()
