"""Linkage matrix: clusters × kinds of support (active / weak / absent / unknown), the change since
the previous round, exports; the institutions; and, for signed-in editors, adding institutions
and links, changing a link's status, and importing a CSV/XLSX (preview, then all or nothing).
Thin: the editing flows are ui/linkage_editing.py."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cluster_model import linkages as L
from cluster_model.history import previous_round
from cluster_model.markup import md
from ui import linkage_views as lv
from ui import page
from ui.auth import current_editor, sign_in_panel
from ui.chrome import illustrative_banner
from ui.data_access import get_engine
from ui.data_view import get_view
from ui.i18n import _, data_text
from ui.linkage_editing import editor_tabs

atlas, state = page.start()
ds = atlas.dataset
view = get_view(atlas, state)
cluster_ids = view.cluster_ids

st.title(_("Linkage matrix"))
st.caption(
    _(
        'Which kinds of support each cluster has a link to — the ICCK\'s second objective, "identification and assessment of institutes and linkages" '
        "(policy dialogue, 2019). A cell is **active** or **weak** when such a link is recorded, **absent** when a link is recorded as needed but absent, "
        "and **unknown** when nothing is recorded: unknown is never shown as absent."
    )
)
illustrative_banner(ds, state.round)

before = previous_round(ds, state.round)
mv = lv.matrix_view(view, get_view(atlas, state, round_id=before) if before else None)
long, previous, changes, round_name = mv["long"], mv["previous"], mv["changes"], mv["round_name"]
counts = L.state_counts(long)
st.info(
    _(
        "**{cells}** cells ({clusters} clusters × {kinds} kinds of support): "
        "**{active}** active, **{weak}** weak, **{absent}** absent, **{unknown}** unknown (no link recorded)."
    ).format(
        cells=len(long),
        clusters=len(cluster_ids),
        kinds=len(L.LINK_TYPES),
        active=counts["active"],
        weak=counts["weak"],
        absent=counts["absent"],
        unknown=counts["unknown"],
    )
)
if note := lv.unknown_note(counts, len(long)):
    st.markdown(note)
st.altair_chart(lv.fitted(mv["chart"]), width="stretch")
st.dataframe(lv.matrix_shown(view, long, changes), hide_index=True, width="stretch")

st.subheader(_("Change since the previous round"))
if previous is None:
    st.caption(_("This is the first round of its kind: nothing to compare yet."))
    changed = pd.DataFrame()
else:
    prev_name = ds.rounds.set_index("round_id").at[previous, "name"]
    changed = changes[changes["changed"]]
    st.caption(
        _("Compared with **{round}** ({id}). {n} cell(s) changed.").format(
            round=md(prev_name), id=md(previous), n=len(changed)
        )
    )
    if not changed.empty:
        st.dataframe(lv.changed_cells_shown(view, changed), hide_index=True, width="stretch")

# ------------------------------------------------------------------ exports
st.subheader(_("Export"))
for col, (fmt, (file_name, mime, build)) in zip(st.columns(3), mv["files"].items()):
    col.download_button(fmt.upper(), build, file_name, mime, on_click="ignore", key=f"lm_{fmt}")

st.subheader(_("Institutions"))
st.caption(
    _(
        "Seeded only with the institutions the two source documents name; locations are editor-supplied, to verify. Editors add the rest."
    )
)
st.dataframe(lv.institutions_shown(view.linkages), hide_index=True, width="stretch")

# ------------------------------------------------------------------ editing (signed-in editors)
st.subheader(_("Edit institutions and links"))
editor = current_editor()
if editor is None:
    st.caption(_("Viewing is open to everyone. Adding institutions and links needs an editor account."))
    sign_in_panel()
    page.end(atlas, state, "linkages")
    st.stop()

st.caption(
    _("Signed in as **{user}**. Links are recorded in the round chosen in the sidebar: **{round}**.").format(
        user=md(editor.label), round=md(data_text(round_name))
    )
)
editor_tabs(atlas, get_engine(), editor, view.linkages)

page.end(atlas, state, "linkages")
