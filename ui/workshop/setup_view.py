"""The Workshop's setup view: open a dialogue, create one, edit its agenda (``pages/workshop.py`` draws it)."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from cluster_model import matrix as M
from cluster_model import store
from cluster_model import workshop as ws
from cluster_model.markup import md
from cluster_model.store import dialogue as dl
from cluster_model.vocabulary import PILLARS
from ui import page
from ui.auth import require_editor, sign_out
from ui.chrome import show_issues
from ui.i18n import _, data_text, shown_table, translator, with_language
from ui.i18n import name as local_name
from ui.workshop.session import Workshop, flash, item_title, item_words, problems, show_flash


def _agenda_from_choice(clusters: list[str], pillars: list[str]) -> str | None:
    if not clusters or not pillars:
        return None
    return ws.Agenda.default(clusters, [p for p in PILLARS if p in pillars]).to_string()


def _add_matrix(w: Workshop, rid: str, agenda: ws.Agenda, position: int, user) -> None:
    """Add the Overview's gap matrix to the agenda: the room sees it large; phones have nothing to vote on."""
    with st.form("ws_agenda_matrix"):
        st.markdown("**" + _("Add the gap matrix") + "**")
        st.caption(
            _(
                "The Overview's gap matrix of the indicator round the room view shows ({round}), with its "
                "coverage: projected large for the room. Phones have nothing to vote on while it is shown."
            ).format(round=md(ws.indicator_round(w.ds) or _("none")))
        )
        m1, m2 = st.columns(2)
        orientation = m1.radio(
            _("Rows"),
            list(M.ORIENTATIONS),
            format_func=lambda o: _("Clusters") if o == M.CLUSTERS else _("Districts"),
            horizontal=True,
            key="ws_matrix_rows",
        )
        pillars = m2.multiselect(
            _("Pillars"),
            list(PILLARS),
            default=list(PILLARS),
            format_func=translator().pillar,
            key="ws_matrix_pillars",
        )
        if st.form_submit_button(_("Add to the agenda")):
            try:
                text = agenda.add_matrix(orientation, pillars).to_string()
                dl.set_agenda(w.engine, rid, text, author=user.label, position=position)
            except (ws.AgendaError, store.ValidationError) as exc:
                problems(exc)
            else:
                st.rerun()


