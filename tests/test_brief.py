"""District briefs: one PDF page per district with title, gaps, clusters, evidence and sources."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader

from cluster_model.view import make_view
from geo.boundaries import boundaries_path, load_boundaries, simplify_for_display
from outputs.brief import district_brief_pdf


@pytest.fixture(scope="module")
def districts():
    if not boundaries_path().exists():
        return None
    return simplify_for_display(load_boundaries(), 0.001)


@pytest.fixture(scope="module")
def sites(dataset):
    return dataset.sites.merge(
        dataset.clusters[["cluster_id", "name"]].rename(columns={"name": "cluster_name"}), on="cluster_id"
    )


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_one_page_per_district_with_content(dataset, districts, sites):
    view = make_view(dataset, dataset.latest_round(), ["hrm", "technology"], [], ["Thatta", "Tharparkar"])
    calls = []
    pdf = district_brief_pdf(
        dataset,
        districts,
        sites,
        view,
        ["Thatta", "Tharparkar", "Hyderabad"],
        progress=lambda i, n, d: calls.append((i, n, d)),
    )
    pages = pages_text(pdf)
    assert len(pages) == 3
    thatta, thar, hyd = pages
    assert "District brief: Thatta" in thatta and "Fisheries" in thatta and "Jute" in thatta
    assert "Capabilities & HRM" in thatta and "Technology" in thatta
    assert "potential cluster" in thatta  # published classification
    assert "Policy dialogue report, MUET, 2019" in thatta and "OpenStreetMap contributors, ODbL 1.0" in thatta
    assert "District brief: Tharparkar" in thar and "Coal" in thar
    assert "not assessed" in hyd  # unknown said as unknown
    assert calls[0] == (0, 3, "Thatta")


def test_many_evidence_items_are_cut_to_fit(dataset, districts, sites):
    view = make_view(dataset, dataset.latest_round(), ["hrm", "technology", "support", "incentive"], [], [])
    pdf = district_brief_pdf(dataset, districts, sites, view, ["Thatta"], max_evidence=2)
    (page,) = pages_text(pdf)
    assert "more (see the Evidence sheet" in page


def test_illustrative_brief_is_watermarked(dataset, districts, sites):
    fake = dataclasses.replace(dataset, rounds=dataset.rounds.assign(illustrative=True))
    view = make_view(fake, fake.latest_round(include_illustrative=True), ["hrm"], [], [])
    (page,) = pages_text(district_brief_pdf(fake, districts, sites, view, ["Sanghar"]))
    assert "ILLUSTRATIVE" in page


def test_no_district_is_a_clear_error(dataset, districts, sites):
    view = make_view(dataset, dataset.latest_round(), ["hrm"])
    with pytest.raises(ValueError, match="choose at least one district"):
        district_brief_pdf(dataset, districts, sites, view, [])
