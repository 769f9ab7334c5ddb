"""The phones' light vote page: a small server-rendered page and a form post to a route of the atlas's
own server (``serve.py`` mounts :func:`routes`), so a hall of 300 phones costs no Streamlit session each
(issue #28 item 2).

``GET /v?r=<round>`` (the QR code and short link on the projector) gives a phone an anonymous, signed,
expiring device pass (the same as ever: :mod:`cluster_model.store.votes`), kept in the page's address
(``t=``) with the stakeholder group (``g=``) and language (``lang=``), so a reload keeps all three. The
page shows the item the room is on, its pillar's indicators in plain words, the phone's own vote and
four buttons; ``POST /v`` casts the vote under the same rules (one vote per device per item, changeable
until closed, rate limit, comment length: all in the store module) and answers with the page again.

Progressive: with scripts off it is a plain form (reload for the next item). With scripts on, a few
lines post the form without leaving the page and ask ``GET /v/state`` (a few bytes of JSON) every
:data:`POLL_S` seconds whether the room has moved or the item closed, then redraw the panel.

The projector asks ``GET /v/room`` for its item's tally (figures and the comments' text as JSON), held
until it changes: its script writes them into the drawn tally (``ui/workshop/room.py``), no script run.

Every data value and every comment goes into the page through ``cluster_model.markup.esc``; text comes
from the catalogues (:func:`cluster_model.i18n.translator`); Urdu and Sindhi pages run right to left
with the bundled Naskh font (fetched only by those pages). No Streamlit here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import weakref
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode

from anyio import CapacityLimiter, to_thread
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from cluster_model import i18n
from cluster_model import local_names as ln
from cluster_model import voting as v
from cluster_model import workshop as ws
from cluster_model.issues import fill
from cluster_model.markup import esc
from cluster_model.memo import Memo
from cluster_model.store import votes as vt
from cluster_model.vocabulary import STAKEHOLDERS
from ui.rtl import ARABIC_RANGE, FONT_FAMILY, FONT_URL

PATH = v.PHONE_PATH
POLL_S = 4  # how often a phone with scripts asks whether the room has moved (one tiny query set)
# The projector's poll (/v/room?since=…) is held until the tally, the room or its record changes: a vote
# stored here wakes it at once; a change made elsewhere (the facilitator's page, another server sharing the
# store) is seen by re-reading the store every CHECK_S. An unchanged answer after LONG_POLL_S keeps
# proxies and sleeping laptops from holding a dead request.
LONG_POLL_S = 20.0
CHECK_S = 0.25
SYMBOL = {"present": "●", "partial": "◐", "absent": "○", v.DONT_KNOW: "?"}
COOKIE = "atlas_vote_pass"
NO_STORE = {"Cache-Control": "no-store"}  # a pass and a vote are this phone's: never cached on the way
_names = Memo(2)  # data/names.csv by (path, mtime): the translated cluster and indicator names

CSS = f"""@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{FONT_URL}') format('truetype');
 font-weight: 400 700; font-display: swap; unicode-range: {ARABIC_RANGE}; }}
