"""The Workshop's room view (the projector) and presenter view (the facilitator's controls); ``pages/workshop.py`` draws them.

The phones' own page is ``web/vote.py`` (a route, no Streamlit session per phone; ``pages/vote.py`` the fallback) (``ui/workshop/room.py`` holds the live tally both views show).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from cluster_model import matrix as M
from cluster_model import store
from cluster_model import voting as v
from cluster_model import workshop as ws
from cluster_model.issues import DataFileError
from cluster_model.markup import esc, md
from cluster_model.store import dialogue as dl
from cluster_model.store import votes as vt
from cluster_model.vocabulary import PILLARS
from geo.atlas_map import build_atlas_map
from outputs import tables
from outputs.pdf import check_text, font_paths
from outputs.workshop_summary import summary_pdf
from ui import overview
from ui.auth import current_editor, require_editor
from ui.chrome import error_text, illustrative_banner
from ui.data_view import get_round_view
from ui.i18n import _, names, shown_table, translator, with_language
from ui.i18n import name as local_name
from ui.state import ViewState
from ui.workshop import offline_check, room
from ui.workshop import presentation as pres
from ui.workshop.links import who_works_with_whom
from ui.workshop.session import Workshop, flash, item_title, item_words, show_flash


def _cluster(w: Workshop, cluster_id: str) -> str:
    """The cluster's name in the page's language (data/names.csv)."""
    return local_name("cluster", cluster_id, w.ds.cluster_name(cluster_id))


def _title(w: Workshop, item: ws.AgendaItem) -> str:
    """The item's heading: "Mango — Technology"; a matrix item's is its name alone (its columns name the
    pillars), so it keeps to one line and the rows keep the screen's height."""
    return item_title(w.ds, item) if item.votable else item_words(w.ds, item)[0]


def _go(w: Workshop, delta: int, n: int) -> None:
    engine, round_id = w.engine, w.round_id
    pos = min(max(st.session_state["ws_pos"] + delta, 0), n - 1)
    st.session_state["ws_pos"] = pos
    user = current_editor()
    if user is not None:  # the room's place is kept only when an editor moves it
        dl.set_position(engine, round_id, pos, author=user.label)


def _rate(w: Workshop, key: str, cluster_id: str, pillar: str, group: str) -> None:
    engine, round_id = w.engine, w.round_id
    user = current_editor()
    if user is None:
        flash("error", "Sign in as an editor to record ratings: nothing was saved.")
        return
    try:
        dl.record_rating(
            engine, round_id, cluster_id, pillar, group, st.session_state[key], author=user.label
        )
    except store.ValidationError as exc:
        flash("error", error_text(exc))


