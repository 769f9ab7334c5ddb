"""Gap scoring: not assessed is never a gap, coverage always travels with the gap."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cluster_model.loading import DEFAULT_RULES
from cluster_model.scoring import (
    assessment_matrix,
    cluster_gaps,
    district_gaps,
    district_sums,
    gap_label,
    gaps_from_district_sums,
    pillar_sums,
    rank_by_gap,
)
from cluster_model.vocabulary import PILLARS


def matrix_of(rows):
    """rows: (cluster, indicator, pillar, weight, status)"""
    return pd.DataFrame(rows, columns=["cluster_id", "indicator_id", "pillar", "weight", "status"]).assign(
        cluster_defining=False, round_id="r", source_id="s", note=""
    )


def test_gap_is_weighted_over_assessed_only():
    m = matrix_of(
        [
            ("a", "i1", "technology", 1, "present"),
            ("a", "i2", "technology", 1, "absent"),
            ("a", "i3", "technology", 2, "partial"),
            ("a", "i4", "technology", 4, "not assessed"),
        ]
    )
    row = cluster_gaps(m, DEFAULT_RULES, ["technology"]).iloc[0]
    assert row["gap"] == pytest.approx((0 + 1 + 2 * 0.5) / 4)
    assert row["coverage"] == pytest.approx(4 / 8)
    assert (row["n_assessed"], row["n_gaps"], row["n_indicators"]) == (3, 2, 4)


def test_nothing_assessed_is_unknown_not_zero():
    m = matrix_of([("a", "i1", "hrm", 1, "not assessed"), ("a", "i2", "hrm", 1, "not assessed")])
    row = cluster_gaps(m, DEFAULT_RULES, ["hrm"]).iloc[0]
    assert math.isnan(row["gap"])
    assert row["coverage"] == 0
    assert gap_label(row["gap"], row["coverage"]) == "not assessed"


def test_adding_not_assessed_indicators_never_changes_the_gap():
    base = [("a", "i1", "support", 1, "absent"), ("a", "i2", "support", 1, "present")]
    with_unknown = base + [("a", f"u{i}", "support", 1, "not assessed") for i in range(5)]
    g1 = cluster_gaps(matrix_of(base), DEFAULT_RULES, ["support"]).iloc[0]
    g2 = cluster_gaps(matrix_of(with_unknown), DEFAULT_RULES, ["support"]).iloc[0]
    assert g1["gap"] == g2["gap"] == 0.5
    assert g2["coverage"] < g1["coverage"]


def test_district_pools_clusters_with_a_site_there_and_counts_multisite_clusters_in_each():
    m = matrix_of(
        [
            ("a", "i1", "technology", 1, "absent"),
            ("b", "i1", "technology", 1, "present"),
            ("c", "i1", "technology", 1, "not assessed"),
        ]
    )
    sites = pd.DataFrame({"cluster_id": ["a", "b", "b", "c"], "district": ["X", "X", "Y", "Z"]})
    d = district_gaps(m, sites, DEFAULT_RULES, ["technology"]).set_index("district")
    assert d.loc["X", "gap"] == 0.5 and d.loc["X", "n_clusters"] == 2
    assert d.loc["Y", "gap"] == 0.0
    assert math.isnan(d.loc["Z", "gap"])
    ranked = rank_by_gap(d.reset_index())
    assert list(ranked["district"]) == ["X", "Y", "Z"]  # unknown last, not first and not as zero


def test_district_gap_weighs_every_indicator_of_every_cluster_there():
    """The district figure is over all its clusters' indicators, weighted, not an average of cluster gaps."""
    m = matrix_of(
        [
            ("a", "i1", "technology", 1, "absent"),
            ("a", "i2", "hrm", 3, "present"),
            ("b", "i1", "technology", 2, "partial"),
            ("b", "i2", "hrm", 1, "not assessed"),
        ]
    )
    sites = pd.DataFrame({"cluster_id": ["a", "b"], "district": ["X", "X"]})
    x = district_gaps(m, sites, DEFAULT_RULES, ["technology", "hrm"]).set_index("district").loc["X"]
    assert x["gap"] == pytest.approx(
        (1 * 1 + 3 * 0 + 2 * 0.5) / (1 + 3 + 2)
    )  # not the mean of a's 0.25 and b's 0.5
    assert x["coverage"] == pytest.approx(6 / 7)
    assert (x["n_indicators"], x["n_assessed"], x["n_gaps"], x["n_clusters"]) == (4, 3, 2, 2)
    by_pillar = district_gaps(m, sites, DEFAULT_RULES, ["technology", "hrm"], per_pillar=True).set_index(
        ["district", "pillar"]
    )
    assert by_pillar.loc[("X", "technology"), "gap"] == pytest.approx((1 + 1) / 3)
    assert by_pillar.loc[("X", "hrm"), "gap"] == 0 and by_pillar.loc[("X", "hrm"), "n_assessed"] == 1


