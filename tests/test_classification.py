"""Classification from cluster-defining indicators, with reasons, beside the published class."""

from __future__ import annotations

import pandas as pd

from cluster_model.classification import AGREES, DIFFERS, NOT_COMPARABLE, classify, classify_dataset
from cluster_model.loading import DEFAULT_RULES
from cluster_model.scoring import assessment_matrix
from cluster_model.vocabulary import AGGLOMERATION, FUNCTIONAL, INSUFFICIENT, POTENTIAL


def defining(statuses):
    return pd.DataFrame(
        {
            "cluster_id": "c",
            "indicator_id": [f"d{i}" for i in range(len(statuses))],
            "pillar": "structure",
            "weight": 1.0,
            "cluster_defining": True,
            "status": statuses,
            "round_id": "r",
            "source_id": "s",
            "note": "",
        }
    )


def run(statuses, published=None):
    pub = (
        pd.DataFrame(
            {"cluster_id": ["c"], "classification": [published], "source_id": ["hrd_study"], "note": ["n"]}
        )
        if published
        else None
    )
    return classify(defining(statuses), {}, DEFAULT_RULES, pub)["c"]


def test_all_present_is_functional():
    assert run(["present"] * 6).computed == FUNCTIONAL


def test_one_partial_still_functional_two_absent_potential_three_absent_agglomeration():
    assert run(["present"] * 5 + ["partial"]).computed == FUNCTIONAL
    r = run(["present"] * 4 + ["absent"] * 2)
    assert r.computed == POTENTIAL and r.absent == ["d4", "d5"]
    assert "making present: d4; d5" in r.to_move_up
    r = run(["present"] * 3 + ["absent"] * 3)
    assert r.computed == AGGLOMERATION and "To become a potential cluster" in r.to_move_up


def test_unassessed_that_cannot_change_the_class_still_decides():
    r = run(["absent"] * 3 + ["not assessed"] * 3)
    assert r.computed == AGGLOMERATION and not r.provisional


def test_too_few_assessed_is_insufficient_evidence_with_range():
    r = run(["present", "present"] + ["not assessed"] * 4)
    assert r.computed == INSUFFICIENT
    assert (r.best_case, r.worst_case) == (FUNCTIONAL, AGGLOMERATION)
    assert any("assess at least 2 more" in reason for reason in r.reasons)


def test_enough_assessed_but_open_is_provisional():
    r = run(["present"] * 5 + ["not assessed"])
    assert r.computed == FUNCTIONAL and r.provisional
    assert (r.best_case, r.worst_case) == (FUNCTIONAL, POTENTIAL)


def test_published_comparison_flags_disagreement():
    assert run(["present"] * 6, published=POTENTIAL).comparison == DIFFERS
    assert run(["present"] * 4 + ["absent"] * 2, published=POTENTIAL).comparison == AGREES
    assert run(["not assessed"] * 6, published=AGGLOMERATION).comparison == NOT_COMPARABLE


def test_real_data_keeps_published_class_as_a_sourced_fact(dataset):
    results = classify_dataset(dataset, assessment_matrix(dataset, dataset.latest_round()))
    assert len(results) == 16
    assert results["marble"].published == AGGLOMERATION and results["marble"].published_source == "hrd_study"
    assert results["sugar"].published == POTENTIAL
    assert results["rice"].published is None
    # No cluster-defining indicator is assessed in the sources: the atlas must not pretend to reproduce the study.
    assert all(r.computed == INSUFFICIENT for r in results.values())
