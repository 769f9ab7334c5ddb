"""What serve.py's own routes do, in headless Chromium on a real server (issue #24 items 20 and 27).

* The sign-in cookie is set by the server (``Set-Cookie``), HttpOnly and SameSite=Strict: no script on
  the page can read it, and a reload keeps the editor signed in.
* ``/atlas`` (a path users type or bookmark) opens the Atlas, keeping the link's query parameters.
"""

from __future__ import annotations

import time

import pytest
from browser_support import ARTIFACTS, OfflinePage, session_cookie, settled, start_server, stop_server

from cluster_model.auth import hash_password
from cluster_model.identity import atlas_name

PASSWORD = "route test password 7"


@pytest.fixture(scope="module")
def signin_server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    secrets = tmp_path_factory.mktemp("routes") / "secrets.toml"
    secrets.write_text(
        f'[atlas_auth.users.alice]\nname = "Alice Example"\npassword_hash = "{hash_password(PASSWORD)}"\n'
    )
    proc, base = start_server({"STREAMLIT_SECRETS_FILES": str(secrets)})
    yield base
    stop_server(proc)


def test_session_cookie_is_http_only_and_a_reload_stays_signed_in(signin_server, browser):
    off = OfflinePage(browser, width=1280, height=900)
    page = off.page
    try:
        page.goto(signin_server + "/data", wait_until="domcontentloaded")
        page.get_by_role("button", name="Sign in").wait_for(timeout=120_000)
        page.get_by_role("textbox", name="Username").fill("alice")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as").wait_for(timeout=120_000)

        cookie = session_cookie(off)
        assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
        assert cookie["secure"] is False  # plain http on localhost; Secure when served over https
        assert cookie["expires"] > time.time() + 11 * 3600  # a sign-in lasts 12 h
        assert "atlas_session" not in page.evaluate("document.cookie")
        assert cookie["value"] not in page.content()  # the token is never in the page

        page.reload(wait_until="domcontentloaded")
        page.get_by_text("Signed in as").wait_for(timeout=120_000)
        page.get_by_role("tab", name="Edit round").wait_for(timeout=120_000)

        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Sign in").wait_for(timeout=120_000)
        deadline = time.time() + 30
        while any(c["name"] == "atlas_session" for c in off.context.cookies()) and time.time() < deadline:
            time.sleep(0.2)
        assert not [c for c in off.context.cookies() if c["name"] == "atlas_session"]  # cleared by the server
        assert not off.refused
    finally:
        off.close()


def test_a_typed_atlas_path_opens_the_atlas_with_its_parameters(server, offline_page):
    page = offline_page.page
    page.goto(server + "/atlas?pillars=technology", wait_until="domcontentloaded")
    page.get_by_role("heading", name=atlas_name(), level=1).wait_for(timeout=120_000)
    settled(page)
    assert page.get_by_text("Page not found").count() == 0
    assert "pillars=technology" in page.url
    assert not offline_page.refused
