"""What every page does first and last: shared sidebar filters, problems, footer.

The filters are drawn by each page (not by app.py) so that Streamlit's AppTest,
which drops elements drawn by a navigation entry script on reruns, sees them.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from cluster_model.vocabulary import PILLARS
from ui import state as view
from ui.chrome import footer, show_issues
from ui.data_access import AtlasData, get_atlas_data


def vocabulary(atlas: AtlasData) -> view.Vocabulary:
    ds = atlas.dataset
    return view.Vocabulary(
        clusters=tuple(ds.clusters["cluster_id"]),
        districts=tuple(atlas.district_names),
        rounds=tuple(ds.rounds["round_id"]),
        default_round=ds.latest_round(),
    )


def sidebar_filters(atlas: AtlasData, state: view.ViewState) -> None:
    ds = atlas.dataset
    rounds = ds.rounds.sort_values(["date", "round_id"], ascending=False)
    with st.sidebar:
        st.markdown("### Filters")
        labels = {r.round_id: f"{r.name} ({r.date})" + (" — ILLUSTRATIVE" if r.illustrative else "") for r in rounds.itertuples()}
        if labels:
            view.bind("w_round", state.round if state.round in labels else ds.latest_round())
            state.round = st.selectbox("Assessment round", list(labels), format_func=labels.get, key="w_round")
        else:
            st.warning("No assessment round could be loaded: every indicator shows as not assessed.")

        view.bind("w_pillars", state.pillars)
        chosen = st.multiselect("Pillars", list(PILLARS), format_func=PILLARS.get, key="w_pillars",
                                help="The four aspects the 2019 dialogue examined every cluster under.")
        state.pillars = chosen or list(PILLARS)
        if not chosen:
            st.caption("No pillar chosen: all four are used.")

        view.bind("w_sectors", state.sectors)
        state.sectors = st.multiselect("Sectors", list(ds.clusters["cluster_id"]), format_func=ds.cluster_name, key="w_sectors", placeholder="All 16 clusters")

        view.bind("w_districts", state.districts)
        state.districts = st.multiselect("Districts", atlas.district_names, key="w_districts", placeholder="All districts")

        view.bind("w_basemap", state.basemap)
        state.basemap = st.toggle("Online basemap (needs internet)", key="w_basemap", help="Off by default: the atlas works with no internet at all.")


def leave_pages_folder_mode() -> None:
    """Make Streamlit run app.py's navigation, not its old `pages/` folder mode.

    A fresh server sees the `pages/` folder and, until app.py has called
    st.navigation once, runs a deep link such as /clusters as a bare script
    (no app.py, wrong sidebar). Switching the flag off and rerunning sends the
    request through app.py. Streamlit sets the same flag itself once
    st.navigation runs; this only does it before the first run.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def start() -> tuple[AtlasData, view.ViewState]:
    """Load (cached), restore the view state, draw the filters and any problems."""
    leave_pages_folder_mode()
    atlas = get_atlas_data()
    state = view.view_state(vocabulary(atlas))
    sidebar_filters(atlas, state)
    for notice in view.link_notices():
        st.warning(notice)
    show_issues(atlas.issues)
    return atlas, state


def end(atlas: AtlasData, state: view.ViewState) -> None:
    """Mirror the (possibly changed) state into the URL and credit the sources."""
    view.publish(state)
    footer(atlas.dataset, state.round)
