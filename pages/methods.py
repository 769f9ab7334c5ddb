"""Methods & sources: the framework, the rules as they are read, provenance and licences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cluster_model import classification, context, scoring, store, workshop
from cluster_model.vocabulary import INDICATOR_GROUPS, STAKEHOLDERS
from geo.boundaries import BOUNDARY_ATTRIBUTION, provenance_text
from ui import linkage_views, page
from ui.context_access import get_context
from ui.data_access import shared_dir, store_url

atlas, state = page.start()
ds = atlas.dataset
rules = ds.rules

st.title("Methods & sources")
st.markdown(
    "The atlas is the instrument the 2019 dialogue asked the **Industrial Cluster Centre of Knowledge (ICCK)** for: "
    "collect and disseminate evidence, assess institutes and linkages, and publish cluster indicators regularly. "
    "Every figure on screen comes from a source listed below or is shown as **not assessed / unknown**."
)

st.header("Indicator framework")
st.caption("Edited by the ICCK in `data/indicators.csv`. Grounded in the cluster literature (Porter; Schmitz's collective efficiency; "
           "UNIDO's cluster-development approach); neither source document lists its indicators.")
framework = ds.indicators.assign(group=ds.indicators["pillar"].map(INDICATOR_GROUPS))
for group, label in INDICATOR_GROUPS.items():
    rows = framework[framework["group"] == label]
    with st.expander(f"{label} — {len(rows)} indicators"):
        st.dataframe(rows[["indicator_id", "name", "how_assessed", "weight", "cluster_defining", "reference"]], hide_index=True, width="stretch")

st.header("Gap score")
st.markdown(scoring.__doc__)
st.latex(r"\text{gap} = \frac{\sum_{i \in \text{assessed}} w_i\, g(s_i)}{\sum_{i \in \text{assessed}} w_i}\qquad"
         r"\text{coverage} = \frac{\sum_{i \in \text{assessed}} w_i}{\sum_{i \in \text{scope}} w_i}")
st.table(pd.DataFrame({"status": list(rules.gap_value), "g (gap value)": list(rules.gap_value.values())}))
st.markdown(f"A figure whose coverage is below **{rules.low_coverage_warning:.0%}** is flagged *low coverage*. Values are read from `data/rules.yaml`.")

st.header("Cluster, potential cluster or agglomeration")
st.markdown(classification.__doc__)
st.table(pd.DataFrame({
    "rule": ["partial counts as missing", "functional cluster: missing ≤", "potential cluster: missing ≤", "minimum assessed to decide"],
    "value": [rules.partial_counts_as_missing, rules.functional_max_missing, rules.potential_max_missing, rules.min_assessed],
}))
st.markdown("The classification **published** by the HRD-cluster-poverty study is kept as a sourced fact and shown beside the computed one; "
            "where they differ, the Clusters page says so.")

st.markdown(workshop.methods_markdown())

st.header("Stakeholder groups and rounds")
st.markdown("Evidence is tagged with the dialogue's four stakeholder groups (IGCA): " + ", ".join(STAKEHOLDERS.values()) + ".")
st.dataframe(ds.rounds.drop(columns=["_line"]), hide_index=True, width="stretch")

st.header("Where the data lives")
st.markdown(f"Assessments are kept in the evidence store (`{store.safe_url(store_url())}`). It was seeded once from the CSV files in `data/`; "
            "since then every change is made on the **Data** page by a signed-in editor and appended to the history "
            "(who, when, old value, new value). Editing the CSV files does not change a store that is already seeded.")

linkage_views.methods_section(atlas)

st.header("Sources")
st.dataframe(ds.sources.drop(columns=["_line"]), hide_index=True, width="stretch")

st.header("District boundaries")
st.markdown(f"File in use: `{atlas.boundary_file}`. Licence: **{BOUNDARY_ATTRIBUTION}** — share-alike; credit it on every map and export.")
provenance = provenance_text(atlas.boundary_file)
if provenance:
    with st.expander("Provenance and known limits (PROVENANCE.md)"):
        st.markdown(provenance)
else:
    st.warning("No PROVENANCE.md next to the boundary file: its source and licence cannot be shown.")

# District context: its own block (cluster_model.context), apart from the gap method.
st.markdown(context.methods_markdown())
st.dataframe(context.methods_table(get_context(atlas)), hide_index=True, width="stretch")
st.caption(f"Files read from `{context.context_dir()}` (ATLAS_CONTEXT); see PROVENANCE.md there.")

st.header("The two source documents")
for name, title in [("policy-dialogue-2019.txt", "Policy dialogue report, MUET, 2019"), ("hrd-cluster-poverty-abstract.txt", "HRD-cluster-poverty study (abstract)")]:
    path = shared_dir() / "seeds" / name
    with st.expander(title):
        if path.exists():
            st.text(path.read_text(encoding="utf-8"))
        else:
            st.warning(f"{path} not found: set ATLAS_SHARED to the folder holding seeds/.")

page.end(atlas, state, "methods")
