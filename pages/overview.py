"""Overview: the gap matrix, every cluster (or district) × the chosen pillars and overall, with coverage,
the published classification, and what changed since a chosen round. Thin: the flow is ui/overview.py."""

from __future__ import annotations

import streamlit as st

from ui import overview, page
from ui.chrome import illustrative_banner
from ui.i18n import _

atlas, state = page.start()
ds = atlas.dataset

st.title(_("Overview: the gap matrix"))
st.caption(
    _(
        "Every cluster across the pillars at a glance: where the gaps are, how much of it is assessed, and what "
        "changed since an earlier round. Grey cells are not assessed: unknown, never zero."
    )
)
illustrative_banner(ds, state.round)
overview.controls(state)
previous = page.compare_picker(ds, state.round)
matrix = overview.build(atlas, state, previous)
overview.draw(atlas, state, matrix)
overview.downloads(atlas, state, matrix)
page.end(atlas, state, "overview", has_map=False)
