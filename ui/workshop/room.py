"""Streamlit glue for the room's votes: the live tally on the projector, the facilitator's
voting controls, and the accepted tallies of a dialogue round (Atlas).

Every data value (cluster and indicator names, comments typed on phones) is put
into HTML through ``cluster_model.markup.esc``, and the projector's script writes the poll's
figures and comments into the drawn tally as text; the live parts read the store, never memory,
so any app server sharing the database shows the same tally.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from cluster_model import voting as v
from cluster_model.loading import Dataset
from cluster_model.markup import esc, js_json
from cluster_model.store import dialogue as dl
from cluster_model.store import votes as vt
from cluster_model.vocabulary import PILLARS, STAKEHOLDERS
from ui.chrome import error_text
from ui.i18n import _, names, shown_table, translator
from ui.workshop.presentation import html_table

CHOICE_SYMBOL = {"present": "●", "partial": "◐", "absent": "○", v.DONT_KNOW: "?"}


def _tally_words() -> dict[str, str]:
    """The words the tally is drawn with, in the page's language: the projector's script writes its
    figures into the same words (no word of its own)."""
    tr = translator()
    return {
        "voted": _("{n} voted"),
        "groups": _("{n} of 4 groups"),
        vt.OPEN: _("voting open"),
        vt.CLOSED: _("voting closed"),
        **{g: tr.stakeholder(g) for g in v.GROUPS},
    }


def tally_html(t: vt.Tally, state: str) -> str:
    """The tally as a table per group (counts, not one rating) and how many have voted."""
    # Symbols as column heads (the key is under the table): the table fits a projector's side panel.
    tr = translator()
    words = _tally_words()
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
            f"<tr data-group='{g}'><th scope='row'>{esc(words[g])}</th>{cells}<td data-n>{t.n_group(g)}</td></tr>"
        )
    group, voted = esc(_("Group")), esc(_("Voted"))
    n_voted = esc(words["voted"].format(n=t.n))
    groups = esc(words["groups"].format(n=t.groups_voted()))
    # Classes name each figure's place: the projector's script (POLL_JS) rewrites them in place, as text.
    return (
        f"<div class='ws-panel ws-tally' data-voted='{t.n}' data-state='{state}' data-key='{esc(vt.live_key(t, state))}'>"
        f"<table><thead><tr><th>{group}</th>{head}<th>{voted}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p class='ws-note'>{key}</p>"
        f"<p class='ws-note'><b class='ws-voted'>{n_voted}</b> · <span class='ws-groups'>{groups}</span> · "
        f"<span class='ws-state'>{esc(words[state])}</span></p></div>"
    )


def comments_html(t: vt.Tally) -> str:
    """The latest comments from phones, in as many places as the projector shows (hidden while empty): the
    projector's script fills them in as text when new ones arrive, so the list's markup never changes."""
    words = _tally_words()
    shown = t.comments[: vt.COMMENTS_SHOWN]
    slots = "".join(
        f"<li data-slot{'' if i < len(shown) else ' hidden'}><b class='ws-comment-group'>"
        f"{esc(words[shown[i][0]] if i < len(shown) else '-')}</b>: "
        f"<span class='ws-comment'>{esc(shown[i][1] if i < len(shown) else '-')}</span></li>"
        for i in range(vt.COMMENTS_SHOWN)
    )
    heading = esc(_("Latest comments from phones:"))
    return f"<div class='ws-note ws-comments'{'' if shown else ' hidden'}>{heading}<ul>{slots}</ul></div>"


# The projector's poll of a small JSON route of the atlas's own server (web/vote.py /v/room), held there
# until something changed. The tally is drawn from that JSON in place, with no script run: each figure and
# comment is written into the node the page already drew (nodeValue/textContent: text, never markup).
# A script run (a hidden button outside the tally) is made only when the room moved or its record changed,
# and only between script runs, again while the page still differs, so one landing in a run is never lost.
# A tally a script run redrew (its key is not the one written here) is re-read at once, not when it changes.
POLL_JS = """
<script>
(function () {
  const win = window.parent, top = win.document, drawn = __DRAWN__;
  const base = new URL(drawn.url, win.location.href);
  let applied = null, asking = null, moved = false, pressedAt = 0;
  function idle() {
    const app = top.querySelector('[data-testid="stApp"]');
    return !!app && app.dataset.testScriptState === "notRunning" && !top.querySelector('[data-stale="true"]');
  }
  function press(key) { const b = top.querySelector(".st-key-" + key + " button"); if (b) b.click(); }
  function text(el, value) {
    if (!el) return;
    const s = String(value), node = el.firstChild;
    // The text node the page drew keeps its place: a later script run updates that same node.
    if (node && node.nodeType === 3 && !node.nextSibling) { if (node.nodeValue !== s) node.nodeValue = s; }
    else if (el.textContent !== s) el.textContent = s;
  }
  function draw(now) {
    const box = top.querySelector(".ws-tally");
    if (!box) return;
    for (const g of Object.keys(now.counts)) {
      const row = box.querySelector("tr[data-group='" + CSS.escape(g) + "']");
      if (!row) continue;
      for (const c of Object.keys(now.counts[g])) text(row.querySelector("td[data-choice='" + CSS.escape(c) + "']"), now.counts[g][c]);
      text(row.querySelector("td[data-n]"), now.n_group[g]);
    }
    text(box.querySelector(".ws-voted"), drawn.words.voted.replace("{n}", now.n));
    text(box.querySelector(".ws-groups"), drawn.words.groups.replace("{n}", now.groups_voted));
    text(box.querySelector(".ws-state"), drawn.words[now.state] || now.state);
    const list = top.querySelector(".ws-comments");
    if (list) {
      list.querySelectorAll("li[data-slot]").forEach(function (li, i) {
        const c = now.comments[i];
        li.hidden = !c;
        if (c) { text(li.querySelector(".ws-comment-group"), drawn.words[c[0]] || c[0]); text(li.querySelector(".ws-comment"), c[1]); }
      });
      list.hidden = now.comments.length === 0;
    }
    box.dataset.state = now.state;
    box.dataset.key = now.tally;
    box.dataset.voted = now.n;  // last: a watcher of "n voted" sees the cells already written
  }
  function ask() {
    const box = top.querySelector(".ws-tally");
    if (!box) { setTimeout(ask, 250); return; }  // the page is being drawn: nothing to write into yet
    const since = applied && box.dataset.key === applied.tally ? applied.key : "";
    const url = new URL(base);
    if (since) url.searchParams.set("since", since);
    const mine = asking = new AbortController();
    fetch(url, { cache: "no-store", signal: mine.signal }).then(function (r) { return r.json(); }).then(function (now) {
      if (mine !== asking) return;
      applied = now;
      draw(now);
      moved = drawn.follow && ((now.position !== null && now.position !== drawn.position) || now.revision !== drawn.revision);
      ask();
    }).catch(function () { if (mine === asking) setTimeout(ask, 1000); });
  }
  setInterval(function () {
    const box = top.querySelector(".ws-tally");
    if (applied && box && box.dataset.key !== applied.tally) { asking.abort(); ask(); }  // a script run redrew it
    if (moved && idle() && Date.now() - pressedAt > 1000) { pressedAt = Date.now(); press("ws_follow"); }
  }, 250);
  ask();
})();
</script>
"""
HIDDEN_CSS = "<style>.st-key-ws_follow { display: none; }</style>"


def _follow(engine, round_id: str, drawn_position: int | None) -> None:
    # The presenter moved the room (the stored position changed since this view was drawn): go there.
    stored = vt.stored_position(engine, round_id)
    if stored is not None and stored != drawn_position:
        st.session_state["ws_pos"] = stored


def live_tally(
    engine, round_id: str, cluster_id: str, pillar: str, *, follow: bool, drawn_revision: int | None = None
) -> None:
    """The tally for the item on screen, kept current by the projector's script (no reload, no script run).

    With ``follow`` (the room view), a move the facilitator makes in the presenter
    window (the stored position changes) moves this view too, and so does any other
    change to the room's record since the view was drawn at ``drawn_revision`` (an
    accepted tally, a rating or quote typed in): the whole view is redrawn, as the
    map, the room's view and the quotes outside the tally show them.
    """
    t = vt.tally(engine, round_id, cluster_id, pillar)
    state = vt.item_state(engine, round_id, cluster_id, pillar)
    st.markdown(HIDDEN_CSS, unsafe_allow_html=True)
    st.markdown(tally_html(t, state) + comments_html(t), unsafe_allow_html=True)
    position = vt.stored_position(engine, round_id)
    if follow:
        st.button("⇥", key="ws_follow", on_click=_follow, args=(engine, round_id, position))
    drawn = {
        "url": f"{v.PHONE_PATH.lstrip('/')}/room?{urlencode({'r': round_id, 'c': cluster_id, 'p': pillar})}",
        "follow": follow,
        "position": position,
        "revision": drawn_revision if drawn_revision is not None else dl.revision(engine, round_id),
        "words": _tally_words(),
    }
    st.iframe(POLL_JS.replace("__DRAWN__", js_json(drawn)), height=1)


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
