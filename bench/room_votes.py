"""`make bench-votes`: a hall of phones vote on one agenda item at once against a real server, with
the projector's room view open in headless Chromium (issue #28 item 2).

Each simulated phone is what a phone's browser does on the light vote page (``web/vote.py``, ``/v``):
an HTTP client that opens the short link ``/v?r=<round>`` (its signed device pass comes with the page),
picks its group (the page's GET form) and posts one vote (the page's form). No Streamlit session per
phone. All phones join, then all vote at the same moment.

Figures (printed as one table with the load average, PASS/FAIL against the budget):

* every vote counted exactly once: votes stored, devices counted, the projector's final "n voted"
  and each group × choice cell against what the phones sent; none refused;
* vote → projector: for each vote, from the moment the phone sent it to the moment the projector
  (never reloaded) first showed a count that includes it (votes are counted in the order they were
  stored); p50 / p95 / max, budget p95 ≤ 1 s at 80 phones and ≤ 2 s at 300;
* vote → phone's confirmation (the server's answer), p50 / p95;
* the projector's poll (``/v/room``) answered at once with the hall's votes in it: median time and bytes
  (what polling more often would cost);
* joining, in Chromium: the bytes a phone downloads to show the vote page (budget ≤ 100 KB), beside
  today's Streamlit page (``/vote``) for comparison, and the time to show it on a link throttled to
  DevTools' "Slow 3G" (2 s round trip, 400 kbit/s; budget ≤ 3 s).

Usage: ``.venv/bin/python bench/room_votes.py [--phones 80] [--db-url URL] [--json out.json]``
(default store: a fresh SQLite file; pass a PostgreSQL URL to measure that).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))  # scripts/ is not a package

from atlas_server import CHROMIUM_ARGS, start_server, stop_server

from cluster_model import voting as v
from cluster_model.settings import settings

ROUND = "bench-room-vote"
ITEM = ("rice", "hrm")
BUDGET_P95_S = {80: 1.0, 300: 2.0}  # by phones; other counts take the next larger budget
BUDGET_JOIN_BYTES = 100_000
BUDGET_SLOW_3G_S = 3.0
# DevTools' "Slow 3G" preset (devtools-frontend NetworkManager): 400 ms × 5 latency, 500 kbit/s × 0.8.
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
TIMEOUT_S = 120  # one HTTP request of a phone; bounded, so the bench always ends and prints
PROJECTOR_SETTLE_S = 30  # after the last answer, for the projector to catch up
CHROMIUM = settings().chromium or "/usr/bin/chromium"
_HIDDEN = re.compile(r"<input type='hidden' name='(\w+)' value='([^']*)'>")


def _budget_p95(phones: int) -> float:
    return next((b for n, b in sorted(BUDGET_P95_S.items()) if phones <= n), max(BUDGET_P95_S.values()))


# ------------------------------------------------------------------ one simulated phone


class Phone:
    """The light page's two requests to join and one to vote, over one keep-alive connection."""

    def __init__(self, base: str, group: str, choice: str):
        self.netloc = urlsplit(base).netloc
        self.group, self.choice = group, choice
        self.form: dict[str, str] = {}
        self.token = ""
        self.sent_at: float | None = None
        self.confirmed_at: float | None = None
        self.refused: str | None = None
        self.join_error: str | None = None
        self.conn: http.client.HTTPConnection | None = None

    @property
    def joined(self) -> bool:
        return bool(self.form)

    def _get(self, path: str) -> tuple[int, str]:
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")

    def open(self) -> None:
        try:
            self.conn = http.client.HTTPConnection(self.netloc, timeout=TIMEOUT_S)
            status, page = self._get(f"{v.PHONE_PATH}?{urlencode({'r': ROUND})}")
            self.token = dict(_HIDDEN.findall(page)).get("t", "")
            status, page = self._get(
                f"{v.PHONE_PATH}?{urlencode({'r': ROUND, 't': self.token, 'g': self.group})}"
            )
            form = dict(_HIDDEN.findall(page))
            if status != 200 or "id='vote-form'" not in page:
                self.join_error = f"HTTP {status}, no vote form"
                return
            self.form = {k: x.replace("&amp;", "&") for k, x in form.items()}
        except OSError as exc:
            self.join_error = f"{type(exc).__name__}: {exc}"

    def vote(self, start: threading.Event) -> None:
        body = urlencode({**self.form, "choice": self.choice})
        start.wait()
        self.sent_at = time.time()
        try:
            self.conn.request(
                "POST", v.PHONE_PATH, body, {"Content-Type": "application/x-www-form-urlencoded"}
            )
            r = self.conn.getresponse()
            page = r.read().decode("utf-8", "replace")
            self.confirmed_at = time.time()
            if r.status != 200 or "Counted:" not in page:
                alert = re.search(r"role='alert'>([^<]*)<", page)
                self.refused = f"HTTP {r.status}: {alert.group(1) if alert else page[:80]}"
        except OSError as exc:
            self.refused = f"{type(exc).__name__}: {exc}"
        finally:
            self.conn.close()


