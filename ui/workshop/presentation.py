"""Projector presentation for workshop mode: big type, high contrast, no Streamlit chrome.

Everything here is local: CSS and a few lines of JavaScript in the page, the QR
code drawn in memory by the ``qrcode`` library. No icon font (Streamlit's
``:material/…:`` icons come from a CDN), no web font.

Palette (colour-blind safe, from Okabe & Ito, each with its own text and
symbol so nothing depends on colour alone): present = blue ``#0072B2`` ●,
partial = orange ``#E69F00`` ◐ (black text), absent = vermillion ``#D55E00``
○ — on white, in near-black type.
"""

from __future__ import annotations

import io
import socket
from urllib.parse import urlencode, urlparse

import folium
import streamlit as st

from cluster_model.markup import esc
from cluster_model.workshop import NOT_RATED
from geo.atlas_map import AtlasMap, legend_html
from ui.i18n import _, translator

MIN_FONT_PX = 20
# st_folium needs a pixel height; the CSS below then fits the map to the screen's height.
MAP_HEIGHT_PX = 520
# The phones' QR code on the projector: big enough to scan from a few rows back, small enough that the
# room's view under it stays above the fold at 1080 px (issue 24 item 14).
QR_PX = 150

RATING_STYLE = {
    # rating: (background, text colour, symbol)
    "present": ("#0072B2", "#ffffff", "●"),
    "partial": ("#E69F00", "#000000", "◐"),
    "absent": ("#D55E00", "#000000", "○"),
    NOT_RATED: ("#ffffff", "#333333", "?"),
}

PRESENTATION_CSS = f"""
<style>
/* Workshop presentation: no sidebar, header, toolbar or footer; large, high-contrast type. */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], #MainMenu, footer {{ display: none !important; }}
html {{ font-size: 22px; }}
.stApp, [data-testid="stMain"] {{ background: #ffffff; color: #111111; }}
[data-testid="stMainBlockContainer"] {{ padding: 0.6rem 1.2rem 2rem 1.2rem !important; max-width: 100% !important; }}
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] span, [data-testid="stMain"] div, [data-testid="stMain"] td,
[data-testid="stMain"] th, [data-testid="stMain"] button, [data-testid="stMain"] input,
[data-testid="stMain"] textarea, [data-testid="stMain"] summary, [data-testid="stMain"] kbd,
[data-testid="stMain"] small, [data-testid="stMain"] code, [data-testid="stMain"] a {{
  font-size: max({MIN_FONT_PX}px, 1em);
}}
[data-testid="stMain"] [data-testid="stCaptionContainer"], [data-testid="stMain"] [data-testid="stCaptionContainer"] * {{
  font-size: {MIN_FONT_PX}px !important; color: #222222 !important;
}}
.ws-title {{ font-size: 40px !important; font-weight: 700; line-height: 1.15; color: #000000; }}
[data-testid="stMain"] h1 {{ font-size: 40px !important; line-height: 1.15; padding: 0.1rem 0 !important; }}
[data-testid="stMain"] h2 {{ font-size: 32px !important; padding: 0.1rem 0 !important; }}
[data-testid="stMain"] h3 {{ font-size: 26px !important; padding: 0.1rem 0 !important; }}
[data-testid="stMain"] button {{ min-height: 52px; font-weight: 700; }}
[data-testid="stMain"] button p {{ font-size: 24px !important; }}
.ws-panel table {{ border-collapse: collapse; width: 100%; }}
.ws-panel th, .ws-panel td {{ font-size: 22px !important; padding: 4px 8px; border: 2px solid #333333; text-align: left; color: #111111; }}
.ws-panel th {{ background: #e8e8e8; }}
.ws-badge {{ display: inline-block; padding: 0 10px; border-radius: 6px; border: 2px solid #111111; font-weight: 700; white-space: nowrap; }}
.ws-note {{ font-size: {MIN_FONT_PX}px; color: #222222; }}
.ws-spot {{ display: inline-block; border: 3px solid #1f5fbf; padding: 0 8px; border-radius: 6px; }}
.ws-link {{ font-size: 26px !important; font-weight: 700; word-break: break-all; }}
.ws-voted {{ font-size: 26px !important; }}
/* The side panel: the tally, the phones' link and the room's view fit a 1080 px screen (issue 24 item 14). */
.st-key-ws_panel {{ gap: 0.35rem !important; }}
/* Streamlit pulls each Markdown block up by 1rem (its last paragraph's margin): with the tighter gap that would
   put a heading under the table after it, so here blocks keep their height and paragraphs end flush. */
.st-key-ws_panel [data-testid="stMarkdownContainer"] {{ margin-bottom: 0 !important; }}
.st-key-ws_panel [data-testid="stMarkdownContainer"] p:last-child {{ margin-bottom: 0; }}
.st-key-ws_panel .ws-tally p {{ margin: 0 0 0.2rem 0; }}
.st-key-ws_panel .ws-panel th, .st-key-ws_panel .ws-panel td {{ padding: 1px 8px; line-height: 1.3; }}
.st-key-ws_panel .ws-badge {{ line-height: 1.25; }}
/* A matrix item has no tally to show: only its poll (which makes the room view follow the presenter) stays. */
.st-key-ws_follow_only {{ display: none !important; }}
/* The map takes the screen's height (less the title row), not a fixed 520 px. */
.st-key-ws_map_box iframe {{ height: max(360px, calc(100vh - 170px)) !important; }}
/* Phones (item 19): the map's legend sits below the map instead of over it. */
@media (max-width: 640px) {{ .st-key-ws_map_box iframe {{ height: 60vh !important; }} }}
.ws-legend-below {{ display: none; }}
@media (max-width: 640px) {{ .ws-legend-below {{ display: block; }} }}
</style>
"""

