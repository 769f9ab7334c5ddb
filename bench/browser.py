"""What the user feels, measured in Chromium (issue #14): repaint after a pillar change, bytes, start.

Used by ``bench/run.py`` (``make bench``, ``make bench-browser``) for the real app and for the
reference (``bench/reference_app.py``). One real Streamlit server per implementation and case,
headless Debian Chromium through Playwright, offline: every request to a host other than
localhost is refused.

* **Server start -> map painted**: the server is started 1 + ``START_SAMPLES`` times with the same
  store; the first start is the first-run set-up (seeding the store, filling OS caches, writing any
  on-disk cache), the others are measured (their median): clock at ``Popen``, stop when the map iframe
  holds a ``path.leaflet-interactive``. Each start has a fresh browser context (a cold HTTP cache).
* **Pillar change -> map repainted and still**: the Pillars multiselect is changed with real
  clicks (remove a tag, or open the list and pick an option). The clock starts at the
  ``pointerdown`` of that click (a capture listener on the page). A ``requestAnimationFrame``
  loop on the page reads the fills of the map's ``path.leaflet-interactive`` (inside the map
  iframe, same origin) and a ``MutationObserver`` on the map iframe's document (re-attached when
  the iframe or its document is replaced) records the last change. The change is over when
  neither the page nor the map has changed for ``QUIET_S`` and the app is not running; the figure
  is the time of the map's last change (the repaint; after it the map stayed still), and whether
  the fills differ from before the click is recorded with it.
* **Bytes**: a Chrome DevTools Protocol session on the page: ``Network.webSocketFrameReceived``
  payload lengths (binary frames are base64 in CDP: decoded length) plus
  ``Network.loadingFinished`` ``encodedDataLength`` of ``/_stcore/message`` responses, from the
  click until the change is over.
* **Bytes on the wire**: the browser reaches the server through a counting TCP relay
  (``_WireMeter``): every byte the server sends on any connection (websocket frames as compressed
  by permessage-deflate, HTTP responses and their headers), from the click until the change is
  over. With ``server.enableWebsocketCompression`` this is less than the payload above; without
  it, a little more (frame and HTTP headers).
* **Where a change goes** (#28), from the page's own timestamps: an init script in every frame
  records when the page's websocket receives each message, when the map's frame receives a
  message from the page (the component's new arguments) and the long tasks of each frame
  (``PerformanceObserver``); per change, each is taken relative to the click (``marks`` in
  ``--json``, medians in the printed notes).
* **Round step -> map repainted** (#27): after the pillar changes, the Atlas's round slider is stepped with
  the arrow keys (towards the newest round, then back), the clock armed for the key's ``keydown``; timed and
  counted like a pillar change (``round`` in the output; none when the data have a single round).
* **Load**: the 1-minute load average at the start and the end of each measurement (``load``).
* **New and repeated views**: one session walks a path of pillar choices, each step adding or
  removing one pillar, every choice on it not shown before (new views: nothing of them is cached,
  by the app or by the browser); then it walks the same path back (repeated views).
"""

from __future__ import annotations

import base64
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from cluster_model.settings import child_env_vars, settings
from cluster_model.vocabulary import PILLARS

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))  # scripts/ is not a package
from atlas_server import CHROMIUM_ARGS

CHROMIUM = settings().chromium or "/usr/bin/chromium"
VIEWPORT = (1400, 900)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
QUIET_S = settings().bench_quiet_s  # still for this long = done (not part of the figure)
CHANGE_TIMEOUT_S = 180
NO_REPAINT_S = settings().bench_no_repaint_s  # map untouched this long after a click: no repaint
START_SAMPLES = 3  # measured starts after the set-up start; their median is reported
MAP_IFRAME = "iframe[title^='Map'], iframe[title*='folium']"  # the atlas titles its map; the reference keeps streamlit-folium's title

# From all four pillars, one pillar added or removed per step, every choice new. Chosen so that on
# the real Sindh data most steps change some district's gap (11 of 13; choices without "support"
# give the same gaps as with it, as no support indicator is assessed there yet).
PATH = [
    ["technology", "support", "incentive"],
    ["technology", "support"],
    ["support"],
    ["support", "incentive"],
    ["support", "hrm", "incentive"],
    ["support", "hrm"],
    ["technology", "support", "hrm"],
    ["technology", "hrm"],
    ["hrm"],
    ["hrm", "incentive"],
    ["technology", "hrm", "incentive"],
    ["technology", "incentive"],
    ["technology"],
]