def test_district_gaps_from_kept_district_sums_equal_gaps_from_the_indicator_rows():
    """A view sums each pillar choice from the round's per district × pillar sums (#14): the same figures
    and clusters as summing the matrix's indicator rows per district."""
    m = matrix_of(
        [
            ("b", "i1", "technology", 2, "partial"),  # b before a: the district's list is still sorted
            ("b", "i2", "hrm", 1, "not assessed"),
            ("a", "i1", "technology", 0.5, "absent"),
            ("a", "i2", "hrm", 3, "present"),
            ("a", "i3", "hrm", 1.25, "partial"),
            ("c", "i4", "incentive", 1, "absent"),
        ]
    )
    sites = pd.DataFrame({"cluster_id": ["b", "a", "c", "a"], "district": ["X", "X", "Y", "Z"]})
    assert len(pillar_sums(m, DEFAULT_RULES)) == 5  # b: technology, hrm; a: technology, hrm; c: incentive
    sums = district_sums(m, sites, DEFAULT_RULES)
    figures = ["gap", "coverage", "n_indicators", "n_assessed", "n_gaps"]
    for pillars in (["technology"], ["hrm"], ["technology", "hrm"], ["incentive", "hrm"], list(PILLARS)):
        for per_pillar in (False, True):
            kept = gaps_from_district_sums(sums, DEFAULT_RULES, pillars, per_pillar=per_pillar)
            assert kept.equals(district_gaps(m, sites, DEFAULT_RULES, pillars, per_pillar=per_pillar))
            # Independently: each district's indicator rows pooled as if they were one cluster.
            by = ["cluster_id", "pillar"] if per_pillar else ["cluster_id"]
            pooled = pd.concat(
                m[m["cluster_id"].isin(sites.loc[sites["district"] == d, "cluster_id"])].assign(cluster_id=d)
                for d in sites["district"].unique()
            )
            expected = cluster_gaps(pooled, DEFAULT_RULES, pillars, per_pillar=per_pillar)
            got = kept.rename(columns={"district": "cluster_id"})
            pd.testing.assert_frame_equal(
                got.set_index(by).sort_index()[figures],
                expected.set_index(by).sort_index()[figures],
                check_dtype=False,
            )
    x = gaps_from_district_sums(sums, DEFAULT_RULES, ["technology", "hrm"]).set_index("district").loc["X"]
    assert x["clusters"] == ["a", "b"] and x["n_clusters"] == 2  # sorted, each once
    assert x["gap"] == pytest.approx((0.5 * 1 + 3 * 0 + 1.25 * 0.5 + 2 * 0.5) / (0.5 + 3 + 1.25 + 2))


def test_no_pillar_chosen_gives_no_figures_not_an_error():
    m = matrix_of([("a", "i1", "technology", 1, "absent")])
    sites = pd.DataFrame({"cluster_id": ["a"], "district": ["X"]})
    assert district_gaps(m, sites, DEFAULT_RULES, []).empty
    assert cluster_gaps(m, DEFAULT_RULES, []).empty


def test_pillar_filter_limits_scope():
    m = matrix_of([("a", "i1", "technology", 1, "absent"), ("a", "i2", "incentive", 1, "present")])
    assert cluster_gaps(m, DEFAULT_RULES, ["technology"], per_pillar=False).iloc[0]["gap"] == 1
    assert cluster_gaps(m, DEFAULT_RULES, ["incentive"], per_pillar=False).iloc[0]["gap"] == 0
    assert cluster_gaps(m, DEFAULT_RULES, ["technology", "incentive"], per_pillar=False).iloc[0]["gap"] == 0.5


def test_real_data_fisheries_in_thatta(dataset):
    m = assessment_matrix(dataset, dataset.latest_round())
    assert len(m) == 16 * len(dataset.indicators)
    fish = cluster_gaps(m, dataset.rules, ["hrm"]).set_index("cluster_id").loc["fisheries"]
    assert fish["gap"] == 0.5 and fish["n_assessed"] == 3
    d = district_gaps(m, dataset.sites, dataset.rules, list(PILLARS)).set_index("district")
    assert set(d.loc["Thatta", "clusters"]) == {"fisheries", "jute"}
    assert math.isnan(d.loc["Hyderabad", "gap"])  # automobile and livestock: nothing assessed


def test_matrix_marks_every_unassessed_pair(dataset):
    m = assessment_matrix(dataset, dataset.latest_round())
    unassessed = m[m["status"] == "not assessed"]
    assert len(unassessed) == len(m) - len(dataset.assessments)
    assert (unassessed["source_id"] == "").all()
    assert (m.loc[m["status"] != "not assessed", "source_id"] != "").all()


def test_unknown_round_shows_nothing_assessed(dataset):
    m = assessment_matrix(dataset, "no-such-round")
    assert (m["status"] == "not assessed").all()