body {{ font: 18px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 0.8rem 0.9rem 2rem; max-width: 480px; color: #111; }}
html[dir=rtl] body {{ font-family: '{FONT_FAMILY}', system-ui, sans-serif; }}
.langs {{ display: flex; gap: 1rem; font-size: 17px; }}
.q {{ font-size: 26px; font-weight: 700; line-height: 1.2; margin: 0.2rem 0 0.4rem; }}
.note {{ font-size: 17px; color: #222; }}
ul {{ font-size: 17px; margin: 0 0 0.4rem; padding-inline-start: 1.2rem; }}
button, .go {{ display: block; width: 100%; box-sizing: border-box; min-height: 56px; margin: 0.4rem 0; font: 700 21px system-ui, sans-serif;
 border: 2px solid #333; border-radius: 8px; background: #fff; color: #111; text-align: center; text-decoration: none; padding: 0.5rem; }}
button.mine {{ background: #0072B2; color: #fff; border-color: #0072B2; }}
input[type=text] {{ width: 100%; box-sizing: border-box; font-size: 18px; padding: 0.5rem; border: 2px solid #555; border-radius: 6px; }}
#vote-mine {{ font-size: 20px; font-weight: 700; border: 3px solid #0072B2; border-radius: 8px; padding: 6px 10px; }}
.msg {{ border-radius: 6px; padding: 0.6rem; margin: 0.4rem 0; }}
.js #vote-reload {{ display: none; }}
.ok {{ background: #e3f1e6; }} .err {{ background: #fbe3e0; }} .info {{ background: #e4eef8; }}
"""

# Post the form without leaving the page, and follow the room: the server draws, this only swaps the panel.
SCRIPT = f"""
(function () {{
  document.documentElement.classList.add("js");  // this page follows the room: no "reload" note
  var panel = function () {{ return document.getElementById("vote-panel"); }};
  function swap(html) {{
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("vote-panel");
    if (fresh) panel().replaceWith(fresh);
  }}
  document.addEventListener("submit", function (e) {{
    var form = e.target;
    if (form.id !== "vote-form") return;
    e.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    if (e.submitter && e.submitter.name) data.append(e.submitter.name, e.submitter.value);
    fetch(form.action, {{ method: "POST", body: data }}).then(function (r) {{ return r.text(); }}).then(swap)
      .catch(function () {{ form.submit(); }});
  }});
  setInterval(function () {{
    var p = panel();
    if (!p || !p.dataset.state) return;
    fetch(p.dataset.state, {{ cache: "no-store" }}).then(function (r) {{ return r.json(); }}).then(function (s) {{
      if (s.key !== panel().dataset.key) return fetch(location.href, {{ cache: "no-store" }}).then(function (r) {{ return r.text(); }}).then(swap);
    }}).catch(function () {{}});
  }}, {POLL_S * 1000});
}})();
"""


class _Signal:
    """Wakes the projectors' held polls (:func:`routes`' ``/v/room``) when this server has stored a vote.

    Each held request waits on its own event, set through its own event loop, so a notice from any thread
    or loop is safe; a notice with nobody listening is lost, as nothing then waits for it."""

    def __init__(self) -> None:
        self._listening: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def listening(self):
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._listening.add(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                self._listening.discard(entry)

    def notify(self) -> None:
        with self._lock:
            waiting = list(self._listening)
        for loop, event in waiting:
            loop.call_soon_threadsafe(event.set)


_votes_stored = _Signal()
# Threads per event loop (anyio makes a limiter inside one). The phones' requests share a few: a hall's
# burst of votes queues here instead of 40 threads taking turns at the interpreter lock (and at SQLite's
# write lock), which left the projector's read one turn in forty. The projector's reads have their own.
# Votes: SQLite stores one at a time (more threads only wait in its busy loop, which sleeps); PostgreSQL
# stores several at once, each waiting on its own round trips.
THREADS = {"phones": 6, "votes-sqlite": 1, "votes-postgresql": 4, "projectors": 4}
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, CapacityLimiter]] = (
    weakref.WeakKeyDictionary()
)


async def _in_thread(work: Callable, whose: str):
    """``work()`` (blocking: the store) in a thread of ``whose`` few (:data:`THREADS`)."""
    pools = _limiters.setdefault(asyncio.get_running_loop(), {})
    if whose not in pools:
        pools[whose] = CapacityLimiter(THREADS[whose])
    return await to_thread.run_sync(work, limiter=pools[whose])


def _local_names() -> ln.LocalNames:
    path = ln.NAMES_FILE
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    return _names.get((str(path), mtime), lambda: ln.load_names(path)[0])


def _key(cur: vt.CurrentItem) -> str:
    """What the phone's panel depends on: a change of item or of its state redraws it."""
    return f"{cur.position}|{cur.item.kind}|{cur.item.cluster_id}|{cur.item.pillar}|{cur.state}"


def _href(**params: str | None) -> str:
    return PATH.lstrip("/") + "?" + urlencode({k: p for k, p in params.items() if p})


def _refusal(exc: vt.VoteRefused, tr: i18n.Translator) -> str:
    """A refusal as plain text in the phone's language (ui.chrome.error_text is its Markdown twin for pages)."""
    params = exc.params
    text = fill(tr.gettext(exc.message_id), params)
    return text + (" " + fill(tr.gettext(exc.fix), params) if exc.fix else "")


def _page(lang: str, title: str, body: str, *, status: int = 200) -> HTMLResponse:
    rtl = i18n.is_rtl(lang)
    return HTMLResponse(
        f"<!doctype html><html lang='{esc(lang)}' dir='{'rtl' if rtl else 'ltr'}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}<script>{SCRIPT}</script></body></html>",
        status_code=status,
        headers=NO_STORE,
    )


def _languages(q: dict[str, str]) -> str:
    links = "".join(
        f"<a href='{esc(_href(**{**q, 'lang': None if code == i18n.DEFAULT_LANGUAGE else code}))}' lang='{code}'"
        f"{' aria-current=page' if code == q.get('lang', 'en') else ''}>{esc(label)}</a>"
        for code, label in i18n.LANGUAGES.items()
    )
    return f"<nav class='langs' aria-label='Language · زبان · ٻولي'>{links}</nav>"


def _hidden(q: dict[str, str]) -> str:
    return "".join(f"<input type='hidden' name='{k}' value='{esc(val)}'>" for k, val in q.items() if val)


def _group_picker(q: dict[str, str], tr: i18n.Translator) -> str:
    _ = tr.gettext
    buttons = "".join(f"<button name='g' value='{g}'>{esc(tr.stakeholder(g))}</button>" for g in STAKEHOLDERS)
    ask, anonymous = (
        _("Which group are you from?"),
        _("Asked once. Your vote is anonymous: no name, no account."),
    )
    return (
        f"<div class='q'>{esc(ask)}</div><p class='note'>{esc(anonymous)}</p>"
        f"<form method='get' action='{PATH.lstrip('/')}'>{_hidden({**q, 'g': ''})}{buttons}</form>"
    )


def _panel(engine: Engine, cur: vt.CurrentItem, q: dict, device: str, tr, message: str = "") -> str:
    """The item on screen, the phone's vote and the buttons: the part a script redraws in place."""
    _ = tr.gettext
    item_of = _("Item {n} of {total}").format(n=cur.position + 1, total=cur.n_items)
    if not cur.item.votable:  # the screen shows the gap matrix: no question, no buttons
        nothing = esc(_(ws.NOTHING_TO_VOTE))
        return _panel_frame(
            cur, q, tr, f"<p class='note'>{esc(item_of)}</p><p class='msg info' role='status'>{nothing}</p>"
        )
    lang, cid, pillar = q.get("lang") or i18n.DEFAULT_LANGUAGE, cur.item.cluster_id, cur.item.pillar
    names = _local_names()
    cluster, indicators = vt.item_words(engine, cid, pillar)
    items = "".join(f"<li><bdi>{esc(names.name('indicator', i, lang, n))}</bdi></li>" for i, n in indicators)
    covers = _("Is this in place in the cluster? It covers:")
    mine = vt.my_vote(engine, cur.round_id, cid, pillar, device)
    html = (
        f"<p class='note'>{esc(item_of)} · {esc(tr.stakeholder(q['g']))}</p>"
        f"<div class='q' id='vote-item'><bdi>{esc(names.name('cluster', cid, lang, cluster))}</bdi> — "
        f"{esc(tr.pillar(pillar))}</div><p class='note'>{esc(covers)}</p>"
        f"<ul class='ind'>{items}</ul>{message}"
    )
    if mine:
        label = v.CHOICES[mine["choice"]]
        shown = SYMBOL[mine["choice"]] + " " + _(label)
        yours = _("Your vote:")
        html += f"<p id='vote-mine'>{esc(yours)} {esc(shown)}</p>"
    if cur.state != vt.OPEN:
        closed = _("Voting on this item is closed. Wait for the next item: this page follows the screen.")
        html += f"<p class='msg info' role='status'>{esc(closed)}</p>"
    else:
        buttons = "".join(
            f"<button name='choice' value='{c}'{' class=mine' if mine and mine['choice'] == c else ''}>"
            f"{esc(SYMBOL[c] + ' ' + _(label))}</button>"
            for c, label in v.CHOICES.items()
        )
        comment, hint = _("Comment (optional)"), _("A few words, if you like")
        html += (
            # posted to the page's own address: after a vote, the address bar still holds pass and group
            f"<form method='post' action='{esc(_href(**q))}' id='vote-form'>"
            "<button type='submit' disabled hidden aria-hidden='true'></button>"  # Enter in the comment: no vote
            f"{_hidden({**q, 'c': cid, 'p': pillar})}<label for='comment'>{esc(comment)}</label>"
            f"<input type='text' id='comment' name='comment' maxlength='{v.MAX_COMMENT_CHARS}' "
            f"placeholder='{esc(hint)}'>{buttons}</form>"
        )
    return _panel_frame(cur, q, tr, html)


def _panel_frame(cur: vt.CurrentItem, q: dict, tr, html: str) -> str:
    """The panel around what the item asks: the key a script compares, the reload note, the group link."""
    _ = tr.gettext
    reload, change = _("Reload this page to see the next item."), _("Change my group")
    state_url = PATH.lstrip("/") + "/state?" + urlencode({"r": cur.round_id})
    return (
        f"<main id='vote-panel' data-key='{esc(_key(cur))}' data-state='{esc(state_url)}'>{html}"
        f"<p class='note' id='vote-reload'>{esc(reload)}</p>"
        f"<a class='go' href='{esc(_href(**{**q, 'g': None}))}'>{esc(change)}</a></main>"
    )


def _query(params) -> dict[str, str]:
    """The page's own parameters (round, pass, group, language), as one short text each."""
    lang, _notice = i18n.parse_language(params.get("lang"))
    q = {k: str(params.get(k) or "")[:400] for k in ("r", "t", "g")}
    q["lang"] = "" if lang == i18n.DEFAULT_LANGUAGE else lang
    return q


def _respond(
    engine: Engine, q: dict[str, str], outcome: str | vt.VoteRefused | None, kept: str = ""
) -> Response:
    """The phone's page for ``q`` (round, pass, group, language); with ``outcome``, saying how its vote went
    (:func:`_cast`). ``kept``: the pass this phone's cookie holds, used when the address has none."""
    lang = q["lang"] or i18n.DEFAULT_LANGUAGE
    tr = i18n.translator(lang)
    _ = tr.gettext
    title = _("Vote (phones)")
    cur = vt.current_item(engine, q["r"]) if q["r"] else None
    if cur is None:
        lost = _(
            "This voting link is not for a dialogue on this computer. Scan the QR code on the screen again, or type the short link shown under it."
        )
        return _page(lang, title, f"<p class='msg err' role='alert'>{esc(lost)}</p>", status=404)
    issued = ""
    if not q["t"]:  # the cookie's pass while it is good, else a new one: no redirect, one round trip to join
        q["t"] = kept if kept and _valid(engine, kept) else vt.issue_pass(engine)
        issued = q["t"]
    response = _page_for(engine, q, outcome, lang, tr, cur)
    if issued:  # kept for a reload of the bare link; the page's forms and links carry it in the address
        response.set_cookie(COOKIE, issued, max_age=v.PASS_MAX_AGE_S, httponly=True, samesite="lax")
    return response


def _valid(engine: Engine, token: str) -> bool:
    try:
        vt.check_pass(engine, token)
    except vt.VoteRefused:
        return False
    return True


def _page_for(engine: Engine, q: dict, outcome, lang: str, tr, cur: vt.CurrentItem) -> Response:
    _ = tr.gettext
    title = _("Vote (phones)")
    top = _languages(q)
    try:
        device = vt.check_pass(engine, q["t"])
    except vt.VoteRefused as exc:
        again = _("Get a new voting pass")
        new = f"<a class='go' href='{esc(_href(**{**q, 't': None}))}'>{esc(again)}</a>"
        body = f"{top}<p class='msg err' role='alert'>{esc(_refusal(exc, tr))}</p>{new}"
        return _page(lang, title, body, status=403)
    if q["g"] not in STAKEHOLDERS:
        return _page(lang, title, top + _group_picker(q, tr))
    message, status = "", 200
    if isinstance(outcome, vt.VoteRefused):
        message, status = f"<p class='msg err' role='alert'>{esc(_refusal(outcome, tr))}</p>", 409
    elif outcome is not None:
        counted = _("Counted: {choice}. You can change it until the facilitator closes this item.")
        message = f"<p class='msg ok' role='status'>{esc(counted.format(choice=_(v.CHOICES[outcome])))}</p>"
    if outcome is not None:
        cur = vt.current_item(engine, q["r"]) or cur  # the room may have moved meanwhile
    return _page(lang, title, top + _panel(engine, cur, q, device, tr, message), status=status)


def _cast(engine: Engine, q: dict[str, str], form: dict[str, str]) -> str | vt.VoteRefused | None:
    """Store the posted vote under the store's rules: the choice counted, or why not; None when the post
    holds no pass (nothing is cast: the page then comes with a new pass)."""
    if not q["t"]:
        return None
    try:
        vt.cast_vote(
            engine,
            q["r"],
            form.get("c", ""),
            form.get("p", ""),
            token=q["t"],
            group=q["g"],
            choice=form.get("choice", ""),
            comment=form.get("comment"),
        )
    except vt.VoteRefused as exc:
        return exc
    _votes_stored.notify()  # the projectors' held polls read the tally now
    return form.get("choice", "")


class _Casting:
    """Votes being stored on one event loop: pages are drawn once none is left, so in a hall's burst every
    vote reaches the store (and the projector) before the phones' pages take the interpreter's turns."""

    def __init__(self) -> None:
        self.pending = 0
        self.none = asyncio.Event()
        self.none.set()

    async def cast(self, work: Callable, backend: str):
        self.pending += 1
        self.none.clear()
        try:
            return await _in_thread(work, f"votes-{backend}")
        finally:
            self.pending -= 1
            if not self.pending:
                self.none.set()


_casting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Casting] = weakref.WeakKeyDictionary()


def routes(engine: Callable[[], Engine]) -> list[Route]:
    """The phones' routes; ``engine`` gives the store the atlas uses (serve.py passes ``ui.data_access.get_engine``)."""

    async def page(request: Request) -> Response:
        q, kept = _query(request.query_params), request.cookies.get(COOKIE, "")[:400]
        return await _in_thread(lambda: _respond(engine(), q, None, kept), "phones")

    async def post(request: Request) -> Response:
        body = (await request.body())[:8000].decode("utf-8", "replace")
        form = {k: vals[0] for k, vals in parse_qs(body, keep_blank_values=True).items()}
        q = _query(form)
        casting = _casting.setdefault(asyncio.get_running_loop(), _Casting())
        outcome = await casting.cast(lambda: _cast(engine(), q, form), engine().dialect.name)
        await casting.none.wait()
        return await _in_thread(lambda: _respond(engine(), q, outcome), "phones")

    async def state(request: Request) -> Response:
        def read() -> dict:
            cur = vt.current_item(engine(), str(request.query_params.get("r") or ""))
            return {"key": _key(cur) if cur else ""}

        return Response(
            json.dumps(await _in_thread(read, "phones")), media_type="application/json", headers=NO_STORE
        )

    async def room(request: Request) -> Response:
        """The projector's poll: the tally's figures, where the room is and the record's revision (no
        Streamlit rerun). With ``since`` (the ``key`` of the last answer) the request is held until that
        changes, or :data:`LONG_POLL_S` has passed: a vote shows on the projector as soon as it is read."""
        r, c, p = (str(request.query_params.get(k) or "")[:200] for k in ("r", "c", "p"))
        since = str(request.query_params.get("since") or "")[:400]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + LONG_POLL_S
        while True:
            with _votes_stored.listening() as stored:  # listening before the read: no vote slips between
                # its own threads: a hall's votes queued in the default pool must not hold the projector back
                now = await _in_thread(lambda: vt.room_now(engine(), r, c, p), "projectors")
                left = deadline - loop.time()
                if not since or now["key"] != since or left <= 0 or await request.is_disconnected():
                    break
                # woken by a vote this server stored; other changes (the facilitator, another server) are
                # seen at the next read
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stored.wait(), min(CHECK_S, left))
        return Response(json.dumps(now), media_type="application/json", headers=NO_STORE)

    return [
        Route(PATH + "/room", room, methods=["GET"]),
        Route(PATH, page, methods=["GET"]),
        Route(PATH, post, methods=["POST"]),
        Route(PATH + "/state", state, methods=["GET"]),
    ]
