"""Issue #24 item 18: the map in words says when districts tie for the highest or lowest gap.

The rule is the domain's (cluster_model.tables.map_summary); the Atlas page only shows it.
"""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest
from support import REPO

from cluster_model.tables import map_summary


def scores(rows):
    return pd.DataFrame(
        rows,
        columns=["district", "gap", "n_assessed", "n_indicators", "low_coverage", "n_clusters", "coverage"],
    )


def row(district, gap, n=3, total=10, low=True):
    return [district, gap, n, total, low, 1, n / total]


def test_all_districts_tie_is_said_once_with_every_district_and_its_coverage():
    text = map_summary(
        scores(
            [row("Thatta", 0.5), row("Badin", 0.5, 1), row("Khairpur", 0.5, 1), row("Dadu", float("nan"))]
        ),
        30,
        ["Capabilities & HRM"],
    )
    assert "Highest gap:" not in text and "Lowest gap" not in text
    assert "All 3 districts with an assessed gap have the same gap, 0.50:" in text
    for district, n in (("Thatta", 3), ("Badin", 1), ("Khairpur", 1)):
        assert f"{district} ({n} of 10 indicators assessed, low coverage)" in text
    assert "1 district(s) with clusters are not assessed" in text


def test_a_tie_at_the_top_and_at_the_bottom_names_every_district_sharing_it():
    text = map_summary(
        scores(
            [
                row("Mirpur Khas", 1.0, 2, 21),
                row("Umerkot", 1.0, 1, 21),
                row("Thatta", 0.6, 5, 10, False),
                row("Khairpur", 0.25, 2, 42),
                row("Sanghar", 0.25, 1, 42),
            ]
        ),
        30,
        [],
    )
    assert (
        "Highest gap 1.00, shared by 2 districts: Mirpur Khas (2 of 21 indicators assessed, low coverage), "
        "Umerkot (1 of 21 indicators assessed, low coverage)." in text
    )
    assert (
        "Lowest gap 0.25, shared by 2 districts: Khairpur (2 of 42 indicators assessed, low coverage), "
        "Sanghar (1 of 42 indicators assessed, low coverage)." in text
    )
    assert "Thatta" not in text


def test_no_tie_keeps_one_district_each_way():
    text = map_summary(scores([row("Thatta", 0.6, 5, 10, False), row("Badin", 0.2)]), 30, [])
    assert "Highest gap: Thatta, 0.60 (5 of 10 indicators assessed)." in text
    assert "Lowest gap: Badin, 0.20 (3 of 10 indicators assessed, low coverage)." in text
    assert "shared" not in text


def test_atlas_page_says_the_six_capabilities_districts_tie():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    at.query_params["pillars"] = "hrm"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    summary = next(c.value for c in at.caption if c.value.startswith("The map shows"))
    assert "All 6 districts with an assessed gap have the same gap, 0.50:" in summary
    assert "Highest gap" not in summary and "Lowest gap" not in summary
