"""Browser-test helpers: a real Streamlit server (scripts/atlas_server.py), and pages with the internet cut off.

Every request the page makes to a host other than localhost is refused and
recorded, so a test can assert the dashboard needs nothing from outside.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import atlas_server  # scripts/ is not a package: on sys.path above
from atlas_server import (  # the tests import them from here
    CHROMIUM_ARGS,
    chromium_path,
    free_port,
    stop_server,
)

ARTIFACTS = REPO / "test-artifacts"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def start_server(env_extra: dict[str, str] | None = None):
    """The real atlas on a free port, with a store of its own (never the developer's var/atlas.db)."""
    return atlas_server.start_server(env_extra, log_dir=ARTIFACTS)


class OfflinePage:
    """A page whose non-localhost requests are refused and remembered."""

    def __init__(self, browser, width=1400, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.refused: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def _route(self, route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            return route.continue_()
        self.refused.append(route.request.url)
        return route.abort("internetdisconnected")

    def close(self):
        self.context.close()


# Streamlit has finished a run and drawn it (nothing stale left): what a test waits for before reading the page.
IDLE_JS = """() => !document.querySelector('[data-stale="true"]') && document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')"""


def settled(page, timeout: int = 120_000) -> None:
    """Wait for the end of the script run: nothing stale left on the page. Click a download button only then,
    since a deferred download's file belongs to the run that drew its button, and a later run replaces it."""
    page.wait_for_function(IDLE_JS, timeout=timeout)


def session_cookie(off: OfflinePage, timeout: float = 120.0) -> dict:
    """The editor's session cookie, once the page has had the server set it: after "Signed in as" shows, the
    page posts its one-time ticket (ui/session_cookie.py), so a reload before that answer is signed out."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [c for c in off.context.cookies() if c["name"] == "atlas_session"]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no atlas_session cookie after {timeout:.0f} s")


def signed_in_data_page(browser, base: str, username: str, password: str) -> OfflinePage:
    """A new browser context on the Data page, signed in as ``username`` through the sign-in form."""
    off = OfflinePage(browser, width=1280, height=900)
    page = off.page
    page.goto(base + "/data", wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in").wait_for(timeout=120_000)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=120_000)
    session_cookie(off)
    # A new page session (the sign-in cookie keeps the editor) opens on the newest round, here the draft
    # a visitor could not pick before signing in.
    page.reload(wait_until="domcontentloaded")
    page.get_by_text("Signed in as").wait_for(timeout=120_000)
    return off


def submit_for_review(off: OfflinePage) -> None:
    """The signed-in editor's draft submitted on the Data page, then the editor's context closed."""
    try:
        off.page.get_by_role("button", name="Submit for review").click(timeout=120_000)
        off.page.get_by_text("Waiting for a reviewer").wait_for(timeout=120_000)
        assert not off.refused
    finally:
        off.close()
