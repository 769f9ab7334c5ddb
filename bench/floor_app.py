"""The floors of the Chromium figures: a Streamlit page holding one small folium map and nothing else.

Benchmark only (``bench/run.py``). No data, no store, no model: the time from server start to this
map painted is what Streamlit, streamlit-folium and Leaflet cost on this machine before an app
does any work of its own, so the start budget can be read against it. Leaflet is served locally
(``bench/static``), as for the reference.

Opened with ``?repaint=1`` it is the **repaint floor** (#28): the same page with the Atlas's
Pillars multiselect in the sidebar, whose choice restyles the one polygon through
``feature_group_to_add`` (the map itself stays, as the Atlas's does): a Streamlit rerun plus one
small component update, the least a pillar change can cost on this stack.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.offline import LOCAL_CSS, LOCAL_JS

st.set_page_config(page_title="Map (floor)", layout="wide")
m = folium.Map(location=[26.0, 68.5], zoom_start=6, tiles=None)
m.default_js, m.default_css = list(LOCAL_JS), list(LOCAL_CSS)
corners = [[25, 67], [25, 70], [27, 70], [27, 67]]
if st.query_params.get("repaint"):
    # Imported here: the start floor stays a page with one map and nothing else.
    from cluster_model.vocabulary import PILLARS
    from geo.atlas_map import GAP_COLOURS

    # Same label and options as the Atlas's filter, so the bench clicks it the same way.
    chosen = st.sidebar.multiselect("Pillars", list(PILLARS), default=list(PILLARS), format_func=PILLARS.get)
    styles = folium.FeatureGroup(name="styles")
    folium.Polygon(corners, fill=True, fill_color=GAP_COLOURS[len(chosen)], fill_opacity=0.8).add_to(styles)
    st_folium(m, height=620, use_container_width=True, feature_group_to_add=styles)
else:
    folium.Polygon(corners, fill=True).add_to(m)
    st_folium(m, height=620, use_container_width=True)
