"""Map snapshots: PNG/SVG/PDF rendered on the server, with legend, credits and watermark."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from cluster_model.exports import district_scores, snapshot_texts, sources_table
from cluster_model.view import make_view
from geo.atlas_map import GAP_COLOURS, NOT_ASSESSED_FILL
from geo.boundaries import BOUNDARY_ATTRIBUTION, boundaries_path, load_boundaries, simplify_for_display
from geo.snapshot import (
    LEGEND_DOMAIN,
    LOW_COVERAGE_LABEL,
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


# ---------------------------------------------------------------- #24 item 1: coverage travels with the snapshot

ALL_PILLARS = ("technology", "support", "hrm", "incentive")


def _all_pillars_chart(ds, districts, sites, scores=None):
    view = make_view(ds, ds.latest_round(), list(ALL_PILLARS), [], [])
    title, subtitle, credits = snapshot_texts(ds, view, sources_table(ds)["Source id"])
    scores = district_scores(ds, sites, view) if scores is None else scores
    chart = snapshot_chart(
        districts, scores, sites, title=title, subtitle_lines=subtitle, credits=credits, highlight=None
    )
    return chart, scores


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])


def _pixels_of(ds, districts, sites, district: str, small: bool = False) -> np.ndarray:
    """The snapshot's pixels (RGB) inside ``district``: where the snapshot changes when the district's
    figure is swapped for another kind (a gap becomes unknown, unknown a firm 0.1; same layout, so nothing
    else changes)."""
    chart, scores = _all_pillars_chart(ds, districts, sites)
    swapped = scores.copy()
    at = swapped["district"] == district
    known = swapped.loc[at, "gap"].notna().all()
    swapped.loc[at, ["gap", "low_coverage"]] = [np.nan, True] if known else [0.1, False]
    other, _ = _all_pillars_chart(ds, districts, sites, swapped)
    if small:
        a = np.asarray(Image.open(io.BytesIO(render_small_png(chart))).convert("RGB")).astype(int)
        b = np.asarray(Image.open(io.BytesIO(render_small_png(other))).convert("RGB")).astype(int)
    else:
        a = np.asarray(Image.open(io.BytesIO(render(chart, "png"))).convert("RGB")).astype(int)
        b = np.asarray(Image.open(io.BytesIO(render(other, "png"))).convert("RGB")).astype(int)
    inside = np.abs(a - b).sum(axis=2) > 30
    assert inside.sum() > 300, district  # the district is on the map
    return a[inside]


def _share_near(pixels: np.ndarray, hex_colour: str, tolerance: int = 40) -> float:
    return float((np.abs(pixels - _rgb(hex_colour)).sum(axis=1) < tolerance).mean())


@pytest.mark.parametrize("small", [False, True], ids=["print", "small"])
def test_low_coverage_districts_are_striped_like_the_map(dataset, districts, sites, small):
    """Sanghar (1 of 42 indicators, gap 1.0) is striped in its class colour on white, as on screen; Umerkot (not
    assessed) stays grey with dark lines: neither reads as a firm figure, and they do not look alike."""
    sanghar = _pixels_of(dataset, districts, sites, "Sanghar", small)
    assert _share_near(sanghar, GAP_COLOURS[4]) > 0.12
    assert _share_near(sanghar, "#ffffff") > 0.25  # the white stripes: not a solid darkest red
    umerkot = _pixels_of(dataset, districts, sites, "Umerkot", small)
    assert _share_near(umerkot, "#ffffff") < 0.05 and _share_near(umerkot, NOT_ASSESSED_FILL) > 0.5


def test_low_coverage_has_a_legend_entry_and_a_note_in_svg_and_pdf(dataset, districts, sites):
    chart, _ = _all_pillars_chart(dataset, districts, sites)
    import html

    svg = html.unescape(render(chart, "svg").decode("utf-8"))
    assert LOW_COVERAGE_LABEL in svg and NOT_ASSESSED_LABEL in svg
    assert "Low coverage: a gap figure resting on less than 50%" in svg
    pdf = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render(chart, "pdf"))).pages).split()
    )
    assert LOW_COVERAGE_LABEL in pdf and "Low coverage: a gap figure resting on less than 50%" in pdf


def test_small_png_keeps_every_legend_colour(hrm_chart):
    """#24 item 9: palette reduction must not merge a legend swatch with its neighbour's colour when the class
    is absent from the map: every swatch colour is still in the small PNG, exactly, as a square of pixels."""
    small = np.asarray(Image.open(io.BytesIO(render_small_png(hrm_chart[0]))).convert("RGB")).astype(int)
    for colour in (*GAP_COLOURS, NOT_ASSESSED_FILL):
        exact = (np.abs(small - _rgb(colour)).sum(axis=2) <= 3).sum()
        assert exact >= 80, (colour, exact)  # at least the swatch (13 × 13 px, less its border)


@pytest.mark.parametrize(("paper", "size"), [("a4", (595.28, 841.89)), ("letter", (612.0, 792.0))])
def test_pdf_is_on_a_paper_size_and_keeps_its_text(hrm_chart, paper, size):
    """#24 item 10: the snapshot PDF is one A4 page (Letter on request), not a page cut to the chart."""
    reader = PdfReader(io.BytesIO(render(hrm_chart[0], "pdf", paper=paper)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert sorted((round(float(box.width), 1), round(float(box.height), 1))) == sorted(
        (round(size[0], 1), round(size[1], 1))
    )
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Capabilities & HRM gaps" in text and "OpenStreetMap" in text
    default = PdfReader(io.BytesIO(render(hrm_chart[0], "pdf"))).pages[0].mediabox
    assert round(float(default.width), 1) in (595.3, 841.9)  # A4 unless asked otherwise
