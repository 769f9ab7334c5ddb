"""Institutions and linkages in headless Chromium, offline: the cluster network and the Atlas layer.

A server of its own, on a store where an editor has added two institutions and three links
to Red chili (active, weak, needed but absent) in a new round.
"""

from __future__ import annotations

import tempfile

import pytest
from browser_support import ARTIFACTS, settled, start_server, stop_server
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from cluster_model import publishing, store
from cluster_model.store import linkages as sl

ROUND = "survey-2027"


@pytest.fixture(scope="module")
def linked_server():
    url = f"sqlite:///{tempfile.mkdtemp(prefix='atlas-linkages-')}/atlas.db"
    engine = store.open_store(url)
    store.create_round(
        engine, round_id=ROUND, name="Cluster survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    sl.add_institutions(
        engine,
        [
            {
                "institution_id": "umerkot_growers",
                "name": "Umerkot <b>chili</b> growers",
                "kind": "association",
                "district": "Umerkot",
                "lat": "25.40",
                "lon": "69.70",
                "location_note": "editor-supplied, to verify",
                "location_source_id": "inst_coords",
                "source_id": "icck_desk",
            },
            {
                "institution_id": "umerkot_tvet",
                "name": "A technical institute",
                "kind": "technical_institute",
                "source_id": "icck_desk",
            },
        ],
        author="alice",
    )
    sl.save_links(
        engine,
        ROUND,
        [
            {
                "institution_id": "umerkot_growers",
                "cluster_id": "red_chili",
                "link_type": "membership",
                "status": "active",
                "source_id": "icck_desk",
            },
            {
                "institution_id": "umerkot_tvet",
                "cluster_id": "red_chili",
                "link_type": "training",
                "status": "weak",
                "source_id": "icck_desk",
            },
            {
                "institution_id": "muet",
                "cluster_id": "red_chili",
                "link_type": "research",
                "status": "needed but absent",
                "source_id": "icck_desk",
            },
        ],
        author="alice",
    )
    # A signed-out visitor sees published editions only (#26): reviewed and published as on the Data page.
    publishing.submit(engine, ROUND, author="alice")
    publishing.publish(engine, ROUND, reviewer="bob")
    engine.dispose()
    proc, base = start_server({"ATLAS_DB_URL": url})
    yield base
    stop_server(proc)


NETWORK_JS = """
() => {
  const svg = document.querySelector("svg.linkage-network");
  if (!svg) return null;
  const links = [...svg.querySelectorAll("path.link")].map(p => {
    const box = p.getBoundingClientRect();
    return {status: p.dataset.status, dash: getComputedStyle(p).strokeDasharray, w: box.width, h: box.height, stroke: getComputedStyle(p).stroke};
  });
  const nodes = [...svg.querySelectorAll("g.institution-node")].map(g => ({id: g.dataset.institution, kind: g.dataset.kind, text: g.textContent,
                                                                            visible: g.getBoundingClientRect().width > 0}));
  return {links, nodes, bold: svg.querySelectorAll("b").length, box: svg.getBoundingClientRect().toJSON()};
}
"""


def network_frame(page, timeout_s: int = 90):
    """The component frame holding the network drawing (st.html would sanitise SVG away)."""
    for _ in range(timeout_s * 2):
        for f in page.frames:
            if f != page.main_frame and f.query_selector("svg.linkage-network path.link"):
                return f
        page.wait_for_timeout(500)
    raise AssertionError("the network was not drawn")


def test_cluster_profile_draws_the_network_by_status_offline(linked_server, offline_page):
    page = offline_page.page
    page.goto(f"{linked_server}/clusters?cluster=red_chili&round={ROUND}", wait_until="domcontentloaded")
    frame = network_frame(page)
    drawn = frame.evaluate(NETWORK_JS)
    by_status = {l["status"]: l for l in drawn["links"]}
    assert set(by_status) == {"active", "weak", "needed but absent"}
    assert all(l["w"] > 10 or l["h"] > 10 for l in drawn["links"])  # each line really drawn
    assert by_status["active"]["dash"] == "none"
    assert by_status["weak"]["dash"] not in ("none", by_status["needed but absent"]["dash"])
    assert {n["id"]: n["kind"] for n in drawn["nodes"]} == {
        "umerkot_growers": "association",
        "umerkot_tvet": "technical_institute",
        "muet": "university",
    }
    assert all(n["visible"] for n in drawn["nodes"])
    # The name's markup is text, not markup.
    assert drawn["bold"] == 0 and any("<b>chili</b>" in n["text"] for n in drawn["nodes"])
    # The PNG a user would see: the drawing is there, in several colours.
    shot = ARTIFACTS / "linkage-network.png"
    frame.locator("svg.linkage-network").screenshot(path=str(shot))
    colours = Image.open(shot).convert("RGB").getcolors(maxcolors=100_000)
    assert colours and len(colours) > 20
    assert offline_page.refused == []


LAYER_JS = """
() => {
  const maps = [...new Set(Object.values(window).filter(v => v && v instanceof L.Map))];
  const out = {institutions: [], links: []};
  for (const m of maps) m.eachLayer(l => {
    const cls = (l.options && l.options.className) || "";
    const tip = l.getTooltip && l.getTooltip() ? String(l.getTooltip().getContent()) : "";
    const drawn = !!(l._path && l._path.getBoundingClientRect().width > 0);
    if (cls.includes("atlas-institution")) out.institutions.push({cls, tip, drawn});
    if (cls.includes("atlas-link")) out.links.push({cls, tip, drawn, dash: l._path ? l._path.getAttribute("stroke-dasharray") : null});
  });
  return out;
}
"""


def test_atlas_institutions_layer_draws_markers_and_lines_to_the_sites_offline(linked_server, offline_page):
    from test_offline_map import map_frame

    page = offline_page.page
    page.goto(f"{linked_server}/?sectors=red_chili&round={ROUND}", wait_until="domcontentloaded")
    map_frame(page)
    # The toggle can be briefly inert while the map component settles (its first value reruns the script): retry.
    for attempt in range(8):
        settled(page)
        try:
            page.locator("label").filter(has_text="Institutions layer").click(timeout=8_000)
            break
        except PlaywrightTimeout:
            if attempt == 7:
                raise
    page.wait_for_selector(".institutions-key", timeout=120_000)
    frame = None
    for _ in range(60):
        page.wait_for_timeout(500)
        for f in page.frames:
            if (
                f != page.main_frame
                and f.query_selector(".leaflet-container")
                and f.query_selector("path.atlas-institution")
            ):
                frame = f
        if frame:
            break
    assert frame is not None, "no institution marker was drawn"
    page.wait_for_timeout(800)
    drawn = frame.evaluate(LAYER_JS)
    kinds = sorted(i["cls"].split("kind-")[1] for i in drawn["institutions"])
    assert kinds == [
        "association",
        "university",
        "university",
        "zone",
    ]  # growers, MUET, MUISTD, Khairpur SEZ; no location: not drawn
    assert all(i["drawn"] for i in drawn["institutions"])
    assert any(
        "&lt;b&gt;chili&lt;/b&gt;" in i["tip"] for i in drawn["institutions"]
    )  # escaped in the tooltip
    links = {l["cls"].split()[-1]: l for l in drawn["links"]}
    assert set(links) == {"link-active", "link-needed-but-absent"}  # the technical institute has no location
    assert links["link-active"]["dash"] is None and links["link-needed-but-absent"]["dash"]
    assert all(l["drawn"] for l in drawn["links"])
    page.screenshot(path=str(ARTIFACTS / "atlas-institutions-layer.png"))
    assert offline_page.refused == []
