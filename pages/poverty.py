"""Where gaps meet poverty: which cluster districts are also the poorest?"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from cluster_model import context as cx
from cluster_model.scoring import district_gaps
from ui import page
from ui.chart_labels import PLACES, place_labels
from ui.chrome import illustrative_banner, show_issues
from ui.context_access import get_context
from ui.context_view import md, unit_name
from ui.data_view import get_view
from ui.i18n import _, data_text, name, shown_table, translator

atlas, state = page.start()
ds = atlas.dataset
st.title(_("Where gaps meet poverty"))
st.caption(
    _(
        "Each point is a district with at least one of the chosen clusters: its cluster gap (chosen pillars) against its "
        "2018 poverty rate, the bar its 95% interval, the size its number of poor. Districts whose clusters are not "
        "assessed stay on the left as unknown — never as a zero gap. Poverty is district context, never part of the gap."
    )
)
illustrative_banner(ds, state.round)

ctx = get_context(atlas)
if ctx.issues:
    st.markdown("**" + _("District context data problems") + "**")
    show_issues(ctx.issues)
if not ctx.available or "poverty_rate_2018" not in set(ctx.indicators["indicator_id"]):
    st.error(
        _(
            "The 2018 poverty figures cannot be shown (see the problems above); the other pages work as before."
        )
    )
    page.end(atlas, state, "poverty")
    st.stop()

data = get_view(atlas, state)
cluster_ids = data.cluster_ids
sites = atlas.sites[atlas.sites["cluster_id"].isin(cluster_ids)]
unit_gaps = district_gaps(data.matrix_for(cluster_ids), cx.sites_by_unit(ctx, sites), ds.rules, state.pillars)
frame = cx.gaps_meet_poverty(ctx, unit_gaps)
meta = ctx.indicator("poverty_rate_2018")

known = frame[frame["gap_known"]]
st.info(
    _(
        "**{n}** districts hold the chosen clusters; the gap is assessed in **{known}** of them, "
        "unknown in **{unknown}**. Pillars:"
    ).format(n=len(frame), known=len(known), unknown=len(frame) - len(known))
    + " "
    + ", ".join(translator().pillar(p) for p in state.pillars)
    + "."
)


plot = frame.assign(
    label=[
        name("district", u) if len(d) == 1 else data_text(u)
        for u, d in zip(frame["unit"], frame["districts"])
    ],
    gap_text=[(_("not assessed") if pd.isna(g) else f"{g:.2f}") for g in frame["gap"]],
    coverage_text=[_("{share} of indicators assessed").format(share=f"{c:.0%}") for c in frame["coverage"]],
    clusters_text=[", ".join(name("cluster", c, ds.cluster_name(c)) for c in cs) for cs in frame["clusters"]],
    # Unknown stays unknown (honest data): no size stands in for it, the tooltip and the marker say so.
    poor=frame["poor_1000"],
    poor_known=frame["poor_1000"].notna(),
    poor_text=[_("unknown") if pd.isna(p) else f"{p:,.0f}" for p in frame["poor_1000"]],
)
y_scale = alt.Scale(domain=[0, max(70, float(plot["ci_high"].max() or 0))])
y = alt.Y("poverty_rate:Q", title=_("Poverty rate 2018 (provisional, %)"), scale=y_scale)
size = alt.Size(
    "poor:Q",
    title=_("Number of poor (1,000s)"),
    scale=alt.Scale(range=[30, 900]),
    legend=alt.Legend(orient="bottom", direction="horizontal"),
)
tooltip = [
    alt.Tooltip("label:N", title=_("District (survey unit)")),
    alt.Tooltip("gap_text:N", title=_("Cluster gap")),
    alt.Tooltip("coverage_text:N", title=_("Coverage")),
    alt.Tooltip("poverty_rate:Q", format=".1f", title=_("Poverty %")),
    alt.Tooltip("ci_low:Q", format=".1f", title=_("95% low")),
    alt.Tooltip("ci_high:Q", format=".1f", title=_("95% high")),
    alt.Tooltip("poor_text:N", title=_("Poor (1,000s)")),
    alt.Tooltip("clusters_text:N", title=_("Clusters")),
]
# One chart that fits the column (#24 item 12): the districts whose gap is unknown stand in their own
# column left of the gap axis, never at a gap of 0; legends below; names placed so none covers another.
interval_y = alt.Y("ci_low:Q", title=_("Poverty rate 2018 (provisional, %)"), scale=y_scale)
X_UNKNOWN, X_SPLIT, X_DOMAIN, PLOT_HEIGHT = -0.32, -0.14, [-0.55, 1.3], 440
y_top = y_scale.domain[1]
plot = plot.assign(x=plot["gap"].where(plot["gap_known"], X_UNKNOWN)).sort_values(
    "poverty_rate", ascending=False
)
plot["place"] = place_labels(
    [
        (
            (x - X_DOMAIN[0]) / (X_DOMAIN[1] - X_DOMAIN[0]),
            PLOT_HEIGHT * (1 - rate / y_top) if pd.notna(rate) else None,  # no rate: no point, no name
            label,
        )
        for x, rate, label in zip(plot["x"], plot["poverty_rate"], plot["label"])
    ]
)
x = alt.X(
    "x:Q",
    title=_("Cluster gap, chosen pillars (0 = none, 1 = all absent)"),
    scale=alt.Scale(domain=X_DOMAIN, nice=False),
    axis=alt.Axis(values=[0, 0.2, 0.4, 0.6, 0.8, 1.0]),
)
chart = alt.Chart(plot)
assessed = chart.transform_filter(alt.datum.gap_known)
unknown = chart.transform_filter(~alt.datum.gap_known)
# A null size would drop the point (Vega-Lite filters invalid values): sized points only where the count is known.
sized = alt.datum.poor_known
POOR_UNKNOWN_SIZE = 160
headers = (
    alt.Chart(
        alt.Data(values=[{"x": X_UNKNOWN, "text": _("Gap unknown")}, {"x": 0.5, "text": _("Gap assessed")}])
    )
    .mark_text(fontSize=12, fontWeight="bold", dy=-8, color="#444")
    .encode(x=x, y=alt.datum(y_top), text="text:N")
)
split = alt.Chart(alt.Data(values=[{"x": X_SPLIT}])).mark_rule(color="#999", strokeDash=[4, 3]).encode(x=x)
layers = [
    split,
    headers,
    unknown.mark_rule(color="#bbb").encode(x=x, y=interval_y, y2="ci_high:Q"),
    assessed.mark_rule(color="#777").encode(x=x, y=interval_y, y2="ci_high:Q"),
    unknown.transform_filter(sized)
    .mark_point(shape="circle", filled=False, color="#616161", strokeDash=[3, 2])
    .encode(x=x, y=y, size=size, tooltip=tooltip),
    chart.transform_filter(~sized)
    .mark_point(shape="diamond", filled=False, size=POOR_UNKNOWN_SIZE, color="#333", strokeWidth=1.5)
    .encode(x=x, y=y, tooltip=tooltip),
    assessed.transform_filter(sized)
    .mark_circle(opacity=0.8, stroke="#333", strokeWidth=0.5)
    .encode(
        x=x,
        y=y,
        size=size,
        tooltip=tooltip,
        color=alt.Color(
            "coverage:Q",
            title=_("Coverage (share assessed)"),
            scale=alt.Scale(scheme="blues", domain=[0, 1]),
            legend=alt.Legend(orient="bottom", direction="horizontal"),
        ),
    ),
]
layers += [
    chart.transform_filter(alt.datum.place == spot.name)
    .mark_text(align=spot.align, dx=spot.dx, dy=spot.dy, fontSize=11, baseline="middle")
    .encode(
        x=x,
        y=y,
        text="label:N",
        color=alt.condition(alt.datum.gap_known, alt.value("#222"), alt.value("#616161")),
    )
    for spot in PLACES
]
st.altair_chart(
    alt.layer(*layers).properties(
        height=PLOT_HEIGHT,
        # The width follows the column; the height is the plot's (Streamlit's default "fit" would shrink it).
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    ),
    width="stretch",
)
if not plot["poor_known"].all():
    st.caption(_("A hollow diamond: the number of poor is unknown (drawn at one size, never as none)."))
if plot["place"].isna().any():
    st.caption(_("Names left off where they would cover another: hover a point, or see the table below."))
st.caption(
    _("Poverty:")
    + f" {md(data_text(meta['source']))}, {int(meta['year'])}. {md(data_text(cx.CONTEXT_CREDIT))}. "
    + _(
        "Karachi City is one survey unit: its point "
        "stands for the seven Karachi districts together, with the gap over all their clusters. Karachi's estimate has "
        "no stated interval (upstream MSE 0)."
    )
)

table = pd.DataFrame(
    {
        "District (survey unit)": [unit_name(u, d) for u, d in zip(frame["unit"], frame["districts"])],
        "Clusters": plot["clusters_text"],
        "Cluster gap": plot["gap_text"],
        "Coverage": [f"{c:.0%}" for c in frame["coverage"]],
        "Poverty rate 2018 (%)": frame["poverty_rate"].round(1),
        "95% interval": [
            "" if pd.isna(lo) else f"{lo:.1f}–{hi:.1f}" for lo, hi in zip(frame["ci_low"], frame["ci_high"])
        ],
        "Number of poor (1,000s)": plot["poor_text"],
        "Source": data_text(meta["source"]),
    }
)
st.subheader(_("Cluster districts, poorest first"))
shown = shown_table(table, vocabulary=())
# Widths (px) that fit the main column at 1280: the long texts (clusters, source) are cut, not the figures (#24 item 12).
TABLE_WIDTHS = (150, 110, 85, 72, 120, 85, 125, 60)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={c: st.column_config.Column(width=w) for c, w in zip(shown.columns, TABLE_WIDTHS)},
)

page.end(atlas, state, "poverty")
