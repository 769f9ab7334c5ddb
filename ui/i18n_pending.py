"""Strings already translated whose page does not yet draw them through ``_()``.

The page titles (app.py) and the sidebar filters (ui/page.py) are translated in
the catalogues but still drawn in English: wiring them is the next step of
issue 13. ``N_`` only marks a string for extraction (returns it unchanged), so
the catalogues keep these entries. Delete a line here once the page itself says
``_("…")`` for it; delete the file when it is empty.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - gettext's marker name
    return message


PAGE_TITLES = (
    N_("Atlas"),
    N_("Clusters"),
    N_("Compare"),
    N_("Gaps & poverty"),
    N_("Linkage matrix"),
    N_("Export"),
    N_("Methods & sources"),
    N_("Data (editors)"),
    N_("Workshop"),
)

SIDEBAR = (
    N_("Filters"),
    N_("Assessment round"),
    N_("ILLUSTRATIVE"),
    N_("No assessment round could be loaded: every indicator shows as not assessed."),
    N_("Pillars"),
    N_("The four aspects the 2019 dialogue examined every cluster under."),
    N_("Sectors"),
    N_("All 16 clusters"),
    N_("Districts"),
    N_("All districts"),
    N_("Online basemap (needs internet)"),
    N_("Off by default: the atlas works with no internet at all."),
)
