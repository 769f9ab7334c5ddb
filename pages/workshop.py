"""Workshop: project the atlas in a policy dialogue and record what the room says.

Three modes, kept in the URL (``?round=<id>&item=<n>&mode=present``):

* setup — pick or create a dialogue round (name, date, venue, facilitator) and
  prepare its agenda (the clusters and pillars the facilitator chooses, in order);
* present — the room view, for the projector: map with the current cluster
  spotlighted, its gaps beside it, the live tally of votes from phones and the
  QR code and short link to vote, next/previous (buttons, ←/→, PageUp/PageDown).
  No editing controls: it follows the presenter view when that moves, and redraws
  when the room's record changes;
* presenter — the facilitator's window (editors only): the same agenda, the
  live tally, close / accept the vote, record ratings and quotes by hand, the
  summary files and the offline check.

The room's position on the agenda is the store's: a link's ``item`` never forks it.

Phones vote on ``pages/vote.py``. Viewing needs no sign-in; every write calls
``require_editor()``/``current_editor()``. This page manages its own URL
parameters, so it starts with ``ui.page.start(shared_filters=False)`` (the shared
filters would replace them; the sidebar is hidden when presenting). The views
are drawn by ``ui/workshop/setup_view.py`` and ``ui/workshop/room_view.py``.
"""

from __future__ import annotations

import streamlit as st

from cluster_model.markup import md
from cluster_model.store import dialogue as dl
from ui import page
from ui.auth import current_editor
from ui.data_access import get_engine
from ui.i18n import _, current_language
from ui.workshop.room_view import present, presenter
from ui.workshop.session import Workshop
from ui.workshop.setup_view import setup

atlas, state = page.start(shared_filters=False)
# This page manages its own URL parameters: keep the language among them (as ui.state.publish does elsewhere).
if current_language() == "en":
    st.query_params.pop("lang", None)
elif st.query_params.get("lang") != current_language():
    st.query_params["lang"] = current_language()
ds = atlas.dataset
engine = get_engine()
params = st.query_params
sessions = dl.list_sessions(engine)
ready = sessions[sessions["has_session"]]
round_id = params.get("round")
if round_id is not None and round_id not in set(ready["round_id"]):
    st.warning(
        _("The link's dialogue round '{round}' has no workshop session here; pick one below.").format(
            round=md(round_id, limit=80)
        )
    )
    round_id = None
mode = params.get("mode") if params.get("mode") in ("present", "presenter") and round_id else "setup"
session = dl.get_session(engine, round_id) if round_id else None

w = Workshop(
    atlas,
    state,
    ds,
    engine,
    current_editor(),
    list(ds.clusters["cluster_id"]),
    params,
    sessions,
    ready,
    round_id,
    mode,
    session,
)
if mode == "present":
    present(w)
elif mode == "presenter":
    presenter(w)
else:
    setup(w)
