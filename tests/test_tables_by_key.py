"""Tables a page shows are built with ids and keys and shown through ``ui.i18n.shown_table``: headers by
message id, names by id from data/names.csv, the rest as data (#25 two ways to translate)."""

from __future__ import annotations

import re

from test_pages import run_app, to_page

ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")


def _english_headers(at) -> list[str]:
    return [c for df in at.dataframe for c in df.value.columns if isinstance(c, str) and not ARABIC.search(c)]


def test_methods_tables_have_headers_by_message_id_and_figures_named_by_id():
    at = to_page(run_app(lang="ur"), "methods")
    assert not _english_headers(at), _english_headers(at)
    shown = "\n".join(df.value.to_csv() for df in at.dataframe)
    assert "غربت کی شرح (2018، عارضی)" in shown  # data/names.csv, context poverty_rate_2018, by id