def setup(w: Workshop) -> None:
    atlas, ds, engine, editor, cluster_ids, params, sessions, ready, round_id = (
        w.atlas,
        w.ds,
        w.engine,
        w.editor,
        w.cluster_ids,
        w.params,
        w.sessions,
        w.ready,
        w.round_id,
    )
    tr = translator()
    st.title(_("Workshop"))
    st.caption(
        _(
            "Project the atlas in a policy dialogue and record the room's view, per stakeholder group, as a round of kind 'dialogue'. "
            "Works with no internet: everything is served by this computer."
        )
    )
    show_issues(atlas.issues)
    show_flash()
    labels = {r.round_id: data_text(f"{r.name} — {r.venue}, {r.date}") for r in ready.itertuples()}
    st.subheader(_("Open a dialogue"))
    if labels:
        options = list(labels)
        default = options.index(round_id) if round_id in options else 0
        chosen = st.selectbox(
            _("Dialogue round"), options, index=default, format_func=labels.get, key="ws_pick"
        )
        params["round"] = chosen
        s = dl.get_session(engine, chosen)
        agenda = ws.Agenda.from_string(s.agenda, cluster_ids)
        what, pillars = item_words(ds, agenda[agenda.position(s.position)])
        st.write(
            _("Agenda: **{n} items**; the room is at item {at} ({cluster} — {pillar}).").format(
                n=len(agenda), at=s.position + 1, cluster=md(what), pillar=md(pillars)
            )
        )
        b1, b2 = st.columns(2)
        if b1.button("▶ " + _("Start presentation"), type="primary", key="ws_start"):
            params.from_dict(with_language({"round": chosen, "item": str(s.position + 1), "mode": "present"}))
            st.rerun()
        # The projector shows only what the room needs; the facilitator works from this second window.
        b2.link_button(
            _("Facilitator's controls (presenter view, new window)"),
            "/workshop?" + urlencode(with_language({"round": chosen, "mode": "presenter"})),
        )
        with st.expander(_("Agenda (in order)")):
            shown = agenda.table(ds, lambda item: item_words(ds, item))  # already in the page's language
            st.dataframe(shown_table(shown, vocabulary=()), hide_index=True, width="stretch")
    else:
        st.info(_("No dialogue round has a workshop session yet. An editor creates one below."))

    st.divider()
    if editor is None:
        st.subheader(_("Prepare a dialogue"))
        st.caption(
            _(
                "Viewing and presenting are open to everyone; creating a dialogue and recording the room need an editor account."
            )
        )
    user = require_editor()
    st.sidebar.caption(_("Signed in as **{user}**").format(user=md(data_text(user.label))))
    st.sidebar.button(_("Sign out"), on_click=sign_out, key="ws_sign_out")

    tab_new, tab_agenda = st.tabs([_("New dialogue"), _("Edit the agenda")])
    with tab_new:
        orphan = sessions[~sessions["has_session"]]
        with st.form("ws_new"):
            st.markdown(
                _(
                    "A dialogue round: where and when the room met is the source of every rating recorded in it."
                )
            )
            existing = st.selectbox(
                _("Round"),
                ["(new round)", *orphan["round_id"]],
                format_func=lambda r: _("(new round)") if r == "(new round)" else r,
                help=_("Or attach the session to a dialogue round already opened on the Data page."),
            )
            new_id = st.text_input(
                _("Round id (new round)"),
                placeholder="dialogue-muet-2027",
                help=_("lower-case letters, digits, '-' or '_'"),
            )
            name = st.text_input(_("Name (new round)"), placeholder=_("Cluster policy dialogue, MUET"))
            date = st.date_input(_("Date (new round)"))
            venue = st.text_input(_("Venue"), placeholder=_("MUET, Jamshoro"))
            facilitator = st.text_input(_("Facilitator"))
            # No default: a 64-item agenda starting where nothing is assessed helps nobody (issue 10, item 12).
            clusters = st.multiselect(
                _("Clusters, in the order the room takes them"),
                cluster_ids,
                default=[],
                format_func=lambda c: local_name("cluster", c, ds.cluster_name(c)),
                placeholder=_("Choose the clusters the room will discuss"),
                key="ws_new_clusters",
            )
            pillars = st.multiselect(
                _("Pillars for each cluster"), list(PILLARS), default=list(PILLARS), format_func=tr.pillar
            )
            go = st.form_submit_button(_("Create dialogue"), type="primary")
        if go:
            agenda = _agenda_from_choice(clusters, pillars)
            if agenda is None:
                st.error(_("Choose at least one cluster and one pillar for the agenda: nothing was created."))
                return
            try:
                if existing == "(new round)":
                    dl.create_dialogue(
                        engine,
                        round_id=new_id,
                        name=name,
                        date=date,
                        venue=venue,
                        facilitator=facilitator,
                        agenda=agenda,
                        author=user.label,
                    )
                    made = new_id.strip()
                else:
                    dl.start_session(
                        engine,
                        round_id=existing,
                        venue=venue,
                        facilitator=facilitator,
                        agenda=agenda,
                        author=user.label,
                    )
                    made = existing
            except store.ValidationError as exc:
                problems(exc)
            else:
                st.cache_data.clear()
                flash(
                    "success",
                    _("Dialogue '{round}' is ready: press Start presentation.").format(round=md(made)),
                )
                params.from_dict(with_language({"round": made}))
                st.rerun()

    with tab_agenda:
        if not labels:
            st.info(_("Create a dialogue first."))
            return
        rid = params.get("round")
        s = dl.get_session(engine, rid)
        agenda = ws.Agenda.from_string(s.agenda, cluster_ids)
        st.caption(
            _(
                "Reorder or remove items. Each change is saved at once. Short form (for copying to another laptop):"
            )
            + f" `{agenda.to_string()}`"
        )
        for i, item in enumerate(agenda.items):
            c1, c2, c3, c4 = st.columns([6, 1, 1, 1])
            c1.write(f"{i + 1}\\. {md(item_title(ds, item))}")
            for col, label, change, disabled in (
                (c2, "↑", lambda a, i=i: a.move(i, -1), i == 0),
                (c3, "↓", lambda a, i=i: a.move(i, 1), i == len(agenda) - 1),
                (c4, "✕", lambda a, i=i: a.remove(i), len(agenda) == 1),
            ):
                if col.button(
                    label,
                    key=f"ws_ag_{label}_{i}",
                    disabled=disabled,
                    help={"↑": _("move up"), "↓": _("move down"), "✕": _("remove")}[label],
                ):
                    dl.set_agenda(
                        engine, rid, change(agenda).to_string(), author=user.label, position=s.position
                    )
                    st.rerun()
        with st.form("ws_agenda_move"):
            m1, m2 = st.columns(2)
            src = m1.selectbox(
                _("Move item"),
                range(len(agenda)),
                format_func=lambda i: f"{i + 1}. {item_title(ds, agenda[i])}",
            )
            dst = m2.number_input(_("to position"), min_value=1, max_value=len(agenda), value=1, step=1)
            if st.form_submit_button(_("Move")):
                dl.set_agenda(
                    engine,
                    rid,
                    agenda.move_to(src, int(dst) - 1).to_string(),
                    author=user.label,
                    position=s.position,
                )
                st.rerun()
        _add_matrix(w, rid, agenda, s.position, user)
        with st.form("ws_agenda_text"):
            text = st.text_input(
                _("Replace the agenda (short form: cluster:pillar letters T S H I, e.g. mango:TSHI,rice:HT)"),
                value=agenda.to_string(),
            )
            if st.form_submit_button(_("Save agenda")):
                try:
                    dl.set_agenda(engine, rid, text, author=user.label)
                except store.ValidationError as exc:
                    problems(exc)
                else:
                    st.rerun()
    page.end(atlas, w.state, "workshop", shared_filters=False, round_id=ds.latest_round())
