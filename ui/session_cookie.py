"""The editor's session cookie, set by the server, never by a script in the page (issue #24 item 20).

A script in the page can only write a cookie that every script can read. So after a sign-in (or a
sign-out) ui/auth.py hands the page a one-time *ticket*, the page posts it to :data:`ROUTE`, and the
server (serve.py mounts :data:`routes` on ``st.App``) answers with ``Set-Cookie``: ``HttpOnly`` (no
script can read the token), ``SameSite=Strict``, ``Secure`` when served over https. The token itself
never appears in the page; a ticket is worth one use within :data:`TICKET_SECONDS`.

No Streamlit here: serve.py imports this before the server starts.
"""

from __future__ import annotations

import secrets
import threading
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cluster_model.auth import SESSION_HOURS

COOKIE = "atlas_session"
ROUTE = "/atlas-session"  # outside Streamlit's reserved /_stcore/, /media/, /component/, /static/
TICKET_SECONDS = 60  # the page posts the ticket as soon as it has it

_lock = threading.Lock()
_tickets: dict[
    str, tuple[str, float]
] = {}  # ticket -> (token, or "" to clear; expiry on the monotonic clock)


def ticket_for(token: str) -> str:
    """A one-time ticket that makes the server set the cookie to ``token`` ("" clears it)."""
    ticket = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        for old in [t for t, (_, expiry) in _tickets.items() if expiry < now]:
            del _tickets[old]
        _tickets[ticket] = (token, now + TICKET_SECONDS)
    return ticket


def _redeem(ticket: str) -> str | None:
    with _lock:
        token, expiry = _tickets.pop(ticket, (None, 0.0))
    return token if expiry >= time.monotonic() else None


def _over_https(request: Request) -> bool:
    # Behind a reverse proxy that ends TLS the request reaches us as http: trust its X-Forwarded-Proto.
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


async def _set_cookie(request: Request) -> Response:
    ticket = (await request.body())[:200].decode("ascii", "replace").strip()
    token = _redeem(ticket)
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    options = {"path": "/", "secure": _over_https(request), "httponly": True, "samesite": "strict"}
    if token:
        response.set_cookie(COOKIE, token, max_age=int(SESSION_HOURS * 3600), **options)
    else:
        response.delete_cookie(COOKIE, **options)
    return response


routes = [Route(ROUTE, _set_cookie, methods=["POST"])]
