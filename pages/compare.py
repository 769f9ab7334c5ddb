"""Compare: two to five districts or clusters side by side, per pillar."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from cluster_model.scoring import gap_label
from ui import page
from ui import state as view
from ui.chrome import illustrative_banner
from ui.data_view import get_view
from ui.i18n import _, name, translator

MIN_ITEMS, MAX_ITEMS = 2, 5


def most_assessed(scores: pd.DataFrame, options: list[str], n: int) -> list[str]:
    """The ``n`` options with the most assessed indicator values (ties in the options' order)."""
    assessed = scores.groupby("item")["n_assessed"].sum().reindex(options).fillna(0)
    order = sorted(range(len(options)), key=lambda i: -assessed.iloc[i])
    return [options[i] for i in order[:n]]


atlas, state = page.start()
ds = atlas.dataset

st.title(_("Compare"))
illustrative_banner(ds, state.round)


def kind_chosen(kind: str) -> str:
    state.compare = []  # districts and clusters are different lists: start afresh
    return kind


view.bound(
    st.radio,
    "w_compare_kind",
    state,
    "compare_kind",
    to_state=kind_chosen,
    label=_("Compare"),
    options=view.COMPARE_KINDS,
    format_func=lambda k: _("Districts") if k == "districts" else _("Clusters"),
    horizontal=True,
)
kind = state.compare_kind

data = get_view(atlas, state)
cluster_ids = data.cluster_ids
if kind == "districts":
    scores = data.district_scores(per_pillar=True, every_district=True).rename(columns={"district": "item"})
    options = sorted(scores["item"].unique())

    def label(d: str) -> str:
        return name("district", d)

else:
    scores = data.cluster_gaps().rename(columns={"cluster_id": "item"})
    options = cluster_ids

    def label(c: str) -> str:
        return name("cluster", c, ds.cluster_name(c))


# Open on the two with the most assessed values, not on two that are unknown on every pillar.
state.compare = [o for o in state.compare if o in options] or most_assessed(scores, options, 2)
view.bound(
    st.multiselect,
    "w_compare",
    state,
    "compare",
    label=(
        _("Choose {low} to {high} districts") if kind == "districts" else _("Choose {low} to {high} clusters")
    ).format(low=MIN_ITEMS, high=MAX_ITEMS),
    options=options,
    format_func=label,
    max_selections=MAX_ITEMS,
)
chosen = state.compare


def draw_comparison(scores: pd.DataFrame, chosen: list[str], label, kind: str, pillars: list[str]) -> None:
    data = scores[scores["item"].isin(chosen)].copy()
    data["name"] = data["item"].map(label)
    data["Pillar"] = data["pillar"].map(translator().pillar)
    data["known"] = data["gap"].notna()
    data["bar"] = data["gap"].fillna(0)
    data["text"] = [gap_label(g, c, translator()) for g, c in zip(data["gap"], data["coverage"])]

    order = [label(c) for c in chosen]
    # Horizontal bars, one small chart per pillar: long names and "not assessed" labels stay readable.
    base = alt.Chart(data).encode(
        y=alt.Y("name:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
        tooltip=["name", "Pillar", "text"],
    )
    bars = base.mark_bar(height=16).encode(
        x=alt.X(
            "bar:Q",
            title=_("Gap (0 = every assessed indicator present, 1 = all absent)"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=alt.Color("name:N", title=None, sort=order, legend=None),
        opacity=alt.condition("datum.known", alt.value(1), alt.value(0)),
    )
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        x="bar:Q",
        text="text:N",
        color=alt.condition("datum.known", alt.value("#222222"), alt.value("#777777")),
    )
    chart = (
        (bars + labels)
        .properties(width=520, height=26 * len(chosen))
        .facet(
            row=alt.Row(
                "Pillar:N",
                sort=[translator().pillar(p) for p in pillars],
                title=None,
                header=alt.Header(
                    labelAngle=0,
                    labelAlign="left",
                    labelAnchor="start",
                    labelOrient="top",
                    labelFontSize=14,
                    labelFontWeight="bold",
                ),
            ),
        )
    )
    st.altair_chart(chart, width="content")
    st.caption(
        _("Bars are absent where nothing is assessed: that is unknown, not zero. Coverage is in the table.")
    )

    table = data.pivot(index="name", columns="Pillar", values="text").reindex(
        index=[label(c) for c in chosen], columns=[translator().pillar(p) for p in pillars]
    )
    first = _("District") if kind == "districts" else _("Cluster")
    st.dataframe(table.rename_axis(first).reset_index(), hide_index=True, width="stretch")


if len(chosen) < MIN_ITEMS:
    st.info(
        (
            _("Choose at least {n} districts to compare.")
            if kind == "districts"
            else _("Choose at least {n} clusters to compare.")
        ).format(n=MIN_ITEMS)
    )
else:
    draw_comparison(scores, chosen, label, kind, state.pillars)

page.end(atlas, state, "compare", has_map=False)
