"""Helpers for the issue #10 browser tests: the atlas map's frame, axe-core injected from static/vendor."""

from __future__ import annotations

import json
from pathlib import Path

from browser_support import ARTIFACTS, REPO

# The map's frame: streamlit-folium titles it "streamlit_folium.st_folium" until the map script
# names it (issue #10 item 16), so either title is accepted while it loads.
MAP_IFRAME = "iframe[title^='Map'], iframe[title*='folium']"


def map_frame(page, timeout=120_000):
    """The Leaflet frame inside the streamlit-folium component, once districts are painted."""
    page.wait_for_selector(MAP_IFRAME, timeout=timeout)
    for _ in range(2):
        for frame in page.frames:
            if frame != page.main_frame and frame.query_selector(".leaflet-container"):
                frame.wait_for_selector("path.leaflet-interactive", timeout=timeout)
                return frame
        page.wait_for_timeout(1000)
    frame = page.query_selector(MAP_IFRAME).content_frame()
    frame.wait_for_selector("path.leaflet-interactive", timeout=timeout)
    return frame


def axe_source() -> str:
    """axe-core as installed by scripts/install_map_assets.py (from the npm registry, never a CDN)."""
    found = sorted((REPO / "static" / "vendor").glob("axe-core-*/axe.min.js"))
    assert found, "axe-core is not installed: run `python scripts/install_map_assets.py`"
    return found[-1].read_text(encoding="utf-8")


AXE_RUN = """
async () => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                                          resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      let el = null;
      try { el = document.querySelector(n.target[n.target.length - 1]); } catch (e) {}
      const owner = el && el.closest("[data-testid]");
      return {target: n.target.join(" "), html: n.html.slice(0, 200), testid: owner ? owner.getAttribute("data-testid") : null};
    }),
  }));
}
"""

# Streamlit elements whose markup the atlas writes (text, tables, alerts): a violation there is ours.
OURS = {
    "stMarkdown",
    "stMarkdownContainer",
    "stCaptionContainer",
    "stHeading",
    "stAlert",
    "stAlertContainer",
    "stAlertContentInfo",
    "stTable",
    "stImage",
    "stText",
    "stCode",
    "stVerticalBlock",
    "stHorizontalBlock",
    "stColumn",
    "stMain",
    "stMainBlockContainer",
    "stAppViewBlockContainer",
    "stElementContainer",
}


def run_axe(frame) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations in one document (axe injected into it)."""
    if not frame.evaluate("() => typeof axe !== 'undefined'"):
        frame.evaluate(axe_source())
    return frame.evaluate(AXE_RUN)


def record(name: str, violations: list[dict]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(violations, indent=1))


def split_ours(violations: list[dict]) -> tuple[list[dict], list[dict]]:
    """(violations in what the atlas writes, violations only in Streamlit's own widgets)."""
    ours, theirs = [], []
    for v in violations:
        mine = [n for n in v["nodes"] if n["testid"] is None or n["testid"] in OURS]
        other = [n for n in v["nodes"] if n not in mine]
        if mine:
            ours.append({**v, "nodes": mine})
        if other:
            theirs.append({**v, "nodes": other})
    return ours, theirs


__all__ = ["MAP_IFRAME", "map_frame", "run_axe", "record", "split_ours", "Path"]