# Installed on the page once it is loaded: the clock, the map's fills and the last changes.
INSTRUMENT_JS = r"""
() => {
  if (window.__bb) return;
  const bb = window.__bb = {t0: null, armed: false, lastTop: performance.now(), lastMap: null, lastFill: null,
                            sig: null, nPaths: 0, doc: null, frame: null, obs: null};
  const start = () => { if (bb.armed) { bb.t0 = performance.now(); bb.armed = false; } };
  document.addEventListener('pointerdown', start, true);
  document.addEventListener('keydown', start, true);  // a round step is a key on the round slider
  new MutationObserver(() => { bb.lastTop = performance.now(); })
    .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  const mapDoc = () => {
    const f = document.querySelector("MAP_IFRAME");
    try { return [f, f && f.contentDocument]; } catch (e) { return [f, null]; }
  };
  const tick = () => {
    const [f, doc] = mapDoc();
    if (f !== bb.frame || doc !== bb.doc) {  // a new iframe or a new document in it: observe that one
      bb.frame = f; bb.doc = doc; bb.lastMap = performance.now();
      if (bb.obs) bb.obs.disconnect();
      bb.obs = null;
      if (doc) {
        bb.obs = new MutationObserver(() => { bb.lastMap = performance.now(); });
        bb.obs.observe(doc, {subtree: true, childList: true, attributes: true, characterData: true});
      }
    }
    let s = '', n = 0;
    if (doc) for (const p of doc.querySelectorAll('path.leaflet-interactive')) {
      s += (p.getAttribute('fill') || '') + '/' + (p.getAttribute('fill-opacity') || '') + ';'; n++;
    }
    if (s !== bb.sig) { bb.sig = s; bb.nPaths = n; bb.lastFill = performance.now(); }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
""".replace("MAP_IFRAME", MAP_IFRAME)

# Run in every frame before its own scripts (absolute times, ms since the epoch, so frames compare):
# the top page's websocket messages, the map frame's incoming messages, every frame's long tasks.
MARKS_INIT_JS = r"""
(() => {
  if (window.__bbMarks) return;
  const abs = () => performance.timeOrigin + performance.now();
  const marks = window.__bbMarks = {ws: [], received: [], longtasks: []};
  if (window === window.top) {
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args) { super(...args); this.addEventListener('message', () => marks.ws.push(abs())); }
    };
  } else {
    window.addEventListener('message', () => marks.received.push(abs()), true);
  }
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) marks.longtasks.push([performance.timeOrigin + e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
  } catch (e) { /* no long task timing in this browser */ }
})();
"""

# The marks of the page and of the map's frame from ``t0`` (the click, in the page's clock) on.
MARKS_JS = """(t0) => {
  const start = performance.timeOrigin + t0, m = window.__bbMarks;
  const f = document.querySelector("MAP_IFRAME");
  let fm = null;
  try { fm = f && f.contentWindow.__bbMarks; } catch (e) { fm = null; }
  const after = (list) => list.filter(t => t >= start).map(t => t - start);
  const tasks = (list) => list.filter(([s, d]) => s + d >= start).map(([s, d]) => [s - start, d]);
  return {ws: after(m.ws), received: fm ? after(fm.received) : [],
          longtasks: tasks(m.longtasks).concat(fm ? tasks(fm.longtasks) : [])};
}""".replace("MAP_IFRAME", MAP_IFRAME)

