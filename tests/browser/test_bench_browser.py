"""The bench's Chromium harness (bench/browser.py) measures something real: run once, no timing asserted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench import browser as harness
from geo.boundaries import load_boundaries

SINDH = REPO.parent / "shared" / "boundaries" / "sindh_adm2.geojson"


@pytest.mark.skipif(not SINDH.exists(), reason="shared boundary files not present")
def test_harness_measures_repaint_bytes_and_start_on_sindh(browser, tmp_path):
    env = {"ATLAS_BOUNDARIES": str(SINDH), "ATLAS_PROVINCE": "Sindh", "ATLAS_DATA_DIR": str(REPO / "data")}
    out = harness.measure(REPO / "app.py", env, {}, tmp_path, n_changes=2, browser=browser)

    assert out["start_setup_s"] > 0 and out["start_s"] > 0
    assert len(out["start_samples_s"]) == harness.START_SAMPLES and min(out["start_samples_s"]) > 0
    assert out["refused"] == 0  # the app asks nothing of the internet
    assert out["n_paths"] == len(load_boundaries(SINDH, province="Sindh"))  # one filled path per district
    assert out["view"]["w"] > 0 and out["view"]["h"] > 0
    changes = out["changes"]
    assert [c["view"] for c in changes] == ["new", "new", "repeated", "repeated"]
    # Walked out along the path and back: the last change returns to all four pillars.
    assert [sorted(c["to"]) for c in changes] == [
        sorted(harness.PATH[0]),
        sorted(harness.PATH[1]),
        sorted(harness.PATH[0]),
        sorted(harness.PILLARS),
    ]
    for c in changes:
        # On the real Sindh data these two steps change gaps: the fills really changed, and were timed.
        assert c["fills_changed"], c
        assert c["repaint_s"] > 0 and c["fill_change_s"] > 0
        assert c["ws_bytes"] > 0  # the rerun came over the websocket
        # ... through the counting relay, compressed (server.enableWebsocketCompression): fewer bytes
        # on the wire than the messages hold.
        assert 0 < c["wire_bytes"] < c["ws_bytes"] + c["message_bytes"]
        assert c["other_http_bytes"] == 0  # nothing fetched again per rerun (the default favicon was)
        assert c["n_paths"] == out["n_paths"]
        _assert_marks_in_order(c["marks"])
    assert len(out["load"]) == 2  # the load average at the start and the end, printed beside the figures
    for view in ("new", "repeated"):
        assert out[view]["n"] == 2 and out[view]["n_fills_changed"] == 2
        assert out[view]["repaint_s"] > 0 and out[view]["bytes"] > 0 and out[view]["wire_bytes"] > 0


def test_the_floor_page_paints_offline_and_is_timed_from_start_only(browser, tmp_path):
    """The bench's floor (one small map, nothing else) draws its polygon with no internet; only its start is timed."""
    out = harness.measure(REPO / "bench" / "floor_app.py", {}, {}, tmp_path, n_changes=0, browser=browser)

    assert out["start_setup_s"] > 0 and out["start_s"] > 0
    assert out["refused"] == 0, out["refused_hosts"]
    assert out["console_errors"] == []
    assert out["changes"] == [] and "new" not in out and "repeated" not in out


def _assert_marks_in_order(marks: dict) -> None:
    """The page's own timestamps of one change: the rerun's first message comes before the map's
    frame gets its arguments, and they before the map's repaint (#28). The page's last message may
    come after the map's arguments (elements below the map)."""
    assert 0 < marks["first_message_s"] <= marks["map_args_s"] <= marks["repaint_s"], marks
    assert marks["first_message_s"] <= marks["last_message_s"] and marks["long_tasks_s"] >= 0, marks


def test_the_repaint_floor_restyles_its_polygon_on_each_pillar_change(browser, tmp_path):
    """The repaint floor (#28): the floor page with the Pillars filter; each change restyles its one
    polygon (a rerun and one small component update), timed like the Atlas's changes."""
    out = harness.measure(
        REPO / "bench" / "floor_app.py", {}, {"repaint": "1"}, tmp_path, n_changes=2, browser=browser
    )

    assert out["refused"] == 0, out["refused_hosts"]
    assert out["n_paths"] == 1
    assert [c["view"] for c in out["changes"]] == ["new", "new", "repeated", "repeated"]
    for c in out["changes"]:
        assert c["fills_changed"] and c["repaint_s"] > 0, c
        _assert_marks_in_order(c["marks"])
    for view in ("new", "repeated"):
        assert out[view]["n_fills_changed"] == 2 and out[view]["where"]["map_args_s"] > 0
