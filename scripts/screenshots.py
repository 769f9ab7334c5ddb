"""Regenerate the README screenshots from the running app, in headless Chromium, offline.

    python scripts/screenshots.py [--out docs/screenshots] [--only overview,overview-phone]

Starts the real Streamlit server on a free port with a throwaway store seeded from
data/ (plus a demonstration dialogue, so the Workshop projector has something to show),
opens the Atlas, a cluster, the Overview (1920×1080 and a 390×844 phone) and the Workshop
projector (a cluster's item, then the gap matrix item) as a user would (any request off
this machine is refused), downloads a map snapshot PNG and a district brief PDF from the
Export page, renders the brief's first page, and writes small PNGs (``--only``: some of them):

    atlas.png  clusters.png  overview.png  overview-phone.png  workshop-projector.png
    workshop-matrix.png  export-snapshot.png  brief-page.png

Needs Debian's chromium (``make system-packages``) and the map assets (``make assets``).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from atlas_server import ServerError, chromium_path, start_server, stop_server

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
DIALOGUE = "dialogue-demo-screenshots"
DEMO_CLUSTERS = [
    "cotton_textile",
    "mango",
    "coal",
]  # the demonstration dialogue's agenda, then the gap matrix
MAX_WIDTH = 1280  # px; screenshots are palette-quantised to keep the repository small
SHOTS = (
    "atlas",
    "clusters",
    "overview",
    "overview-phone",
    "workshop-projector",
    "workshop-matrix",
    "export-snapshot",
    "brief-page",
)
CHART_TEXT = "[data-testid='stVegaLiteChart'] .mark-text text"
# The chart's top edge 90 px down the screen: Streamlit's header (about 60 px) would cover the column names.
SCROLL_TO_CHART_JS = """() => {
  const chart = document.querySelector("[data-testid='stVegaLiteChart']");
  chart.scrollIntoView({block: 'start'});
  for (let box = chart.parentElement; box; box = box.parentElement) {
    if (box.scrollTop > 0) { box.scrollTop -= 90; return; }
  }
  window.scrollBy(0, -90);
}"""


def _seed_store(url: str) -> None:
    """The store the server will use, with a demonstration dialogue session (not a real meeting)."""
    from cluster_model import store, workshop
    from cluster_model.store import dialogue
    from cluster_model.vocabulary import PILLARS

    engine = store.open_store(url)
    agenda = workshop.Agenda.default(DEMO_CLUSTERS, list(PILLARS))
    agenda = agenda.add_matrix("clusters", list(PILLARS)).to_string()  # the last item: the gap matrix
    dialogue.create_dialogue(
        engine,
        round_id=DIALOGUE,
        name="Demonstration dialogue (screenshots)",
        date="2026-11-26",
        venue="MUET, Jamshoro (demonstration)",
        facilitator="ICCK",
        agenda=agenda,
        author="screenshots",
    )


def _move_room(url: str, last: bool) -> None:
    """Put the demonstration dialogue's room on its first or last item (the gap matrix), as the presenter would."""
    from cluster_model import store, workshop
    from cluster_model.store import dialogue

    engine = store.open_store(url)
    agenda = workshop.Agenda.from_string(dialogue.get_session(engine, DIALOGUE).agenda, DEMO_CLUSTERS)
    dialogue.set_position(engine, DIALOGUE, len(agenda) - 1 if last else 0, author="screenshots")
    engine.dispose()


def _small_png(data: bytes, path: Path, width: int = MAX_WIDTH) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, "PNG", optimize=True
    )
    shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    print(f"wrote {shown} ({path.stat().st_size // 1024} KB)")


def _offline(context) -> None:
    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            return r.continue_()
        return r.abort("internetdisconnected")

    context.route("**/*", route)


def _settled(page, timeout=90_000) -> None:
    page.wait_for_selector("[data-testid='stMain'] h1, .ws-title", timeout=timeout)
    page.wait_for_function(
        '() => document.querySelector(\'[data-testid="stApp"][data-test-script-state="notRunning"]\')',
        timeout=timeout,
    )
    page.wait_for_timeout(2500)


