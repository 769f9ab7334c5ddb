"""Methods & sources: the framework, the rules as they are read, provenance and licences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cluster_model import context, workshop
from cluster_model.markup import md
from cluster_model.vocabulary import INDICATOR_GROUPS, STAKEHOLDERS
from geo.boundaries import BOUNDARY_ATTRIBUTION
from ui import linkage_views, page, provenance
from ui.chrome import readable
from ui.context_access import get_context
from ui.data_access import shared_dir, store_url
from ui.i18n import (
    N_,
    _,
    draft_notice,
    indicator_name,
    local_names,
    names,
    shown_table,
    translator,
    untranslated_notice,
)

# Headers of the tables read from data/ (their files' columns), by message id for shown_table.
_FRAMEWORK_HEADERS = {
    "indicator_id": N_("Id"),
    "name": N_("Indicator"),
    "how_assessed": N_("How it is assessed"),
    "weight": N_("Weight"),
    "cluster_defining": N_("Cluster-defining"),
    "reference": N_("Reference"),
}
_ROUND_HEADERS = {
    "round_id": N_("Id"),
    "name": N_("Name"),
    "date": N_("Date"),
    "kind": N_("Kind"),
    "illustrative": N_("Illustrative"),
    "notes": N_("Notes"),
}
_SOURCE_HEADERS = {
    "source_id": N_("Id"),
    "citation": N_("Citation"),
    "title": N_("Title"),
    "kind": N_("Kind"),
    "date": N_("Date"),
    "location": N_("Location"),
    "note": N_("Note"),
}


def store_kind(url: str) -> str:
    """The kind of database, for people: never its address or path on the server."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    return {"sqlite": _("a SQLite database"), "postgresql": _("a PostgreSQL database")}.get(
        scheme, _("a database")
    )


atlas, state = page.start()
ds = atlas.dataset
rules = ds.rules

st.title(_("Methods & sources"))
# The Urdu and Sindhi texts and names are drafts until a native speaker reviews them: said in every language.
if notice := draft_notice(local_names().drafts):
    st.info(notice)
if notice := untranslated_notice():
    st.caption(notice)
st.markdown(
    _(
        "The atlas is the instrument the 2019 dialogue asked the **Industrial Cluster Centre of Knowledge (ICCK)** for: "
        "collect and disseminate evidence, assess institutes and linkages, and publish cluster indicators regularly. "
        "Every figure on screen comes from a source listed below or is shown as **not assessed / unknown**."
    )
)

st.header(_("Indicator framework"))
st.caption(
    _(
        "Kept by the ICCK in the atlas's indicator framework file. Grounded in the cluster literature (Porter; Schmitz's collective efficiency; "
        "UNIDO's cluster-development approach); neither source document lists its indicators."
    )
)
framework = ds.indicators.assign(group=ds.indicators["pillar"].map(INDICATOR_GROUPS))
for label in INDICATOR_GROUPS.values():
    rows = framework[framework["group"] == label]
    with st.expander(_(label) + " — " + _("{n} indicators").format(n=len(rows))):
        st.dataframe(
            shown_table(
                readable(
                    rows[["indicator_id", "name", "how_assessed", "weight", "cluster_defining", "reference"]]
                )
                .assign(name=rows["indicator_id"].map(indicator_name))
                .rename(columns=_FRAMEWORK_HEADERS),
                vocabulary=(),
            ),
            hide_index=True,
            width="stretch",
        )

st.header(_("Gap score"))
st.markdown(
    _(
        "For each cluster, or each district (all the clusters named there), the **gap** says how far the assessed indicators "
        "of the chosen pillars fall short: an indicator assessed *absent* counts fully, *partial* counts half, *present* not at all. "
        "Indicators that are **not assessed** are left out of the gap — they are unknown, not zero — and lower the **coverage** instead. "
        "With nothing assessed the gap is *not assessed*. A cluster with sites in two districts counts in both."
    )
)
st.latex(
    r"\text{gap} = \frac{\sum_{i \in \text{assessed}} w_i\, g(s_i)}{\sum_{i \in \text{assessed}} w_i}\qquad"
    r"\text{coverage} = \frac{\sum_{i \in \text{assessed}} w_i}{\sum_{i \in \text{scope}} w_i}"
)
st.table(
    pd.DataFrame(
        {_("Status"): [_(s) for s in rules.gap_value], _("g (gap value)"): list(rules.gap_value.values())}
    )
)
st.markdown(
    _(
        "Here *w* is an indicator's weight and *g* its gap value. A figure whose coverage is below "
        "**{share}** is flagged *low coverage*. The ICCK sets these values in the rules file of the atlas."
    ).format(share=f"{rules.low_coverage_warning:.0%}")
)

