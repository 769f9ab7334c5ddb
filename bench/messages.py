"""What one repeated pillar change sends, message by message (#28): where the Chromium rows' message bytes go.

    .venv/bin/python bench/messages.py [a|b]      # (a) Sindh, (b) Pakistan with the synthetic data

Starts ours as ``make run`` does (serve.py), opens the Atlas in headless Chromium, offline, changes one
pillar there and back (so the third change is a view seen before, the bench's "repeated view"), and
decodes the websocket frames of that third change with Streamlit's own ``ForwardMsg``. Prints one row per
message: its bytes, its kind (an element sent whole, a reference to an element the browser keeps, a
layout block, Streamlit's own per-rerun messages) and its place in the page (delta path: 0 main,
1 sidebar), then the totals per kind. A layout block (columns, expander, fragment) is never sent as a
reference: every rerun re-sends it whole. Asserts nothing.
"""

from __future__ import annotations

import collections
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    INSTRUMENT_JS,
    MessageBytes,
    _change,
    _Server,
    _state,
    _wait_painted,
    _wait_still,
    offline_context,
)
from bench.run import case_env

ALL = ["technology", "support", "hrm", "incentive"]
FEWER = ["technology", "support", "hrm"]


def describe(frames: list[bytes]) -> list[tuple[int, str, str]]:
    """(bytes, kind, place) of each websocket frame: kind is ``element:<type>`` (sent whole), ``reference``
    (to an element the browser keeps), ``block:<type>``, or the message's own name (``new_session``, …)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    rows = []
    for frame in frames:
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        kind = msg.WhichOneof("type")
        if kind == "delta":
            delta = msg.delta.WhichOneof("type")
            if delta == "new_element":
                kind = "element:" + msg.delta.new_element.WhichOneof("type")
            elif delta == "add_block":
                kind = "block:" + (msg.delta.add_block.WhichOneof("type") or "container")
            else:
                kind = "delta:" + str(delta)
        elif kind == "ref_hash":
            kind = "reference"
        rows.append((len(frame), kind, ".".join(map(str, msg.metadata.delta_path))))
    return rows


def totals(rows: list[tuple[int, str, str]]) -> dict[str, tuple[int, int]]:
    """Per kind: (messages, bytes), largest first."""
    out: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for size, kind, _ in rows:
        out[kind][0] += 1
        out[kind][1] += size
    return {k: (n, b) for k, (n, b) in sorted(out.items(), key=lambda kv: -kv[1][1])}


def repeated_change_frames(case: str) -> list[bytes]:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-messages-"))
    env, query = case_env(case, tmp)
    env = {"ATLAS_DB_URL": f"sqlite:///{tmp}/atlas.db", **env}
    query_s = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        server = _Server(REPO / "serve.py", env, tmp / "server.log")
        try:
            context = offline_context(browser, [])
            page = context.new_page()
            page.goto(f"http://localhost:{server.port}/{query_s}", wait_until="domcontentloaded")
            _wait_painted(page)
            meter = MessageBytes(context.new_cdp_session(page), keep_frames=True)
            page.evaluate(INSTRUMENT_JS)
            _wait_still(page, since=_state(page)["now"])
            _change(page, meter, ALL, FEWER)  # two new views: the third change is a repeated one
            _change(page, meter, FEWER, ALL)
            meter.frames.clear()
            _change(page, meter, ALL, FEWER)
            return list(meter.frames)
        finally:
            server.stop()
            browser.close()


def main() -> None:
    case = sys.argv[1] if len(sys.argv) > 1 else "a"
    rows = describe(repeated_change_frames(case))
    print(f"# case ({case}): one repeated pillar change, load average {os.getloadavg()[0]:.1f}")
    for size, kind, place in rows:
        print(f"{size:6d} B  {kind:32s} {place}")
    print(f"{sum(r[0] for r in rows):6d} B  in all, {len(rows)} messages")
    for kind, (n, size) in totals(rows).items():
        print(f"{size:6d} B  {n:3d} × {kind}")


if __name__ == "__main__":
    main()