def take(out: Path, only: set[str] | None = None) -> None:
    """Write the screenshots (``only``: those of these names, e.g. to check one into another folder)."""
    from playwright.sync_api import sync_playwright

    chromium = chromium_path()
    if not chromium:
        raise SystemExit("Debian chromium is not installed: run `make system-packages`.")
    wanted = set(SHOTS) if only is None else set(only)
    out.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="atlas-screenshots-")
    store_url = f"sqlite:///{folder}/atlas.db"
    _seed_store(store_url)
    pdf = None
    try:
        proc, url = start_server(db_url=store_url)
    except ServerError as exc:
        raise SystemExit(str(exc)) from None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--headless=new", "--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
            _offline(context)
            page = context.new_page()
            if "atlas" in wanted:
                page.goto(f"{url}/?district=Sanghar", wait_until="domcontentloaded")
                _settled(page)
                page.locator(
                    "iframe[title^='Map'], iframe[title*='folium']"
                ).first.scroll_into_view_if_needed()
                page.wait_for_timeout(1500)
                _small_png(page.screenshot(), out / "atlas.png")
            if "clusters" in wanted:
                page.goto(f"{url}/clusters?cluster=cotton_textile", wait_until="domcontentloaded")
                _settled(page)
                _small_png(page.screenshot(), out / "clusters.png")
            _overview(browser, url, out, wanted)
            _projector(browser, url, store_url, out, wanted)
            if wanted & {"export-snapshot", "brief-page"}:
                pdf = _export(page, url, out, wanted)
            browser.close()
        if pdf is not None and "brief-page" in wanted:
            import pypdfium2 as pdfium

            first = pdfium.PdfDocument(pdf)[0].render(scale=1.6).to_pil()
            buffer = io.BytesIO()
            first.save(buffer, "PNG")
            _small_png(buffer.getvalue(), out / "brief-page.png", width=900)
    finally:
        stop_server(proc)
        shutil.rmtree(folder, ignore_errors=True)


def _overview(browser, url: str, out: Path, wanted: set[str]) -> None:
    """The Overview's gap matrix on a 1920×1080 screen and on a 390×844 phone (scrolled to the matrix)."""
    for name, width, height in (("overview", 1920, 1080), ("overview-phone", 390, 844)):
        if name not in wanted:
            continue
        context = browser.new_context(viewport={"width": width, "height": height})
        _offline(context)
        page = context.new_page()
        page.goto(f"{url}/overview", wait_until="domcontentloaded")
        _settled(page)
        page.locator(CHART_TEXT).first.wait_for(state="attached", timeout=90_000)
        if (
            width < 600
        ):  # the matrix starts below the fold: scroll to it, its upright pillar names clear of the header
            page.evaluate(SCROLL_TO_CHART_JS)
            page.wait_for_timeout(500)
        _small_png(page.screenshot(), out / f"{name}.png")
        context.close()


def _projector(browser, url: str, store_url: str, out: Path, wanted: set[str]) -> None:
    """The Workshop projector at 1920×1080: the first item (a cluster and pillar), then the gap matrix item."""
    for name, last in (("workshop-projector", False), ("workshop-matrix", True)):
        if name not in wanted:
            continue
        _move_room(store_url, last)  # the room is where the store says, not where a link says
        projector = browser.new_context(viewport={"width": 1920, "height": 1080})
        _offline(projector)
        room = projector.new_page()
        room.goto(f"{url}/workshop?round={DIALOGUE}&mode=present", wait_until="domcontentloaded")
        _settled(room)
        if last:
            room.locator(CHART_TEXT).first.wait_for(state="attached", timeout=90_000)
        _small_png(room.screenshot(), out / f"{name}.png")
        projector.close()


def _export(page, url: str, out: Path, wanted: set[str]) -> bytes:
    """The map snapshot PNG from the Export page, and the district brief PDF (returned)."""
    page.goto(f"{url}/export?pillars=hrm&districts=Thatta,Tharparkar", wait_until="domcontentloaded")
    _settled(page)
    with page.expect_download(timeout=120_000) as snap:
        page.get_by_role("button", name="Map snapshot (PNG, print)").click()
    if "export-snapshot" in wanted:
        _small_png(Path(snap.value.path()).read_bytes(), out / "export-snapshot.png", width=1000)
    page.get_by_role("button", name="Build district briefs").click()
    download = page.get_by_role("button", name="Download district briefs (PDF)")
    download.wait_for(timeout=120_000)
    with page.expect_download(timeout=120_000) as brief:
        download.click()
    return Path(brief.value.path()).read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--only", help="comma-separated names among: " + ", ".join(SHOTS))
    args = parser.parse_args(argv)
    only = {n.strip() for n in args.only.split(",") if n.strip()} if args.only else None
    if only and only - set(SHOTS):
        parser.error("unknown screenshot(s): " + ", ".join(sorted(only - set(SHOTS))))
    take(args.out.resolve(), only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
