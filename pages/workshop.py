"""Workshop: project the atlas in a policy dialogue and record what the room says.

Three modes, kept in the URL (``?round=<id>&item=<n>&mode=present``):

* setup — pick or create a dialogue round (name, date, venue, facilitator) and
  prepare its agenda (the clusters and pillars the facilitator chooses, in order);
* present — the room view, for the projector: map with the current cluster
  spotlighted, its gaps beside it, the live tally of votes from phones and the
  QR code and short link to vote, next/previous (buttons, ←/→, PageUp/PageDown).
  No editing controls: it follows the presenter view when that moves;
* presenter — the facilitator's window (editors only): the same agenda, the
  live tally, close / accept the vote, record ratings and quotes by hand.

Phones vote on ``pages/vote.py``. Viewing needs no sign-in; every write calls
``require_editor()``/``current_editor()``. This page manages its own URL
parameters, so it does not use ``ui.page.start()``/``end()`` (whose shared
filters would replace them; the sidebar is hidden when presenting).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from cluster_model import store
from cluster_model import workshop as ws
from cluster_model.issues import DataFileError
from cluster_model.scoring import assessment_matrix, cluster_gaps
from cluster_model.store import dialogue as dl
from cluster_model.store import votes as vt
from cluster_model.vocabulary import PILLARS
from geo.atlas_map import build_atlas_map
from ui import offline_check, room
from ui import presentation as pres
from ui.auth import current_editor, require_editor, sign_out
from ui.chrome import footer, show_issues
from ui.data_access import get_atlas_data, get_engine
from ui.html import esc, md
from ui.i18n import _, current_language, known, language_switch, table_in_language, translator, with_language
from ui.i18n import name as local_name
from ui.page import leave_pages_folder_mode
from ui.rtl import apply as apply_direction
from ui.workshop_links import who_works_with_whom

leave_pages_folder_mode()
language_switch(st.sidebar)
apply_direction(current_language())
tr = translator()
# This page manages its own URL parameters: keep the language among them (as ui.state.publish does elsewhere).
if current_language() == "en":
    st.query_params.pop("lang", None)
elif st.query_params.get("lang") != current_language():
    st.query_params["lang"] = current_language()
atlas = get_atlas_data()
ds = atlas.dataset
engine = get_engine()
editor = current_editor()
cluster_ids = list(ds.clusters["cluster_id"])
params = st.query_params


def _cluster(cluster_id: str) -> str:
    return local_name("cluster", cluster_id, ds.cluster_name(cluster_id))


def _problems(exc: store.ValidationError) -> None:
    for issue in exc.issues:
        st.error(md(issue.message) + (f" — {md(issue.hint)}" if issue.hint else ""))


def _flash(kind: str, text: str) -> None:
    st.session_state["ws_flash"] = (kind, text)


def _show_flash() -> None:
    kind, text = st.session_state.pop("ws_flash", (None, None))
    if kind:
        getattr(st, kind)(text)


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


# =========================================================================== setup


def _agenda_from_choice(clusters: list[str], pillars: list[str]) -> str | None:
    if not clusters or not pillars:
        return None
    return ws.Agenda.default(clusters, [p for p in PILLARS if p in pillars]).to_string()


def setup() -> None:
    st.title(_("Workshop"))
    st.caption(
        _(
            "Project the atlas in a policy dialogue and record the room's view, per stakeholder group, as a round of kind 'dialogue'. "
            "Works with no internet: everything is served by this computer."
        )
    )
    show_issues(atlas.issues)
    _show_flash()
    labels = {r.round_id: f"{r.name} — {r.venue}, {r.date}" for r in ready.itertuples()}
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
        st.write(
            _("Agenda: **{n} items**; the room is at item {at} ({cluster} — {pillar}).").format(
                n=len(agenda),
                at=s.position + 1,
                cluster=md(_cluster(agenda[s.position].cluster_id)),
                pillar=tr.pillar(agenda[s.position].pillar),
            )
        )
        if st.button("▶ " + _("Start presentation"), type="primary", key="ws_start"):
            params.from_dict(with_language({"round": chosen, "item": str(s.position + 1), "mode": "present"}))
            st.rerun()
        with st.expander(_("Agenda (in order)")):
            st.dataframe(table_in_language(agenda.table(ds)), hide_index=True, width="stretch")
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
    st.sidebar.caption(f"Signed in as **{md(user.label)}**")
    st.sidebar.button("Sign out", on_click=sign_out, key="ws_sign_out")

    tab_new, tab_agenda = st.tabs(["New dialogue", "Edit the agenda"])
    with tab_new:
        orphan = sessions[~sessions["has_session"]]
        with st.form("ws_new"):
            st.markdown(
                "A dialogue round: where and when the room met is the source of every rating recorded in it."
            )
            existing = st.selectbox(
                "Round",
                ["(new round)", *orphan["round_id"]],
                help="Or attach the session to a dialogue round already opened on the Data page.",
            )
            new_id = st.text_input(
                "Round id (new round)",
                placeholder="dialogue-muet-2027",
                help="lower-case letters, digits, '-' or '_'",
            )
            name = st.text_input("Name (new round)", placeholder="Cluster policy dialogue, MUET")
            date = st.date_input("Date (new round)")
            venue = st.text_input("Venue", placeholder="MUET, Jamshoro")
            facilitator = st.text_input("Facilitator")
            # No default: a 64-item agenda starting where nothing is assessed helps nobody (issue 10, item 12).
            clusters = st.multiselect(
                "Clusters, in the order the room takes them",
                cluster_ids,
                default=[],
                format_func=ds.cluster_name,
                placeholder="Choose the clusters the room will discuss",
                key="ws_new_clusters",
            )
            pillars = st.multiselect(
                "Pillars for each cluster", list(PILLARS), default=list(PILLARS), format_func=PILLARS.get
            )
            go = st.form_submit_button("Create dialogue", type="primary")
        if go:
            agenda = _agenda_from_choice(clusters, pillars)
            if agenda is None:
                st.error("Choose at least one cluster and one pillar for the agenda: nothing was created.")
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
                _problems(exc)
            else:
                st.cache_data.clear()
                _flash("success", f"Dialogue '{md(made)}' is ready: press Start presentation.")
                params.from_dict(with_language({"round": made}))
                st.rerun()

    with tab_agenda:
        if not labels:
            st.info("Create a dialogue first.")
            return
        rid = params.get("round")
        s = dl.get_session(engine, rid)
        agenda = ws.Agenda.from_string(s.agenda, cluster_ids)
        st.caption(
            "Reorder or remove items. Each change is saved at once. Short form (for copying to another laptop): "
            f"`{agenda.to_string()}`"
        )
        for i, item in enumerate(agenda.items):
            c1, c2, c3, c4 = st.columns([6, 1, 1, 1])
            c1.write(f"{i + 1}\\. {md(ds.cluster_name(item.cluster_id))} — {PILLARS[item.pillar]}")
            for col, label, change, disabled in (
                (c2, "↑", lambda a, i=i: a.move(i, -1), i == 0),
                (c3, "↓", lambda a, i=i: a.move(i, 1), i == len(agenda) - 1),
                (c4, "✕", lambda a, i=i: a.remove(i), len(agenda) == 1),
            ):
                if col.button(
                    label,
                    key=f"ws_ag_{label}_{i}",
                    disabled=disabled,
                    help={"↑": "move up", "↓": "move down", "✕": "remove"}[label],
                ):
                    dl.set_agenda(
                        engine, rid, change(agenda).to_string(), author=user.label, position=s.position
                    )
                    st.rerun()
        with st.form("ws_agenda_move"):
            m1, m2 = st.columns(2)
            src = m1.selectbox(
                "Move item",
                range(len(agenda)),
                format_func=lambda i: (
                    f"{i + 1}. {ds.cluster_name(agenda[i].cluster_id)} — {PILLARS[agenda[i].pillar]}"
                ),
            )
            dst = m2.number_input("to position", min_value=1, max_value=len(agenda), value=1, step=1)
            if st.form_submit_button("Move"):
                dl.set_agenda(
                    engine,
                    rid,
                    agenda.move_to(src, int(dst) - 1).to_string(),
                    author=user.label,
                    position=s.position,
                )
                st.rerun()
        with st.form("ws_agenda_text"):
            text = st.text_input(
                "Replace the agenda (short form: cluster:pillar letters T S H I, e.g. mango:TSHI,rice:HT)",
                value=agenda.to_string(),
            )
            if st.form_submit_button("Save agenda"):
                try:
                    dl.set_agenda(engine, rid, text, author=user.label)
                except store.ValidationError as exc:
                    _problems(exc)
                else:
                    st.rerun()
    footer(ds, ds.latest_round())


# =========================================================================== present


def _go(delta: int, n: int) -> None:
    pos = min(max(st.session_state["ws_pos"] + delta, 0), n - 1)
    st.session_state["ws_pos"] = pos
    user = current_editor()
    if user is not None:  # the room's place is kept only when an editor moves it
        dl.set_position(engine, round_id, pos, author=user.label)


def _rate(key: str, cluster_id: str, pillar: str, group: str) -> None:
    user = current_editor()
    if user is None:
        _flash("error", "Sign in as an editor to record ratings: nothing was saved.")
        return
    try:
        dl.record_rating(
            engine, round_id, cluster_id, pillar, group, st.session_state[key], author=user.label
        )
    except store.ValidationError as exc:
        _flash("error", "; ".join(md(i.message) for i in exc.issues) + ": nothing was saved.")


def _quote(cluster_id: str, pillar: str) -> None:
    user = current_editor()
    if user is None:
        _flash("error", "Sign in as an editor to record quotes: nothing was saved.")
        return
    state = st.session_state
    if state.get("ws_q_group") is None:
        _flash(
            "error", "Choose which group said it (Said by): nothing was saved; your text is still in the box."
        )
        return
    try:
        dl.add_quote(
            engine,
            round_id,
            cluster_id,
            pillar,
            state["ws_q_group"],
            state["ws_q_text"],
            kind=state["ws_q_kind"],
            speaker_name=state["ws_q_speaker"],
            author=user.label,
        )
    except store.ValidationError as exc:
        _flash(
            "error",
            "; ".join(f"{md(i.message)} — {md(i.hint)}" for i in exc.issues)
            + ". Nothing was saved; your text is still in the box.",
        )
    else:
        state["ws_q_text"] = ""
        state["ws_q_speaker"] = ""
        _flash("success", "Saved.")


def _withdraw(quote_id: int) -> None:
    user = current_editor()
    if user is not None:
        dl.withdraw_quote(engine, round_id, quote_id, author=user.label)


def _header(agenda: ws.Agenda) -> tuple[int, str, str]:
    """Previous / title / next, shared by the room view and the presenter view; returns (position, cluster, pillar)."""
    n = len(agenda)
    if st.session_state.get("ws_pos_round") != round_id:  # first run for this round in this browser session
        st.session_state["ws_pos_round"] = round_id
        st.session_state["ws_pos"] = (
            agenda.position(int(params["item"]) - 1)
            if re.fullmatch(r"[0-9]{1,6}", str(params.get("item", "")))
            else agenda.position(session.position)
        )
    pos = agenda.position(st.session_state["ws_pos"])
    st.session_state["ws_pos"] = pos
    item = agenda[pos]
    params.from_dict(with_language({"round": round_id, "item": str(pos + 1), "mode": mode}))
    b1, title, b2 = st.columns([2, 9, 2], vertical_alignment="center")
    b1.button(
        "◀ " + _("Previous"),
        key="ws-prev",
        on_click=_go,
        args=(-1, n),
        disabled=pos == 0,
        shortcut="Left",
        width="stretch",
    )
    b2.button(
        _("Next") + " ▶",
        key="ws-next",
        on_click=_go,
        args=(1, n),
        disabled=pos == n - 1,
        shortcut="Right",
        width="stretch",
    )
    title.markdown(
        f"<div class='ws-title' role='heading' aria-level='1'>{esc(_cluster(item.cluster_id))} — {esc(tr.pillar(item.pillar))}</div>",
        unsafe_allow_html=True,
    )
    pres.keyboard()
    _show_flash()
    return pos, item.cluster_id, item.pillar


def _room_table(here, tallies: pd.DataFrame) -> str:
    """The room's rating per group, with how many voted when it came from phones, and the room gap with its coverage."""
    voted = tallies.set_index("stakeholder_group")["n"] if len(tallies) else pd.Series(dtype=int)
    rows = [
        [
            esc(tr.stakeholder(g)),
            pres.badge(here[g]),
            _("{n} voted").format(n=int(voted[g])) if g in voted.index else "",
        ]
        for g in ws.GROUPS
    ]
    gap_text = _("not rated (unknown)") if pd.isna(here["gap"]) else f"{here['gap']:.2f}"
    low = " — " + _("low coverage, read with care") if 0 < here["n_rated"] < ws.MIN_GROUPS_FIRM else ""
    n_total = " · " + _("{n} voted from phones").format(n=int(tallies["n"].sum())) if len(tallies) else ""
    room_gap = _("Room gap: {gap}").format(gap=gap_text)
    rated = _("{n} of 4 groups rated").format(n=here["n_rated"])
    return (
        pres.html_table([_("Group"), _("Rating"), _("Votes")], rows, escape=False)
        + f"<p class='ws-note'><b>{esc(room_gap)}</b> · {esc(rated)}{esc(low)}{esc(n_total)}. "
        + esc(_("The room's rating in this dialogue, not an indicator assessment."))
        + "</p>"
    )


