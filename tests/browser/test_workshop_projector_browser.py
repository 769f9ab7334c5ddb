"""The projector, the presenter and the phones together, in headless Chromium, offline (issue 24 items 4, 14, 16).

* 14: at 1920×1080 everything the room needs (the four groups' rows, the room gap) is on screen without
  scrolling, and the facilitator's things (the presenter link, leaving, the summary files, the offline
  check) are in the presenter view, not on the projector;
* 4: two phones vote, the presenter closes and accepts, and the open projector (never reloaded) shows the
  accepted rating and the room gap;
* 16: a summary file downloaded from the presenter view while the room refreshes arrives and opens.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re

import pytest
from browser_support import ARTIFACTS, OfflinePage, settled, stop_server
from test_workshop_browser import TEXT_BOXES_JS, _overlaps  # the legibility checks of the projector
from workshop_support import dialogue_server, open_presenter_signed_in

from cluster_model.store import dialogue as dl

PASSWORD = "projector test password 5"
ROUND = "dlg-projector"
QUOTE = 'Training centre "needed", said the elder; costs, 2027'


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    proc, base, engine = dialogue_server(
        tmp_path_factory.mktemp("projector"), ROUND, "mango:TH,rice:S", PASSWORD, name="Projector test"
    )
    dl.add_quote(engine, ROUND, "mango", "technology", "community", QUOTE, author="test setup")
    dl.record_rating(engine, ROUND, "rice", "support", "academia", "partial", author="test setup")
    yield base, engine
    stop_server(proc)
    engine.dispose()


def _projector(browser, base: str) -> OfflinePage:
    off = OfflinePage(browser, width=1920, height=1080)
    off.page.goto(f"{base}/workshop?round={ROUND}&mode=present", wait_until="domcontentloaded")
    off.page.locator(".ws-tally").wait_for(timeout=120_000)
    off.page.get_by_text("Room gap:").wait_for(timeout=120_000)
    return off


def _presenter(browser, base: str) -> OfflinePage:
    off = OfflinePage(browser, width=1280, height=800)
    open_presenter_signed_in(off.page, base, ROUND, PASSWORD)
    return off


def _open_summary(page) -> None:
    """Open the presenter's summary, which builds its files."""
    page.get_by_text("End of session: summary").click()
    page.get_by_text("Every row names its source").wait_for(timeout=120_000)


def _room_view(page):
    """The room's rating per group and the room gap (the panel table that is not the live tally)."""
    return page.locator(".ws-panel:not(.ws-tally)").first


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] + box["width"] <= size["width"]
    )


FACILITATOR_ONLY = ("Facilitator's controls", "Leave the presentation", "Offline check")
DOWNLOADS = ("Ratings (CSV)", "Quotes (CSV)", "Workbook (XLSX)", "Printable summary (PDF)")


def test_projector_fits_1920x1080_and_leaves_the_controls_to_the_presenter(room, browser):
    """Issue 24 item 14."""
    base, _engine = room
    projector = _projector(browser, base)
    presenter = None
    try:
        p = projector.page
        settled(p)
        p.evaluate("window.scrollTo(0, 0)")
        p.screenshot(path=str(ARTIFACTS / "workshop-projector-1920x1080.png"))
        academia_tally = p.locator(".ws-tally tr[data-group='academia']")
        academia_room = _room_view(p).locator("tr", has_text="Academia")
        room_gap = p.get_by_text("Room gap:")
        for what, locator in (
            ("the tally's Academia row", academia_tally),
            ("the room view's Academia row", academia_room),
            ("the room gap", room_gap),
        ):
            assert _in_viewport(p, locator), (
                f"{what} is below the fold at 1920×1080: {locator.bounding_box()}"
            )
        overlapping = _overlaps(p.evaluate(TEXT_BOXES_JS))
        assert not overlapping, f"overlapping text on the projector: {overlapping[:10]}"
        for label in FACILITATOR_ONLY:
            assert p.get_by_text(label).count() == 0, f"'{label}' is on the projector"
        assert p.locator("[data-testid='stDownloadButton']").count() == 0, (
            "summary downloads on the projector"
        )

        presenter = _presenter(browser, base)
        f = presenter.page
        # The controls sit at the end of the presenter's script, after the live tally that
        # open_presenter_signed_in waits for: wait for each (fails if it never comes), not a snapshot count.
        for label in FACILITATOR_ONLY[1:]:
            f.get_by_text(label).first.wait_for(timeout=120_000)
        _open_summary(f)
        for label in DOWNLOADS:
            f.get_by_role("button", name=label).wait_for(timeout=120_000)
        assert projector.refused == [] and presenter.refused == []
    except Exception:
        with contextlib.suppress(Exception):
            projector.page.screenshot(path=str(ARTIFACTS / "workshop-projector-failure.png"), full_page=True)
            presenter.page.screenshot(path=str(ARTIFACTS / "workshop-presenter-failure.png"), full_page=True)
        raise
    finally:
        projector.close()
        if presenter is not None:
            presenter.close()


