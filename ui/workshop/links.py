"""Workshop: the "who works with whom" question, asked of the room for the cluster on screen.

Called with one line from the Workshop page. Everyone sees the links the room stated in this
dialogue; a signed-in editor records a new one (an institution from the list, or one the room
names), stored in the dialogue round with the session as its source.
"""

from __future__ import annotations

import re

import streamlit as st

from cluster_model import linkages as L
from cluster_model.markup import md
from cluster_model.store import linkages as sl
from cluster_model.vocabulary import STAKEHOLDERS
from cluster_model.workshop import SessionInfo
from ui.data_access import AtlasData, get_engine
from ui.data_view import get_round_view
from ui.i18n import _, data_text, shown_table, translator
from ui.i18n import name as local_name
from ui.linkage_views import refresh, show_problems

NEW = "__new__"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60]


def stated_links_table(lk: L.LinkageView, round_id: str, cluster_id: str):
    """The links stated in this round for the cluster: the link type and status by message id, the
    institution and what the room said as data."""
    stated = lk.cluster_links(cluster_id)
    stated = stated[stated["Round"] == round_id]
    return shown_table(stated[["Institution", "Link", "Status", "Note"]], vocabulary=("Link", "Status"))


def who_works_with_whom(atlas: AtlasData, round_id: str, cluster_id: str, info: SessionInfo, editor) -> None:
    ds = atlas.dataset
    lk = get_round_view(atlas, round_id).linkages
    name = local_name("cluster", cluster_id, ds.cluster_name(cluster_id))
    st.markdown("### " + _("Who works with whom: {cluster}").format(cluster=md(name)))
    stated = stated_links_table(lk, round_id, cluster_id)
    if stated.empty:
        st.caption(_("No link stated in this dialogue yet for this cluster."))
    else:
        st.dataframe(stated, hide_index=True, width="stretch")
    if editor is None:
        return
    options = [NEW, *lk.institutions["institution_id"]]
    with st.form(f"ws_link_form_{cluster_id}", border=True):
        c1, c2, c3 = st.columns([4, 3, 3])
        inst = c1.selectbox(
            _("Institution"),
            options,
            format_func=lambda i: _("A new one the room names…") if i == NEW else data_text(lk.name(i)),
            key="ws_link_inst",
        )
        kind = c2.selectbox(
            _("Kind of link"),
            list(L.LINK_TYPES),
            format_func=lambda t: _(L.LINK_TYPES[t]),
            key="ws_link_type",
        )
        status = c3.radio(_("Status"), L.LINK_STATUSES, key="ws_link_status", horizontal=True, format_func=_)
        n1, n2, n3 = st.columns([4, 3, 3])
        new_name = n1.text_input(_("New institution's name"), key="ws_link_new_name")
        new_kind = n2.selectbox(
            _("Its kind"),
            list(L.INSTITUTION_KINDS),
            format_func=lambda k: _(L.INSTITUTION_KINDS[k]),
            key="ws_link_new_kind",
        )
        new_group = n3.selectbox(
            _("Its group"),
            ["", *STAKEHOLDERS],
            format_func=lambda g: translator().group(g),
            key="ws_link_new_group",
        )
        note = st.text_input(_("What the room said (note)"), key="ws_link_note")
        save = st.form_submit_button(_("Record the link"), type="primary")
    if save:
        new = (
            {
                "institution_id": _slug(new_name),
                "name": new_name,
                "kind": new_kind,
                "stakeholder_group": new_group,
            }
            if inst == NEW
            else None
        )
        try:
            sl.record_room_link(
                get_engine(),
                round_id,
                source_citation=info.source(),
                author=editor.label,
                institution_id="" if inst == NEW else inst,
                new_institution=new,
                cluster_id=cluster_id,
                link_type=kind,
                status=status,
                note=note,
            )
        except sl.ValidationError as exc:
            show_problems(exc)
        else:
            refresh()
            st.rerun()