# The facilitator's window: the same look, but a laptop screen, so normal sizes are fine.
PRESENTER_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], #MainMenu, footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1.2rem 2rem 1.2rem !important; max-width: 100% !important; }
.ws-title { font-size: 30px !important; font-weight: 700; line-height: 1.15; }
.ws-panel table { border-collapse: collapse; width: 100%; }
.ws-panel th, .ws-panel td { padding: 3px 8px; border: 1px solid #555555; text-align: left; }
.ws-badge { display: inline-block; padding: 0 8px; border-radius: 6px; border: 2px solid #111111; font-weight: 700; white-space: nowrap; }
</style>
"""

# The map's own legend, tooltips and markers, made readable from the back of a room.
MAP_CSS = f"""
<style>
.atlas-legend > div {{ font: {MIN_FONT_PX}px/1.35 sans-serif !important; max-height: 60vh !important; }}
.atlas-legend span {{ width: 22px !important; height: 18px !important; }}
.leaflet-tooltip {{ font-size: {MIN_FONT_PX}px !important; }}
.leaflet-control-attribution, .leaflet-control-attribution a {{ font-size: {MIN_FONT_PX}px !important; }}
.leaflet-control-scale-line {{ font-size: {MIN_FONT_PX}px !important; }}
.atlas-legend .atlas-badge {{ font-size: {MIN_FONT_PX}px !important; width: auto !important; min-width: 34px !important; height: 34px !important; }}
.atlas-site .atlas-badge {{ font-size: {MIN_FONT_PX}px !important; min-width: 34px !important; height: 34px !important; border-radius: 17px !important; }}
/* A phone-sized map: the legend would cover it; the page shows it below the map instead (legend_below). */
@media (max-width: 560px) {{ .atlas-legend {{ display: none !important; }} }}
/* The map fills its frame, which the page sizes to the screen's height (streamlit-folium fixes it at `height`). */
#map_div, .folium-map {{ height: 100vh !important; }}
</style>
"""


def apply() -> None:
    """Hide Streamlit's chrome and enlarge everything (call once per run in presentation mode)."""
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)


def readable_map(m: AtlasMap, legend_title: str) -> AtlasMap:
    """Big legend/tooltip type inside the map, and a legend title saying what the colours are."""
    m.get_root().header.add_child(folium.Element(MAP_CSS), name="workshop_map_css")
    # The legend in the page's language (geo.atlas_map.legend_html translates its fixed rows).
    m.set_legend(
        legend_html(m.marker_key, legend_title, not_assessed_label=_("not rated (unknown)"), tr=translator())
    )
    return m


def legend_below(m: AtlasMap) -> str:
    """The map's legend as page HTML, shown under the map only on phone-sized screens (where it is hidden in the map)."""
    if not m.legend_html:
        return ""
    label = _("Map legend")
    return f"<div class='ws-legend-below' role='note' aria-label='{esc(label)}'>{m.legend_html}</div>"  # built and escaped by geo.atlas_map


def badge(rating: str) -> str:
    bg, fg, sym = RATING_STYLE.get(rating, RATING_STYLE[NOT_RATED])
    return f'<span class="ws-badge" style="background:{bg};color:{fg}">{sym} {esc(rating)}</span>'


def html_table(header: list[str], rows: list[list[str]], escape: bool = True) -> str:
    """A plain HTML table (Streamlit's data grid is a canvas whose type CSS cannot enlarge)."""
    cell = esc if escape else (lambda v: v)  # escape=False: cells the caller built with esc()
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(str(v))}</td>" for v in r) + "</tr>" for r in rows)
    return f'<div class="ws-panel"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


