"""Shareable links: a URL that reopens the same page, filters, selection and round.

The query string is exactly ``ui.state.to_query(state)``, so ``ui.state.parse_query``
(which ``ui.page.start()`` runs, through ``ui.state.view_state``, on a session's first load)
restores the same view.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from cluster_model.i18n import DEFAULT_LANGUAGE
from ui.i18n import _, current_language
from ui.state import ViewState, to_query

# The page app.py marks default=True: Streamlit serves it at the app's root only ("/atlas" is "Page not found").
DEFAULT_PAGE = "atlas"


def share_url(
    state: ViewState, page_path: str = "", base_url: str | None = None, language: str = DEFAULT_LANGUAGE
) -> str:
    """The link for ``state`` on page ``page_path`` (e.g. "atlas", "export").

    ``base_url`` is the app's root (scheme, host and base path, e.g.
    "https://atlas.example.org/app"); without it the link is relative ("/export?…").
    The Atlas, the default page, is the root ("/?…").
    """
    params = to_query(state) | ({} if language == DEFAULT_LANGUAGE else {"lang": language})
    query = urlencode(params, safe=",")
    root = (base_url or "").split("?", 1)[0].rstrip("/")
    page_path = page_path.strip("/")
    path = f"{root}/{page_path}" if page_path and page_path != DEFAULT_PAGE else f"{root}/"
    return f"{path}?{query}" if query else path


def app_base_url() -> str | None:
    """The app's root URL as the browser sees it (st.context.url), or None when unknown."""
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no browser context (bare script, AppTest)
        return None
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    base_path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base_path}" if base_path else "")


def share_box(state: ViewState, page_path: str = "atlas") -> str:
    """Sidebar expander "Share this view" with the copyable link; returns the link."""
    url = share_url(state, page_path, app_base_url(), current_language())
    # Drawn only while open (Streamlit's lazy expander): a code box makes the browser fetch and compile
    # Streamlit's 1.5 MB syntax highlighter, which every first screen then waited for (#14: start to map).
    box = st.sidebar.expander(_("Share this view"), key="share_open", on_change="rerun")
    if box.open:
        with box:
            st.code(url, language=None, wrap_lines=True)
            st.caption(
                _(
                    "Copy this link (button at the right of the box): it opens this page with the same filters, "
                    "selection, round and language."
                )
            )
    return url
