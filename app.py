"""Sindh Cluster Atlas: entry point.

Sets up the page and runs the page the user chose. Each page starts with
``ui.page.start()`` (shared filters, kept in the URL) and ends with ``ui.page.end()``.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Sindh Cluster Atlas", page_icon=":material/map:", layout="wide")

pages = [
    st.Page("pages/atlas.py", title="Atlas", icon=":material/map:", default=True, url_path="atlas"),
    st.Page("pages/clusters.py", title="Clusters", icon=":material/factory:", url_path="clusters"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("pages/methods.py", title="Methods & sources", icon=":material/menu_book:", url_path="methods"),
]
st.navigation(pages).run()
