"""Atlas (home): districts coloured by indicator gap for the chosen pillars."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from cluster_model.history import row_change_labels
from cluster_model.identity import atlas_name
from cluster_model.markup import md
from cluster_model.scoring import gap_label
from cluster_model.tables import district_pillar_gaps, map_summary, pillar_gap_cells
from cluster_model.vocabulary import PILLARS
from geo.atlas_map import atlas_styles, build_atlas_base, clicked_district
from ui import context_view, linkage_views, page, rtl
from ui.chrome import evidence_list, first_names, illustrative_banner
from ui.data_access import get_engine
from ui.data_view import evidence_checklist, get_view
from ui.i18n import _, configured_name, current_language, data_text, name, names, shown_table, translator
from ui.workshop import room

RANKING_ROWS = 30  # districts shown in the ranking before "Show all" (Sindh has 30: all of them)
PICKER_WIDTH = 420  # px: the district picker, about the map column's width

atlas, state = page.start()
ds = atlas.dataset

st.title(configured_name(atlas_name()), anchor=False)
if (
    context_view.layer_switch(state) == context_view.CONTEXT
):  # public district figures: their own view, never in the gaps
    context_view.show(atlas, state)
    page.end(atlas, state, "atlas")
    st.stop()
st.caption(
    _(
        "Indicator gaps of the 16 industrial clusters named by the 2019 Sindh policy dialogue, by district. "
        "A gap is an indicator assessed absent or partial; grey districts have clusters whose indicators are not assessed yet — unknown, not zero."
    )
)
# In a box of its own, there whether or not a banner shows: a round's banner coming or going must not move
# the elements below it, or the browser would build the map again (the round slider's steps restyle it).
with st.container():
    illustrative_banner(ds, state.round)

# Everything derived from the data is computed once per view (round and filters) and kept on it
# (ui.data_view): going back to an earlier choice costs no recomputation.
data = get_view(atlas, state)
# Badges carry the cluster's number (as in the Clusters picker); the legend's key names them.
placed = data.placed_sites()
# The markers' key names the clusters in the page's language (kept on the view, per language).
sites = (
    placed
    if current_language() == "en"
    else data.keep(
        ("placed_sites", current_language()),
        lambda: placed.assign(
            cluster_name=[name("cluster", c, n) for c, n in zip(placed["cluster_id"], placed["cluster_name"])]
        ),
    )
)
counts = data.status_counts()
assessed = counts["present"] + counts["partial"] + counts["absent"]
total = sum(counts.values())
st.info(
    _(
        "**{assessed} of {total}** indicator values for the chosen pillars and clusters are assessed in this round "
        "({present} present, {partial} partial, {absent} absent); **{unknown}** are not assessed."
    ).format(
        assessed=assessed,
        total=total,
        present=counts["present"],
        partial=counts["partial"],
        absent=counts["absent"],
        unknown=counts["not assessed"],
    )
)

scores = data.shown_districts()

# Change since the previous round of the same kind, on the map's tooltips and in the ranking.
previous = page.compare_picker(ds, state.round)
tr = translator()
labels = [gap_label(g, c, tr) for g, c in zip(scores["gap"], scores["coverage"])]
change_column = None
if previous is not None:
    gap_changes = data.district_changes(get_view(atlas, state, round_id=previous))
    change_column = _("Change since {round}").format(
        round=data_text(ds.rounds.set_index("round_id").at[previous, "name"])
    )
    changes = row_change_labels(gap_changes, scores["district"], tr)
    labels = [f"{label} · {change_column.lower()}: {change}" for label, change in zip(labels, changes)]


def _take_click(clicked: str | None) -> None:
    # st_folium keeps returning the last click; act only on a new one.
    if clicked and clicked != st.session_state.get("_last_map_click"):
        st.session_state["_last_map_click"] = clicked
        state.district = clicked


# The district picker comes before the map in the page (and in the Tab order): a keyboard user
# reaches it without passing the map's 30 districts and 17 sites.
options = list(atlas.district_names)
if state.district not in options:
    # Open the highest gap only when it rests on enough evidence: a low-coverage 1.00 is not a finding.
    firm = scores[scores["gap"].notna() & ~scores["low_coverage"].astype(bool)]
    state.district = firm["district"].iloc[0] if not firm.empty else None
if atlas.districts is not None:
    _take_click(clicked_district(st.session_state.get("atlas_map")))
district_label = page.district_picker(
    atlas,
    state,
    index=None,
    placeholder=_("Choose a district"),
    width=PICKER_WIDTH,  # not a column: three fewer blocks re-sent on every rerun (#14)
)

map_col, panel_col = st.columns([3, 2], gap="medium")

with map_col:
    # Time on the map (#27): stepping through the rounds reruns the page; the map keeps its geometry and
    # takes the round's styles only, as on a pillar change.
    page.round_slider(atlas, state)
    if atlas.districts is None:
        st.error(
            _(
                "The map cannot be drawn: the boundary file {file} could not be used (details above). "
                "Tables below still work."
            ).format(file=md(atlas.boundary_file.name))
        )
    else:
        # A click reruns the script with the component's new value already in session state: it was
        # taken above, before the picker was drawn, so the outline, picker and panel show it in this run.
        # Its own element, not in the summary's caption: a link takes a caption's grey, below the contrast axe asks for
        # (tests/browser/test_ux_browser.py, item 18).
        st.markdown("[" + _("Skip the map: go to the district ranking") + "](#districts-ranked-by-gap)")
        st.caption(
            map_summary(
                scores.assign(
                    district=[md(district_label.get(d) or name("district", d)) for d in scores["district"]]
                ),
                len(options),
                [tr.pillar(p) for p in state.pillars],
                tr,
            )
        )
        map_scores = scores.set_index("district").assign(label=labels)
        # The base map (geometry, markers, legend) is the same script on every rerun for the same sites, so
        # streamlit-folium keeps the drawn map; only the small style group (colours, tooltips, outlines) is re-sent and re-run.
        fmap = build_atlas_base(atlas.districts, sites, basemap=state.basemap, served=True, tr=tr)
        styles = atlas_styles(
            fmap, atlas.districts, map_scores, selected=state.district, highlight=state.districts or None
        )
        styles = linkage_views.with_institutions_layer(styles, data, state)
        # render=False: st_folium still renders the map it sends, but skips a second, whole-figure render.
        clicked = clicked_district(
            st_folium(
                fmap,
                key="atlas_map",
                feature_group_to_add=styles,
                returned_objects=["last_active_drawing"],
                height=680,
                use_container_width=True,
                render=False,
            )
        )
        _take_click(clicked)
    page.play_timer(atlas, state)  # after the map: it comes and goes with Play

with panel_col:
    row = scores[scores["district"] == state.district]
    if state.district is None:
        st.info(
            _(
                "Choose a district on the map or in the list above to see its clusters and the evidence behind its figure. "
                "No district is opened for you: every gap figure in this view rests on few assessed indicators."
            )
        )
    elif row.empty:
        st.markdown(f"### {md(name('district', state.district))}")
        st.write(_("No cluster of the current sector filter is named in this district by the 2019 dialogue."))
    else:
        r = row.iloc[0]
        st.markdown(f"### {md(name('district', state.district))}")
        st.metric(
            _("Gap, chosen pillars"),
            _("not assessed") if pd.isna(r["gap"]) else f"{r['gap']:.2f}",
            help=_(
                "Weighted share of assessed indicators that are absent (1) or partial (0.5). See Methods."
            ),
        )
        st.caption(
            _("{share} of the indicators behind this figure are assessed ({n} of {total})").format(
                share=f"{r['coverage']:.0%}", n=r["n_assessed"], total=r["n_indicators"]
            )
            + (" — " + _("low coverage, read with care.") if r["low_coverage"] else ".")
            + "  \n**"
            + _("Clusters here, gap by pillar")
            + "**"  # the table's label in the same element (#28)
        )
        here = list(r["clusters"])
        # By key: clusters named by id, pillar headers by message id, cells worded in the page's language.
        # Kept on the view per language: a national district's dozens of clusters cost ~25 ms of each rerun (#28).
        gap_cells = data.keep(
            ("district_pillar_gap_cells", tuple(here), current_language()),
            lambda: pillar_gap_cells(
                district_pillar_gaps(ds, data.matrix_for(here), here, data.pillars),
                here,
                data.pillars,
                partial(gap_label, tr=tr),
            ),
        )
        gap_table = gap_cells.rename(columns=PILLARS, index=names("cluster", here, ds.cluster_name))
        st.dataframe(
            shown_table(gap_table.rename_axis("Cluster").reset_index(), vocabulary=()),
            hide_index=True,
            width="stretch",
        )
        # Drawn only while open (Streamlit's lazy expander): a national district's list is ~300 values,
        # and a collapsed one still cost the browser ~100 ms of every pillar change (#14).
        evidence = st.expander(
            _("The {n} indicator values behind this figure, with their sources").format(n=r["n_indicators"]),
            expanded=len(here) <= 2,
            key=f"evidence_open_{state.district}",
            on_change="rerun",
        )
        if evidence.open:
            with evidence:
                evidence_list(evidence_checklist(atlas, data, here, data.pillars))
    linkage_views.district_panel(data, state.district)

table = data.ranking_table()
# A national ranking has 156 rows of up to a dozen cluster names (~70 KB on every pillar change, #14):
# the first RANKING_ROWS with three names each, the whole table one switch away and in every download.
# The switch's value is known before it is drawn (a rerun starts with it), so the caption can say so.
cut = len(table) > RANKING_ROWS and not st.session_state.get("w_ranking_all", False)
st.subheader(_("Districts ranked by gap"), anchor="districts-ranked-by-gap")
st.caption(
    _("Chosen pillars:")
    + " "
    + ", ".join(tr.pillar(p) for p in state.pillars)
    + ". "
    + _(
        "Districts whose clusters are not assessed are listed last, as unknown. "
        "A rank with “=” is shared: those districts have the same gap. “low coverage”: fewer than half the indicators behind the figure are assessed — read it with care."
    )
    + (
        " " + _("The {shown} highest of {n} districts.").format(shown=RANKING_ROWS, n=len(table))
        if cut
        else ""
    )
)
if len(table) > RANKING_ROWS:
    st.toggle(_("Show all {n} districts").format(n=len(table)), key="w_ranking_all")
low = scores["low_coverage"].astype(bool).to_numpy()
# The ranking's rows are the shown districts' (``scores``): their names and counts read by key.
district_names = names("district", scores["district"])
# Every row's clusters named from one look-up: one per row cost a national ranking ~35 ms of each rerun (#28).
listed = sorted({c for cs in scores["clusters"] for c in cs})
cluster_names = names("cluster", listed, ds.cluster_name)
shown = shown_table(
    table.assign(
        District=scores["district"].map(district_names).to_numpy(),
        Gap=[
            (_("not assessed") if pd.isna(g) else f"{g:.2f}" + (" (" + _("low coverage") + ")" if lo else ""))
            for g, lo in zip(table["Gap"], low)
        ],
        Assessed=table["Assessed"].map(lambda c: f"{c:.0%}"),
        **{
            "Indicators assessed": [
                _("{n} of {total}").format(n=n, total=t)
                for n, t in zip(scores["n_assessed"], scores["n_indicators"])
            ],
            "Clusters": [", ".join(cluster_names[c] for c in dict.fromkeys(cs)) for cs in scores["clusters"]],
        },
    ),
    vocabulary=(),
)
if change_column:  # worded in the page's language already (row_change_labels)
    shown.insert(4, change_column, changes)
clusters_column = _("Clusters")
shown[clusters_column] = shown[clusters_column].map(first_names)
if cut:
    shown = shown.head(RANKING_ROWS)
st.dataframe(shown, hide_index=True, width="stretch", **rtl.table_layout(shown.columns, current_language()))

room.dialogue_round_panel(get_engine(), ds, state.round)  # a dialogue round: the room's votes, n per group

page.end(atlas, state, "atlas")
