"""Hostile data and sign-in in headless Chromium, on a real server with its own store.

* A workshop whose venue holds an ``<iframe srcdoc=…>`` and whose quote holds a
  Markdown image: no script runs in the app's origin, nothing is fetched from the
  host the text names (every non-local request is refused and recorded).
* The first editor is created with the setup code the server printed to its
  console; the sign-in survives a reload (a session token in a cookie, no secret
  in the URL); sign-out ends it; a forged or ended token is refused.
* An unexpected error shows visitors no traceback (``client.showErrorDetails``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

import pytest
from browser_support import (
    ARTIFACTS,
    OfflinePage,
    free_port,
    session_cookie,
    settled,
    start_server,
    stop_server,
)

from cluster_model import store
from cluster_model.store import dialogue as dl

PASSWORD = "hardening test password 5"
VENUE = """MUET <iframe srcdoc="<script>parent.document.title='pwned'; parent.window.__pwned = 1</script>"></iframe><img src="http://evil.example/venue.png">"""
QUOTE = "Look ![tracker](http://evil.example/pixel.png) and [click](http://evil.example/phish) <img src=http://evil.example/q.png>"


@pytest.fixture(scope="module")
def hardening_server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    folder = tmp_path_factory.mktemp("hardening")
    url = f"sqlite:///{folder}/atlas.db"
    engine = store.open_store(url)
    dl.create_dialogue(
        engine,
        round_id="dlg-hostile",
        name="Hostile",
        date="2027-01-01",
        venue=VENUE,
        facilitator="F",
        agenda="mango:T",
        author="seed",
    )
    dl.add_quote(
        engine,
        "dlg-hostile",
        "mango",
        "technology",
        "industry",
        QUOTE,
        speaker_name="[me](http://evil.example/me)",
        author="seed",
    )
    engine.dispose()
    secrets = folder / "secrets.toml"
    secrets.write_text("")  # no account: the first editor is made in the browser
    proc, base = start_server({"ATLAS_DB_URL": url, "STREAMLIT_SECRETS_FILES": str(secrets)})
    log = ARTIFACTS / f"streamlit-{base.rsplit(':', 1)[1]}.log"
    yield base, log
    stop_server(proc)


def test_hostile_workshop_text_runs_no_script_and_loads_nothing(hardening_server, browser):
    base, _ = hardening_server
    off = OfflinePage(browser, width=1280, height=900)
    page = off.page
    try:
        page.goto(base + "/workshop?round=dlg-hostile&mode=present", wait_until="domcontentloaded")
        page.get_by_text("Said in the room").wait_for(timeout=120_000)
        settled(page)
        page.wait_for_timeout(1500)  # time for a frame's script to have run, if one existed
        assert page.evaluate("() => window.__pwned") is None and page.title() != "pwned"
        assert (
            page.evaluate(
                "() => [...document.querySelectorAll('iframe[srcdoc]')].filter(f => f.srcdoc.includes('pwned')).length"
            )
            == 0
        )
        assert (
            page.evaluate(
                "() => [...document.querySelectorAll('img')].filter(i => i.src.includes('evil.example')).length"
            )
            == 0
        )
        assert (
            page.evaluate(
                "() => [...document.querySelectorAll('a')].filter(a => a.href.includes('evil.example')).length"
            )
            == 0
        )
        main = (
            page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
        )  # cluster_model.markup's invisible autolink breaker
        assert (
            "<iframe srcdoc=" in main and "![tracker](http://evil.example/pixel.png)" in main
        )  # shown as the text it is
        assert not [u for u in off.refused if "evil.example" in u], off.refused
    finally:
        off.close()


def _setup_code(log) -> str:
    deadline = time.time() + 30
    while time.time() < deadline:
        found = re.findall(r"enter this setup code: (\S+)", log.read_text())
        if found:
            return found[-1]
        time.sleep(0.3)
    raise AssertionError("the server printed no setup code")


def test_first_editor_then_sign_in_survives_reload_until_sign_out(hardening_server, browser):
    base, log = hardening_server
    off = OfflinePage(browser, width=1280, height=900)
    page = off.page
    try:
        page.goto(base + "/data", wait_until="domcontentloaded")
        page.get_by_role("button", name="Create the first editor").wait_for(timeout=120_000)
        page.get_by_role("textbox", name="Setup code").fill(_setup_code(log))
        page.get_by_role("textbox", name="Username").fill("alice")
        page.get_by_role("textbox", name="Full name (shown with every change)").fill("Alice Example")
        page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
        page.get_by_role("textbox", name="Repeat the password").fill(PASSWORD)
        page.get_by_role("button", name="Create the first editor").click()
        page.get_by_text("Signed in as").wait_for(timeout=120_000)
        assert PASSWORD not in page.url and "token" not in page.url
        cookie = session_cookie(off)
        assert cookie["sameSite"] == "Strict" and cookie["expires"] > time.time() + 11 * 3600

        page.reload(wait_until="domcontentloaded")  # a reload keeps the sign-in
        page.get_by_text("Signed in as").wait_for(timeout=120_000)
        page.get_by_role("tab", name="Edit round").wait_for(timeout=120_000)
        page.goto(
            base + "/workshop", wait_until="domcontentloaded"
        )  # and on the Workshop page, in a new session
        page.get_by_role("tab", name="New dialogue").wait_for(timeout=120_000)
        page.get_by_text("Signed in as").wait_for(timeout=120_000)
        page.goto(base + "/data", wait_until="domcontentloaded")
        page.get_by_role("tab", name="Edit round").wait_for(timeout=120_000)

        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Sign in").wait_for(timeout=120_000)
        page.reload(wait_until="domcontentloaded")
        page.get_by_role("button", name="Sign in").wait_for(timeout=120_000)  # signed out stays signed out
        settled(page)
        assert page.get_by_text("Signed in as").count() == 0
        assert page.locator("input[type=password]").get_attribute("autocomplete") == "current-password"
        assert (
            page.get_by_role("button", name="Create the first editor").count() == 0
        )  # an account exists now

        # The ended token (if the browser kept it) and a forged one are refused.
        off.context.add_cookies([{"name": "atlas_session", "value": cookie["value"], "url": base}])
        page.reload(wait_until="domcontentloaded")
        page.get_by_role("button", name="Sign in").wait_for(timeout=120_000)
        settled(page)
        assert page.get_by_text("Signed in as").count() == 0
        off.context.add_cookies([{"name": "atlas_session", "value": "forged-token-value", "url": base}])
        page.reload(wait_until="domcontentloaded")
        page.get_by_role("button", name="Sign in").wait_for(timeout=120_000)
        settled(page)
        assert page.get_by_text("Signed in as").count() == 0
        assert not off.refused
    finally:
        off.close()


def test_unexpected_error_shows_visitors_no_traceback(tmp_path, browser):
    script = tmp_path / "boom.py"
    script.write_text("raise RuntimeError('secret detail at /srv/atlas/internal/path.py')\n")
    port = free_port()
    log = open(ARTIFACTS / f"streamlit-error-{port}.log", "w")
    # Run from the repository, so its .streamlit/config.toml applies (as with `make run`).
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ARTIFACTS.parent,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        off = OfflinePage(browser)
        try:
            off.page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
            off.page.get_by_text("This app has encountered an error").wait_for(timeout=120_000)
            body = off.page.locator("body").inner_text()
            assert (
                "secret detail" not in body
                and "/srv/atlas" not in body
                and "Traceback" not in body
                and "boom.py" not in body
            )
        finally:
            off.close()
        log.flush()
        assert (
            "secret detail at /srv/atlas/internal/path.py"
            in (ARTIFACTS / f"streamlit-error-{port}.log").read_text()
        )  # the log keeps it
    finally:
        stop_server(proc)
        log.close()
