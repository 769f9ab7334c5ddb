"""The server's session-cookie route (ui/session_cookie.py, issue #24 item 20): one ticket, one cookie."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request

from ui import session_cookie


def _post(ticket: str, scheme: str = "http", headers: dict[str, str] | None = None):
    body = ticket.encode()
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": scheme,
        "path": session_cookie.ROUTE,
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "server": ("atlas.example.org", 443 if scheme == "https" else 80),
    }

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    route = session_cookie.routes[0]
    # A thread of its own: in the whole suite an earlier test (Playwright's sync API) leaves an event
    # loop running in this thread, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, route.endpoint(Request(scope, receive))).result()


def test_a_ticket_sets_the_http_only_cookie_once():
    ticket = session_cookie.ticket_for("the-token")
    cookie = _post(ticket).headers["set-cookie"]
    assert cookie.startswith("atlas_session=the-token;")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie and "Max-Age=43200" in cookie
    assert _post(ticket).status_code == 403  # used up
    assert _post("made-up").status_code == 403


def test_secure_over_https_and_behind_a_tls_proxy():
    assert "Secure" in _post(session_cookie.ticket_for("t"), scheme="https").headers["set-cookie"]
    proxied = _post(session_cookie.ticket_for("t"), headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in proxied.headers["set-cookie"]


def test_an_empty_token_clears_the_cookie():
    cookie = _post(session_cookie.ticket_for("")).headers["set-cookie"]
    assert cookie.startswith('atlas_session="";') and "Max-Age=0" in cookie and "HttpOnly" in cookie