st.header(_("Cluster, potential cluster or agglomeration"))
st.markdown(
    _(
        "The HRD-cluster-poverty study classifies a sector by which cluster-defining indicators are present or absent. "
        "The atlas makes that rule explicit: it counts the cluster-defining indicators that are **missing** "
        "(absent counts 1, partial counts {partial}). With at most **{functional}** missing "
        "a sector is a *functional cluster*; with at most **{potential}**, a *potential cluster*; otherwise an *agglomeration*."
    ).format(
        partial=f"{rules.partial_counts_as_missing:g}",
        functional=f"{rules.functional_max_missing:g}",
        potential=f"{rules.potential_max_missing:g}",
    )
    + "\n\n"
    + _(
        "Indicators that are not assessed could go either way, so the rule is applied twice — as if they were all present, and all absent. "
        "If both give the same class, that is the result. If not, and fewer than "
        "**{n}** cluster-defining indicators are assessed, the result is *insufficient evidence*; otherwise the "
        "better class is shown as *provisional*, with its range."
    ).format(n=rules.min_assessed)
)
st.markdown(
    _(
        "The classification **published** by the HRD-cluster-poverty study is kept as a sourced fact and shown beside the computed one; "
        "where they differ, the Clusters page says so."
    )
)

st.markdown(workshop.methods_markdown(translator()))

st.header(_("Stakeholder groups and rounds"))
st.markdown(
    _("Evidence is tagged with the dialogue's four stakeholder groups (IGCA):")
    + " "
    + ", ".join(_(g) for g in STAKEHOLDERS.values())
    + "."
)
st.dataframe(
    shown_table(
        readable(ds.rounds[list(_ROUND_HEADERS)]).rename(columns=_ROUND_HEADERS), vocabulary=("Kind",)
    ),
    hide_index=True,
    width="stretch",
)

st.header(_("Where the data lives"))
st.markdown(
    _(
        "Assessments are kept in the ICCK's evidence database ({kind}). It was filled once from the ICCK's data files; "
        "since then every change is made on the **Data** page by a signed-in editor and appended to the history "
        "(who, when, old value, new value)."
    ).format(kind=store_kind(store_url()))
)

linkage_views.methods_section(atlas)

st.header(_("Sources"))
st.dataframe(
    shown_table(readable(ds.sources[list(_SOURCE_HEADERS)]).rename(columns=_SOURCE_HEADERS), vocabulary=()),
    hide_index=True,
    width="stretch",
)

st.header(_("District boundaries"))
# The file's name, not its path on the server.
st.markdown(
    _(
        "Boundary file: **{file}**. Licence: **{licence}** — share-alike; credit it on every map and export."
    ).format(file=md(atlas.boundary_file.name), licence=BOUNDARY_ATTRIBUTION)
)
# The atlas's own statement, never the PROVENANCE.md working notes verbatim (#24 item 19).
if boundary_provenance := provenance.boundary_rows(atlas.boundary_file.name):
    st.table(pd.DataFrame(boundary_provenance).set_index(_("About")))
else:
    st.warning(
        _(
            "The atlas does not ship with this boundary file, so it cannot state its source, licence and limits: "
            "check them (e.g. in a PROVENANCE.md beside the file) before publishing a map."
        )
    )

# District context: its own block (cluster_model.context), apart from the gap method.
st.markdown(context.methods_markdown(translator()))
context_data = get_context(atlas)
figures = context_data.indicators
figure_names = names(
    "context", figures["indicator_id"], dict(zip(figures["indicator_id"], figures["label"])).get
)
# The figures named by id (data/names.csv), what each informs by its key: methods_table keeps
# context_indicators.csv's row order.
context_figures = context.methods_table(context_data).assign(
    Figure=figures["indicator_id"].map(figure_names).to_numpy(),
    **{
        "Pillar informed": [
            _("Welfare context (poverty)") if p == context.WELFARE else translator().pillar(p)
            for p in figures["pillar"]
        ]
    },
)
st.dataframe(shown_table(context_figures, vocabulary=("Direction",)), hide_index=True, width="stretch")
st.table(pd.DataFrame(provenance.rows(provenance.CONTEXT)).set_index(_("About")))
st.caption(
    _("Files read from the folder **{folder}** (set by ATLAS_CONTEXT).").format(
        folder=f"`{context.context_dir().name}`"
    )
)

st.header(_("The two source documents"))
for name, title in [
    ("policy-dialogue-2019.txt", "Policy dialogue report, MUET, 2019"),
    ("hrd-cluster-poverty-abstract.txt", "HRD-cluster-poverty study (abstract)"),
]:
    path = shared_dir() / "seeds" / name
    with st.expander(title):
        if path.exists():
            st.text(path.read_text(encoding="utf-8"))
        else:
            st.warning(
                _(
                    "The text of this document is not installed with this copy of the atlas ({file}). "
                    "An administrator can point ATLAS_SHARED to the folder holding it."
                ).format(file=name)
            )

page.end(atlas, state, "methods", has_map=False)
