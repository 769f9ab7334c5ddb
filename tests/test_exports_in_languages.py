"""Exports in Urdu and Sindhi: the district brief and snapshot PDF carry shaped Arabic-script text in an
embedded Arabic font, the Sindhi PNG snapshot matches its reference image, CSV/XLSX headers follow the language."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from cluster_model.exports import district_scores, snapshot_texts, sources_table
from cluster_model.i18n import translator
from cluster_model.view import make_view
from geo.boundaries import boundaries_path, load_boundaries, simplify_for_display
from geo.snapshot import render, snapshot_chart
from outputs.brief import district_brief_pdf

pytestmark = pytest.mark.skipif(not boundaries_path().exists(), reason="boundary file not available")
REFERENCE = Path(__file__).parent / "reference" / "snapshot-sd-thatta-hrm.png"
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")


@pytest.fixture(scope="module")
def districts():
    return simplify_for_display(load_boundaries(), 0.001)


@pytest.fixture(scope="module")
def sites(dataset):
    return dataset.sites.merge(
        dataset.clusters[["cluster_id", "name", "number"]].rename(columns={"name": "cluster_name"}),
        on="cluster_id",
    )


def _fonts(pdf: bytes) -> dict[str, TTFont]:
    """The embedded fonts of a PDF, by base name (subset prefix dropped)."""
    out = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            for key in ("/FontFile2", "/FontFile3", "/FontFile"):
                if key in descriptor:
                    data = descriptor[key].get_object().get_data()
                    out[str(font["/BaseFont"]).split("+")[-1]] = TTFont(io.BytesIO(data))
    return out


def _shaped(font: TTFont) -> bool:
    """The subset holds glyphs no character maps to: the contextual (initial, medial, final) forms and
    ligatures HarfBuzz chose, so the letters join (unshaped text would use only the mapped, isolated forms)."""
    mapped = set((font.getBestCmap() or {}).values())
    return len(set(font.getGlyphOrder()) - mapped - {".notdef"}) >= 10


def test_urdu_brief_has_shaped_urdu_text_in_an_embedded_arabic_font(dataset, districts, sites):
    view = make_view(dataset, dataset.latest_round(), ["hrm", "technology"], [], ["Thatta"])
    pdf = district_brief_pdf(dataset, districts, sites, view, ["Thatta"], tr=translator("ur"))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "سندھ کلسٹر اٹلس" in text  # the atlas's name, read back from the PDF's text
    assert "ٹیکنالوجی" in text and "ستون" in text  # a pillar and a table header
    assert "District brief" not in text and "Gap by pillar" not in text
    fonts = _fonts(pdf)
    assert "Lateef" in fonts and _shaped(fonts["Lateef"]), sorted(fonts)


def test_english_brief_is_unchanged_by_the_language_argument(dataset, districts, sites):
    view = make_view(dataset, dataset.latest_round(), ["hrm"], [], ["Thatta"])
    text = PdfReader(io.BytesIO(district_brief_pdf(dataset, districts, sites, view, ["Thatta"]))).pages[0]
    assert "District brief: Thatta" in text.extract_text()


def _chart(ds, districts, sites, lang: str):
    tr = translator(lang)
    view = make_view(ds, ds.latest_round(), ["hrm"], [], ["Thatta"])
    title, subtitle, credits = snapshot_texts(ds, view, sources_table(ds)["Source id"], tr)
    return snapshot_chart(
        districts,
        district_scores(ds, sites, dataclasses.replace(view, districts=[])),
        sites,
        title=title,
        subtitle_lines=subtitle,
        credits=credits,
        illustrative=view.illustrative,
        highlight=["Thatta"],
        tr=tr,
    )


def test_urdu_snapshot_pdf_has_shaped_text_in_an_embedded_arabic_font(dataset, districts, sites):
    chart = _chart(dataset, districts, sites, "ur")
    spec = chart.to_dict(validate=False)
    assert "ٹھٹہ" in str(spec) and "Lateef" in str(spec["config"]["font"])
    svg = render(chart, "svg").decode("utf-8")
    # Every word drawn is in Urdu, except the round's name (data, written in English): marked [en].
    round_label = make_view(dataset, dataset.latest_round(), ["hrm"], [], ["Thatta"]).round_label
    assert svg.count("[en]") == svg.count(f"{round_label} [en]") > 0
    assert ">Thatta<" not in svg and "Cluster" not in svg
    pdf = render(chart, "pdf")
    fonts = _fonts(pdf)
    assert any(name.startswith("Lateef") for name in fonts), sorted(fonts)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert len(ARABIC.findall(text)) > 50


def test_sindhi_png_snapshot_matches_its_reference(dataset, districts, sites):
    """Rendered offline; compared with the committed reference (a looked-at image) with a tolerance.

    To renew the reference after an intended change: ATLAS_UPDATE_REFERENCE=1 pytest this test, then look at it.
    """
    import os

    png = render(_chart(dataset, districts, sites, "sd"), "png", scale=1)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    if os.environ.get("ATLAS_UPDATE_REFERENCE"):
        REFERENCE.write_bytes(png)
    reference = np.asarray(Image.open(REFERENCE).convert("L"), dtype=float)
    assert image.shape == reference.shape
    differs = np.abs(image - reference) > 40
    assert differs.mean() < 0.01, f"{differs.mean():.2%} of the pixels differ"
    # The words are drawn: the picture has dark text pixels on the right (RTL) side of its footer.
    footer = image[-120:, :]
    assert (footer[:, footer.shape[1] // 2 :] < 100).mean() > 0.005


def test_csv_and_xlsx_headers_follow_the_language():
    """pages/export.py renames headers with ui.i18n.known: every export header has a translation."""
    import pandas as pd

    from outputs.tables import to_csv_bytes, to_xlsx_bytes

    tr = translator("sd")
    frame = pd.DataFrame({"District": ["Thatta"], "Gap": [0.5], "Share of indicators assessed": [0.15]})
    shown = frame.rename(columns=lambda c: tr.gettext(c))
    assert all(tr.has(c) for c in frame.columns)
    csv = to_csv_bytes(shown, ["note"]).decode("utf-8-sig")
    assert csv.splitlines()[0] == '"ضلعو","خال","جائزو ورتل اشارن جو حصو"'
    xlsx = to_xlsx_bytes({tr.gettext("Districts"): shown}, pd.DataFrame({"x": [1]}), sources_title="ذريعا")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["ضلعا", "ذريعا"] and book["ضلعا"]["A1"].value == "ضلعو"


def test_urdu_brief_context_and_linkage_pages_are_in_urdu_shaped_and_mark_english_data(
    dataset, districts, sites, tmp_path
):
    from cluster_model import context as cx
    from cluster_model import store
    from cluster_model.store import linkages as sl
    from outputs.linkage_brief import linkage_page

    if not cx.context_dir().is_dir():
        pytest.skip("context files not installed: run `make setup`")
    ctx = cx.ContextFigures(cx.load_context(None, None, "Sindh", list(districts["district"])))
    engine = store.open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        ds = store.load_dataset(engine)
        lk = sl.load_linkages(engine, ds)
    finally:
        engine.dispose()
    tr = translator("ur")
    view = make_view(dataset, dataset.latest_round(), ["hrm"], [], ["Thatta"], linkages=lk, context=ctx)
    pdf = district_brief_pdf(
        dataset,
        districts,
        sites,
        view,
        ["Thatta"],
        context=view.context,
        extra_page=linkage_page(view.linkages, tr=tr),
        tr=tr,
    )
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 3
    context_text, linkage_text = pages[1].extract_text(), pages[2].extract_text()
    assert "ضلعی پس منظر" in context_text and "ٹھٹہ" in context_text  # heading "District context: Thatta"
    assert "اعداد، ہر ایک کے سال کے ساتھ" in context_text  # "Figures, with the year of each"
    assert "غربت کی شرح" in context_text  # a figure's label, from data/names.csv
    assert "District context" not in context_text and "Figures, with" not in context_text
    assert "[en]" in context_text  # the sources stay in English, marked
    assert "ادارے اور روابط" in linkage_text and "Institutions and links" not in linkage_text
    assert "No link recorded" not in linkage_text
    fonts = _fonts(pdf)
    assert "Lateef" in fonts and _shaped(fonts["Lateef"]), sorted(fonts)


def test_sindhi_context_snapshot_legend_and_credits(districts):
    from cluster_model import context as cx
    from geo.context_map import snapshot_context, snapshot_credits

    if not cx.context_dir().is_dir():
        pytest.skip("context files not installed: run `make setup`")
    ctx = cx.ContextFigures(cx.load_context(None, None, "Sindh", list(districts["district"])))
    tr = translator("sd")
    legend = snapshot_context(ctx, "adult_literacy", list(districts["district"]), tr)
    assert legend["none"] == "ڪو انگ ناهي (اڻڄاتل)" and legend["title"][0] == "بالغن جي خواندگي (25+), 2014"
    credits = snapshot_credits(ctx, "adult_literacy", tr)
    assert "ڪراچي شهر هڪ سروي ايڪو آهي" in credits[0] and "[en]" in credits[0]  # the source, marked
    assert "Classes" not in " ".join(credits) and "sampling error" not in " ".join(credits)