STATE_JS = """() => { const bb = window.__bb; return {now: performance.now(), t0: bb.t0, lastTop: bb.lastTop, lastMap: bb.lastMap,
  lastFill: bb.lastFill, sig: bb.sig, nPaths: bb.nPaths,
  running: !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')}; }"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _offline_route(refused: list[str]):
    def route(r):
        u = r.request.url
        if u.startswith(("data:", "blob:", "about:")) or (urlparse(u).hostname or "") in LOCAL_HOSTS:
            return r.continue_()
        refused.append(u)
        return r.abort("internetdisconnected")

    return route


def offline_context(browser, refused: list[str], marks: bool = True):
    """A fresh browser context as every bench page gets one: the bench's viewport, every request to a host
    other than this machine refused (and listed in ``refused``), and, with ``marks``, the page's own
    timestamps recorded in every frame (``MARKS_INIT_JS``)."""
    context = browser.new_context(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
    context.route("**/*", _offline_route(refused))
    if marks:
        context.add_init_script(MARKS_INIT_JS)
    return context


class _Server:
    """``streamlit run`` of one app in a subprocess; ``t0`` is the moment it was started."""

    def __init__(self, app: Path, env: dict[str, str], log: Path, cwd: Path = REPO):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = open(log, "a")
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(app),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=cwd,
            env=child_env_vars(env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        while True:
            if self.proc.poll() is not None or time.perf_counter() - self.t0 > 180:
                self.stop()
                raise RuntimeError(f"server for {app.name} did not start; see {log}")
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2):
                    self.ready = time.perf_counter() - self.t0
                    return
            except OSError:
                time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class _WireMeter:
    """A TCP relay in front of the server that counts the bytes the server sends (all connections).

    The browser opens ``url``; what it receives on the wire is what a slow link carries, after
    websocket compression, with every header."""

    def __init__(self, port: int):
        self.server_port = port
        self.sent = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection(("127.0.0.1", self.server_port))
            for src, dst, counted in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(target=self._pipe, args=(src, dst, counted), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, counted: bool) -> None:
        try:
            while data := src.recv(65536):
                if counted:
                    with self._lock:
                        self.sent += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._listener.close()


class MessageBytes:
    """Bytes the page receives over the websocket and as ``/_stcore/message`` responses (CDP).

    ``keep_frames``: also keep each websocket frame's payload (``frames``), for a test to read what travelled."""

    def __init__(self, cdp, wire: _WireMeter | None = None, keep_frames: bool = False):
        self.wire = wire
        self.frames: list[bytes] | None = [] if keep_frames else None
        self.ws = 0
        self.message = 0
        self.other_http = 0
        self.urls: dict[str, str] = {}
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on(
            "Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"])
        )
        cdp.on("Network.loadingFinished", self._finished)

    def _frame(self, e) -> None:
        r = e["response"]
        data = r.get("payloadData", "")
        payload = base64.b64decode(data) if r.get("opcode") == 2 else data.encode()
        self.ws += len(payload)
        if self.frames is not None:
            self.frames.append(payload)

    def _finished(self, e) -> None:
        if "/_stcore/message" in self.urls.get(e["requestId"], ""):
            self.message += int(e["encodedDataLength"])
        else:
            self.other_http += int(e["encodedDataLength"])

    def snapshot(self) -> tuple[int, int, int, int]:
        return self.ws, self.message, self.other_http, self.wire.sent if self.wire else 0


def _wait_painted(page, timeout_ms: int = 120_000) -> None:
    page.wait_for_selector(MAP_IFRAME, state="attached", timeout=timeout_ms)
    page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for(
        state="attached", timeout=timeout_ms
    )


def _state(page) -> dict:
    return page.evaluate(STATE_JS)


def _wait_still(page, since: float, timeout_s: float = CHANGE_TIMEOUT_S, after_click: bool = False) -> dict:
    """Poll until neither the page nor the map changed for QUIET_S and the app is not running.

    After a click, also until the map has changed since the click, or NO_REPAINT_S have passed
    without it (an app whose map is the same for the new choice may rightly not touch it): a
    loaded server can take longer than QUIET_S to even start the rerun.
    """
    deadline = time.perf_counter() + timeout_s
    while True:
        s = _state(page)
        last = max(v for v in (s["lastTop"], s["lastMap"], s["lastFill"], since) if v is not None)
        map_done = (
            not after_click
            or (s["t0"] is not None and (s["lastMap"] or 0) > s["t0"])
            or s["now"] - since >= NO_REPAINT_S * 1000
        )
        if not s["running"] and s["now"] - last >= QUIET_S * 1000 and map_done:
            return s
        if time.perf_counter() > deadline:
            raise TimeoutError("the page did not settle")
        time.sleep(0.1)


def _pillar_box(page):
    return (
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
        .filter(has_text="Pillars")
        .first
    )


def _toggle(page, pillar: str, selected: bool) -> None:
    """One user action: remove the pillar's tag, or open the list and pick it. The clock is armed for its click."""
    label = PILLARS[pillar]
    box = _pillar_box(page)
    if selected:
        target = box.locator(f'button[aria-label="Remove {label}"]')
    else:
        box.locator("input").first.click(timeout=CHANGE_TIMEOUT_S * 1000)
        target = page.get_by_role("option", name=label, exact=True)
        target.wait_for(state="visible", timeout=CHANGE_TIMEOUT_S * 1000)
    page.evaluate("() => { window.__bb.armed = true; window.__bb.t0 = null; }")
    # A page busy drawing a large map can take long to take a click: wait as long as for a change.
    target.click(timeout=CHANGE_TIMEOUT_S * 1000)


