"""What every page does first and last: shared sidebar filters, problems, footer.

The filters are drawn by each page (not by app.py) so that Streamlit's AppTest,
which drops elements drawn by a navigation entry script on reruns, sees them.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from cluster_model.i18n import is_rtl
from cluster_model.markup import md
from cluster_model.vocabulary import PILLARS
from ui import state as view
from ui.auth import current_editor
from ui.chrome import footer, show_issues
from ui.data_access import AtlasData, get_atlas_data
from ui.i18n import (
    _,
    current_language,
    data_text,
    language_notice,
    language_switch,
    names,
    translator,
)
from ui.publishing import citation_box, reader_atlas
from ui.rtl import apply as apply_direction
from ui.share import share_box


def vocabulary(atlas: AtlasData, everything: AtlasData | None = None) -> view.Vocabulary:
    """What a link may name in ``atlas`` (the reader's); ``everything``: the whole atlas, whose other
    rounds are this reader's unpublished ones."""
    ds = atlas.dataset
    rounds = tuple(ds.rounds["round_id"])
    every_round = everything.dataset.rounds["round_id"] if everything is not None else ()
    return view.Vocabulary(
        clusters=tuple(ds.clusters["cluster_id"]),
        districts=tuple(atlas.district_names),
        rounds=rounds,
        default_round=ds.latest_round(),
        unpublished_rounds=tuple(r for r in every_round if r not in rounds),
    )


def round_labels(ds) -> dict[str, str]:
    """Each round's label in the round pickers (sidebar and the Atlas's slider), newest first: its name
    and date, an illustrative round marked."""
    rounds = ds.rounds.set_index("round_id", drop=False).loc[ds.round_order()[::-1]].reset_index(drop=True)
    return {
        r.round_id: f"{data_text(r.name)} ({r.date})" + (" — " + _("ILLUSTRATIVE") if r.illustrative else "")
        for r in rounds.itertuples()
    }


def sidebar_filters(atlas: AtlasData, state: view.ViewState) -> None:
    ds = atlas.dataset
    with st.sidebar:
        st.markdown("### " + _("Filters"))
        labels = round_labels(ds)
        if labels:
            if state.round not in labels:
                state.round = ds.latest_round()
            view.bound(
                st.selectbox,
                "w_round",
                state,
                "round",
                label=_("Assessment round"),
                options=list(labels),
                format_func=labels.get,
            )
            if is_rtl(current_language()):
                # The picker's box cuts a long English name: the chosen round in full, wrapped.
                st.caption(labels[state.round])
        else:
            st.warning(_("No assessment round could be loaded: every indicator shows as not assessed."))
        # No pillar chosen means all four.
        view.bound(
            st.multiselect,
            "w_pillars",
            state,
            "pillars",
            # Kept in the pillars' own order: the same choice is the same view, link and message
            # however it was clicked together (Streamlit then re-sends it as a cache reference).
            to_state=view.canonical_pillars,
            label=_("Pillars"),
            options=list(PILLARS),
            format_func=translator().pillar,
            help=_("The four aspects the 2019 dialogue examined every cluster under."),
        )
        cluster_labels = names("cluster", ds.clusters["cluster_id"], ds.cluster_name)
        view.bound(
            st.multiselect,
            "w_sectors",
            state,
            "sectors",
            label=_("Sectors"),
            options=list(ds.clusters["cluster_id"]),
            format_func=cluster_labels.get,
            placeholder=_("All 16 clusters"),
        )
        view.bound(
            st.multiselect,
            "w_districts",
            state,
            "districts",
            label=_("Districts"),
            options=atlas.district_names,
            format_func=names("district", atlas.district_names).get,
            placeholder=_("All districts"),
        )
        view.bound(
            st.toggle,
            "w_basemap",
            state,
            "basemap",
            label=_("Online basemap (needs internet)"),
            help=_("Off by default: the atlas works with no internet at all."),
        )


def compare_picker(ds, round_id: str | None) -> str | None:
    """The round the shown round's change is measured against, picked in the sidebar: any earlier
    round of the same kind, the previous one (``history.previous_round``) by default. None: the
    first round of its kind, nothing to compare with."""
    from cluster_model.history import comparable_rounds

    options = comparable_rounds(ds, round_id)[::-1]  # the previous round first
    if not options:
        return None
    rounds = ds.rounds.set_index("round_id")
    return st.sidebar.selectbox(
        _("Compare with"),
        options,
        format_func=lambda r: f"{data_text(rounds.at[r, 'name'])} ({rounds.at[r, 'date']})",
        key=f"w_compare_round_{round_id}",  # another round opens on its own previous round
        help=_("The earlier round the change since the previous round is measured against."),
    )


PLAY_STEP_S = 3.0  # how long each round stays on the Atlas while it plays through the rounds
_PLAYING = "atlas_rounds_playing"
_PLAY_DRAWN = "atlas_rounds_play_drawn"


def play_step(order: list[str], current: str | None) -> tuple[str | None, bool]:
    """One step of playing through ``order`` (oldest first) from ``current``: (the round to show, whether
    to keep playing). Stops on the last round; the round is None when there is nothing after ``current``."""
    following = order[order.index(current) + 1] if current in order[:-1] else None
    keep = following is not None and following != order[-1]
    return following, keep


def stop_play_off_the_atlas(url_path: str) -> None:
    """Any page but the Atlas stops the Atlas's play: a reader coming back finds it stopped, not playing again."""
    if url_path not in ("", "atlas"):  # the Atlas is the default page, whose url_path Streamlit gives as ""
        st.session_state.pop(_PLAYING, None)


def _toggle_play(order: list[str], state: view.ViewState) -> None:
    playing = not st.session_state.get(_PLAYING, False)
    st.session_state[_PLAYING] = playing
    if playing and state.round == order[-1]:
        state.round = order[0]  # played from the first round when the last is shown


def _play_tick(order: list[str], state: view.ViewState) -> None:
    # The page's own run draws this fragment too: only the timer's later runs step to the next round.
    if st.session_state.pop(_PLAY_DRAWN, False) or not st.session_state.get(_PLAYING, False):
        return
    following, keep = play_step(order, state.round)
    if following is not None:
        state.round = following
    st.session_state[_PLAYING] = keep
    # The whole page, from the server: the figures, banner and map's styles of that round.
    st.rerun(scope="app")


def round_slider(atlas: AtlasData, state: view.ViewState) -> None:
    """The Atlas's round slider and play control, over the rounds this reader may see, oldest first. The
    slider shows ``state.round``, as the sidebar's picker does: moving one moves the other and the link.
    Playing steps one round every ``PLAY_STEP_S`` seconds until the last round or Stop; each step is a
    rerun of the page, so the server computes every figure shown. The timer is :func:`play_timer`'s.

    One above the other, not in columns: columns are three layout blocks, and a block is re-sent whole
    on every rerun (#28: ~300 bytes of each pillar change)."""
    order = atlas.dataset.round_order()
    if len(order) < 2:
        return  # one round: nothing to step through
    labels = round_labels(atlas.dataset)
    view.bound(
        st.select_slider,
        "w_round_slider",
        state,
        "round",
        label=_("Round on the map (oldest to newest)"),
        options=order,
        format_func=labels.get,
    )
    st.button(
        ("■ " + _("Stop")) if st.session_state.get(_PLAYING, False) else ("▶ " + _("Play")),
        key="w_round_play",
        on_click=_toggle_play,
        args=(order, state),
        help=_("Steps through the rounds, oldest to newest, one every {seconds} seconds.").format(
            seconds=f"{PLAY_STEP_S:g}"
        ),
    )


def play_timer(atlas: AtlasData, state: view.ViewState) -> None:
    """The timer of :func:`round_slider`'s play, drawn only while it plays (a fragment is a block re-sent on
    every rerun, #28). Called last in the map's column, so nothing else moves when it comes and goes."""
    if not st.session_state.get(_PLAYING, False):
        return
    order = atlas.dataset.round_order()
    st.session_state[_PLAY_DRAWN] = True
    st.fragment(_play_tick, run_every=PLAY_STEP_S)(order, state)


def district_picker(atlas: AtlasData, state: view.ViewState, **options) -> dict[str, str]:
    """The picker of the opened district (``state.district``), the same on every page that opens one
    (its key, label and local names); ``options``: more of ``st.selectbox``'s. Returns the districts'
    names in the page's language."""
    districts = list(atlas.district_names)
    labels = names("district", districts)
    view.bound(
        st.selectbox,
        "w_district",
        state,
        "district",
        label=_("District (or click the map)"),
        options=districts,
        format_func=labels.get,
        **options,
    )
    return labels


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


def start(shared_filters: bool = True) -> tuple[AtlasData, view.ViewState]:
    """Load (cached), restore the view state, draw the filters and any problems.

    ``shared_filters=False``: a page with its own controls and URL parameters (Data, Workshop): no sidebar
    filters, no notices about the link's filter values, and the page shows the data problems where it wants.
    """
    leave_pages_folder_mode()
    language_switch(st.sidebar)
    apply_direction(current_language())
    if notice := language_notice():
        st.warning(notice)
    atlas = get_atlas_data()
    if shared_filters:
        # The figure pages: signed out, published editions only (Data and Workshop decide their own).
        everything, atlas = atlas, reader_atlas(atlas, current_editor())
        state = view.view_state(lambda: vocabulary(atlas, everything))
    else:  # this page's URL parameters are its own: never read them as the shared filters
        state = st.session_state.get(view._STATE_KEY) or view.ViewState(round=atlas.dataset.latest_round())
    if shared_filters:
        sidebar_filters(atlas, state)
        for notice in view.link_notices():
            st.warning(md(notice))
        show_issues(atlas.issues)
    return atlas, state


_STATE_ROUND = object()


def end(
    atlas: AtlasData,
    state: view.ViewState,
    page_path: str,
    has_map: bool = True,
    shared_filters: bool = True,
    round_id=_STATE_ROUND,
) -> None:
    """Mirror the (possibly changed) state into the URL, offer the link, credit the sources.

    ``shared_filters=False`` (as in :func:`start`): the page keeps its own URL, so only the credits are drawn,
    for ``round_id`` (default: the sidebar's round).
    """
    if shared_filters:
        view.publish(state)
        share_box(state, page_path)
    shown = state.round if round_id is _STATE_ROUND else round_id
    footer(atlas.dataset, shown, has_map)
    citation_box(atlas, shown)
