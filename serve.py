"""The Atlas as the server runs it: ``streamlit run serve.py`` (``make run``).

The same app as ``streamlit run app.py``, with a warm start: as the server comes up it prepares the
Atlas's first screen in the background (``ui/warmup.py``) while the first browser is still loading
Streamlit's page, so the map paints sooner after a start (issue #14). ``st.App``'s lifespan is
Streamlit's documented hook for work at server start.

Its own routes: the editor's HttpOnly session cookie (``ui/session_cookie.py``), and ``/atlas``,
which opens the Atlas (issue #24 item 27).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import streamlit as st
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route
from streamlit.runtime.pages_manager import PagesManager

from ui import session_cookie, warmup
from web import server_socket
from web.lazy_routes import LazyRoutes


def _vote_routes():
    from ui.data_access import get_engine
    from web import vote

    return vote.routes(get_engine)


def _api_routes():
    from web import api

    return api.routes


# The warm-up, the API and the phones' routes read the pages' cached data outside any script run, on purpose;
# Streamlit warns at each such call ("missing ScriptRunContext"), which filled the server's log with noise.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    lambda record: "missing ScriptRunContext" not in record.getMessage()
)

# The phones' and the API's modules import the data stack: imported here, they held the server's first
# answer back by ~1.4 s; loaded by the warm-up's thread (or their first request) instead (#28 item 1).
_LAZY = [LazyRoutes("/v", _vote_routes), LazyRoutes("/api/v1", _api_routes)]


@asynccontextmanager
async def _warm_start(_app):
    # app.py's st.navigation decides every page, as ui.page.leave_pages_folder_mode sets on a first run;
    # set here, before any session, the first visitor's script is not run twice to get there.
    PagesManager.uses_pages_directory = False
    # A background thread, the server answers at once; after the first screen it loads the lazy routes.
    warmup.start(then=lambda: [lazy.routes for lazy in _LAZY])
    # Bound by Streamlit by now: its answers leave without waiting on a delayed ACK (40 ms each).
    server_socket.send_at_once(st.get_option("server.port"))
    yield


async def _the_atlas(request: Request) -> RedirectResponse:
    # The Atlas is app.py's default page, which Streamlit serves at "/" only: "/atlas", typed or
    # bookmarked, showed "Page not found". Same query, so a shared view still opens as shared.
    return RedirectResponse(request.url.replace(path="/"), status_code=307)


routes = [*session_cookie.routes, *_LAZY, Route("/atlas", _the_atlas), Route("/atlas/", _the_atlas)]
app = st.App("app.py", lifespan=_warm_start, routes=routes)
