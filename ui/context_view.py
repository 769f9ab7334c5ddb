"""The Atlas page's "District context" view: one public figure per district, beside (never in) the gaps.

Called from pages/atlas.py in a few lines; everything it decides comes from
cluster_model.context, everything it draws from geo.context_map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from cluster_model import context as cx
from cluster_model.markup import md
from geo.atlas_map import clicked_district
from geo.boundaries import boundaries_province
from geo.context_map import build_context_map
from ui import page
from ui import state as view
from ui.chrome import show_issues
from ui.data_access import AtlasData
from ui.data_view import get_view
from ui.i18n import (
    N_,
    _,
    context_label,
    data_text,
    name,
    names,
    shown_table,
    translator,
)

if TYPE_CHECKING:
    import altair as alt

GAPS, CONTEXT = N_("Cluster gaps"), N_("District context")
# The view state's (and the link's) name for each layer: ui.state.LAYERS.
LAYER_OF_LABEL = {GAPS: "gaps", CONTEXT: "context"}

LAYER_KEY, INDICATOR_KEY = "w_atlas_layer", "w_context_indicator"
DEFAULT_INDICATOR = "adult_literacy"


def layer_switch(state: view.ViewState) -> str:
    """The map's two kinds of evidence; the choice is the view state's, so it stays for the session and in the link."""
    # The options are the labels in the page's language (AppTest cannot read a radio's format_func).
    label_of = {layer: _(label) for label, layer in LAYER_OF_LABEL.items()}
    layer_of = {shown: layer for layer, shown in label_of.items()}
    view.bound(
        st.radio,
        LAYER_KEY,
        state,
        "layer",
        to_state=layer_of.get,
        from_state=label_of.get,
        label=_("Show"),
        options=list(label_of.values()),
        horizontal=True,
        help=_(
            "Cluster gaps: the dialogue's indicators for the clusters. District context: public figures "
            "about the whole district (World Bank Data4Pakistan); they never change a gap score."
        ),
    )
    return CONTEXT if state.layer == "context" else GAPS


def _group_label(group: str) -> str:
    """A context figure's group, by its id: the pillar it informs, or the welfare context (no pillar)."""
    return _("Welfare context (poverty)") if group == cx.WELFARE else translator().pillar(group)


def pick_indicator(figures: cx.ContextFigures, state: view.ViewState) -> str:
    """An indicator, grouped by the pillar it informs; the choice is the view state's ``figure``."""
    options = figures.data.grouped_options()
    labels = {i: f"{_group_label(group)} · {context_label(i, label)}" for group, i, label in options}
    ids = [i for _, i, _ in options]
    if state.figure not in ids:
        if state.figure is not None:  # from a link, or gone from the files since
            st.warning(md(view.ignored_notice("figure", [state.figure])))
        state.figure = DEFAULT_INDICATOR if DEFAULT_INDICATOR in ids else ids[0]
    view.bound(
        st.selectbox,
        INDICATOR_KEY,
        state,
        "figure",
        label=_("District figure (grouped by the pillar it informs)"),
        options=ids,
        format_func=labels.get,
    )
    return state.figure


def trend_chart(
    figures: cx.ContextFigures, indicator_id: str, unit: str, province: str | None
) -> alt.Chart | None:
    import altair as alt  # here, not at import: the Atlas's first screen draws no chart (issue #14)

    data = cx.trend(figures.data, indicator_id, unit, province)
    if data["year"].nunique() < 2:
        return None
    average = _("provincial average")
    shown_unit = name("district", unit)  # a survey unit: a district's name, or marked [en] (Karachi City)
    data["series"] = data["series"].replace({"district": shown_unit, "provincial average": average})
    meta = figures.indicator(indicator_id)
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=data_text(str(meta["unit"])), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[shown_unit, average], range=["#045a8d", "#999999"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["series", "year", alt.Tooltip("value:Q", format=".1f")],
        )
        .properties(
            height=170,
            title=f"{context_label(indicator_id, meta['label'])}, {cx.TREND_YEARS[0]}–{cx.TREND_YEARS[1]}",
            # Streamlit's default "fit" puts title, axes and legend inside the 170 px, which left the plot
            # 0 px tall (#24 item 2): fit the width only, the height is the plot's.
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
    )


def _take_click(clicked: str | None, state: view.ViewState) -> None:
    if clicked and clicked != st.session_state.get("_last_context_click"):
        st.session_state["_last_context_click"] = clicked
        state.district = clicked


