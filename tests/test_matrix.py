"""(#27) The gap matrix and the change between rounds: figures from the one view, coverage with every
cell, unknown kept unknown, and "newly assessed" never counted as better."""

from __future__ import annotations

import pandas as pd
import pytest
from support import append_row

from cluster_model import matrix as M
from cluster_model.loading import load_dataset
from cluster_model.view import make_view


@pytest.fixture
def two_demo_rounds(data_copy):
    """Two illustrative rounds: demo-1 then demo-2 (the kind the tests use, as real rounds are few)."""
    for line in (
        "demo-1,Demo round 1,2026-12-01,survey,yes,invented",
        "demo-2,Demo round 2,2026-12-02,survey,yes,invented",
    ):
        append_row(data_copy / "rounds.csv", line)
    rows = [
        # fisheries technology: equipment absent → present (better); processing absent → partial (better)
        "demo-1,fisheries,tech_equipment,absent,icck_desk,x",
        "demo-2,fisheries,tech_equipment,present,icck_desk,x",
        "demo-1,fisheries,tech_processing,absent,icck_desk,x",
        "demo-2,fisheries,tech_processing,partial,icck_desk,x",
        # jute technology: only newly assessed (present) — not an improvement
        "demo-2,jute,tech_equipment,present,icck_desk,x",
        # rice hrm: assessed before, no longer now
        "demo-1,rice,hrm_labour_pool,present,icck_desk,x",
        # coal support: partial → absent (worse)
        "demo-1,coal,support_finance,partial,hrd_study,x",
        "demo-2,coal,support_finance,absent,hrd_study,x",
    ]
    for line in rows:
        append_row(data_copy / "assessments.csv", line)
    ds = load_dataset(data_copy)
    assert not [i for i in ds.issues if i.severity == "error"], ds.issues
    return ds


def test_cells_come_from_the_view_with_coverage_and_unknown_kept_unknown(two_demo_rounds):
    ds = two_demo_rounds
    view = make_view(ds, "demo-2")
    found = M.cells(view).set_index(["row", "column"])
    assert set(found.index.get_level_values("column")) == {*view.pillars, M.OVERALL}
    assert len(found) == 16 * 5
    fish = found.loc[("fisheries", "technology")]
    gaps = view.cluster_gaps(["fisheries"]).set_index("pillar")
    assert fish["gap"] == gaps.at["technology", "gap"] == pytest.approx(0.25)  # the view's figure
    assert fish["coverage_text"] == "2/5" and fish["low_coverage"]  # 40 % < the map's 50 % rule
    assert fish["sources"] == "icck_desk"
    unknown = found.loc[("automobile", "technology")]
    assert pd.isna(unknown["gap"]) and unknown["gap_class"] == -1 and unknown["coverage_text"] == "0/5"
    assert not unknown["low_coverage"]  # no figure to flag: unknown, drawn as unknown
    assert M.cell_text(unknown["gap"], 0, 5, False) == "not assessed · 0/5"
    overall = view.cluster_gaps(["fisheries"], per_pillar=False).iloc[0]
    assert found.loc[("fisheries", M.OVERALL), "gap"] == pytest.approx(overall["gap"])


def test_districts_orientation_has_the_cells_the_map_colours(two_demo_rounds):
    view = make_view(two_demo_rounds, "demo-2", sites=two_demo_rounds.sites)
    found = M.cells(view, M.DISTRICTS).set_index(["row", "column"])
    scores = view.district_scores(per_pillar=True).set_index(["district", "pillar"])
    assert found.at[("Thatta", "technology"), "gap"] == pytest.approx(
        scores.at[("Thatta", "technology"), "gap"]
    )
    assert "Hyderabad" in set(found.index.get_level_values("row"))
    assert pd.isna(found.at[("Hyderabad", "technology"), "gap"])  # clusters there, nothing assessed


