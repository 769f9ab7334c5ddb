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
