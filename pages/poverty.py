"""Where gaps meet poverty: which cluster districts are also the poorest?"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from cluster_model import context as cx
from cluster_model.scoring import district_gaps
from ui import page
from ui.chrome import illustrative_banner, show_issues
from ui.context_access import get_context
from ui.context_view import md
from ui.data_view import get_view
from ui.i18n import _, data_text, name, table_in_language, translator

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
    label=frame["unit"],
    gap_text=[(_("not assessed") if pd.isna(g) else f"{g:.2f}") for g in frame["gap"]],
    coverage_text=[_("{share} of indicators assessed").format(share=f"{c:.0%}") for c in frame["coverage"]],
    clusters_text=[", ".join(name("cluster", c, ds.cluster_name(c)) for c in cs) for cs in frame["clusters"]],
    poor=frame["poor_1000"].fillna(0),
)
y_scale = alt.Scale(domain=[0, max(70, float(plot["ci_high"].max() or 0))])
y = alt.Y("poverty_rate:Q", title=_("Poverty rate 2018 (provisional, %)"), scale=y_scale)
size = alt.Size("poor:Q", title=_("Number of poor (1,000s)"), scale=alt.Scale(range=[30, 900]))
tooltip = [
    alt.Tooltip("label:N", title=_("District (survey unit)")),
    alt.Tooltip("gap_text:N", title=_("Cluster gap")),
    alt.Tooltip("coverage_text:N", title=_("Coverage")),
    alt.Tooltip("poverty_rate:Q", format=".1f", title=_("Poverty %")),
    alt.Tooltip("ci_low:Q", format=".1f", title=_("95% low")),
    alt.Tooltip("ci_high:Q", format=".1f", title=_("95% high")),
    alt.Tooltip("poor_1000:Q", format=",.0f", title=_("Poor (1,000s)")),
    alt.Tooltip("clusters_text:N", title=_("Clusters")),
]
assessed = alt.Chart(plot[plot["gap_known"]])
interval_y = alt.Y("ci_low:Q", title=_("Poverty rate 2018 (provisional, %)"), scale=y_scale)
right = (
    assessed.mark_rule(color="#777").encode(
        x=alt.X(
            "gap:Q",
            title=_("Cluster gap, chosen pillars (0 = none, 1 = all absent)"),
            scale=alt.Scale(domain=[-0.05, 1.3]),  # room for the names at 1
            axis=alt.Axis(values=[0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        ),
        y=interval_y,
        y2="ci_high:Q",
    )
    + assessed.mark_circle(opacity=0.8, stroke="#333", strokeWidth=0.5).encode(
        x="gap:Q",
        y=y,
        size=size,
        tooltip=tooltip,
        color=alt.Color(
            "coverage:Q", title=_("Coverage (share assessed)"), scale=alt.Scale(scheme="blues", domain=[0, 1])
        ),
    )
    + assessed.mark_text(align="left", dx=8, fontSize=11).encode(x="gap:Q", y=y, text="label:N")
).properties(width=520, height=440, title=_("Gap assessed"))
unknown = alt.Chart(plot[~plot["gap_known"]].assign(x=_("not assessed")))
left = (
    unknown.mark_rule(color="#bbb").encode(x=alt.X("x:N", title=None), y=interval_y, y2="ci_high:Q")
    + unknown.mark_point(shape="circle", filled=False, color="#616161", strokeDash=[3, 2]).encode(
        x=alt.X("x:N", title=None), y=y, size=size, tooltip=tooltip
    )
    + unknown.mark_text(align="left", dx=8, fontSize=10, color="#616161").encode(x="x:N", y=y, text="label:N")
).properties(width=150, height=440, title=_("Gap unknown"))
st.altair_chart(alt.hconcat(left, right).resolve_scale(y="shared"), width="content")
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
        "District (survey unit)": [cx.unit_label(u, d) for u, d in zip(frame["unit"], frame["districts"])],
        "Clusters": plot["clusters_text"],
        "Cluster gap": plot["gap_text"],
        "Coverage": [f"{c:.0%}" for c in frame["coverage"]],
        "Poverty rate 2018 (%)": frame["poverty_rate"].round(1),
        "95% interval": [
            "" if pd.isna(lo) else f"{lo:.1f}–{hi:.1f}" for lo, hi in zip(frame["ci_low"], frame["ci_high"])
        ],
        "Number of poor (1,000s)": frame["poor_1000"].round(0),
        "Source": meta["source"],
    }
)
st.subheader(_("Cluster districts, poorest first"))
st.dataframe(table_in_language(table), hide_index=True, width="stretch")

page.end(atlas, state, "poverty")