def _change(page, meter: MessageBytes, current: list[str], wanted: list[str]) -> dict:
    (pillar,) = set(current) ^ set(wanted)
    return {**_timed(page, meter, lambda: _toggle(page, pillar, pillar in current)), "to": wanted}


# The Atlas's round slider (#27): its thumb (a range input, value = the round's index) takes the arrow keys.
ROUND_SLIDER = '.st-key-w_round_slider input[type="range"]'


def _round_steps(page, meter: MessageBytes, n: int) -> list[dict]:
    """``n`` steps of the round slider, each one arrow key: towards one end, then back (none with one round)."""
    thumb = page.locator(ROUND_SLIDER).first
    if not n or not thumb.count():
        return []
    steps, backwards = [], False
    for _ in range(n):
        at, last = int(thumb.input_value()), int(thumb.get_attribute("max"))
        backwards = at == last or (backwards and at > 0)
        key = "ArrowLeft" if backwards else "ArrowRight"
        thumb.focus()

        def step(key=key) -> None:
            page.evaluate("() => { window.__bb.armed = true; window.__bb.t0 = null; }")
            thumb.press(key)

        steps.append({**_timed(page, meter, step), "to": at + (-1 if backwards else 1), "view": "round"})
    return steps


def _timed(page, meter: MessageBytes, act) -> dict:
    """One user action (``act`` arms the clock and acts), timed and its bytes counted until page and map are still."""
    before = _state(page)
    b0 = meter.snapshot()
    act()
    s = _wait_still(page, since=_state(page)["now"], after_click=True)
    page.keyboard.press("Escape")  # close an option list left open (after the measurement)
    b1 = meter.snapshot()
    t0 = s["t0"]
    if t0 is None:
        raise RuntimeError("the click was not seen by the page")
    end = max(v for v in (s["lastMap"], s["lastFill"]) if v is not None)
    marks = _where(page.evaluate(MARKS_JS, t0), end - t0)
    return {
        "marks": marks,
        "repaint_s": (end - t0) / 1000 if end > t0 else None,
        "fills_changed": s["sig"] != before["sig"],
        "fill_change_s": (s["lastFill"] - t0) / 1000 if s["lastFill"] > t0 else None,
        "n_paths": s["nPaths"],
        "ws_bytes": b1[0] - b0[0],
        "message_bytes": b1[1] - b0[1],
        "other_http_bytes": b1[2] - b0[2],
        "wire_bytes": b1[3] - b0[3],
    }


def _where(marks: dict, end_ms: float) -> dict:
    """Where one change went, in seconds after the click, until the map's last change (``end_ms``).

    ``first_message_s`` / ``last_message_s``: the first and last websocket message of the rerun (the
    server has the click; the script has finished and sent its last delta); ``map_args_s``: the map's
    frame receives its last message from the page (the component's new arguments, posted once
    Streamlit's frontend has rendered the page's elements); ``long_tasks_s``: main-thread tasks over
    50 ms in the page and the map's frame (React, the map's script) in that time."""
    ws = [t for t in marks["ws"] if t <= end_ms]
    received = [t for t in marks["received"] if t <= end_ms]
    tasks = {(round(start), round(length)) for start, length in marks["longtasks"] if start <= end_ms}
    busy = sum(min(start + length, end_ms) - max(start, 0) for start, length in tasks)
    return {
        "first_message_s": ws[0] / 1000 if ws else None,
        "last_message_s": ws[-1] / 1000 if ws else None,
        "map_args_s": received[-1] / 1000 if received else None,
        "repaint_s": end_ms / 1000,
        "long_tasks_s": busy / 1000,
    }


def measure(
    app: Path,
    env: dict[str, str],
    query: dict[str, str],
    workdir: Path,
    n_changes: int = 10,
    browser=None,
    cwd: Path = REPO,
    n_round_steps: int = 0,
) -> dict:
    """Start -> paint (after a set-up start), then ``n_changes`` new and ``n_changes`` repeated pillar changes,
    then ``n_round_steps`` steps of the Atlas's round slider (#27; none when the data have one round).

    ``n_changes=0``: the start only (an app without the Atlas's pillar filter, such as the floor).
    ``browser``: a launched Playwright Chromium to use (tests); else one is launched here.
    ``cwd``: the server's working directory (another copy of the code, for an A/B comparison).
    """
    if not 0 <= n_changes <= len(PATH):
        raise ValueError(f"n_changes must be 0..{len(PATH)}")
    if browser is not None:
        return _measure(browser, app, env, query, workdir, n_changes, cwd, n_round_steps)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return _measure(browser, app, env, query, workdir, n_changes, cwd, n_round_steps)
        finally:
            browser.close()