def test_newly_assessed_is_never_counted_as_better(two_demo_rounds):
    ds = two_demo_rounds
    now, before = make_view(ds, "demo-2"), make_view(ds, "demo-1")
    changes = M.cell_changes(now, before).set_index(["row", "column"])
    assert changes.at[("fisheries", "technology"), "change"] == M.BETTER
    assert changes.at[("fisheries", "technology"), "better"] == 2
    jute = changes.loc[("jute", "technology")]
    assert jute["change"] == M.NEWLY and jute["better"] == 0 and jute["newly"] == 1
    assert changes.at[("rice", "hrm"), "change"] == M.DROPPED
    assert changes.at[("coal", "support"), "change"] == M.WORSE
    assert changes.at[("automobile", "technology"), "change"] == M.NONE
    assert changes.at[("jute", M.OVERALL), "change"] == M.NEWLY  # overall too


def test_a_change_counts_only_indicators_both_rounds_assessed():
    assert M.change_kind(better=0, worse=0, newly=3, dropped=0, same=0) == M.NEWLY
    assert M.change_kind(better=0, worse=1, newly=5, dropped=0, same=0) == M.WORSE
    assert M.change_kind(better=1, worse=1, newly=0, dropped=0, same=0) == M.MIXED
    assert M.change_kind(better=0, worse=0, newly=0, dropped=0, same=2) == M.SAME


def test_rows_sort_by_overall_gap_with_unknown_last(two_demo_rounds):
    view = make_view(two_demo_rounds, "demo-2")
    found = M.cells(view)
    order = M.order_rows(view, found, M.CLUSTERS, "gap", str)
    known = found[(found["column"] == M.OVERALL) & found["gap"].notna()]
    assert set(order[: len(known)]) == set(known["row"])
    assert order[0] == "coal"  # absent: the highest overall gap
    by_district = M.order_rows(view, found, M.CLUSTERS, "district", str)
    assert by_district.index("fisheries") > by_district.index("cotton_textile")  # Jamshoro before Thatta


def test_history_of_one_cluster_indicator_has_each_rounds_status_and_source(two_demo_rounds):
    ds = two_demo_rounds
    views = [make_view(ds, r) for r in ("demo-1", "demo-2")]
    history = M.indicator_history(views, "jute", "tech_equipment")
    assert list(history["round_id"]) == ["demo-1", "demo-2"]
    assert list(history["status"]) == ["not assessed", "present"]
    assert list(history["source_id"]) == ["", "icck_desk"]  # no source where nothing was assessed
    assert history["illustrative"].all()


def test_small_multiples_are_one_map_per_round_with_title_and_credits(two_demo_rounds):
    """(#27 item 2) One small map per round as a PNG: wider than one map, each round's panel, the
    illustrative mark and the credits in the picture."""
    import io

    from PIL import Image

    from geo.boundaries import load_boundaries, simplify_for_display
    from geo.snapshot import SMALL_MAP_WIDTH, small_multiples_png

    ds = two_demo_rounds
    districts = simplify_for_display(load_boundaries(), 0.001)
    panels = [
        (f"Demo {r}", make_view(ds, r, sites=ds.sites).district_scores(every_district=True), True, False)
        for r in ("demo-1", "demo-2")
    ]
    png = small_multiples_png(districts, panels, title="Gaps by round", credits=["Data: x"], scale=1.0)
    image = Image.open(io.BytesIO(png))
    assert image.width >= 2 * SMALL_MAP_WIDTH
    # The two maps differ where the rounds do (Thatta: fisheries assessed in both, jute only in demo-2).
    left = image.crop((0, 0, image.width // 2, image.height)).convert("RGB")
    right = image.crop((image.width // 2, 0, image.width, image.height)).convert("RGB")
    assert left.getcolors(1 << 20) != right.getcolors(1 << 20)


def test_district_cells_show_what_changed_in_their_clusters(two_demo_rounds):
    ds = two_demo_rounds
    now, before = make_view(ds, "demo-2", sites=ds.sites), make_view(ds, "demo-1", sites=ds.sites)
    changes = M.cell_changes(now, before, M.DISTRICTS).set_index(["row", "column"])
    # Thatta holds fisheries (two indicators better) and jute (one newly assessed): better, and the new one
    # counted apart, never as a third improvement.
    thatta = changes.loc[("Thatta", "technology")]
    assert thatta["change"] == M.BETTER and thatta["better"] == 2 and thatta["newly"] == 1
    assert changes.at[("Tharparkar", "support"), "change"] == M.WORSE
