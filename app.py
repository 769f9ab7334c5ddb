"""Sindh Cluster Atlas: entry point.

Sets up the page and runs the page the user chose. Each page starts with
``ui.page.start()`` (shared filters, kept in the URL) and ends with ``ui.page.end()``.
"""

from __future__ import annotations

import logging

import streamlit as st

from ui import warmup

# Under ``streamlit run serve.py`` the server prepares the first screen as it starts (ui/warmup.py):
# wait for it before importing what it imports, so no module is taken half-imported.
warmup.wait()

from cluster_model.identity import atlas_name
from ui.auth import announce_setup_code
from ui.i18n import _
from ui.page import leave_pages_folder_mode, stop_play_off_the_atlas

leave_pages_folder_mode()
# An emoji icon is drawn from a data: URL in the page; Streamlit's default favicon.png (no-cache) was
# fetched again on every rerun, 1.3 KB per pillar change (#14).
st.set_page_config(page_title=atlas_name(), page_icon="🗺️", layout="wide")
try:
    announce_setup_code()  # prints the first-editor setup code to the console while no account exists
except Exception:
    logging.getLogger("atlas.auth").exception("could not check for editor accounts")

pages = [
    st.Page("pages/atlas.py", title=_("Atlas"), default=True, url_path="atlas"),
    st.Page("pages/overview.py", title=_("Overview"), url_path="overview"),
    st.Page("pages/clusters.py", title=_("Clusters"), url_path="clusters"),
    st.Page("pages/compare.py", title=_("Compare"), url_path="compare"),
    st.Page("pages/poverty.py", title=_("Gaps & poverty"), url_path="poverty"),
    st.Page("pages/linkages.py", title=_("Linkage matrix"), url_path="linkages"),
    st.Page("pages/export.py", title=_("Export"), url_path="export"),
    st.Page("pages/methods.py", title=_("Methods & sources"), url_path="methods"),
    st.Page("pages/data.py", title=_("Data (editors)"), url_path="data"),
    st.Page("pages/workshop.py", title=_("Workshop"), url_path="workshop"),
    st.Page("pages/vote.py", title=_("Vote (phones)"), url_path="vote", visibility="hidden"),
]
chosen = st.navigation(pages)
stop_play_off_the_atlas(chosen.url_path)
chosen.run()
