"""Data: the evidence store's rounds. Anyone can see and export them; editors sign in to
edit a round's assessments, open a new round, and import a CSV/XLSX (preview first,
then one all-or-nothing commit). Thin: reads state, calls the flows in ui/data_editing.py
and ui/survey_flow.py, draws."""

from __future__ import annotations

import streamlit as st

from cluster_model import publishing, store
from cluster_model.markup import md
from ui import data_editing, data_package, page
from ui.auth import current_editor, locks_panel, require_editor, sign_out
from ui.data_access import data_dir, get_engine
from ui.i18n import _, data_text
from ui.publishing import publishing_section
from ui.survey_flow import survey_section

atlas, state = page.start(shared_filters=False)
engine = get_engine()
editor = current_editor()
ds = publishing.reader_dataset(store.load_dataset(engine, data_dir()), drafts=editor is not None)

st.title(_("Data"))
st.caption(
    _(
        "Indicator assessments come in rounds (survey, dialogue, desk review). Every change is kept with who made it and when."
    )
)

# Body text, not a caption: a link in Streamlit's grey caption text falls below WCAG contrast (axe).
st.markdown(
    _(
        "Machines read the published editions through the read-only API: [its routes and parameters]({url})."
    ).format(url=data_package.API_DOCS)
)
round_id, chosen = data_editing.pick_round(ds)
if round_id:
    data_editing.round_header(engine, ds, round_id, chosen)

if round_id and editor is None:
    data_editing.read_only_round(engine, ds, round_id)

st.divider()
if editor is None:
    st.subheader(_("Editing"))
    st.caption(
        _("Viewing is open to everyone. Editing, importing and opening rounds need an editor account.")
    )
user = require_editor()  # stops here for viewers: nothing below is reachable signed out

st.sidebar.caption(_("Signed in as **{user}**").format(user=md(data_text(user.label))))
st.sidebar.button(_("Sign out"), on_click=sign_out, key="sign_out")
locks_panel(user)

publishing_section(engine, ds, round_id, user)
data_editing.editor_tabs(engine, ds, round_id)

# --------------------------------------------------------------------------- field surveys (ODK Collect / KoboToolbox)
st.divider()
survey_section(engine, ds, round_id, chosen)
page.end(atlas, state, "data", has_map=False, shared_filters=False, round_id=round_id)
