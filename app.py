"""Sindh Cluster Atlas: entry point.

Sets up the page and runs the page the user chose. Each page starts with
``ui.page.start()`` (shared filters, kept in the URL) and ends with ``ui.page.end()``.
"""

from __future__ import annotations

import logging

import streamlit as st

from cluster_model.identity import atlas_name
from ui.auth import announce_setup_code
from ui.page import leave_pages_folder_mode

leave_pages_folder_mode()
st.set_page_config(page_title=atlas_name(), layout="wide")
try:
    announce_setup_code()  # prints the first-editor setup code to the console while no account exists
except Exception:
    logging.getLogger("atlas.auth").exception("could not check for editor accounts")

pages = [
    st.Page("pages/atlas.py", title="Atlas", default=True, url_path="atlas"),
    st.Page("pages/clusters.py", title="Clusters", url_path="clusters"),
    st.Page("pages/compare.py", title="Compare", url_path="compare"),
    st.Page("pages/poverty.py", title="Gaps & poverty", url_path="poverty"),
    st.Page("pages/linkages.py", title="Linkage matrix", url_path="linkages"),
    st.Page("pages/export.py", title="Export", url_path="export"),
    st.Page("pages/methods.py", title="Methods & sources", url_path="methods"),
    st.Page("pages/data.py", title="Data (editors)", url_path="data"),
    st.Page("pages/workshop.py", title="Workshop", url_path="workshop"),
    st.Page("pages/vote.py", title="Vote (phones)", url_path="vote", visibility="hidden"),
]
st.navigation(pages).run()