def _quotes_list(cid: str, pillar: str, with_withdraw: bool) -> None:
    qs = dl.quotes(engine, round_id, include_withdrawn=False)
    mine = qs[(qs["cluster_id"] == cid) & (qs["pillar"] == pillar)]
    st.markdown("### " + _("Said in the room ({n})").format(n=len(mine)))
    for q in mine.to_dict("records"):
        who = tr.stakeholder(q["stakeholder_group"]) + (f", {q['speaker_name']}" if q["speaker_name"] else "")
        c1, c2 = st.columns([12, 1]) if with_withdraw else (st.container(), None)
        # Plain Markdown with every character of the participant's text escaped: inside an HTML block a blank
        # line in a quote would end the block and let the rest be read as Markdown (an image from anywhere).
        c1.markdown(f"**{md(known(ws.QUOTE_KINDS[q['kind']]))}** ({md(who)}): {md(q['text'])}")
        if c2 is not None:
            c2.button(
                "✕",
                key=f"ws_wd_{q['id']}",
                on_click=_withdraw,
                args=(int(q["id"]),),
                help="withdraw this entry (kept in the history)",
            )


def present() -> None:
    """The room view (what the projector shows): map, question, live tally, link for phones. No editing controls."""
    pres.apply()
    agenda = ws.Agenda.from_string(session.agenda, cluster_ids)
    pos, cid, pillar = _header(agenda)
    n = len(agenda)

    rat = dl.ratings(engine, round_id)
    gaps = ws.room_gaps(rat, ds.rules, cluster_ids)
    here = gaps[(gaps["cluster_id"] == cid) & (gaps["pillar"] == pillar)].iloc[0]
    tallies = vt.accepted_tallies(engine, round_id)
    item_tallies = tallies[(tallies["cluster_id"] == cid) & (tallies["pillar"] == pillar)]

    # With the cluster numbers, so badges read as in the Atlas legend ("7 Cotton & textile"), not as letter codes.
    sites = atlas.sites[atlas.sites["cluster_id"] == cid].merge(
        ds.clusters[["cluster_id", "number"]], on="cluster_id", how="left"
    )
    sites = sites.assign(
        cluster_name=sites["cluster_id"].map(_cluster)
    )  # the legend's key in the page's language
    spot = sorted(sites["district"].unique())
    map_col, panel = st.columns([3, 2], gap="medium")
    fmap = None
    with map_col:
        st.markdown(
            f"<p class='ws-note'>{esc(_('Item {n} of {total}').format(n=pos + 1, total=n))} · "
            f"{esc(session.venue)}, {esc(session.date)} · "
            f"{esc(_('districts of {cluster}:').format(cluster=_cluster(cid)))} <span class='ws-spot'>"
            f"{esc(', '.join(local_name('district', d) for d in spot) or _('none recorded'))}</span></p>",
            unsafe_allow_html=True,
        )
        if atlas.districts is None:
            st.error(
                _("The map cannot be drawn: the boundary file could not be used. The panel still works.")
            )
        else:
            scores = ws.room_district_gaps(gaps, atlas.sites, [pillar], vt.n_voted(engine, round_id))
            fmap = build_atlas_map(atlas.districts, scores, sites, highlight=spot, tr=tr)
            pres.readable_map(fmap, _("Room's view: {pillar}").format(pillar=tr.pillar(pillar)))
            with st.container(key="ws_map_box"):
                st_folium(
                    fmap,
                    key="ws_map",
                    returned_objects=[],
                    height=pres.MAP_HEIGHT_PX,
                    use_container_width=True,
                )
            st.markdown(pres.legend_below(fmap), unsafe_allow_html=True)

    with panel:
        st.markdown("### " + _("Votes from phones"))
        room.live_tally(engine, round_id, cid, pillar, follow=True)
        link, note = pres.page_link("vote", with_language({"r": round_id}))
        q1, q2 = st.columns([2, 3], vertical_alignment="center")
        q1.image(pres.qr_png(link), width=180)
        q2.markdown(
            f"<p class='ws-note'>{esc(_('Vote from your phone: scan the code or open'))}</p>"
            f"<p class='ws-link' id='ws-link'>{esc(link)}</p>",
            unsafe_allow_html=True,
        )
        if note:
            q2.caption(known(note))
        st.markdown("### " + _("The room's view: {pillar}").format(pillar=tr.pillar(pillar)))
        st.markdown(_room_table(here, item_tallies), unsafe_allow_html=True)
        latest = ws.indicator_round(ds)
        ind = cluster_gaps(assessment_matrix(ds, latest, [cid]), ds.rules, list(PILLARS)).set_index("pillar")
        rows = []
        for p in PILLARS:
            r = ind.loc[p]
            rows.append(
                [
                    ("▶ " if p == pillar else "") + tr.pillar(p),
                    _("not assessed") if pd.isna(r["gap"]) else f"{r['gap']:.2f}",
                    f"{r['n_assessed']}/{r['n_indicators']}",
                ]
            )
        st.markdown("### " + _("Indicator gaps"))
        from_note = _(
            "From indicator assessments (round {round}); not assessed = unknown, never zero."
        ).format(round=latest)
        st.markdown(
            pres.html_table([_("Pillar"), _("Gap"), _("Assessed")], rows)
            + f"<p class='ws-note'>{esc(from_note)}</p>",
            unsafe_allow_html=True,
        )

    _quotes_list(cid, pillar, with_withdraw=False)

    with st.expander(_("The room's view: all clusters × pillars")):
        st.caption(
            _(
                "Room gap (groups that rated of 4). The room's rating in this dialogue, not an indicator assessment."
            )
        )
        matrix = ws.room_matrix(gaps, ds)
        shown = table_in_language(matrix)
        st.markdown(pres.html_table(list(shown.columns), shown.values.tolist()), unsafe_allow_html=True)

    with st.expander(_("End of session: summary")):
        info = session.info
        all_quotes = dl.quotes(engine, round_id)
        r_table, q_table = ws.ratings_table(ds, info, rat), ws.quotes_table(ds, info, all_quotes)
        stem = ws.summary_file_stem(info)
        st.caption(
            _(
                "{ratings} rating(s) and {quotes} quote(s) recorded. Every row names its source: this round, its venue and date, and the group."
            ).format(ratings=len(r_table), quotes=len(q_table))
        )
        d1, d2 = st.columns(2)
        d1.download_button(
            _("Ratings (CSV)"),
            ws.to_csv(r_table),
            file_name=f"{stem}-ratings.csv",
            mime="text/csv",
            key="ws_dl_rcsv",
            width="stretch",
        )
        d2.download_button(
            _("Quotes (CSV)"),
            ws.to_csv(q_table),
            file_name=f"{stem}-quotes.csv",
            mime="text/csv",
            key="ws_dl_qcsv",
            width="stretch",
        )
        d1.download_button(
            _("Workbook (XLSX)"),
            ws.to_xlsx(info, r_table, q_table, matrix),
            file_name=f"{stem}.xlsx",
            key="ws_dl_xlsx",
            width="stretch",
        )
        try:
            pdf = ws.to_pdf(ds, info, gaps, all_quotes, agenda)
        except DataFileError as exc:  # fonts missing: the CSV and XLSX still work
            d2.error(md(exc.issue))
        else:
            d2.download_button(
                _("Printable summary (PDF)"),
                pdf,
                file_name=f"{stem}.pdf",
                mime="application/pdf",
                key="ws_dl_pdf",
                width="stretch",
            )

    with st.expander(_("Offline check")):
        if st.toggle(_("Run the offline check"), key="ws_offline"):
            offline_check.show(fmap)

    c1, c2 = st.columns(2)
    c1.link_button(
        _("Facilitator's controls (presenter view, new window)"),
        "/workshop?" + urlencode(with_language({"round": round_id, "item": pos + 1, "mode": "presenter"})),
    )
    if c2.button(_("Leave the presentation"), key="ws_leave"):
        params.from_dict(with_language({"round": round_id}))
        st.rerun()


