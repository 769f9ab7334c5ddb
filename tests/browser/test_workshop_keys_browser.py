"""A facilitator's clicker on the presenter view: every press is one step, also when it lands while the
view's once-a-second tally refresh is redrawing (a press then was lost; issue #28).

Presses are made exactly while a script run is under way (waited for, never timed), several in a row;
the view must end on the item as many steps on, and stay there.
"""

from __future__ import annotations

import contextlib

import pytest
from browser_support import ARTIFACTS, OfflinePage, stop_server
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from workshop_support import dialogue_server, open_presenter_signed_in, settled

from cluster_model.store import votes as vt

PASSWORD = "clicker test password 5"
ROUND = "dlg-clicker"
AGENDA = "mango:TSHI,rice:TSHI"  # eight items

RUNNING = "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'running'"


@pytest.fixture(scope="module")
def clicker_server(tmp_path_factory):
    proc, base, engine = dialogue_server(tmp_path_factory.mktemp("clicker"), ROUND, AGENDA, PASSWORD)
    yield base, engine
    stop_server(proc)
    engine.dispose()


def _item(page) -> int:
    return int(page.evaluate("() => new URLSearchParams(location.search).get('item')"))


def _wait_item(page, n: int) -> None:
    try:
        page.wait_for_function(
            "n => new URLSearchParams(location.search).get('item') === String(n)", arg=n, timeout=120_000
        )
    except PlaywrightTimeout:
        raise AssertionError(f"the view is at item {_item(page)}, not {n}") from None
    settled(page, timeout=120_000)


def _one_more_refresh(page) -> None:
    """A whole refresh of the view has run since: a step still on its way would have landed."""
    page.wait_for_function(RUNNING, timeout=120_000, polling=20)
    settled(page, timeout=120_000)


def test_clicker_presses_during_the_refresh_each_take_one_step(clicker_server, browser):
    base, engine = clicker_server
    presenter = OfflinePage(browser, width=1280, height=800)
    p = presenter.page
    try:
        open_presenter_signed_in(p, base, ROUND, PASSWORD)
        _wait_item(p, 1)
        expected = 1
        for keys in (["ArrowRight", "ArrowRight"], ["PageDown", "ArrowRight", "PageDown"], ["ArrowLeft"]):
            p.locator(".ws-title").click()
            # Pressed exactly while the view redraws (its tally refresh runs every second).
            p.wait_for_function(RUNNING, timeout=120_000, polling=20)
            for key in keys:
                p.keyboard.press(key)
            expected += sum(1 if k in ("ArrowRight", "PageDown") else -1 for k in keys)
            _wait_item(p, expected)
            _one_more_refresh(p)
            assert _item(p) == expected  # no press lost, none taken twice
            assert vt.stored_position(engine, ROUND) == expected - 1  # the room moved with it
        p.screenshot(path=str(ARTIFACTS / "workshop-clicker.png"))
    except Exception:
        with contextlib.suppress(Exception):
            p.screenshot(path=str(ARTIFACTS / "workshop-clicker-failure.png"), full_page=True)
        raise
    finally:
        presenter.close()
