"""Routes whose module is imported on their first request, not before the server answers (#28 item 1).

The API's and the phones' modules import the data stack (pandas, geopandas, SQLAlchemy, folium: ~1.4 s).
Imported by serve.py, they held the server's first answer back on every start; behind a
:class:`LazyRoutes` they are imported by the warm-up's thread while the first browser loads the page, or
by their first request, whichever comes first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send


class LazyRoutes(BaseRoute):
    """The routes ``load()`` returns, all under ``prefix``; ``load`` is called once, on first need."""

    def __init__(self, prefix: str, load: Callable[[], Sequence[BaseRoute]]):
        self.prefix = prefix.rstrip("/")
        self._load = load
        self._routes: list[BaseRoute] | None = None
        self._lock = threading.Lock()

    @property
    def routes(self) -> list[BaseRoute]:
        with self._lock:
            if self._routes is None:
                routes = list(self._load())
                outside = [r.path for r in routes if not self._under(getattr(r, "path", ""))]
                if outside:  # the prefix is what keeps other requests from importing the module
                    raise ValueError(f"routes outside {self.prefix}: {outside}")
                self._routes = routes
        return self._routes

    def _under(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")

    def _match(self, scope: Scope) -> tuple[Match, Scope, BaseRoute | None]:
        partial = None
        for route in self.routes:
            match, child = route.matches(scope)
            if match is Match.FULL:
                return match, child, route
            if match is Match.PARTIAL and partial is None:  # e.g. the path under another method
                partial = (match, child, route)
        return partial or (Match.NONE, {}, None)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or not self._under(get_route_path(scope)):
            return Match.NONE, {}
        match, child, _ = self._match(scope)
        return match, child

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        _, _, route = self._match(scope)
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params):
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)
