"""Clusters: one cluster's sites, indicators, classification, local participation and evidence."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from cluster_model.classification import AGREES, DIFFERS, NOT_COMPARABLE, explain
from cluster_model.evidence import evidence_items
from cluster_model.history import cluster_gap_changes, row_change_label, status_changes
from cluster_model.markup import md
from cluster_model.participation import participation_grid
from cluster_model.scoring import gap_label
from cluster_model.vocabulary import INDICATOR_GROUPS, INSUFFICIENT, PILLARS
from geo.atlas_map import build_sites_map
from ui import linkage_views, overview, page
from ui import state as view
from ui.chrome import evidence_list, illustrative_banner, readable
from ui.data_view import evidence_checklist, get_view
from ui.i18n import _, data_text, indicator_name, name, names, shown_table, translator


def site_line(place: str, district: str, note) -> str:
    """ "Hala, Matiari district — …": the district once, the note only when it says more than the place."""
    where = (
        _("**{place}** district").format(place=md(name("place", place)))
        if place == district
        else _("**{place}**, {district} district").format(
            place=md(name("place", place)), district=md(name("district", district))
        )
    )
    note = "" if note is None or pd.isna(note) else str(note).strip()
    trivial = note.lower().rstrip(".") in {
        f"marker at {place.lower()} town",
        f"marker at {place.lower()} city",
    }
    return f"- {where}" + ("" if not note or trivial else f" — {md(data_text(note))}")


atlas, state = page.start()
ds = atlas.dataset

options = state.sectors or list(ds.clusters["cluster_id"])
if state.cluster not in options:
    state.cluster = options[0]
numbers = ds.clusters.set_index("cluster_id")["number"]
# The title first, then the picker: the page reads as "this cluster", and a screen reader meets its name first.
title = st.empty()
view.bound(
    st.selectbox,
    "w_cluster",
    state,
    "cluster",
    label=_("Cluster"),
    options=options,
    format_func=lambda c: f"{numbers[c]}. {name('cluster', c, ds.cluster_name(c))}",
)
cid = state.cluster
title.title(md(name("cluster", cid, ds.cluster_name(cid))))
illustrative_banner(ds, state.round)
sites = atlas.sites[atlas.sites["cluster_id"] == cid]
all_sites = ds.sites[ds.sites["cluster_id"] == cid]
st.caption(
    _("Named in the {source} at:").format(source=md(data_text(ds.citation("dialogue2019"))))
    + " "
    + "; ".join(
        _("{place} ({district} district)").format(
            place=md(name("place", s.place)), district=md(name("district", s.district))
        )
        for s in all_sites.itertuples()
    )
)

data = get_view(atlas, state)
result = data.classes[cid]

left, right = st.columns([2, 3], gap="medium")
with left:
    if atlas.districts is not None and not sites.empty:
        st_folium(
            build_sites_map(
                atlas.districts,
                sites.assign(  # the key and the markers' popups in the page's language
                    cluster_name=name("cluster", cid, ds.cluster_name(cid)),
                    place=[name("place", p) for p in sites["place"]],
                    location_note=[data_text(n) for n in sites["location_note"]],
                ),
                cid,
                tr=translator(),
            ),
            key=f"sites_map_{cid}",
            returned_objects=[],
            height=340,
            use_container_width=True,
        )
    st.markdown("\n".join(site_line(s.place, s.district, s.location_note) for s in all_sites.itertuples()))

with right:
    st.subheader(_("Cluster or agglomeration?"))
    c1, c2 = st.columns(2)
    provisional = " (" + _("provisional") + ")" if result.provisional else ""
    c1.markdown(_("Computed from indicators") + f"  \n**{_(result.computed)}{provisional}**")
    c2.markdown(
        _("Published (HRD study)")
        + f"  \n**{_(result.published) if result.published else _('not published')}**"
    )
    if result.comparison == DIFFERS:
        st.warning(
            _(
                "**Disagreement:** the indicators give *{computed}*, the study published *{published}*. "
                "Check the assessments, or record why the study differs."
            ).format(computed=_(result.computed), published=_(result.published))
        )
    elif result.comparison == NOT_COMPARABLE:
        st.info(
            _(
                "The published classification (*{published}*) cannot be checked yet: too few cluster-defining indicators are assessed."
            ).format(published=_(result.published))
        )
    elif result.comparison == AGREES:
        st.success(_("The computed classification agrees with the published one."))
    if result.published_note:
        st.caption(
            _("Published:")
            + f" {md(data_text(result.published_note))} — {md(data_text(ds.citation(result.published_source)))}"
        )
    st.markdown("**" + _("Why") + "**")
    reasons, to_move_up = explain(
        result, ds.rules, translator(), lambda i: indicator_name(i, result.indicator_names.get(i))
    )
    for reason in reasons:
        st.markdown(f"- {md(reason)}")
    settle = _("What would settle it") if result.computed == INSUFFICIENT else _("What would move it up")
    st.markdown(f"**{settle}:** {md(to_move_up)}")

st.subheader(_("Indicators by pillar"))
per_pillar = data.cluster_gaps([cid], list(INDICATOR_GROUPS))
tab_labels = {g: _(label) for g, label in INDICATOR_GROUPS.items()}
# Opened from a gap matrix cell (or a link with ``pillar=``): at that pillar.
tabs = st.tabs(list(tab_labels.values()), default=tab_labels.get(state.pillar))
for tab, group in zip(tabs, INDICATOR_GROUPS):
    with tab:
        row = per_pillar[per_pillar["pillar"] == group]
        if not row.empty and group in PILLARS:
            st.caption(gap_label(row.iloc[0]["gap"], row.iloc[0]["coverage"], translator()))
        evidence_list(evidence_checklist(atlas, data, cid, [group]).drop(columns=["Pillar"]))

st.subheader(_("Change since the previous round"))
previous = page.compare_picker(ds, state.round)
if previous is None:
    st.caption(_("This is the first round of its kind: nothing to compare yet."))
else:
    before = get_view(atlas, state, round_id=previous)
    gap_changes = cluster_gap_changes(data, before, state.pillars).set_index("cluster_id")
    gap_change = gap_changes.loc[cid]
    st.markdown(
        _("Since **{round}**, chosen pillars: **{change}** (coverage {before} → {now}).").format(
            round=md(data_text(ds.rounds.set_index("round_id").at[previous, "name"])),
            change=row_change_label(gap_changes, cid, translator()),
            before=f"{gap_change['coverage_before']:.0%}",
            now=f"{gap_change['coverage_now']:.0%}",
        )
    )
    changed = status_changes(data, before, only_changed=True)
    changed = changed[changed["cluster_id"] == cid]
    if changed.empty:
        st.caption(_("No indicator of this cluster changed status."))
    else:
        english = ds.indicators.set_index("indicator_id")["name"]
        indicators = names("indicator", changed["indicator_id"], english.get)
        st.dataframe(
            shown_table(
                pd.DataFrame(
                    {
                        "Indicator": changed["indicator_id"].map(indicators),
                        "Before": changed["status_before"],
                        "Now": changed["status_now"],
                        "Source now": changed["source_now"].map(lambda x: ds.citation(x) if x else "—"),
                        "Note": changed["note_now"],
                    },
                ),
                ("Before", "Now"),
            ),
            hide_index=True,
            width="stretch",
        )

st.markdown("#### " + _("One indicator across the rounds"))
overview.history_strip(atlas, state, cid)

linkage_views.cluster_section(data, cid)

st.subheader(_("Local people in the workforce"))
grid = participation_grid(ds, cid)
known = grid[grid["known"]]
if known.empty:
    st.info(
        _(
            "No published figure: the share of local people at every job and skill level is **unknown** for this cluster."
        )
    )
# The breakdown's words are the vocabulary's (message ids); a share is shown from its number, unknown as unknown.
grid = grid.assign(dimension=grid["dimension"].map(_), level=grid["level"].map(_))
chart_data = grid.assign(
    share=grid["local_share_pct"].fillna(0),
    shown=grid["local_share_pct"].map(lambda v: _("unknown") if pd.isna(v) else f"{v:g}%"),
)
bars = (
    alt.Chart(chart_data)
    .mark_bar()
    .encode(
        y=alt.Y("level:N", sort=list(grid["level"]), title=None),
        x=alt.X("share:Q", title=_("Local people, % of posts"), scale=alt.Scale(domain=[0, 100])),
        color=alt.condition("datum.known", alt.value("#1f77b4"), alt.value("transparent")),
        tooltip=["dimension", "level", "shown", "source"],
    )
)
labels = (
    alt.Chart(chart_data)
    .mark_text(align="left", dx=4)
    .encode(
        y=alt.Y("level:N", sort=list(grid["level"])),
        x="share:Q",
        text="shown:N",
        color=alt.condition("datum.known", alt.value("#111111"), alt.value("#888888")),
    )
)
chart = (
    (bars + labels)
    .facet(
        row=alt.Row("dimension:N", title=None, header=alt.Header(labelFontSize=15, labelFontWeight="bold"))
    )
    .resolve_scale(y="independent")
    .configure_axis(labelFontSize=14, titleFontSize=14, labelLimit=260)
    .configure_text(fontSize=14)
)
st.altair_chart(chart, width="stretch")
# A static table wraps long notes; an interactive grid cut them off.
st.table(
    shown_table(
        readable(grid[["dimension", "level", "display", "source", "note"]]).rename(
            columns={
                "dimension": "Dimension",
                "level": "Level",
                "display": "Local share",
                "source": "Source",
                "note": "Note",
            }
        ),
        ("Local share",),  # dimension and level are worded above by message id; source and note are data
    )
)

st.subheader(_("Evidence"))
items = evidence_items(ds, [cid])
if items.empty:
    st.write(_("No evidence item mentions this cluster yet."))
unstated, tr = _("speaker not stated"), translator()
for item in items.itertuples():
    st.markdown(
        f"> {md(data_text(item.statement))}\n\n— {md(data_text(item.speaker) or unstated)}"
        f" · *{md(tr.group(item.stakeholder_group))}*"
        f" · {md(tr.pillar_list(item.pillar_list))}"
        f" · {md(data_text(item.source))}"
    )

page.end(atlas, state, "clusters")
