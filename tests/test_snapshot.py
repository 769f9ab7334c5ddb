"""Map snapshots: PNG/SVG/PDF rendered on the server, with legend, credits and watermark."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from cluster_model.exports import district_scores, snapshot_texts, sources_table
from cluster_model.view import make_view
from geo.boundaries import BOUNDARY_ATTRIBUTION, boundaries_path, load_boundaries, simplify_for_display
from geo.snapshot import (
    LEGEND_DOMAIN,
    NOT_ASSESSED_LABEL,
    SMALL_PNG_LIMIT,
    WATERMARK,
    render,
    render_small_png,
    snapshot_chart,
)

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


def make_chart(ds, districts, sites, pillars=("hrm",), chosen=("Thatta", "Tharparkar"), scale_width=None):
    view = make_view(ds, ds.latest_round(include_illustrative=True), list(pillars), [], list(chosen))
    title, subtitle, credits = snapshot_texts(ds, view, sources_table(ds)["Source id"])
    kwargs = {"width": scale_width} if scale_width else {}
    chart = snapshot_chart(
        districts,
        district_scores(ds, sites, dataclasses.replace(view, districts=[])),
        sites,
        title=title,
        subtitle_lines=subtitle,
        credits=credits,
        illustrative=view.illustrative,
        highlight=list(chosen) or None,
        **kwargs,
    )
    return chart, title


@pytest.fixture(scope="module")
def hrm_chart(dataset, districts, sites):
    return make_chart(dataset, districts, sites)


def test_png_decodes_is_2x_and_not_blank(hrm_chart):
    chart, _ = hrm_chart
    one = Image.open(io.BytesIO(render(chart, "png", scale=1)))
    two = Image.open(io.BytesIO(render(chart, "png")))
    two.load()
    assert two.format == "PNG"
    assert abs(two.width - 2 * one.width) <= 2 and abs(two.height - 2 * one.height) <= 2
    assert two.width >= 1400
    rgb = two.convert("RGB")
    small = rgb.resize((rgb.width // 4, rgb.height // 4))
    colours = small.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50  # map fills, hatching, text — not a blank canvas
    non_white = sum(n for n, c in colours if c != (255, 255, 255)) / (small.width * small.height)
    assert non_white > 0.15


def test_small_png_under_limit(hrm_chart):
    data = render_small_png(hrm_chart[0])
    assert len(data) < SMALL_PNG_LIMIT
    img = Image.open(io.BytesIO(data))
    assert img.width >= 600


def test_svg_has_title_legend_and_credits(hrm_chart):
    chart, title = hrm_chart
    svg = render(chart, "svg").decode("utf-8")
    import html

    text = html.unescape(svg)
    assert title in text
    assert "OpenStreetMap" in text and BOUNDARY_ATTRIBUTION in text
    assert "Policy dialogue report, MUET, 2019" in text
    assert NOT_ASSESSED_LABEL in text  # unknown has its own legend entry
    for label in LEGEND_DOMAIN:
        assert label in text
    assert "2026" in text or "made" in text  # the date line
    assert WATERMARK not in text  # the real round is not illustrative


def test_pdf_parses_and_has_title_and_sources(hrm_chart):
    chart, title = hrm_chart
    reader = PdfReader(io.BytesIO(render(chart, "pdf")))
    text = " ".join(p.extract_text() for p in reader.pages)
    squashed = " ".join(text.split())
    assert "Capabilities & HRM gaps" in squashed
    assert "OpenStreetMap" in squashed and "Policy dialogue report" in squashed


def test_bad_format_is_a_clear_error(hrm_chart):
    with pytest.raises(ValueError, match="unknown snapshot format"):
        render(hrm_chart[0], "gif")


def test_illustrative_round_is_watermarked(dataset, districts, sites):
    fake = dataclasses.replace(dataset, rounds=dataset.rounds.assign(illustrative=True))
    chart, _ = make_chart(fake, districts, sites, pillars=("hrm", "technology"), chosen=())
    svg = render(chart, "svg").decode("utf-8")
    import html

    assert html.unescape(svg).count(WATERMARK) >= 3  # over the map, not just in a corner


def test_whole_province_view_and_all_pillars(dataset, districts, sites):
    chart, title = make_chart(
        dataset, districts, sites, pillars=("technology", "support", "hrm", "incentive"), chosen=()
    )
    assert "all four pillars" in title
    img = Image.open(io.BytesIO(render(chart, "png")))
    assert img.width > 1000


def test_geometry_error_under_half_an_output_pixel(districts):
    """Snapshot geometry is simplified to the print pixel: never more than 0.5 px (at 2x) off."""
    import numpy as np
    import shapely

    from geo import projection, snapshot

    box = snapshot._fit_box(districts, [])
    width = snapshot.MAP_WIDTH
    k = projection.mercator_px_per_radian(box, width, snapshot._map_height(box, width))
    simple, texts = snapshot._pixel_geometry(
        districts, *projection.pixel_tolerance(box, k, snapshot.MAX_ERROR_PX)
    )
    assert all(texts)
    # degrees -> CSS px, north-south at the highest latitude (the finest direction in Mercator)
    px_per_degree = k * np.pi / 180 / np.cos(np.radians(max(abs(box[1]), abs(box[3]))))
    error = shapely.hausdorff_distance(np.asarray(districts.geometry.values), simple).max() * px_per_degree
    assert error * 2 < 0.5
    assert sum(len(shapely.get_coordinates(g)) for g in simple) < sum(
        len(shapely.get_coordinates(g)) for g in districts.geometry
    )


def test_no_clip_paths_and_many_sites_become_dots(dataset, districts, sites):
    """Clip paths triple the rasterising time, and thousands of labelled markers are unreadable."""
    import html

    import numpy as np

    view = make_view(dataset, dataset.latest_round(include_illustrative=True), ["hrm"], [], [])
    scores = district_scores(dataset, sites, view)
    rng = np.random.default_rng(1)
    many = sites.sample(400, replace=True, random_state=1).assign(
        lat=lambda d: d["lat"] + rng.uniform(-0.3, 0.3, len(d)),
        lon=lambda d: d["lon"] + rng.uniform(-0.3, 0.3, len(d)),
    )
    for s, highlight in ((sites, None), (many, None), (sites, ["Thatta"])):
        svg = html.unescape(
            render(snapshot_chart(districts, scores, s, title="t", highlight=highlight), "svg").decode(
                "utf-8"
            )
        )
        assert "clip-path" not in svg.split("role-legend")[0]
        assert BOUNDARY_ATTRIBUTION in svg
    svg = html.unescape(render(snapshot_chart(districts, scores, many, title="t"), "svg").decode("utf-8"))
    assert "locations of" in svg and "Sites (cluster number" not in svg
    svg = html.unescape(render(snapshot_chart(districts, scores, sites, title="t"), "svg").decode("utf-8"))
    assert "Sites (cluster number" in svg