def test_open_projector_shows_the_accepted_rating(room, browser):
    """Issue 24 item 4: two phones vote, the presenter closes and accepts; the projector, never reloaded, shows it."""
    base, _engine = room
    projector = _projector(browser, base)
    presenter = None
    phones = [OfflinePage(browser, width=390, height=844) for _ in range(2)]
    try:
        proj = projector.page
        assert "not rated (unknown)" in _room_view(proj).locator("xpath=..").inner_text()
        link = proj.locator("#ws-link").inner_text().strip()
        for phone, (group, choice) in zip(phones, (("Industry", "Present"), ("Government", "Absent"))):
            p = phone.page
            p.goto(base + link[link.index("/v?") :], wait_until="commit")
            p.get_by_role("button", name=group, exact=True).click(timeout=120_000)
            p.get_by_role("button", name=re.compile(f"^. {choice}$")).click(timeout=120_000)
            p.locator("#vote-mine").wait_for(timeout=120_000)
        proj.wait_for_function(
            "() => document.querySelector('.ws-tally')?.dataset.voted === '2'", timeout=120_000
        )

        presenter = _presenter(browser, base)
        f = presenter.page
        f.get_by_role("button", name="Close voting on this item").click()
        f.get_by_role("button", name="Reopen voting").wait_for(timeout=120_000)
        settled(f)
        f.get_by_role("button", name="Accept the tally into the round").click()
        f.get_by_text("Accepted: 2 votes from 2 group(s)").wait_for(timeout=120_000)
        f.get_by_text("Room gap: 0.50").wait_for(timeout=120_000)

        # The projector, never reloaded: the tally says closed, and the room's view shows the accepted rating.
        proj.wait_for_function(
            "() => document.querySelector('.ws-tally')?.dataset.state === 'closed'", timeout=120_000
        )
        proj.get_by_text("Room gap: 0.50").wait_for(timeout=120_000)
        industry = _room_view(proj).locator("tr", has_text="Industry").inner_text()
        government = _room_view(proj).locator("tr", has_text="Government").inner_text()
        assert "present" in industry and "1 voted" in industry
        assert "absent" in government and "1 voted" in government
        for page in (projector, presenter, *phones):
            assert page.refused == [], f"the page tried to reach the internet: {page.refused}"
    except Exception:
        with contextlib.suppress(Exception):
            projector.page.screenshot(
                path=str(ARTIFACTS / "workshop-accept-projector-failure.png"), full_page=True
            )
            presenter.page.screenshot(
                path=str(ARTIFACTS / "workshop-accept-presenter-failure.png"), full_page=True
            )
        raise
    finally:
        for page in (projector, *phones):
            page.close()
        if presenter is not None:
            presenter.close()


def test_summary_downloads_from_the_presenter_while_the_room_refreshes(room, browser):
    """Issue 24 item 16: the presenter's live tally reruns every second; each summary file still arrives and opens."""
    from pypdf import PdfReader

    base, _engine = room
    projector = _projector(browser, base)  # the room view refreshing too, as in a workshop
    presenter = _presenter(browser, base)
    try:
        f = presenter.page
        _open_summary(f)
        files = {}
        for label in ("Quotes (CSV)", "Ratings (CSV)", "Printable summary (PDF)"):
            button = f.get_by_role("button", name=label)
            button.wait_for(timeout=120_000)
            # Playwright's own wait: the file must arrive, however many refreshes run meanwhile.
            with f.expect_download(timeout=120_000) as info:
                button.click()
            files[label] = info.value.path().read_bytes()
        quotes = list(csv.DictReader(io.StringIO(files["Quotes (CSV)"].decode("utf-8-sig"))))
        assert [q for q in quotes if QUOTE in q.values()], quotes
        ratings = list(csv.DictReader(io.StringIO(files["Ratings (CSV)"].decode("utf-8-sig"))))
        assert [r for r in ratings if r["Cluster"] == "Rice" and r["Rating"] == "partial"], ratings
        pdf = PdfReader(io.BytesIO(files["Printable summary (PDF)"]))
        text = " ".join(page.extract_text() for page in pdf.pages)
        assert "Projector test" in text or "MUET" in text
        assert projector.refused == [] and presenter.refused == []
    except Exception:
        with contextlib.suppress(Exception):
            presenter.page.screenshot(path=str(ARTIFACTS / "workshop-download-failure.png"), full_page=True)
        raise
    finally:
        projector.close()
        presenter.close()