def district_panel(
    figures: cx.ContextFigures, indicator_id: str, table: pd.DataFrame, district: str, province: str | None
) -> None:
    meta = figures.indicator(indicator_id)
    label = context_label(indicator_id, meta["label"])
    st.markdown(f"### {md(name('district', district))}")
    row = table.loc[district] if district in table.index else None
    if row is None or not isinstance(row["unit"], str):
        st.warning(
            _(
                "No survey unit of the context files is matched to {district}: no figure (see the problems listed above)."
            ).format(district=md(name("district", district)))
        )
        return
    if row["shared_with"] > 1:
        st.info(
            _(
                "Figure for **{unit}** — the surveys treat Karachi as one unit: "
                "one figure for these districts together, not a measurement of each."
            ).format(unit=md(data_text(cx.unit_label(row["unit"], row["districts"]))))
        )
    elif row["unit"] != district:
        st.caption(_("Survey unit:") + f" {md(data_text(row['unit']))}")
    if pd.isna(row["value"]):
        st.metric(f"{md(label)} ({int(meta['year'])})", _("no figure"))
    else:
        st.metric(
            f"{md(label)} ({int(meta['year'])})",
            cx.format_value(row["value"], str(meta["unit"])),
            help=data_text(figures.data.definition(indicator_id)) or None,
        )
        st.write(
            _(
                "Rank **{rank} of {n}** in {province} (1 = best; {direction}). "
                "Provincial average: **{average}** (unweighted mean of the {n} districts' figures)."
            ).format(
                rank=int(row["rank"]),
                n=int(row["n_ranked"]),
                province=md(name("province", row["province"], row["province"])),  # by the data's key
                direction=_("higher is better") if meta["direction"] == "positive" else _("higher is worse"),
                average=cx.format_value(row["province_average"], str(meta["unit"])),
            )
        )
        if not pd.isna(row.get("ci_low")):
            st.write(
                _("95% interval: {low} – {high} (from the estimate's mean squared error).").format(
                    low=cx.format_value(row["ci_low"], str(meta["unit"])),
                    high=cx.format_value(row["ci_high"], str(meta["unit"])),
                )
            )
        elif meta["column"] == "povrate":
            st.write(
                _("95% interval: none can be stated — the upstream file gives this estimate an MSE of 0.")
            )
    st.caption(
        _("Year {year}. Source: {source}.").format(
            year=int(meta["year"]), source=md(data_text(meta["source"]))
        )
        + f" {md(data_text(cx.CONTEXT_CREDIT))}."
    )
    chart = trend_chart(figures, indicator_id, row["unit"], province)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    if indicator_id != "poverty_rate_2018" and figures.has("poverty_rate_2018"):
        pov = figures.table("poverty_rate_2018", [district]).iloc[0]
        if not pd.isna(pov["value"]):
            interval = (
                _("no interval (upstream gives an MSE of 0)")
                if pd.isna(pov["ci_low"])
                else _("95% interval {low}–{high}%").format(
                    low=f"{pov['ci_low']:.1f}", high=f"{pov['ci_high']:.1f}"
                )
            )
            st.write(
                _("Poverty rate 2018 (provisional): **{value}%**, {interval}.").format(
                    value=f"{pov['value']:.1f}", interval=interval
                )
            )
    with st.expander(_("Every district figure here, with year and source")):
        st.dataframe(district_figures_table(figures, district), hide_index=True, width="stretch")


def unit_name(unit: str, districts: list[str]) -> str:
    """A survey unit by its district's name (data/names.csv); a unit standing for several says so."""
    if len(districts) > 1:
        return _("{unit} (one figure for {n} districts together: {districts})").format(
            unit=data_text(unit),
            n=len(districts),
            districts=", ".join(names("district", sorted(districts)).values()),
        )
    return name("district", unit)


def district_figures_table(figures: cx.ContextFigures, district: str) -> pd.DataFrame:
    """Every figure of one district for the page: figures and survey units named by id, the group and
    "no figure" by message id, the rank worded by message id; values, intervals and sources as data."""
    rows = figures.rows(district)
    if rows.empty:
        return shown_table(rows)

    def shown(text):  # cx.format_value: "no figure" is a word, a figure is a number with its unit (data)
        return _(text) if text == "no figure" else text

    table = pd.DataFrame(
        {
            "pillar": [_(cx.CONTEXT_GROUPS[g]) for g in rows["group_id"]],
            "indicator": [context_label(i, e) for i, e in zip(rows["indicator_id"], rows["indicator"])],
            "value": rows["value"],
            "shown as": rows["shown as"].map(shown),
            "unit": rows["unit"],
            "year": rows["year"],
            "rank in province": [
                "" if pd.isna(r) else _("{n} of {total}").format(n=int(r), total=int(n))
                for r, n in zip(rows["rank"], rows["n_ranked"])
            ],
            "provincial average": rows["provincial average"].map(shown),
            "95% interval": rows["95% interval"],
            "survey unit": [unit_name(u, d) if u else "" for u, d in zip(rows["unit_id"], rows["districts"])],
            "source": rows["source"],
        }
    )
    return shown_table(table, vocabulary=())


