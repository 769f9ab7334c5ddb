"""Sindh Cluster Atlas: entry point.

Sets up the page, loads the data once (cached), draws the shared sidebar filters
and runs the page the user chose. The filters live in ``ui.state.ViewState`` so
every page sees the same ones, and they are mirrored in the URL.
"""

from __future__ import annotations

import streamlit as st

from cluster_model.vocabulary import PILLARS
from ui import state as view
from ui.chrome import footer, show_issues
from ui.data_access import get_atlas_data

st.set_page_config(page_title="Sindh Cluster Atlas", page_icon="🗺️", layout="wide")

atlas = get_atlas_data()
ds = atlas.dataset
rounds = ds.rounds.sort_values(["date", "round_id"], ascending=False)
vocab = view.Vocabulary(
    clusters=tuple(ds.clusters["cluster_id"]),
    districts=tuple(atlas.district_names),
    rounds=tuple(rounds["round_id"]),
    default_round=ds.latest_round(),
)
state = view.view_state(vocab)

pages = [
    st.Page("pages/atlas.py", title="Atlas", icon=":material/map:", default=True, url_path="atlas"),
    st.Page("pages/clusters.py", title="Clusters", icon=":material/factory:", url_path="clusters"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("pages/methods.py", title="Methods & sources", icon=":material/menu_book:", url_path="methods"),
]
page = st.navigation(pages)

with st.sidebar:
    st.markdown("### Filters")
    round_labels = {r.round_id: f"{r.name} ({r.date})" + (" — ILLUSTRATIVE" if r.illustrative else "") for r in rounds.itertuples()}
    if round_labels:
        view.bind("w_round", state.round if state.round in round_labels else vocab.default_round)
        state.round = st.selectbox("Assessment round", list(round_labels), format_func=round_labels.get, key="w_round")
    else:
        st.warning("No assessment round could be loaded: every indicator shows as not assessed.")

    view.bind("w_pillars", state.pillars)
    chosen = st.multiselect("Pillars", list(PILLARS), format_func=PILLARS.get, key="w_pillars", help="The four aspects the 2019 dialogue examined every cluster under.")
    state.pillars = chosen or list(PILLARS)
    if not chosen:
        st.caption("No pillar chosen: all four are used.")

    view.bind("w_sectors", state.sectors)
    state.sectors = st.multiselect("Sectors", list(vocab.clusters), format_func=ds.cluster_name, key="w_sectors", placeholder="All 16 clusters")

    view.bind("w_districts", state.districts)
    state.districts = st.multiselect("Districts", list(vocab.districts), key="w_districts", placeholder="All districts")

    view.bind("w_basemap", state.basemap)
    state.basemap = st.toggle("Online basemap (needs internet)", key="w_basemap", help="Off by default: the atlas works with no internet at all.")

for notice in view.link_notices():
    st.warning(notice)
show_issues(atlas.issues)

page.run()

view.publish(state)
footer(ds, state.round)
