"""Table headers shown through ``ui.i18n.table_in_language`` (which translates them at run time).

The domain builds its tables with English headers (cluster_model/tables.py and
others); this list puts those headers into the catalogues. Add a header here
when a page shows a new table column.
"""

from __future__ import annotations

from ui.i18n import N_

HEADERS = (
    N_("Cluster"),
    N_("Pillar"),
    N_("Indicator"),
    N_("Status"),
    N_("Source"),
    N_("Note"),
    N_("Round"),
    N_("Cluster-defining"),
    N_("Rank"),
    N_("District"),
    N_("Gap"),
    N_("Assessed"),
    N_("Indicators with a gap"),
    N_("Indicators assessed"),
    N_("Clusters"),
    N_("Institution"),
    N_("Kind"),
    N_("Clusters served"),
    N_("Location"),
    N_("Sindh Cluster Atlas"),  # cluster_model.identity.atlas_name()'s default
    N_("Before"),
    N_("Now"),
    N_("Source now"),
    N_("Dimension"),
    N_("Level"),
    N_("Local share"),
    N_("unknown"),
    N_("Kind of support"),
    N_("Link"),
    N_("Links"),
    N_("Sources"),
    N_("Stakeholder group"),
    N_("State"),
    N_("What the assessments say"),
    # cluster_model.linkages.PILLAR_NOTE, shown through ui.i18n.known()
    N_(
        "Expected kinds of support come from the Support institutions & infrastructure and Technology indicators (data/link_types.csv)."
    ),
    # legend titles of geo/atlas_map.py
    N_("District gap, chosen pillars"),
    N_("Cluster gap"),
    N_("yes"),
    N_("no"),
)