def _measure(
    browser,
    app: Path,
    env: dict[str, str],
    query: dict[str, str],
    workdir: Path,
    n_changes: int,
    cwd: Path,
    n_round_steps: int = 0,
) -> dict:
    path = [list(PILLARS)] + PATH[:n_changes]
    env = {"ATLAS_DB_URL": f"sqlite:///{tempfile.mkdtemp(prefix='store-', dir=workdir)}/atlas.db", **env}
    query_s = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    log = workdir / f"server-{app.stem}-{os.getpid()}.log"
    out: dict = {"refused": [], "console_errors": [], "load": [round(os.getloadavg()[0], 1)]}
    starts = []
    changes: list[dict] = []
    # One set-up start, then START_SAMPLES measured ones (a single start moves by ±0.5 s with the machine);
    # the pillar changes are walked in the last.
    attempts = ["setup", *["start"] * (START_SAMPLES - 1), "measured"]
    for attempt in attempts:
        ctx = offline_context(browser, out["refused"])
        page = ctx.new_page()
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and "INTERNET_DISCONNECTED" not in m.text
                and out["console_errors"].append(m.text[:200])
            ),
        )
        page.on(
            "response",
            lambda r: r.status >= 400 and out["console_errors"].append(f"{r.status} {r.url[:200]}"),
        )
        server = _Server(app, env, log, cwd)
        wire = _WireMeter(server.port)
        try:
            page.goto(wire.url + query_s, wait_until="domcontentloaded")
            _wait_painted(page)
            starts.append((time.perf_counter() - server.t0, server.ready))
            if attempt != "measured" or not (n_changes or n_round_steps):  # a start-only measurement
                continue
            out["view"] = (
                page.query_selector(MAP_IFRAME)
                .content_frame()
                .evaluate(
                    """() => { const m = Object.values(window).find(v => v instanceof L.Map);
                           const s = m.getSize(); return {zoom: m.getZoom(), w: s.x, h: s.y}; }"""
                )
            )
            meter = MessageBytes(ctx.new_cdp_session(page), wire)
            page.evaluate(INSTRUMENT_JS)
            _wait_still(page, since=_state(page)["now"])
            out["n_paths"] = _state(page)["nPaths"]
            for current, wanted in zip(path, path[1:]):
                changes.append({**_change(page, meter, current, wanted), "view": "new"})
            back = path[::-1]
            for current, wanted in zip(back, back[1:]):
                changes.append({**_change(page, meter, current, wanted), "view": "repeated"})
            changes += _round_steps(page, meter, n_round_steps)
        finally:
            ctx.close()
            wire.close()
            server.stop()
    out["load"].append(round(os.getloadavg()[0], 1))
    refused = out.pop("refused")
    # start_ready_s: process start -> /_stcore/health answers (imports, server up; the script has not run yet)
    out.update(
        {
            "start_setup_s": starts[0][0],
            "start_s": statistics.median(t for t, _ in starts[1:]),
            "start_samples_s": [round(t, 3) for t, _ in starts[1:]],
            "start_ready_s": statistics.median(r for _, r in starts[1:]),
            "changes": changes,
            "console_errors": out["console_errors"][:10],
            "refused": len(refused),
            "refused_hosts": sorted({urlparse(u).hostname or u[:40] for u in refused}),
        }
    )
    for view in ("new", "repeated", "round"):
        rows = [c for c in changes if c["view"] == view]
        if not rows:  # a start-only measurement
            continue
        times = [c["repaint_s"] for c in rows if c["repaint_s"] is not None]
        out[view] = {
            "repaint_s": statistics.median(times) if times else None,
            "bytes": statistics.median(c["ws_bytes"] + c["message_bytes"] for c in rows),
            "wire_bytes": statistics.median(c["wire_bytes"] for c in rows),
            "n": len(rows),
            "n_repainted": len(times),
            "n_fills_changed": sum(c["fills_changed"] for c in rows),
            "where": {
                key: statistics.median(vals)
                if (vals := [c["marks"][key] for c in rows if c["marks"][key] is not None])
                else None
                for key in rows[0]["marks"]
            },
        }
    return out
