"""A national map in Chromium (issue #14): hundreds of sites are gathered into counted clusters,
not drawn as overlapping badges, and open as one zooms in; everything is served locally."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from browser_support import ARTIFACTS, OfflinePage, start_server, stop_server
from test_offline_map import map_frame

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.synth import write_synthetic
from geo.atlas_map import CLUSTER_SITES_ABOVE

PAKISTAN = REPO.parent / "shared" / "boundaries" / "pakistan_adm2.geojson"

CLUSTERS_JS = """
() => {
  const icons = [...document.querySelectorAll(".marker-cluster")];
  return {
    counts: icons.map(el => parseInt(el.textContent.trim(), 10)),
    singles: document.querySelectorAll(".atlas-site").length,
  };
}
"""


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """A real server on the whole of Pakistan with 120 synthetic clusters: (data folder, url)."""
    if not PAKISTAN.exists():
        pytest.skip("shared boundary files not present")
    folder = write_synthetic(tmp_path_factory.mktemp("national") / "synthetic", n_clusters=120, n_rounds=1)
    proc, url = start_server(
        {"ATLAS_BOUNDARIES": str(PAKISTAN), "ATLAS_PROVINCE": "", "ATLAS_DATA_DIR": str(folder)}
    )
    try:
        yield folder, url
    finally:
        stop_server(proc)


def test_national_map_gathers_sites_into_counted_clusters(browser, national):
    folder, url = national
    with open(folder / "sites.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # One marker per location (clusters sharing a place share a marker), as geo.atlas_map draws them.
    locations = {(round(float(r["lat"]), 4), round(float(r["lon"]), 4)) for r in rows}
    assert len(rows) > CLUSTER_SITES_ABOVE

    offline = OfflinePage(browser)
    try:
        page = offline.page
        page.goto(url + "/?round=syn-r1", wait_until="domcontentloaded")
        frame = map_frame(page, timeout=180_000)
        frame.wait_for_selector(".marker-cluster, .atlas-site", timeout=120_000)
        page.wait_for_timeout(1500)
        seen = frame.evaluate(CLUSTERS_JS)
        assert seen["counts"], (
            seen,
            offline.console_errors,
            frame.evaluate("() => typeof L.markerClusterGroup"),
        )
        page.screenshot(path=str(ARTIFACTS / "atlas-national-clusters.png"))
        counts = seen["counts"]
        # Every location is in a counted cluster or drawn on its own, none twice or lost ...
        assert all(c >= 2 for c in counts), counts
        assert sum(counts) + seen["singles"] == len(locations), seen
        # ... and the country shows far fewer icons than sites: readable.
        assert len(counts) + seen["singles"] < len(locations) / 3, seen

        # Zoomed in (the map's + button, three steps), clusters open into badges.
        for _ in range(3):
            frame.locator(".leaflet-control-zoom-in").click()
            page.wait_for_timeout(700)
        page.wait_for_timeout(1500)
        after = frame.evaluate(CLUSTERS_JS)
        assert after["singles"] > seen["singles"], (seen, after)
        assert offline.console_errors == []
        assert offline.refused == []  # markercluster's script and styles come from the app itself
    finally:
        offline.close()


def test_a_busy_districts_evidence_is_drawn_when_its_list_is_opened(browser, national):
    """A district with many clusters opens with its evidence list closed and not drawn at all (a
    national district's ~300 values cost every pillar change, #14); opening it draws the list."""
    folder, url = national
    with open(folder / "sites.csv", encoding="utf-8") as fh:
        clusters_in: dict[str, set] = {}
        for r in csv.DictReader(fh):
            clusters_in.setdefault(r["district"], set()).add(r["cluster_id"])
    busy = max(clusters_in, key=lambda d: len(clusters_in[d]))
    assert len(clusters_in[busy]) > 2, clusters_in  # more than two: the list starts closed
    offline = OfflinePage(browser)
    try:
        page = offline.page
        page.goto(f"{url}/?round=syn-r1&district={quote(busy)}", wait_until="domcontentloaded")
        map_frame(page, timeout=180_000)
        evidence = page.locator('[data-testid="stExpander"]').filter(
            has_text="indicator values behind this figure"
        )
        evidence.wait_for(timeout=120_000)
        page.wait_for_timeout(1000)
        assert evidence.locator("li").count() == 0  # closed: nothing drawn inside
        evidence.locator("summary").click()
        items = evidence.locator("li")
        items.first.wait_for(timeout=120_000)
        n_indicators = int(evidence.locator("summary").inner_text().split("The ")[1].split(" ")[0])
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length >= n",
            arg=['[data-testid="stExpander"] li', n_indicators],
            timeout=120_000,
        )
        assert evidence.locator("li").count() == n_indicators  # one item per indicator value, all drawn
        assert offline.console_errors == []
    finally:
        offline.close()
