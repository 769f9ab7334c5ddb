"""Vote: the page a participant's phone opens from the QR code on the projector (``/vote?r=<round>``).

Made for 390 px screens. It shows the agenda item the room is on (cluster ×
pillar, with that pillar's indicators in plain words); the participant picks
their stakeholder group once and taps present / partial / absent / don't know,
with an optional short comment. No account and no personal data: the phone
gets an anonymous, signed, expiring device pass, kept in the page's address
(``t=``) with the group (``g=``), so a reload keeps both. The item follows the
facilitator without a reload. Every rule (one vote per device, closed items,
rate limit, comment length) is in :mod:`cluster_model.store.votes`.
"""

from __future__ import annotations

import streamlit as st

from cluster_model import voting as v
from cluster_model import workshop as ws
from cluster_model.markup import esc
from cluster_model.store import votes as vt
from cluster_model.vocabulary import STAKEHOLDERS
from ui.chrome import error_text, show_error
from ui.data_access import get_dataset, get_engine
from ui.i18n import _, current_language, indicator_name, name, phone_language_switch, translator
from ui.page import leave_pages_folder_mode
from ui.rtl import apply as apply_direction

leave_pages_folder_mode()
PHONE_REFRESH_S = 4  # the phone looks for the next item this often (cheap: three small queries)
PHONE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], #MainMenu, footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.8rem 0.9rem 2rem 0.9rem !important; max-width: 480px !important; }
html { font-size: 18px; }
.vote-q { font-size: 26px; font-weight: 700; line-height: 1.2; margin: 0.2rem 0 0.4rem 0; }
.vote-note { font-size: 17px; color: #222; }
.vote-ind { font-size: 17px; margin: 0 0 0.4rem 1.1rem; padding: 0; }
.vote-mine { font-size: 20px; font-weight: 700; border: 3px solid #0072B2; border-radius: 8px; padding: 6px 10px; }
[data-testid="stMain"] button { min-height: 56px; }
[data-testid="stMain"] button p { font-size: 21px !important; font-weight: 700; }
</style>
"""
SYMBOL = {"present": "●", "partial": "◐", "absent": "○", v.DONT_KNOW: "?"}

st.markdown(PHONE_CSS, unsafe_allow_html=True)
params = st.query_params
phone_language_switch()  # the phone's own switch (no sidebar here); kept in the address as lang=
apply_direction(current_language())
tr = translator()
engine = get_engine()
round_id = params.get("r")
cur = vt.current_item(engine, round_id) if round_id else None
if cur is None:
    st.error(
        _(
            "This voting link is not for a dialogue on this computer. Scan the QR code on the screen again, or type the short link shown under it."
        )
    )
    st.stop()

token = params.get("t")
if not token:
    token = vt.issue_pass(engine)
    params["t"] = token
try:
    device = vt.check_pass(engine, token)
except vt.VoteRefused as exc:
    show_error(exc)
    if st.button(_("Get a new voting pass"), key="vote_new_pass", type="primary", width="stretch"):
        params["t"] = vt.issue_pass(engine)
        st.rerun()
    st.stop()

group = params.get("g")
if group not in STAKEHOLDERS:
    st.markdown(
        f"<div class='vote-q'>{esc(_('Which group are you from?'))}</div>"
        f"<p class='vote-note'>{esc(_('Asked once. Your vote is anonymous: no name, no account.'))}</p>",
        unsafe_allow_html=True,
    )
    for g, label in STAKEHOLDERS.items():
        if st.button(_(label), key=f"vote_group_{g}", width="stretch"):
            params["g"] = g
            st.rerun()
    st.stop()

ds = get_dataset()


def _cast(cluster_id: str, pillar: str, choice: str, comment_key: str) -> None:
    try:
        vt.cast_vote(
            engine,
            round_id,
            cluster_id,
            pillar,
            token=token,
            group=group,
            choice=choice,
            comment=st.session_state.get(comment_key),
        )
    except vt.VoteRefused as exc:
        st.session_state["vote_msg"] = ("error", error_text(exc))
    else:
        st.session_state["vote_msg"] = (
            "success",
            _("Counted: {choice}. You can change it until the facilitator closes this item.").format(
                choice=_(v.CHOICES[choice])
            ),
        )


@st.fragment  # a tap reruns only this panel, not the whole app: less work per vote for the server
def item_panel(now: vt.CurrentItem) -> None:
    if not now.item.votable:  # the screen shows the gap matrix: no question, no buttons (as web/vote.py)
        st.info(_(ws.NOTHING_TO_VOTE))
        return
    cid, pillar = now.item.cluster_id, now.item.pillar
    rows = ds.indicators[ds.indicators["pillar"] == pillar]
    # indicator names in the phone's language from data/names.csv (English marked [en] when missing)
    names = [indicator_name(i, n) for i, n in zip(rows["indicator_id"], rows["name"])]
    item_of = _("Item {n} of {total}").format(n=now.position + 1, total=now.n_items)
    question = _("Is this in place in the cluster? It covers:")
    st.markdown(
        f"<p class='vote-note'>{esc(item_of)} · {esc(tr.stakeholder(group))}</p>"
        f"<div class='vote-q' id='vote-item'>{esc(name('cluster', cid, ds.cluster_name(cid)))} — "
        f"{esc(tr.pillar(pillar))}</div>"
        f"<p class='vote-note'>{esc(question)}</p>"
        f"<ul class='vote-ind'>{''.join(f'<li>{esc(n)}</li>' for n in names)}</ul>",
        unsafe_allow_html=True,
    )
    kind, text = st.session_state.pop("vote_msg", (None, None))
    if kind:
        getattr(st, kind)(text)
    mine = vt.my_vote(engine, round_id, cid, pillar, device)
    if mine:
        st.markdown(
            f"<p class='vote-mine' id='vote-mine'>{esc(_('Your vote:'))} "
            f"{esc(SYMBOL[mine['choice']] + ' ' + _(v.CHOICES[mine['choice']]))}</p>",
            unsafe_allow_html=True,
        )
    if now.state != vt.OPEN:
        st.info(_("Voting on this item is closed. Wait for the next item: this page follows the screen."))
        return
    comment_key = f"vote_comment_{cid}_{pillar}"
    st.text_input(
        _("Comment (optional)"),
        key=comment_key,
        max_chars=v.MAX_COMMENT_CHARS,
        placeholder=_("A few words, if you like"),
    )
    for choice, label in v.CHOICES.items():
        st.button(
            f"{SYMBOL[choice]} {_(label)}",
            key=f"vote_{choice}",
            on_click=_cast,
            args=(cid, pillar, choice, comment_key),
            width="stretch",
            type="primary" if mine and mine["choice"] == choice else "secondary",
        )


@st.fragment(run_every=PHONE_REFRESH_S)
def follow_the_screen(shown: vt.CurrentItem) -> None:
    """Redraw the page when the facilitator moves on or closes the item (the buttons are in another
    fragment, so a tap never races this periodic check)."""
    now = vt.current_item(engine, round_id)
    # Also when a vote's confirmation was never drawn (the panel's run was cut short by this check's own run).
    if (
        now is None
        or (now.position, now.item, now.state) != (shown.position, shown.item, shown.state)
        or "vote_msg" in st.session_state
    ):
        st.rerun(scope="app")


item_panel(cur)
follow_the_screen(cur)
if st.button(_("Change my group"), key="vote_change_group"):
    del params["g"]
    st.rerun()
