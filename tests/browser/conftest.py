"""Fixtures for the browser tests: one real server, one headless Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM_ARGS, OfflinePage, chromium_path, start_server, stop_server
from playwright.sync_api import expect

HERE = Path(__file__).resolve().parent

# A page under CI's load can take tens of seconds to finish a run: an expectation waits as long as the
# tests' explicit waits do (120 s), not Playwright's 5 s. A passing one still returns as soon as it holds.
expect.set_options(timeout=120_000)


def pytest_collection_modifyitems(config, items):
    # Every test in this folder is a browser test: `pytest -m "not browser"` is the fast suite.
    # (This hook sees the whole session's items, so it picks this folder's by path.)
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server():
    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_server()
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        if os.environ.get("ATLAS_REQUIRE_BROWSER"):
            pytest.fail(
                "Debian chromium is required (ATLAS_REQUIRE_BROWSER is set) but not installed: apt-get install chromium"
            )
        pytest.skip("Debian chromium not installed: run `make system-packages` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def offline_page(browser):
    p = OfflinePage(browser)
    yield p
    p.close()


@pytest.fixture
def offline_page_1280(browser):
    """An offline page at 1280×720, the laptop size the issues are checked at."""
    p = OfflinePage(browser, 1280, 720)
    yield p
    p.close()