def presenter() -> None:
    """The facilitator's window: the same agenda, the live tally, voting and recording controls. The room view follows it."""
    st.markdown(pres.PRESENTER_CSS, unsafe_allow_html=True)
    user = require_editor()
    agenda = ws.Agenda.from_string(session.agenda, cluster_ids)
    pos, cid, pillar = _header(agenda)
    st.caption(
        _("Presenter view: item {n} of {total}. The room view (projector) follows where you move.").format(
            n=pos + 1, total=len(agenda)
        )
        + " "
        + _("Signed in as {user}.").format(user=md(user.label))
    )
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.markdown("### " + _("Votes from phones"))
        room.live_tally(engine, round_id, cid, pillar, follow=False)
        room.facilitator_controls(engine, round_id, cid, pillar, author=user.label)
    rat = dl.ratings(engine, round_id)
    with right:
        st.markdown("### " + _("Record the room's rating by hand"))
        stored = rat[(rat["cluster_id"] == cid) & (rat["pillar"] == pillar)].set_index("stakeholder_group")
        cols = st.columns(2)
        for i, g in enumerate(ws.GROUPS):
            value = stored.loc[g, "rating"] if g in stored.index else ws.NOT_RATED
            version = int(stored.loc[g, "version"]) if g in stored.index else 0
            key = f"ws_rate_{round_id}_{cid}_{pillar}_{g}_v{version}"
            cols[i % 2].radio(
                tr.stakeholder(g),
                ws.RATINGS,
                index=ws.RATINGS.index(value),
                key=key,
                on_change=_rate,
                args=(key, cid, pillar, g),
                horizontal=True,
            )
    gaps = ws.room_gaps(rat, ds.rules, cluster_ids)
    here = gaps[(gaps["cluster_id"] == cid) & (gaps["pillar"] == pillar)].iloc[0]
    tallies = vt.accepted_tallies(engine, round_id)
    st.markdown(
        _room_table(here, tallies[(tallies["cluster_id"] == cid) & (tallies["pillar"] == pillar)]),
        unsafe_allow_html=True,
    )
    with st.form("ws_quote_form", border=True):
        q1, q2, q3 = st.columns([5, 3, 3])
        q1.radio(
            _("Said by (group)"),
            ws.GROUPS,
            format_func=tr.stakeholder,
            key="ws_q_group",
            horizontal=True,
            index=None,
        )
        q2.radio(
            _("Kind"),
            list(ws.QUOTE_KINDS),
            format_func=lambda k: known(ws.QUOTE_KINDS[k]),
            key="ws_q_kind",
            horizontal=True,
        )
        q3.text_input(_("Name (optional)"), key="ws_q_speaker")
        st.text_area(_("Quote or recommendation"), key="ws_q_text", height=100)
        st.form_submit_button(_("Save quote"), type="primary", on_click=_quote, args=(cid, pillar))
    _quotes_list(cid, pillar, with_withdraw=True)
    who_works_with_whom(
        atlas, round_id, cid, session.info, user
    )  # issue 17: "who works with whom", asked of the room
    c1, c2 = st.columns(2)
    c1.link_button(
        _("Open the room view (projector, new window)"),
        "/workshop?" + urlencode(with_language({"round": round_id, "item": pos + 1, "mode": "present"})),
    )
    if c2.button(_("Leave the presentation"), key="ws_leave"):
        params.from_dict(with_language({"round": round_id}))
        st.rerun()


if mode == "present":
    present()
elif mode == "presenter":
    presenter()
else:
    setup()