# --------------------------------------------------------------------------- link and QR code


def lan_address() -> str | None:
    """This computer's address on the local network (no packet is sent), or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            ip = s.getsockname()[0]
        return None if ip.startswith("127.") else ip
    except OSError:
        return None


def page_link(path: str, params: dict[str, str]) -> tuple[str, str | None]:
    """(link to ``path`` with ``params`` on the host the browser used, a note or None).

    When the browser used localhost, phones cannot open that; the link then uses
    this computer's LAN address, and the note says so.
    """
    try:
        url = urlparse(st.context.url or "")
    except Exception:  # noqa: BLE001 - no browser context (tests)
        url = urlparse("")
    scheme = url.scheme or "http"
    host, port = url.hostname or "localhost", url.port
    note = None
    if host in ("localhost", "127.0.0.1", "::1"):
        lan = lan_address()
        if lan:
            note = _(
                "The projector uses 'localhost'; phones get this computer's network address ({address}). "
                "The app must listen on it (the default)."
            ).format(address=lan)
            host = lan
        else:
            note = _(
                "This computer is on no network: phones cannot open the link until it joins one (a phone hotspot or the room's Wi-Fi)."
            )
    netloc = host + (f":{port}" if port else "")
    return f"{scheme}://{netloc}/{path.strip('/')}?{urlencode(params)}", note


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes, drawn locally."""
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


# --------------------------------------------------------------------------- keyboard

# A clicker's PageDown/PageUp and the arrow keys step the agenda (keys typed into a text field, or with a
# modifier, are left alone). A press sets a *target* item; a pump clicks Next/Previous only while no script
# run is under way, one click per run, until the view shows the target. A press landing while the view
# redraws (its once-a-second tally refresh) used to be lost; now it waits for the run to end, a click the
# server never acted on (the run ended on the same item) is made again, and none is made twice.
KEYS_JS = """
<script>
(function () {
  const win = window.parent, top = win.document;
  const STEP = { PageDown: 1, ArrowRight: 1, PageUp: -1, ArrowLeft: -1 };
  const steps = win.__wsSteps || (win.__wsSteps = { target: null, clickedAt: null, ranSince: false, idleTicks: 0 });
  function item() {
    const n = parseInt(new URLSearchParams(win.location.search).get("item"), 10);
    return isNaN(n) ? null : n;
  }
  function idle() {
    const app = top.querySelector('[data-testid="stApp"]');
    return !!app && app.dataset.testScriptState === "notRunning" && !top.querySelector('[data-stale="true"]');
  }
  function onKey(e) {
    const t = e.target, tag = (t && t.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !(e.key in STEP)) return;
    const now = item();
    if (now === null) return;
    e.preventDefault();
    steps.target = Math.max(1, (steps.target === null ? now : steps.target) + STEP[e.key]);
    pump();
  }
  function pump() {
    if (steps.target === null) return;
    const now = item();
    if (now === null) return;
    if (!idle()) { steps.ranSince = true; steps.idleTicks = 0; return; }
    steps.idleTicks += 1;
    if (now === steps.target) { steps.target = steps.clickedAt = null; return; }
    // After a click: wait for its run, then for the page to stay idle a moment (a queued run may follow);
    // a click that started no run at all is made again after a few seconds.
    if (steps.clickedAt === now && (steps.ranSince ? steps.idleTicks < 3 : steps.idleTicks < 50)) return;
    const button = top.querySelector(".st-key-" + (steps.target > now ? "ws-next" : "ws-prev") + " button");
    if (!button || button.disabled) { steps.target = steps.clickedAt = null; return; }
    steps.clickedAt = now;
    steps.ranSince = false;
    steps.idleTicks = 0;
    button.click();
  }
  function attach(doc) {
    if (!doc) return;
    if (doc.__wsKeys) doc.removeEventListener("keydown", doc.__wsKeys, true);  // a redrawn frame's older handler
    doc.__wsKeys = onKey;
    doc.addEventListener("keydown", onKey, true);
  }
  attach(top);
  setInterval(pump, 100);
  // Also when the map (a same-origin frame) has the focus.
  setInterval(function () {
    for (const f of top.querySelectorAll("iframe")) {
      try { if (f.contentDocument && f.contentDocument.__wsKeys !== onKey) attach(f.contentDocument); } catch (err) {}
    }
  }, 1000);
})();
</script>
"""


def keyboard() -> None:
    st.iframe(KEYS_JS, height=1)
