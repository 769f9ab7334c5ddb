"""The shipped data loads cleanly, and every kind of bad row is reported by file and line."""

from __future__ import annotations

from support import append_row

from cluster_model.loading import load_dataset
from cluster_model.vocabulary import PILLARS


def test_shipped_data_has_no_issues(dataset):
    assert dataset.issues == []


def test_sixteen_clusters_with_their_sites(dataset):
    assert len(dataset.clusters) == 16
    sites = dataset.sites.groupby("cluster_id")["district"].apply(set)
    assert sites["cotton_textile"] == {"Sanghar", "Jamshoro", "Karachi South"}
    assert sites["furniture"] == {"Naushahro Feroze", "Khairpur"}
    assert sites["jute"] == {"Jamshoro", "Thatta"}
    assert sites["fisheries"] == {"Thatta"}


def test_framework_covers_every_pillar_with_four_to_six_indicators(dataset):
    per_pillar = dataset.indicators.groupby("pillar").size()
    for pillar in PILLARS:
        assert 4 <= per_pillar[pillar] <= 6
    assert dataset.indicators["cluster_defining"].sum() == 6


def test_every_assessment_has_a_known_source(dataset):
    assert (dataset.assessments["source_id"] != "").all()
    assert set(dataset.assessments["source_id"]) <= set(dataset.sources["source_id"])


def test_only_published_participation_figures_are_shipped(dataset):
    p = dataset.participation
    assert sorted(zip(p["cluster_id"], p["level"], p["local_share_pct"])) == [
        ("fisheries", "managerial", 1.0),
        ("fisheries", "supervisory", 1.0),
    ]


def _issue_for(issues, file_name, line):
    found = [i for i in issues if i.file.endswith(file_name) and i.row == line]
    assert found, f"no issue for {file_name} line {line}; got {[str(i) for i in issues]}"
    return found[0]


def test_unknown_cluster_indicator_round_status_and_missing_source_are_reported(data_copy):
    f = data_copy / "assessments.csv"
    l1 = append_row(f, "desk-2026,bananas,tech_equipment,present,hrd_study,x")
    l2 = append_row(f, "desk-2026,rice,tech_teleport,present,hrd_study,x")
    l3 = append_row(f, "desk-2026,rice,tech_equipment,excellent,hrd_study,x")
    l4 = append_row(f, "desk-2026,rice,tech_digital,present,,x")
    l5 = append_row(f, "round-9,rice,tech_digital,present,hrd_study,x")
    ds = load_dataset(data_copy)
    assert "unknown cluster 'bananas'" in _issue_for(ds.issues, "assessments.csv", l1).message
    assert "unknown indicator 'tech_teleport'" in _issue_for(ds.issues, "assessments.csv", l2).message
    status_issue = _issue_for(ds.issues, "assessments.csv", l3)
    assert "'excellent' is not an allowed status" in status_issue.message and "present" in status_issue.hint
    assert "source_id" in _issue_for(ds.issues, "assessments.csv", l4).message
    assert "unknown round 'round-9'" in _issue_for(ds.issues, "assessments.csv", l5).message
    # Bad rows are left out, good rows still load.
    assert len(ds.assessments) == len(load_dataset().assessments)
    assert "rice" not in set(ds.assessments["cluster_id"])


def test_duplicate_assessment_keeps_first_and_reports_second(data_copy):
    line = append_row(
        data_copy / "assessments.csv", "desk-2026,fisheries,hrm_local_supervisory,absent,hrd_study,dup"
    )
    ds = load_dataset(data_copy)
    assert "duplicate assessment" in _issue_for(ds.issues, "assessments.csv", line).message
    row = ds.assessments[
        (ds.assessments["cluster_id"] == "fisheries")
        & (ds.assessments["indicator_id"] == "hrm_local_supervisory")
    ]
    assert list(row["status"]) == ["partial"]


def test_unknown_pillar_and_out_of_range_values(data_copy):
    l1 = append_row(data_copy / "indicators.csv", "x_new,finance,New,how,1,no,ref")
    l2 = append_row(data_copy / "participation.csv", "fisheries,job level,entry,140,hrd_study,n")
    l3 = append_row(data_copy / "sites.csv", "rice,Somewhere,Larkana,127.5,68.2,n,dialogue2019")
    ds = load_dataset(data_copy)
    assert "unknown pillar 'finance'" in _issue_for(ds.issues, "indicators.csv", l1).message
    assert "not a number from 0 to 100" in _issue_for(ds.issues, "participation.csv", l2).message
    assert "not a number from -90 to 90" in _issue_for(ds.issues, "sites.csv", l3).message


def test_unknown_cluster_in_evidence_list(data_copy):
    line = append_row(
        data_copy / "evidence.csv", 'E99,"Said",someone,industry,technology,rice;cement,dialogue2019'
    )
    ds = load_dataset(data_copy)
    assert "'cement'" in _issue_for(ds.issues, "evidence.csv", line).message


def test_missing_file_and_missing_column_do_not_stop_the_rest(data_copy):
    (data_copy / "participation.csv").unlink()
    text = (data_copy / "evidence.csv").read_text().replace("stakeholder_group", "group", 1)
    (data_copy / "evidence.csv").write_text(text)
    ds = load_dataset(data_copy)
    messages = [str(i) for i in ds.issues]
    assert any("participation.csv" in m and "not found" in m for m in messages)
    assert any("evidence.csv" in m and "missing column(s) stakeholder_group" in m for m in messages)
    assert ds.participation.empty and ds.evidence.empty
    assert len(ds.clusters) == 16 and len(ds.assessments) > 0


def test_broken_rules_fall_back_to_defaults_with_an_issue(data_copy):
    (data_copy / "rules.yaml").write_text(
        "gap_scoring: {gap_value: {present: 0, partial: 7, absent: 1}, low_coverage_warning: 0.5}\nclassification: {partial_counts_as_missing: 0.5, functional_max_missing: 0.5, potential_max_missing: 2, min_assessed: 4}\n"
    )
    ds = load_dataset(data_copy)
    assert ds.rules.gap_value["partial"] == 0.5
    assert any("rules.yaml" in i.file and "out of range" in i.message for i in ds.issues)


def test_default_round_skips_a_newer_round_without_assessments(dataset):
    import dataclasses

    import pandas as pd

    newer = pd.DataFrame(
        [
            {
                "_line": 3,
                "round_id": "dialogue-2027",
                "name": "Dialogue",
                "date": "2027-01-01",
                "kind": "dialogue",
                "illustrative": False,
                "notes": "",
            }
        ]
    )
    ds = dataclasses.replace(dataset, rounds=pd.concat([dataset.rounds, newer], ignore_index=True))
    assert ds.latest_round() == "desk-2026"