def _quote(w: Workshop, cluster_id: str, pillar: str) -> None:
    engine, round_id = w.engine, w.round_id
    user = current_editor()
    if user is None:
        flash("error", "Sign in as an editor to record quotes: nothing was saved.")
        return
    state = st.session_state
    if state.get("ws_q_group") is None:
        flash(
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
        flash("error", error_text(exc) + "  \n" + _("Your text is still in the box."))
    else:
        state["ws_q_text"] = ""
        state["ws_q_speaker"] = ""
        flash("success", "Saved.")


def _withdraw(w: Workshop, quote_id: int) -> None:
    engine, round_id = w.engine, w.round_id
    user = current_editor()
    if user is not None:
        dl.withdraw_quote(engine, round_id, quote_id, author=user.label)


def _header(w: Workshop, agenda: ws.Agenda) -> tuple[int, str, str]:
    """Previous / title / next, shared by the room view and the presenter view; returns (position, cluster, pillar)."""
    params, round_id, mode, session = w.params, w.round_id, w.mode, w.session
    n = len(agenda)
    if st.session_state.get("ws_pos_round") != round_id:  # first run for this round in this browser session
        st.session_state["ws_pos_round"] = round_id
        # The room is where the store says (issue 24 item 15): a link's item never forks it. One that differs
        # is offered to the presenter, whose move then takes everyone there.
        st.session_state["ws_pos"] = agenda.position(session.position)
        link_item = str(params.get("item", ""))
        linked = agenda.position(int(link_item) - 1) if re.fullmatch(r"[0-9]{1,6}", link_item) else None
        st.session_state["ws_link_offer"] = (
            (linked, st.session_state["ws_pos"]) if linked is not None else None
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
        args=(w, -1, n),
        disabled=pos == 0,
        width="stretch",
    )
    b2.button(
        _("Next") + " ▶",
        key="ws-next",
        on_click=_go,
        args=(w, 1, n),
        disabled=pos == n - 1,
        width="stretch",
    )
    title.markdown(
        f"<div class='ws-title' role='heading' aria-level='1'>{esc(_title(w, item))}</div>",
        unsafe_allow_html=True,
    )
    pres.keyboard()
    show_flash()
    offer = st.session_state.get("ws_link_offer")  # (the link's item, where the room was when it was opened)
    if offer is not None and (offer[1] != pos or offer[0] == pos):
        offer = st.session_state["ws_link_offer"] = (
            None  # the room has moved since (or was there): nothing to offer
        )
    if offer is not None and mode == "presenter":
        o1, o2 = st.columns([4, 1], vertical_alignment="center")
        o1.info(
            _("The link you opened was for item {link}; the room is at item {n}.").format(
                link=offer[0] + 1, n=pos + 1
            )
        )
        o2.button(
            _("Go to item {n} (moves the room)").format(n=offer[0] + 1),
            key="ws_link_item_go",
            on_click=_go,
            args=(w, offer[0] - pos, n),
            width="stretch",
        )
    return pos, item.cluster_id, item.pillar


def _room_table(here, tallies: pd.DataFrame) -> str:
    """The room's rating per group, with how many voted when it came from phones, and the room gap with its coverage."""
    tr = translator()
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


def _quotes_list(w: Workshop, cid: str, pillar: str, with_withdraw: bool) -> None:
    engine, round_id = w.engine, w.round_id
    qs = dl.quotes(engine, round_id, include_withdrawn=False)
    mine = qs[(qs["cluster_id"] == cid) & (qs["pillar"] == pillar)]
    tr = translator()
    st.markdown("### " + _("Said in the room ({n})").format(n=len(mine)))
    for q in mine.to_dict("records"):
        who = tr.stakeholder(q["stakeholder_group"]) + (f", {q['speaker_name']}" if q["speaker_name"] else "")
        c1, c2 = st.columns([12, 1]) if with_withdraw else (st.container(), None)
        # Plain Markdown with every character of the participant's text escaped: inside an HTML block a blank
        # line in a quote would end the block and let the rest be read as Markdown (an image from anywhere).
        c1.markdown(f"**{md(_(ws.QUOTE_KINDS[q['kind']]))}** ({md(who)}): {md(q['text'])}")
        if c2 is not None:
            c2.button(
                "✕",
                key=f"ws_wd_{q['id']}",
                on_click=_withdraw,
                args=(w, int(q["id"])),
                help=_("withdraw this entry (kept in the history)"),
            )


def _room_map(w: Workshop, gaps: pd.DataFrame, cid: str, pillar: str):
    """The map the room sees: the current cluster's sites and districts spotlighted, coloured by the room's gaps."""
    # With the cluster numbers, so badges read as in the Atlas legend ("7 Cotton & textile"), not as letter codes.
    sites = w.atlas.sites[w.atlas.sites["cluster_id"] == cid].merge(
        w.ds.clusters[["cluster_id", "number"]], on="cluster_id", how="left"
    )
    sites = sites.assign(
        cluster_name=sites["cluster_id"].map(lambda c: _cluster(w, c))
    )  # the legend's key in the page's language
    spot = sorted(sites["district"].unique())
    if w.atlas.districts is None:
        return None, spot
    scores = ws.room_district_gaps(gaps, w.atlas.sites, [pillar], vt.n_voted(w.engine, w.round_id))
    fmap = build_atlas_map(w.atlas.districts, scores, sites, highlight=spot, tr=translator())
    return pres.readable_map(
        fmap, _("Room's view: {pillar}").format(pillar=translator().pillar(pillar))
    ), spot


def _phone_link(w: Workshop) -> tuple[str, str | None]:
    """The phones' voting link, and a note for the facilitator when it had to use this computer's network address."""
    return pres.page_link(v.PHONE_PATH, with_language({"r": w.round_id}))


def present(w: Workshop) -> None:
    """The room view (what the projector shows): map, question, live tally, link for phones. No controls but
    previous / next: the facilitator's things (summary files, offline check, leaving) are in the presenter view."""
    tr = translator()
    pres.apply()
    agenda = ws.Agenda.from_string(w.session.agenda, w.cluster_ids)
    pos, cid, pillar = _header(w, agenda)
    n = len(agenda)
    if not agenda[pos].votable:
        _present_matrix(w, agenda[pos], pos, n)
        return

    # Read before the record it stands for: a change made meanwhile only means one more redraw (issue 24 item 4).
    drawn_revision = dl.revision(w.engine, w.round_id)
    rat = dl.ratings(w.engine, w.round_id)
    gaps = ws.room_gaps(rat, w.ds.rules, w.cluster_ids)
    here = gaps[(gaps["cluster_id"] == cid) & (gaps["pillar"] == pillar)].iloc[0]
    tallies = vt.accepted_tallies(w.engine, w.round_id)
    item_tallies = tallies[(tallies["cluster_id"] == cid) & (tallies["pillar"] == pillar)]

    map_col, panel = st.columns([3, 2], gap="medium")
    with map_col:
        fmap, spot = _room_map(w, gaps, cid, pillar)
        st.markdown(
            f"<p class='ws-note'>{esc(_('Item {n} of {total}').format(n=pos + 1, total=n))} · "
            f"{esc(w.session.venue)}, {esc(w.session.date)} · "
            f"{esc(_('districts of {cluster}:').format(cluster=_cluster(w, cid)))} <span class='ws-spot'>"
            f"{esc(', '.join(local_name('district', d) for d in spot) or _('none recorded'))}</span></p>",
            unsafe_allow_html=True,
        )
        if fmap is None:
            st.error(
                _("The map cannot be drawn: the boundary file could not be used. The panel still works.")
            )
        else:
            with st.container(key="ws_map_box"):
                st_folium(
                    fmap,
                    key="ws_map",
                    returned_objects=[],
                    height=pres.MAP_HEIGHT_PX,
                    use_container_width=True,
                )
            st.markdown(pres.legend_below(fmap), unsafe_allow_html=True)

    # Its own box with tighter spacing: the tally, the link for phones and the room's view fit 1080 px (item 14).
    with panel, st.container(key="ws_panel"):
        st.markdown("### " + _("Votes from phones"))
        room.live_tally(w.engine, w.round_id, cid, pillar, follow=True, drawn_revision=drawn_revision)
        link, _note = _phone_link(w)  # the note is for the facilitator: the presenter view shows it
        q1, q2 = st.columns([1, 3], vertical_alignment="center")
        q1.image(pres.qr_png(link), width=pres.QR_PX)
        q2.markdown(
            f"<p class='ws-note'>{esc(_('Vote from your phone: scan the code or open'))}</p>"
            f"<p class='ws-link' id='ws-link'>{esc(link)}</p>",
            unsafe_allow_html=True,
        )
        st.markdown("### " + _("The room's view: {pillar}").format(pillar=tr.pillar(pillar)))
        st.markdown(_room_table(here, item_tallies), unsafe_allow_html=True)
        latest = ws.indicator_round(w.ds)
        ind = get_round_view(w.atlas, latest).cluster_gaps([cid], list(PILLARS)).set_index("pillar")
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

    _quotes_list(w, cid, pillar, with_withdraw=False)

    with st.expander(_("The room's view: all clusters × pillars")):
        st.caption(
            _(
                "Room gap (groups that rated of 4). The room's rating in this dialogue, not an indicator assessment."
            )
        )
        shown = room_matrix_shown(gaps, w.ds)
        st.markdown(pres.html_table(list(shown.columns), shown.values.tolist()), unsafe_allow_html=True)


def _matrix(w: Workshop, item: ws.AgendaItem, key: str, lead: str = "") -> None:
    """A matrix item: the Overview's gap matrix (``ui.overview``) of the indicator round the room view shows,
    for the item's rows and pillars, every cluster and district; ``lead``: text before its note."""
    latest = ws.indicator_round(w.ds)
    illustrative_banner(w.ds, latest)
    note = _("From indicator assessments (round {round}); not assessed = unknown, never zero.")
    st.markdown(f"<p class='ws-note'>{esc(lead + note.format(round=latest))}</p>", unsafe_allow_html=True)
    state = ViewState(
        pillars=list(item.pillars),
        round=latest,
        matrix=item.orientation,
        matrix_sort=M.SORTS[item.orientation][0],
    )
    overview.projected(overview.build(w.atlas, state, None), key)


def _present_matrix(w: Workshop, item: ws.AgendaItem, pos: int, n: int) -> None:
    """The room view of a matrix item: the matrix, large; nothing to vote on."""
    drawn_revision = dl.revision(w.engine, w.round_id)
    where = f"{_('Item {n} of {total}').format(n=pos + 1, total=n)} · {w.session.venue}, {w.session.date} · "
    _matrix(w, item, "ws_matrix", lead=where)
    # No tally to show (phones have nothing to vote on), but its poll is what makes the room view follow the
    # presenter: kept, out of sight.
    with st.container(key="ws_follow_only"):
        room.live_tally(
            w.engine, w.round_id, item.cluster_id, item.pillar, follow=True, drawn_revision=drawn_revision
        )


def _room_gap_words(gap, n_rated) -> str:
    """``ws.room_gap_cell`` worded in the page's language by message id."""
    if pd.isna(gap):
        return _("not rated")
    if n_rated < ws.MIN_GROUPS_FIRM:
        return _("{gap} ({n}/{total}, low coverage)").format(
            gap=f"{gap:.2f}", n=int(n_rated), total=len(ws.GROUPS)
        )
    return _("{gap} ({n}/{total})").format(gap=f"{gap:.2f}", n=int(n_rated), total=len(ws.GROUPS))


def room_matrix_shown(gaps: pd.DataFrame, ds) -> pd.DataFrame:
    """The room's cluster × pillar table for the page: clusters named by id, pillars and cells by message id."""
    cells = gaps.assign(text=[_room_gap_words(g, n) for g, n in zip(gaps["gap"], gaps["n_rated"])])
    table = cells.pivot(index="cluster_id", columns="pillar", values="text")
    table = table.reindex([c for c in ds.clusters["cluster_id"] if c in table.index])
    table = table[[p for p in PILLARS if p in table.columns]]
    cluster_names = names("cluster", table.index, ds.cluster_name)
    table.index = [cluster_names[c] for c in table.index]
    table.columns = [PILLARS[p] for p in table.columns]  # headers: message ids, looked up by shown_table
    return shown_table(table.rename_axis("Cluster").reset_index(), vocabulary=())


def _summary_files(w: Workshop, agenda: ws.Agenda, rat: pd.DataFrame, gaps: pd.DataFrame) -> list[tuple]:
    """(label, bytes, file name, mime) of each summary file, or an error for the PDF; built once per state of
    the room's record (kept in the session until something is recorded)."""
    revision = dl.revision(w.engine, w.round_id)
    kept = st.session_state.get("ws_summary_files")
    if kept is not None and kept[0] == (w.round_id, revision):
        return kept[1]
    info = w.session.info
    all_quotes = dl.quotes(w.engine, w.round_id)
    r_table, q_table = ws.ratings_table(w.ds, info, rat), ws.quotes_table(w.ds, info, all_quotes)
    stem = ws.summary_file_stem(info)
    files = [
        (_("Ratings (CSV)"), tables.workshop_csv(r_table), f"{stem}-ratings.csv", "text/csv"),
        (_("Quotes (CSV)"), tables.workshop_csv(q_table), f"{stem}-quotes.csv", "text/csv"),
        (
            _("Workbook (XLSX)"),
            tables.workshop_xlsx(info, r_table, q_table, ws.room_matrix(gaps, w.ds)),
            f"{stem}.xlsx",
            None,
        ),
    ]
    try:
        # Checked first, so the page says it rather than failing: the fonts are there and every quote can be printed.
        font_paths()
        live = all_quotes[all_quotes["withdrawn_at"].isna()] if len(all_quotes) else all_quotes
        for text in [*live.get("text", []), *live.get("speaker_name", [])]:
            check_text(text or "")
    except DataFileError as exc:  # fonts missing: the CSV and XLSX still work
        files.append((_("Printable summary (PDF)"), exc, None, None))
    else:
        pdf = summary_pdf(w.ds, info, gaps, all_quotes, agenda)
        files.append((_("Printable summary (PDF)"), pdf, f"{stem}.pdf", "application/pdf"))
    st.session_state["ws_summary_files"] = ((w.round_id, revision), files)
    return files


def _summary(w: Workshop, agenda: ws.Agenda, rat: pd.DataFrame, gaps: pd.DataFrame) -> None:
    """End of session: the summary files, in the presenter view (issue 24 items 14 and 16)."""
    st.caption(
        _(
            "{ratings} rating(s) and {quotes} quote(s) recorded. Every row names its source: this round, its venue and date, and the group."
        ).format(ratings=len(rat), quotes=len(dl.quotes(w.engine, w.round_id, include_withdrawn=False)))
    )
    if not st.session_state.get("ws_summary"):
        return  # the files are built when the expander is opened, not on every rerun of the presenter view
    # The files are handed over as bytes, never as a callable: a file made on click belongs to no session, and
    # the server's clean-up after any script run (the live tallies run every second) deletes it before a busy
    # browser fetches it — the download is cancelled (issue 24 item 16). Bytes stay this session's until its
    # next full run; on_click="ignore": a click starts none.
    cols = st.columns(2)
    for i, (label, data, file_name, mime) in enumerate(_summary_files(w, agenda, rat, gaps)):
        if isinstance(data, DataFileError):
            cols[i % 2].error(md(data.issue))
            continue
        cols[i % 2].download_button(
            label,
            data,
            file_name=file_name,
            mime=mime,
            key=f"ws_dl_{i}",
            on_click="ignore",
            width="stretch",
        )


def presenter(w: Workshop) -> None:
    """The facilitator's window: the same agenda, the live tally, voting and recording controls, the summary
    files and the offline check. The room view follows it."""
    st.markdown(pres.PRESENTER_CSS, unsafe_allow_html=True)
    user = require_editor()
    agenda = ws.Agenda.from_string(w.session.agenda, w.cluster_ids)
    pos, cid, pillar = _header(w, agenda)
    link, note = _phone_link(w)
    st.caption(
        _("Presenter view: item {n} of {total}. The room view (projector) follows where you move.").format(
            n=pos + 1, total=len(agenda)
        )
        + " "
        + _("Signed in as {user}.").format(user=md(user.label))
        + " "
        + _("Phones vote at {link}").format(link=md(link))
        + (" — " + md(note) if note else "")  # the note is already in the page's language (page_link)
    )
    rat = dl.ratings(w.engine, w.round_id)
    gaps = ws.room_gaps(rat, w.ds.rules, w.cluster_ids)
    if agenda[pos].votable:
        _record(w, user, cid, pillar, rat, gaps)
    else:
        st.info(_(ws.NOTHING_TO_VOTE))
        _matrix(w, agenda[pos], "ws_matrix_presenter")
    # Keyed, its open state in the session: a rerun keeps it open, and opening it builds the files.
    with st.expander(_("End of session: summary"), key="ws_summary", on_change="rerun"):
        _summary(w, agenda, rat, gaps)
    with st.expander(_("Offline check")):
        if st.toggle(_("Run the offline check"), key="ws_offline"):
            offline_check.show(_room_map(w, gaps, cid, pillar)[0])  # the map the projector draws
    c1, c2 = st.columns(2)
    c1.link_button(
        _("Open the room view (projector, new window)"),
        "/workshop?" + urlencode(with_language({"round": w.round_id, "item": pos + 1, "mode": "present"})),
    )
    if c2.button(_("Leave the presentation"), key="ws_leave"):
        w.params.from_dict(with_language({"round": w.round_id}))
        st.rerun()


def _record(w: Workshop, user, cid: str, pillar: str, rat: pd.DataFrame, gaps: pd.DataFrame) -> None:
    """The presenter's controls for a vote item: the live tally, voting, ratings and quotes by hand, and
    "who works with whom"."""
    tr = translator()
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.markdown("### " + _("Votes from phones"))
        room.live_tally(w.engine, w.round_id, cid, pillar, follow=False)
        room.facilitator_controls(w.engine, w.round_id, cid, pillar, author=user.label)
    with right:
        st.markdown("### " + _("Record the room's rating by hand"))
        stored = rat[(rat["cluster_id"] == cid) & (rat["pillar"] == pillar)].set_index("stakeholder_group")
        cols = st.columns(2)
        for i, g in enumerate(ws.GROUPS):
            value = stored.loc[g, "rating"] if g in stored.index else ws.NOT_RATED
            version = int(stored.loc[g, "version"]) if g in stored.index else 0
            key = f"ws_rate_{w.round_id}_{cid}_{pillar}_{g}_v{version}"
            cols[i % 2].radio(
                tr.stakeholder(g),
                ws.RATINGS,
                index=ws.RATINGS.index(value),
                key=key,
                on_change=_rate,
                args=(w, key, cid, pillar, g),
                horizontal=True,
            )
    here = gaps[(gaps["cluster_id"] == cid) & (gaps["pillar"] == pillar)].iloc[0]
    tallies = vt.accepted_tallies(w.engine, w.round_id)
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
            format_func=lambda k: _(ws.QUOTE_KINDS[k]),
            key="ws_q_kind",
            horizontal=True,
        )
        q3.text_input(_("Name (optional)"), key="ws_q_speaker")
        st.text_area(_("Quote or recommendation"), key="ws_q_text", height=100)
        st.form_submit_button(_("Save quote"), type="primary", on_click=_quote, args=(w, cid, pillar))
    _quotes_list(w, cid, pillar, with_withdraw=True)
    who_works_with_whom(
        w.atlas, w.round_id, cid, w.session.info, user
    )  # issue 17: "who works with whom", asked of the room
