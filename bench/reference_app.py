"""Reference implementation of the Atlas view, written the way the streamlit-folium docs show.

Benchmark only (``bench/run.py`` runs it next to the real app). Same inputs and the
same scoring as the app (cluster_model), but none of the app's speed work:
every rerun reloads the unsimplified boundary file, recomputes the scores,
rebuilds a ``folium.Choropleth`` over the raw geometry and hands it to
``st_folium`` with its default return (every map interaction reruns the script).

Offline like the app (the benchmark's browser refuses every non-local request): folium's
CDN URLs are replaced by the local Leaflet in ``static/vendor/`` (``geo.offline``), served by
Streamlit's static serving from ``bench/static``, a link to the app's ``static/``. The
Choropleth's legend is left out: branca draws it with d3, which streamlit-folium loads
from a CDN and which has no local copy (the frontend waits for every script, so a refused
d3 would keep the map from ever drawing).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import folium
import streamlit as st
from streamlit_folium import st_folium

from cluster_model.loading import load_dataset
from cluster_model.settings import settings
from cluster_model.view import make_view
from cluster_model.vocabulary import PILLARS
from geo.boundaries import boundaries_path, boundaries_province, load_boundaries
from geo.names import DistrictMatcher, load_aliases, match_column
from geo.offline import LOCAL_CSS, LOCAL_JS

st.set_page_config(page_title="Atlas (reference)", layout="wide")

folder = settings().data_dir
ds = load_dataset(folder)
districts = load_boundaries(boundaries_path(), province=boundaries_province())
issues: list = []
sites = ds.sites.merge(
    ds.clusters[["cluster_id", "name"]].rename(columns={"name": "cluster_name"}), on="cluster_id"
)
sites, _ = match_column(
    sites,
    "district",
    DistrictMatcher(list(districts["district"]), load_aliases(folder / "district_aliases.csv", issues)),
    file="sites.csv",
)

rounds = list(ds.rounds["round_id"])
wanted = st.query_params.get("round")
round_id = st.sidebar.selectbox(
    "Assessment round", rounds, index=rounds.index(wanted) if wanted in rounds else len(rounds) - 1
)
pillars = st.sidebar.multiselect(
    "Pillars", list(PILLARS), default=list(PILLARS), format_func=PILLARS.get, key="w_pillars"
) or list(PILLARS)

st.title("Atlas (reference implementation)")
scores = make_view(ds, round_id, pillars, sites=sites).ranked_districts()

minx, miny, maxx, maxy = districts.total_bounds
m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=6)
m.default_js, m.default_css = (
    list(LOCAL_JS),
    list(LOCAL_CSS),
)  # rewrite folium's CDN URLs to the local Leaflet
choropleth = folium.Choropleth(
    geo_data=districts.to_json(),
    data=scores,
    columns=["district", "gap"],
    key_on="feature.properties.district",
    fill_color="YlOrRd",
    nan_fill_color="#9e9e9e",
    legend_name="Cluster gap",
)
del choropleth._children[choropleth.color_scale.get_name()]  # the d3 legend (CDN only), see above
choropleth.color_scale = None
choropleth.add_to(m)
for site in sites.itertuples():
    folium.Marker([site.lat, site.lon], tooltip=f"{site.cluster_name} — {site.place}").add_to(m)
m.fit_bounds([[miny, minx], [maxy, maxx]])

st_folium(m, height=620, use_container_width=True)
st.subheader("Districts ranked by gap")
st.dataframe(scores[["district", "gap", "coverage", "n_clusters"]], hide_index=True)
