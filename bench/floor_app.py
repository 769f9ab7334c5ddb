"""The floor of the start measurement: a Streamlit page holding one small folium map and nothing else.

Benchmark only (``bench/run.py``). No data, no store, no model: the time from server start to this
map painted is what Streamlit, streamlit-folium and Leaflet cost on this machine before an app
does any work of its own, so the start budget can be read against it. Leaflet is served locally
(``bench/static``), as for the reference.
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
folium.Polygon([[25, 67], [25, 70], [27, 70], [27, 67]], fill=True).add_to(m)
st_folium(m, height=620, use_container_width=True)
