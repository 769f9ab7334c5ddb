"""Issue #10 item 9: the exported map's badges never collide, the zoomed map is filled, a locator inset.

Each test failed on the code at 8cd406b.
"""

from __future__ import annotations

import dataclasses
import io
import json

import pytest
from PIL import Image

from cluster_model.exports import district_scores
from cluster_model.view import make_view
from geo.boundaries import boundaries_path, load_boundaries, simplify_for_display
from geo.snapshot import render, snapshot_chart

pytestmark = pytest.mark.skipif(not boundaries_path().exists(), reason="boundary file not available")


@pytest.fixture(scope="module")
def districts():
    return simplify_for_display(load_boundaries(), 0.001)


@pytest.fixture(scope="module")
def sites(dataset):
    return dataset.sites.merge(
        dataset.clusters[["cluster_id", "name", "number"]].rename(columns={"name": "cluster_name"}),
        on="cluster_id",
    )


def chart_for(ds, districts, sites, chosen):
    view = make_view(ds, ds.latest_round(), ["hrm"], [], list(chosen))
    scores = district_scores(ds, sites, dataclasses.replace(view, districts=[]))
    return snapshot_chart(districts, scores, sites, title="t", highlight=list(chosen) or None)


def _layers(spec):
    """Every layer of the chart's map (the first view of the vertical concatenation)."""
    return spec["vconcat"][0]["layer"]


def _boxes(values, w_per_char, height, key_x, key_y, text, dy=0.0):
    return [
        (
            v[key_x] - (w_per_char * len(v[text]) + 10) / 2,
            v[key_y] + dy - height / 2,
            v[key_x] + (w_per_char * len(v[text]) + 10) / 2,
            v[key_y] + dy + height / 2,
        )
        for v in values
    ]


def test_item9_badges_clear_of_each_other_and_of_names(dataset, districts, sites):
    spec = chart_for(dataset, districts, sites, []).to_dict(validate=False)
    badge_values = next(
        l["data"]["values"]
        for l in _layers(spec)
        if l.get("mark", {}).get("type") == "text" and l["encoding"].get("text", {}).get("field") == "code"
    )
    boxes = _boxes(badge_values, 6.2, 15, "bx", "by", "code")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    codes = {v["code"] for v in badge_values}
    assert {"2/13", "7/16", "15"} <= codes  # the three that collided (Hyderabad, Kotri, Hala)


def test_item9_zoomed_snapshot_fills_its_map_and_has_a_locator(dataset, districts, sites):
    chart = chart_for(dataset, districts, sites, ["Thatta", "Tharparkar"])
    spec = chart.to_dict(validate=False)
    text = json.dumps(spec)
    assert "Where in Sindh" in text
    height = spec["vconcat"][0]["height"]
    chosen = districts[districts["district"].isin(["Thatta", "Tharparkar"])]
    minx, miny, maxx, maxy = chosen.total_bounds
    import math

    merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    k = spec["vconcat"][0]["projection"]["scale"]
    used = k * (merc(maxy) - merc(miny)) / height
    used_x = k * math.radians(maxx - minx) / spec["vconcat"][0]["width"]
    assert max(used, used_x) >= 0.88, (used, used_x)  # no wide empty band around the chosen districts
    png = Image.open(io.BytesIO(render(chart, "png", scale=1)))
    assert png.width > 700 and png.height > 300
    whole = chart_for(dataset, districts, sites, []).to_dict(validate=False)
    assert "Where in Sindh" not in json.dumps(whole)  # the whole province needs no locator
