"""Participation and evidence: unknown stays unknown; evidence filters by cluster and pillar."""

from __future__ import annotations

import math

from cluster_model.evidence import evidence_items
from cluster_model.participation import participation_grid


def test_fisheries_participation_known_only_where_published(dataset):
    grid = participation_grid(dataset, "fisheries").set_index("level")
    assert grid.loc["supervisory", "local_share_pct"] == 1 and grid.loc["managerial", "local_share_pct"] == 1
    assert grid.loc["supervisory", "source"] == "HRD-cluster-poverty study (abstract)"
    for level in ["entry", "unskilled", "skilled", "professional"]:
        assert math.isnan(grid.loc[level, "local_share_pct"])
        assert grid.loc[level, "display"] == "unknown"


def test_cluster_without_figures_is_all_unknown(dataset):
    grid = participation_grid(dataset, "rice")
    assert len(grid) == 6 and not grid["known"].any()


def test_evidence_filters(dataset):
    oil = evidence_items(dataset, ["oil_gas"])
    assert "E02" in set(oil["evidence_id"]) and "E04" not in set(oil["evidence_id"])
    assert "E01" in set(oil["evidence_id"])  # tagged 'all clusters'
    tech = evidence_items(dataset, ["mango"], ["technology"])
    assert set(tech["evidence_id"]) >= {"E04", "E01"} and "E05" not in set(tech["evidence_id"])
    assert (evidence_items(dataset)["source"] != "").all()


def test_unstated_stakeholder_group_is_shown_as_not_stated(dataset):
    e01 = evidence_items(dataset).set_index("evidence_id").loc["E01"]
    assert e01["group_label"] == "not stated"


def test_district_detail_covers_only_its_clusters_and_pillars(dataset):
    from cluster_model.scoring import assessment_matrix
    from cluster_model.tables import district_detail

    matrix = assessment_matrix(dataset, dataset.latest_round())
    gaps, checklist = district_detail(dataset, matrix, ["fisheries", "cotton_textile"], ["hrm"])
    assert len(gaps.columns) == 2  # Cluster + the one pillar
    assert set(gaps["Cluster"]) == {dataset.cluster_name("fisheries"), dataset.cluster_name("cotton_textile")}
    assert set(checklist["Cluster"]) == set(gaps["Cluster"])
    assert (checklist["Pillar"] == checklist["Pillar"].iloc[0]).all()  # HRM only
    fisheries = gaps.set_index("Cluster").loc[dataset.cluster_name("fisheries")].iloc[0]
    cotton = gaps.set_index("Cluster").loc[dataset.cluster_name("cotton_textile")].iloc[0]
    assert (
        fisheries.startswith("gap 0.50") and cotton == "not assessed"
    )  # fisheries' two HRM values are partial
    sourced = matrix[
        matrix["cluster_id"].isin(["fisheries", "cotton_textile"])
        & (matrix["pillar"] == "hrm")
        & (matrix["source_id"] != "")
    ]
    assert len(sourced) == 3 and (checklist["Source"] != "—").sum() == len(
        sourced
    )  # fisheries' HRM values, each cited
