"""The "offline check": does everything this page uses come from this computer?

Two parts:

* server side (:func:`server_report`): the map's files are installed under
  ``static/vendor`` (``geo.offline.missing_assets``) and the rendered map HTML
  references no URL on another host (``geo.offline.cdn_urls_in``);
* browser side (:func:`browser_check`): a few lines of local JavaScript list
  every resource the page (and its frames, e.g. the map) actually loaded
  (``performance.getEntriesByType('resource')``) and name any from another host.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import streamlit as st

from cluster_model.markup import md
from geo.offline import VENDOR_DIR, cdn_urls_in, missing_assets
from ui.i18n import _


@dataclass(frozen=True)
class OfflineReport:
    missing: list[str]
    remote_urls: list[str]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.remote_urls


def server_report(m: folium.Map | None) -> OfflineReport:
    missing = [str(p.relative_to(VENDOR_DIR.parent.parent)) for p in missing_assets()]
    remote = cdn_urls_in(m.get_root().render()) if m is not None else []
    return OfflineReport(missing, remote)


BROWSER_JS = """
<div id="out" style="font: 20px/1.4 sans-serif; color: #111">Checking what this page loaded…</div>
<script>
(function () {
  const top = window.parent;
  const here = top.location.host;
  const seen = new Set();
  function collect(win) {
    try {
      for (const e of win.performance.getEntriesByType("resource")) seen.add(e.name);
      for (let i = 0; i < win.frames.length; i++) collect(win.frames[i]);
    } catch (err) { /* a frame from another origin: its URL is checked below */ }
  }
  function check() {
    seen.clear();
    collect(top);
    for (const f of top.document.querySelectorAll("iframe[src]")) seen.add(f.src);
    const remote = [...seen].filter(u => {
      try { const h = new URL(u, top.location.href); return !["data:", "blob:", "about:"].includes(h.protocol) && h.host !== here; }
      catch (err) { return false; }
    });
    const out = document.getElementById("out");
    out.setAttribute("data-remote", String(remote.length));
    out.setAttribute("data-total", String(seen.size));
    out.textContent = remote.length
      ? "Browser check: " + remote.length + " of " + seen.size + " resources came from another host: " + remote.join(", ")
      : "Browser check: all " + seen.size + " resources this page loaded came from this computer (" + here + ").";
  }
  check();
  setTimeout(check, 3000);
})();
</script>
"""


def browser_check() -> None:
    st.iframe(BROWSER_JS, height=120)


def show(m: folium.Map | None) -> None:
    """Draw the check (inside an expander on the workshop page)."""
    report = server_report(m)
    if report.missing:
        st.error(
            _(
                "Map files missing under static/vendor (run `make run` or `python scripts/install_map_assets.py` "
                "once, with internet): {files}"
            ).format(files=md(", ".join(report.missing)))
        )
    else:
        st.success(_("Map files: all installed under static/vendor and served by this app."))
    if m is None:
        st.info(_("No map on this view to check."))
    elif report.remote_urls:
        st.error(
            _("The map would load from the internet: {urls}").format(urls=md(", ".join(report.remote_urls)))
        )
    else:
        st.success(_("Map HTML: no script, stylesheet or image from another host."))
    browser_check()