def unit_ranking(figures: cx.ContextFigures, indicator_id: str) -> pd.DataFrame:
    """Survey units ranked, each listed once (Karachi City once, with the districts it covers), for the page:
    units, districts, the province and the figure named by key, words by message id, sources as data."""
    meta = figures.indicator(indicator_id)
    units = figures.units(indicator_id).sort_values(["province", "rank"])
    unit = str(meta["unit"])
    table = shown_table(
        pd.DataFrame(
            {
                "Rank": units["rank"],
                "District (survey unit)": [name("district", u) for u in units["unit"]],
                "Boundary districts covered": units["districts"].map(
                    lambda d: ", ".join(names("district", sorted(d)).values()) if d else _("none matched")
                ),
                "Year": units["year"],
                "Province": [name("province", p, p) for p in units["province"]],
                "Source": meta["source"],
            }
        ),
        vocabulary=(),
    )
    # The figure's own column, headed by its label looked up by id (a header from data, not a message id).
    values = units["value"].map(
        lambda v: _("no figure") if pd.isna(v) else data_text(cx.format_value(v, unit))
    )
    table.insert(3, context_label(indicator_id, meta["label"]), list(values))
    return table


def show(atlas: AtlasData, state: view.ViewState) -> None:
    """The whole District context view: picker, map, district panel, ranking, credit."""
    figures = get_view(atlas, state).context
    st.caption(
        _(
            "Public figures about each district as a whole — poverty, literacy, labour, infrastructure — from World Bank "
            "Data4Pakistan estimates based on PBS surveys. They are context beside the cluster gaps: estimates with "
            "sampling error, years old, and never part of a gap score (see Methods)."
        )
    )
    if figures.issues:
        st.markdown("**" + _("District context data problems") + "**")
        show_issues(figures.issues)
    if not figures.available:
        st.error(
            _(
                "No district context figure can be shown: the context files could not be used (details above). "
                "The Cluster gaps view and the other pages work as before."
            )
        )
        return
    indicator_id = pick_indicator(figures, state)
    meta = figures.indicator(indicator_id)
    province = boundaries_province()
    sector_ids = state.sectors or list(atlas.dataset.clusters["cluster_id"])
    sites = atlas.sites[atlas.sites["cluster_id"].isin(sector_ids)]
    map_col, panel_col = st.columns([3, 2], gap="medium")
    with map_col:
        if atlas.districts is None:
            st.error(
                _(
                    "The map cannot be drawn: the boundary file {file} could not be used (details above). "
                    "Tables below still work."
                ).format(file=md(atlas.boundary_file.name))
            )
            table = figures.table(indicator_id)
        else:
            _take_click(clicked_district(st.session_state.get("context_map")), state)
            base, styles, table = build_context_map(
                atlas.districts,
                sites,
                figures,
                indicator_id,
                selected=state.district,
                basemap=state.basemap,
                tr=translator(),
            )
            _take_click(
                clicked_district(
                    st_folium(
                        base,
                        key="context_map",
                        feature_group_to_add=styles,
                        returned_objects=["last_active_drawing"],
                        height=620,
                        use_container_width=True,
                        render=False,
                    )
                ),
                state,
            )
        st.caption(
            f"{md(context_label(indicator_id, meta['label']))}, {int(meta['year'])} — {md(data_text(meta['unit']))}. "
            + _("Source:")
            + f" {md(data_text(meta['source']))}. {md(data_text(cx.CONTEXT_CREDIT))}. "
            + _("Grey: no figure.")
        )
    with panel_col:
        # No district chosen: none opened and none written to the link (#24 item 6), as in Cluster gaps.
        if state.district not in atlas.district_names:
            state.district = None
        page.district_picker(atlas, state, index=None, placeholder=_("Choose a district"))
        if state.district:
            district_panel(figures, indicator_id, table, state.district, province)
    st.subheader(
        _("Districts ranked by {figure}, {year}").format(
            figure=md(context_label(indicator_id, meta["label"]).lower()), year=int(meta["year"])
        )
    )
    st.caption(
        _("Each survey unit once: Karachi City is one figure for the seven Karachi districts together.")
    )
    st.dataframe(unit_ranking(figures, indicator_id), hide_index=True, width="stretch")


def export_indicator(figures: cx.ContextFigures) -> str | None:
    """The context figure the Export page's map snapshot shows: the Atlas's, when the Atlas shows District context."""
    state = view.session_view()
    if state is None or state.layer != "context" or not figures.available:
        return None
    return state.figure if state.figure in set(figures.indicators["indicator_id"]) else None
