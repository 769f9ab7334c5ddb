"""Shared by the API tests: the store's URL as the pages open it, and a clock the test moves."""

from __future__ import annotations

from urllib.parse import quote


def pages_url(url: str, schema: str | None) -> str:
    """The store's URL as the pages open it: a PostgreSQL test schema through the search path."""
    return f"{url}?options={quote(f'-csearch_path={schema}')}" if schema else url


class ManualClock:
    """A monotonic clock that moves only when the test says (``web.api.KeptAnswers``' staleness)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
