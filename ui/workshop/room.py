"""Streamlit glue for the room's votes: the live tally on the projector, the facilitator's
voting controls, and the accepted tallies of a dialogue round (Atlas).

Every data value (cluster and indicator names, comments typed on phones) is put
into HTML through ``cluster_model.markup.esc``; the live parts read the store, never memory,
so any app server sharing the database shows the same tally.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from cluster_model import voting as v
from cluster_model.loading import Dataset
from cluster_model.markup import esc
from cluster_model.store import dialogue as dl
from cluster_model.store import votes as vt
from cluster_model.vocabulary import PILLARS, STAKEHOLDERS
from ui.chrome import error_text
from ui.i18n import _, names, shown_table, translator
from ui.workshop.presentation import html_table

# How often the projector asks the server whether the tally or the room changed (a small JSON route).
TALLY_REFRESH_S = 1.0
CHOICE_SYMBOL = {"present": "●", "partial": "◐", "absent": "○", v.DONT_KNOW: "?"}


def tally_html(t: vt.Tally, state: str) -> str:
    """The tally as a table per group (counts, not one rating) and how many have voted."""
    # Symbols as column heads (the key is under the table): the table fits a projector's side panel.
    tr = translator()
    choices = {c: tr.gettext(label) for c, label in v.CHOICES.items()}
    head = "".join(
        f"<th scope='col' aria-label='{esc(label)}' title='{esc(label)}'>{CHOICE_SYMBOL[c]}</th>"
        for c, label in choices.items()
    )
    key = " ".join(f"{CHOICE_SYMBOL[c]} {esc(label.lower())}" for c, label in choices.items())
    rows = []
    for g in v.GROUPS:
        cells = "".join(f"<td data-choice='{c}'>{t.counts[g][c]}</td>" for c in v.CHOICES)
        rows.append(
            f"<tr data-group='{g}'><th scope='row'>{esc(tr.stakeholder(g))}</th>{cells}<td data-n>{t.n_group(g)}</td></tr>"
        )
    state_text = _("voting open") if state == vt.OPEN else _("voting closed")
    group, voted = esc(_("Group")), esc(_("Voted"))
    n_voted = esc(_("{n} voted").format(n=t.n))
    groups = esc(_("{n} of 4 groups").format(n=t.groups_voted()))
    return (
        f"<div class='ws-panel ws-tally' data-voted='{t.n}' data-state='{state}' data-key='{esc(vt.live_key(t, state))}'>"
        f"<table><thead><tr><th>{group}</th>{head}<th>{voted}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p class='ws-note'>{key}</p>"
        f"<p class='ws-note'><b class='ws-voted'>{n_voted}</b> · {groups} · {esc(state_text)}</p></div>"
    )


def comments_html(t: vt.Tally, limit: int = 5) -> str:
    if not t.comments:
        return ""
    tr = translator()
    items = "".join(f"<li><b>{esc(tr.stakeholder(g))}:</b> {esc(c)}</li>" for g, c in t.comments[:limit])
    return f"<div class='ws-note'>{esc(_('Latest comments from phones:'))}<ul>{items}</ul></div>"


# The projector's poll: a few bytes of JSON a second from the atlas's own server (web/vote.py), not a script
# rerun a second. It redraws only the tally (a hidden button inside its fragment) when the store's tally
# differs from the one on screen, and the whole view (a hidden button outside) when the room moved or its
# record changed. Clicks are made only between script runs, and again while the page still differs, so
# one landing in a run is never lost.
POLL_JS = """
<script>
(function () {
  const win = window.parent, top = win.document, drawn = __DRAWN__;
  const url = new URL(drawn.url, win.location.href);
  function idle() {
    const app = top.querySelector('[data-testid="stApp"]');
    return !!app && app.dataset.testScriptState === "notRunning" && !top.querySelector('[data-stale="true"]');
  }
  function press(key) { const b = top.querySelector(".st-key-" + key + " button"); if (b) b.click(); }
  setInterval(function () {
    if (!idle()) return;
    fetch(url, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (now) {
      if (!idle()) return;
      if (drawn.follow && ((now.position !== null && now.position !== drawn.position) || now.revision !== drawn.revision)) {
        press("ws_follow");
        return;
      }
      const tally = top.querySelector(".ws-tally");
      if (tally && tally.dataset.key !== now.tally) press("ws_tally_refresh");
    }).catch(function () {});
  }, __EVERY_MS__);
})();
</script>
"""
HIDDEN_CSS = "<style>.st-key-ws_tally_refresh, .st-key-ws_follow { display: none; }</style>"


def _follow(engine, round_id: str, drawn_position: int | None) -> None:
    # The presenter moved the room (the stored position changed since this view was drawn): go there.
    stored = vt.stored_position(engine, round_id)
    if stored is not None and stored != drawn_position:
        st.session_state["ws_pos"] = stored


def live_tally(
    engine, round_id: str, cluster_id: str, pillar: str, *, follow: bool, drawn_revision: int | None = None
) -> None:
    """The tally for the item on screen, redrawn when a vote arrives (no reload, no rerun a second).

    With ``follow`` (the room view), a move the facilitator makes in the presenter
    window (the stored position changes) moves this view too, and so does any other
    change to the room's record since the view was drawn at ``drawn_revision`` (an
    accepted tally, a rating or quote typed in): the whole view is redrawn, as the
    map, the room's view and the quotes outside this fragment show them.
    """

    @st.fragment
    def _draw() -> None:
        st.button("↻", key="ws_tally_refresh")  # pressed by POLL_JS: reruns this fragment only
        t = vt.tally(engine, round_id, cluster_id, pillar)
        state = vt.item_state(engine, round_id, cluster_id, pillar)
        st.markdown(tally_html(t, state) + comments_html(t), unsafe_allow_html=True)

    st.markdown(HIDDEN_CSS, unsafe_allow_html=True)
    with st.container(key="ws_live_tally"):  # its own box: a fragment rerun must not touch what follows it
        _draw()
    position = vt.stored_position(engine, round_id)
    if follow:
        st.button("⇥", key="ws_follow", on_click=_follow, args=(engine, round_id, position))
    drawn = {
        "url": f"{v.PHONE_PATH.lstrip('/')}/room?{urlencode({'r': round_id, 'c': cluster_id, 'p': pillar})}",
        "follow": follow,
        "position": position,
        "revision": drawn_revision if drawn_revision is not None else dl.revision(engine, round_id),
    }
    poll = POLL_JS.replace("__DRAWN__", json.dumps(drawn)).replace(
        "__EVERY_MS__", str(int(TALLY_REFRESH_S * 1000))
    )
    st.iframe(poll, height=1)


def facilitator_controls(engine, round_id: str, cluster_id: str, pillar: str, author: str) -> None:
    """Close / reopen the voting on the item on screen, and accept its tally into the dialogue round."""
    state = vt.item_state(engine, round_id, cluster_id, pillar)

    def act(fn) -> None:
        try:
            result = fn(engine, round_id, cluster_id, pillar, author=author)
        except vt.VoteRefused as exc:
            st.session_state["ws_flash"] = ("error", error_text(exc))
        else:
            if isinstance(result, vt.Tally):
                st.session_state["ws_flash"] = (
                    "success",
                    _("Accepted: {n} votes from {groups} group(s) are in the dialogue round.").format(
                        n=result.n, groups=result.groups_voted()
                    ),
                )

    c1, c2 = st.columns(2)
    if state == vt.OPEN:
        c1.button(
            _("Close voting on this item"),
            key="ws_vote_close",
            on_click=act,
            args=(vt.close_item,),
            width="stretch",
        )
    else:
        c1.button(
            _("Reopen voting"), key="ws_vote_reopen", on_click=act, args=(vt.reopen_item,), width="stretch"
        )
    c2.button(
        _("Accept the tally into the round"),
        key="ws_vote_accept",
        on_click=act,
        args=(vt.accept_tally,),
        type="primary",
        disabled=state == vt.OPEN,
        help=_(
            "Close the voting first; the tally (n per group and the split) and each group's rating are stored."
        ),
        width="stretch",
    )


def accepted_table(ds: Dataset, tallies: pd.DataFrame) -> pd.DataFrame:
    """Accepted tallies for reading (show with ``ui.i18n.shown_table``): cluster (by id, in the page's
    language), pillar, group, n voted, the split, the rating it gave."""
    cluster_names = names("cluster", set(tallies["cluster_id"]), ds.cluster_name) if len(tallies) else {}
    rows = [
        {
            "Cluster": cluster_names[r["cluster_id"]],
            "Pillar": PILLARS.get(r["pillar"], r["pillar"]),
            "Group": STAKEHOLDERS.get(r["stakeholder_group"], r["stakeholder_group"]),
            "Voted (n)": int(r["n"]),
            "Split": v.split_text(
                {
                    "present": r["n_present"],
                    "partial": r["n_partial"],
                    "absent": r["n_absent"],
                    v.DONT_KNOW: r["n_dont_know"],
                }
            ),
            "Group's rating": r["rating"],
        }
        for r in tallies.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=["Cluster", "Pillar", "Group", "Voted (n)", "Split", "Group's rating"])


def dialogue_round_panel(engine, ds: Dataset, round_id: str | None) -> None:
    """On the Atlas, for a dialogue round: the room's votes accepted into it, with n per group."""
    rounds = ds.rounds.set_index("round_id")
    if not round_id or round_id not in rounds.index or rounds.loc[round_id, "kind"] != "dialogue":
        return
    tallies = vt.accepted_tallies(engine, round_id)
    st.subheader(_("The room's votes in this dialogue"))
    if tallies.empty:
        st.caption(_("No vote from phones has been accepted into this dialogue round yet."))
        return
    st.caption(
        _(
            "What the people in the room voted from their phones, per stakeholder group: how many voted and how they split. "
            "The room's view, not an indicator assessment; 'don't know' is counted but gives no rating."
        )
    )
    table = shown_table(accepted_table(ds, tallies), ("Group", "Pillar", "Group's rating"))
    with st.container(
        key="room_votes_table"
    ):  # a plain HTML table, every cell escaped: readable at any width
        st.markdown(html_table(list(table.columns), table.values.tolist()), unsafe_allow_html=True)
