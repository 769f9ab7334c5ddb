"""Message ids the domain writes that pages and files show translated (marked here for the catalogues).

``HEADERS``: table headers, looked up by message id where a table is shown (``ui.i18n.shown_table``)
or written (pages/export.py); the domain builds its tables with English headers (cluster_model/tables.py
and others). ``DOMAIN_TEXTS``: fixed labels of the domain (vocabulary values kept in data by their key),
looked up with ``_()`` where a page shows them. Add a line when a page shows a new one.
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
    N_("Low coverage"),
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
    N_("Shown as"),  # the gap matrix's files (outputs/matrix_files.py)
    N_("Better"),
    N_("Worse"),
    N_("Newly assessed"),
    N_("No longer assessed"),
    N_("Illustrative"),
    N_("unknown"),
    N_("Voted (n)"),
    N_("Split"),
    N_("Group's rating"),
    N_("Kind of support"),
    N_("Link"),
    N_("Links"),
    N_("Sources"),
    N_("Stakeholder group"),
    N_("State"),
    N_("What the assessments say"),
    # CSV/XLSX headers and sheet names of cluster_model.exports and linkages (pages/export.py)
    N_("Assessed in round"),
    N_("Citation"),
    N_("Classification"),
    N_("Cluster gaps"),
    N_("Cluster-defining indicators assessed"),
    N_("Comparison"),
    N_("Computed classification"),
    N_("Computed from"),
    N_("Date"),
    N_("Districts"),
    N_("Evidence"),
    N_("Evidence id"),
    N_("Gap status"),
    N_("Indicators"),
    N_("Indicators in scope"),
    N_("Licence / terms"),
    N_("Pillars"),
    N_("Published by"),
    N_("Published classification"),
    N_("Share of indicators assessed"),
    N_("Source id"),
    N_("Speaker"),
    N_("Statement"),
    N_("Summary"),
    N_("Title"),
    N_("Where"),
    N_("Missing links"),
    N_("District (survey unit)"),
    N_("Boundary districts covered"),
    N_("Year"),
    N_("Province"),
    N_("Coverage"),
    N_("Poverty rate 2018 (%)"),
    N_("95% interval"),
    N_("Number of poor (1,000s)"),
    N_("Institutions & links"),
    N_("Expected"),
    # district context tables (cluster_model.context.context_rows, methods_table)
    N_("pillar"),
    N_("indicator"),
    N_("value"),
    N_("shown as"),
    N_("unit"),
    N_("year"),
    N_("rank in province"),
    N_("provincial average"),
    N_("survey unit"),
    N_("source"),
    N_("Pillar informed"),
    N_("Figure"),
    N_("Unit"),
    N_("Direction"),
    N_("Column in the file"),
    N_("higher is better"),
    N_("higher is worse"),
    N_("Indicators it answers"),
    # cluster_model.context.export_table: the District context sheet of an export
    N_("Survey unit"),
    N_("Rank in province (1 = best)"),
    N_("Credit"),
    # data/issues tables (ui/uploads.py, for pages/data.py and pages/linkages.py)
    N_("File"),
    N_("Line"),
    N_("Column"),
    N_("Value"),
    N_("Problem"),
    N_("What to do"),
    # cluster_model.linkages.PILLAR_NOTE
    N_(
        "Expected kinds of support come from the Support institutions & infrastructure and Technology indicators (data/link_types.csv)."
    ),
    # legend titles of geo/atlas_map.py
    N_("District gap, chosen pillars"),
    N_("Cluster gap"),
    N_("yes"),
    N_("no"),
)

DOMAIN_TEXTS = (
    # geo.atlas_map.NOT_ASSESSED_LABEL: the legend's grey row (legend_html translates it with its tr)
    N_("not assessed (unknown)"),
    # cluster_model.voting.CHOICES
    N_("Present"),
    N_("Partial"),
    N_("Absent"),
    N_("Don't know"),
    # cluster_model.linkages.NEEDED: a link status (the workshop's and the editors' status pickers)
    N_("needed but absent"),
)

# Translated inside f-strings (``f"{_('…')}"``), which Babel cannot read on Python 3.11.
IN_FSTRINGS = (
    N_("Asked once. Your vote is anonymous: no name, no account."),
    N_("Latest comments from phones:"),
    N_("Vote from your phone: scan the code or open"),
    N_("Which group are you from?"),
    N_("Your vote:"),
    N_("districts of {cluster}:"),
    N_("none recorded"),
    N_("not published"),
    N_("Quote"),
    N_("Recommendation"),
    N_("not rated"),
    # cluster_model.classification comparison words, cluster_model.identity.region_name()'s default
    N_("agrees"),
    N_("differs"),
    N_("not comparable"),
    N_("Sindh"),
    # cluster_model.linkages: kinds of support, cell states, institution kinds; institutions table headers
    N_("Training"),
    N_("Research & development"),
    N_("Finance"),
    N_("Regulation & standards"),
    N_("Market access"),
    N_("Membership"),
    N_("Infrastructure"),
    N_("active"),
    N_("weak"),
    N_("absent"),
    N_("University or research institute"),
    N_("Technical / vocational institute"),
    N_("Producers' or business association"),
    N_("Chamber"),
    N_("Special economic zone or industrial estate"),
    N_("Government agency"),
    N_("Development fund or financier"),
    N_("Testing or certification lab"),
    N_("NGO"),
    N_("Id"),
    N_("Location note"),
    # cluster_model.evidence: an item's stakeholder group or pillars when the source does not say
    N_("not stated"),
    N_("whole cluster"),
    # cluster_model.loading.ROUND_KINDS, shown with a round's name
    N_("survey"),
    N_("dialogue"),
    N_("desk review"),
    # geo.atlas_map.TILES_FAILED: the map's notice when the online basemap cannot load
    N_(
        "The online basemap could not load (no internet?). Districts, sites and figures are all shown without it."
    ),
    # geo.atlas_map.MAP_TITLE (the map frame's name for a screen reader) and TILES_ATTRIBUTION (with a basemap)
    N_("Map of {region}'s districts coloured by cluster gap, with the cluster sites"),
    N_("Map data and boundaries {attribution}"),
    # geo.snapshot.NOT_ASSESSED_LABEL (the snapshot legend)
    N_("not assessed (unknown, hatched)"),
)