WATCH_JS = """
() => {
  window.__seen = [];
  let last = null;
  const tick = () => {
    const t = document.querySelector('.ws-tally');
    const n = t ? t.dataset.voted : null;
    if (n !== null && n !== last) { last = n; window.__seen.push([parseInt(n), Date.now() / 1000]); }
  };
  new MutationObserver(tick).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  setInterval(tick, 20);
}
"""


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def drive_phones(base: str, plan: list[tuple[str, str]]) -> list[Phone]:
    """Every phone joins (all at once), then every phone that joined votes at the same moment."""
    phones = [Phone(base, g, c) for g, c in plan]
    t0 = time.time()
    with ThreadPoolExecutor(len(phones)) as pool:
        list(pool.map(Phone.open, phones))
        voters = [p for p in phones if p.joined]
        print(
            f"  {len(voters)}/{len(phones)} phones joined in {time.time() - t0:.1f} s; all vote at once",
            flush=True,
        )
        start = threading.Event()
        done = [pool.submit(p.vote, start) for p in voters]
        time.sleep(0.5)  # every phone's thread at the start line (not a measurement)
        start.set()
        for f in done:
            f.result()
    return phones


def poll_cost(base: str, item: tuple[str, str], times: int = 20) -> tuple[float, int]:
    """The projector's poll answered at once (no ``since``) with the hall's votes in the tally: median
    seconds and bytes, one request at a time over one connection (what a shorter interval would cost)."""
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=TIMEOUT_S)
    path = f"{v.PHONE_PATH}/room?{urlencode({'r': ROUND, 'c': item[0], 'p': item[1]})}"
    spent, size = [], 0
    for _ in range(times):
        t0 = time.perf_counter()
        conn.request("GET", path)
        size = len(conn.getresponse().read())
        spent.append(time.perf_counter() - t0)
    conn.close()
    return pct(spent, 0.5), size


def join_figures(browser, base: str) -> dict[str, float]:
    """Bytes a phone downloads to show the vote page (light and Streamlit), and the light page's time to
    show on a "Slow 3G" link; each in a fresh browser context (nothing cached), 390×844."""
    out: dict[str, float] = {}
    cases = (
        ("light", f"{v.PHONE_PATH}?r={ROUND}", False),
        ("light_slow3g", f"{v.PHONE_PATH}?r={ROUND}", True),
        ("streamlit", f"/vote?r={ROUND}", False),
    )
    for name, path, throttled in cases:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        received = [0]
        cdp.on(
            "Network.loadingFinished", lambda e, r=received: r.__setitem__(0, r[0] + e["encodedDataLength"])
        )
        if throttled:
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        t0 = time.time()
        page.goto(base + path, wait_until="commit", timeout=180_000)
        page.get_by_role("button", name="Industry", exact=True).wait_for(timeout=180_000)
        out[name + "_s"] = time.time() - t0
        try:
            page.wait_for_load_state("networkidle", timeout=60_000)
        except Exception:  # noqa: BLE001 - the figure is what arrived by then
            pass
        out[name + "_bytes"] = received[0]
        context.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phones", type=int, default=80)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--db-url", default=None, help="SQLite: the store's URL (default: a fresh file)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from cluster_model import store
    from cluster_model.store.testing import temp_store

    tmp = Path(tempfile.mkdtemp(prefix="atlas-bench-votes-"))
    if args.backend == "sqlite":
        db_url = args.db_url or f"sqlite:///{tmp}/atlas.db"
        return run(args, store.open_store(db_url), db_url, tmp)
    # A fresh schema on ATLAS_TEST_PG_URL (scripts/start_test_postgres.sh), dropped afterwards.
    with temp_store("postgresql", tmp) as (engine, url, schema):
        return run(args, engine, f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}", tmp)


