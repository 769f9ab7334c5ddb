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


def test_brief_with_context_and_links_leaves_no_page_nearly_empty(dataset, districts, sites, tmp_path):
    """#24 item 8: the brief the Export page builds (gaps, context figures, institutions) ran to 3–4 pages per
    district, the last nearly empty. Now: a page of gaps, then the context figures with the institutions
    running on below them; no page holds less than a fifth of the fullest page's text."""
    from cluster_model import context as cx
    from cluster_model import store
    from cluster_model.store import linkages as sl
    from outputs.linkage_brief import linkage_page

    if districts is None or not cx.context_dir().is_dir():
        pytest.skip("boundaries or context files not installed: run `make setup`")
    ctx = cx.ContextFigures(cx.load_context(None, None, "Sindh", list(districts["district"])))
    engine = store.open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        lk = sl.load_linkages(engine, store.load_dataset(engine))
    finally:
        engine.dispose()
    pillars = ["technology", "support", "hrm", "incentive"]
    for chosen, most in ((["Thatta", "Tharparkar"], 6), (["Khairpur"], 3)):
        view = make_view(dataset, dataset.latest_round(), pillars, [], chosen, linkages=lk, context=ctx)
        pdf = district_brief_pdf(
            dataset,
            districts,
            sites,
            view,
            chosen,
            context=view.context,
            extra_page=linkage_page(view.linkages),
        )
        pages = pages_text(pdf)
        assert len(pages) <= most, (chosen, len(pages))
        fullest = max(len(p) for p in pages)
        assert all(len(p) >= fullest / 5 for p in pages), (chosen, [len(p) for p in pages])
        joined = " ".join(pages)
        assert all(
            f"District context: {d}" in joined and f"Institutions and links: {d}" in joined for d in chosen
        )


def test_brief_flags_low_coverage_with_its_rule(dataset, districts, sites):
    """#24 item 1: the brief's gap figures carry assessed / total and the low-coverage flag, with the rule."""
    view = make_view(dataset, dataset.latest_round(), ["technology", "support", "hrm", "incentive"], [], [])
    (page,) = pages_text(district_brief_pdf(dataset, districts, sites, view, ["Sanghar"]))
    assert "gap 1.00 · 2% assessed · low coverage" in page
    assert "10% (1 of 10) · low coverage" in page  # Incentive mechanism: 1 of its 10 indicators
    assert "Low coverage: a gap figure resting on less than 50%" in page
