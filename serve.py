"""The Atlas as the server runs it: ``streamlit run serve.py`` (``make run``).

The same app as ``streamlit run app.py``, with a warm start: as the server comes up it prepares the
Atlas's first screen in the background (``ui/warmup.py``) while the first browser is still loading
Streamlit's page, so the map paints sooner after a start (issue #14). ``st.App``'s lifespan is
Streamlit's documented hook for work at server start.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui import warmup


@asynccontextmanager
async def _warm_start(_app):
    # app.py's st.navigation decides every page, as ui.page.leave_pages_folder_mode sets on a first run;
    # set here, before any session, the first visitor's script is not run twice to get there.
    PagesManager.uses_pages_directory = False
    warmup.start()  # a background thread: the server answers at once
    yield


app = st.App("app.py", lifespan=_warm_start)