def run(args, engine, db_url: str, tmp: Path) -> int:
    from playwright.sync_api import sync_playwright

    from cluster_model.store import dialogue as dl
    from cluster_model.store import votes as vt

    round_id = ROUND
    if dl.get_session(engine, round_id) is None:
        dl.create_dialogue(
            engine,
            round_id=round_id,
            name="Bench: room vote",
            date="2027-05-01",
            venue="bench",
            facilitator="bench",
            agenda=f"{ITEM[0]}:{'H'}",
            author="bench",
        )
    rng = random.Random(7)
    plan = [(v.GROUPS[i % 4], rng.choice(list(v.CHOICES))) for i in range(args.phones)]
    proc, base = start_server(db_url=db_url, log_dir=tmp)
    t_start = time.time()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{base}/workshop?round={round_id}&mode=present", wait_until="domcontentloaded")
            page.locator(".ws-tally").wait_for(timeout=180_000)
            page.evaluate(WATCH_JS)
            load_before = os.getloadavg()[0]
            phones = drive_phones(base, plan)
            n_sent = sum(1 for p in phones if p.sent_at is not None)
            deadline = time.time() + PROJECTOR_SETTLE_S
            while time.time() < deadline and page.evaluate(
                "() => document.querySelector('.ws-tally').dataset.voted"
            ) != str(n_sent):
                page.wait_for_timeout(100)
            seen = page.evaluate("() => window.__seen")
            cells = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.ws-tally td[data-choice]')]
                                   .map(td => [td.closest('tr').dataset.group + '/' + td.dataset.choice, parseInt(td.textContent)]))""")
            shown = int(page.evaluate("() => document.querySelector('.ws-tally').dataset.voted"))
            load_votes = os.getloadavg()[0]
            poll_s, poll_bytes = poll_cost(base, ITEM)
            joining = join_figures(browser, base)
            browser.close()
    finally:
        stop_server(proc)

    raw = vt.raw_votes(engine, round_id)
    t = vt.tally(engine, round_id, *ITEM)
    expected: dict[str, int] = {}
    voters = [p for p in phones if p.sent_at is not None]
    not_joined = [p for p in phones if not p.joined]
    for g, c in ((p.group, p.choice) for p in voters):
        expected[f"{g}/{c}"] = expected.get(f"{g}/{c}", 0) + 1
    cells_ok = all(cells.get(k, 0) == expected.get(k, 0) for k in set(cells) | set(expected))
    refused = [p.refused for p in phones if p.refused]
    # Every vote sent counted exactly once (phones that never joined sent none; they fail their own row).
    n_sent = len(voters)
    exactly_once = len(raw) == n_sent and t.n == n_sent and shown == n_sent and cells_ok and not refused

    # vote -> projector: the k-th stored vote is on screen once the projector shows >= k.
    order = {dev: k + 1 for k, dev in enumerate(raw.sort_values("vote_id")["device"])}
    device_of = {}
    secret_engine = engine
    for p in voters:
        token = p.token
        try:
            device_of[id(p)] = vt.check_pass(secret_engine, token)
        except vt.VoteRefused:
            pass
    latencies, confirms = [], []
    for p in voters:  # every stored vote, confirmed to its phone or not
        if p.refused or id(p) not in device_of or device_of[id(p)] not in order:
            continue
        k = order[device_of[id(p)]]
        shown_at = next((ts for n, ts in seen if n >= k), None)
        if shown_at is not None:
            latencies.append(max(0.0, shown_at - p.sent_at))
        if p.confirmed_at is not None:
            confirms.append(p.confirmed_at - p.sent_at)
    missing = n_sent - len(latencies)
    p95 = pct(latencies, 0.95) if latencies else float("inf")
    budget = _budget_p95(args.phones)
    rows = [
        (
            "phones joined (page showed the vote form)",
            f"{args.phones - len(not_joined)} / {args.phones}"
            + (f" ({not_joined[0].join_error})" if not_joined else ""),
            f"{args.phones}",
            "PASS" if not not_joined else "FAIL",
        ),
        (
            "votes stored / devices counted / projector shows",
            f"{len(raw)} / {t.n} / {shown}",
            f"{n_sent} each (votes sent)",
            "PASS" if exactly_once else "FAIL",
        ),
        (
            "group x choice cells on the projector match the phones",
            "yes" if cells_ok else "no",
            "yes",
            "PASS" if cells_ok else "FAIL",
        ),
        (
            "votes refused",
            str(len(refused)) + (f" ({refused[0]})" if refused else ""),
            "0",
            "PASS" if not refused else "FAIL",
        ),
        (
            f"votes with no answer on the phone in {TIMEOUT_S} s",
            str(sum(p.confirmed_at is None for p in voters)),
            "(reported)",
            "-",
        ),
        ("vote -> projector p50", f"{pct(latencies, 0.5):.2f} s" if latencies else "-", "(reported)", "-"),
        (
            "vote -> projector p95",
            f"{p95:.2f} s",
            f"<= {budget:.0f} s",
            "PASS" if p95 <= budget and not missing else "FAIL",
        ),
        ("vote -> projector max", f"{max(latencies):.2f} s" if latencies else "-", "(reported)", "-"),
        ("votes never seen on the projector", str(missing), "0", "PASS" if not missing else "FAIL"),
        (
            "vote -> phone's confirmation p50",
            f"{pct(confirms, 0.5):.2f} s" if confirms else "-",
            "(reported)",
            "-",
        ),
        (
            "vote -> phone's confirmation p95",
            f"{pct(confirms, 0.95):.2f} s" if confirms else "-",
            "(reported)",
            "-",
        ),
    ]
    rows += [
        (
            f"projector's poll answer (/v/room, {n_sent} votes), median",
            f"{poll_s * 1000:.1f} ms, {poll_bytes} B",
            "(reported)",
            "-",
        ),
        (
            "bytes to join, light page (/v)",
            f"{joining['light_bytes'] / 1000:.1f} KB",
            f"<= {BUDGET_JOIN_BYTES / 1000:.0f} KB",
            "PASS" if joining["light_bytes"] <= BUDGET_JOIN_BYTES else "FAIL",
        ),
        (
            "bytes to join, Streamlit page (/vote, before)",
            f"{joining['streamlit_bytes'] / 1000:.1f} KB",
            "(reference)",
            "-",
        ),
        (
            "time to join on Slow 3G, light page",
            f"{joining['light_slow3g_s']:.2f} s",
            f"<= {BUDGET_SLOW_3G_S:.0f} s",
            "PASS" if joining["light_slow3g_s"] <= BUDGET_SLOW_3G_S else "FAIL",
        ),
    ]
    backend = "PostgreSQL" if args.backend == "postgresql" else "SQLite"
    print(
        f"\nRoom vote: {args.phones} phones (light page) on one item at once, one real server ({backend}), "
        f"projector in Chromium 1920x1080; load average {load_before:.1f} before the votes, {load_votes:.1f} after\n"
    )
    w = [max(len(r[i]) for r in rows + [("metric", "measured", "budget", "pass")]) for i in range(4)]
    line = lambda r: "| " + " | ".join(str(c).ljust(w[i]) for i, c in enumerate(r)) + " |"  # noqa: E731
    print(line(("metric", "measured", "budget", "pass")))
    print("|" + "|".join("-" * (x + 2) for x in w) + "|")
    for r in rows:
        print(line(r))
    print(
        f"\ntotal {time.time() - t_start:.0f} s; load average at the end {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"latencies_s": latencies, "confirm_s": confirms, "rows": rows}, indent=1)
        )
    return 0 if all(r[3] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
