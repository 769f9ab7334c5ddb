"""A facilitator's clicker on the presenter view: every press is one step, also when it lands while the
view is redrawing (a press then was lost; issue #28).

A press starts a step (a script run), and more presses are made exactly while that run is under way
(waited for, never timed); the view must end on the item as many steps on, and stay there. (A phone's
vote no longer runs the script at all: the tally is drawn from the projector's poll.)
"""

from __future__ import annotations

import contextlib

import pytest
from browser_support import ARTIFACTS, OfflinePage, settled, stop_server
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from workshop_support import dialogue_server, keys_ready, open_presenter_signed_in

from cluster_model.store import votes as vt

PASSWORD = "clicker test password 5"
ROUND = "dlg-clicker"
AGENDA = "mango:TSHI,rice:TSHI"  # eight items


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


# Presses the keys the moment the page's script run starts (from inside the page: a press from the test
# process would arrive after a short run had ended), as a clicker does to the page's key handler.
PRESS_WHEN_RUNNING = """keys => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__pressed = false;
  const watch = new MutationObserver(() => {
    if (app.dataset.testScriptState !== 'running') return;
    watch.disconnect();
    for (const key of keys) document.body.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
    window.__pressed = true;
  });
  watch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def _press_during_a_run(page, keys: list[str]) -> None:
    """``keys[0]`` starts a step (a script run); the other keys are pressed while that run is under way."""
    keys_ready(page)  # a press before the view's key handler is installed is ignored by design
    page.evaluate(PRESS_WHEN_RUNNING, keys[1:])
    page.evaluate(
        "key => document.body.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}))", keys[0]
    )
    page.wait_for_function("() => window.__pressed === true", timeout=120_000)


def _steps_done(page) -> None:
    """The key handler has no step left to make (its target reached), and the page is idle."""
    page.wait_for_function("() => window.__wsSteps && window.__wsSteps.target === null", timeout=120_000)
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
            _press_during_a_run(p, keys)  # pressed exactly while the view redraws
            expected += sum(1 if k in ("ArrowRight", "PageDown") else -1 for k in keys)
            _wait_item(p, expected)
            _steps_done(p)  # a step still on its way would have landed
            assert _item(p) == expected  # no press lost, none taken twice
            assert vt.stored_position(engine, ROUND) == expected - 1  # the room moved with it
        p.screenshot(path=str(ARTIFACTS / "workshop-clicker.png"))
    except Exception:
        with contextlib.suppress(Exception):
            p.screenshot(path=str(ARTIFACTS / "workshop-clicker-failure.png"), full_page=True)
        raise
    finally:
        presenter.close()
