"""District context through Streamlit's AppTest: the Atlas switch, Gaps & poverty, exports, Methods, bad input."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from support import REPO, seed_coverage

from cluster_model import context as cx
from cluster_model.loading import DATA_DIR

APP = str(REPO / "app.py")
CREDIT = cx.CONTEXT_CREDIT

pytestmark = pytest.mark.skipif(
    not cx.context_dir().is_dir(), reason="context files missing: run `make setup`"
)


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ok(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [t.value for t in at.title]
    parts += [f"{m.label}: {m.value}" for m in at.metric] + [s.value for s in at.subheader]
    return "\n".join(parts)


def to_context(at: AppTest) -> AppTest:
    at.radio(key="w_atlas_layer").set_value("District context")
    return ok(at)


def test_atlas_switches_to_district_context_with_adult_literacy():
    at = to_context(run_app())
    assert at.selectbox(key="w_context_indicator").value == "adult_literacy"
    # Grouped by pillar: the options name their pillar.
    options = at.selectbox(key="w_context_indicator").options
    assert any(o.startswith("Capabilities & HRM · Adult literacy") for o in options)
    assert any(o.startswith("Welfare context (poverty) · Poverty rate (2018") for o in options)
    page = texts(at)
    assert "Adult literacy (25+), 2014" in page and CREDIT in page
    ranking = at.dataframe[-1].value
    assert len(ranking) == 24 and (ranking["District (survey unit)"] == "Karachi City").sum() == 1
    karachi = ranking.set_index("District (survey unit)").loc["Karachi City", "Boundary districts covered"]
    assert karachi.count(",") == 6
    # The gap view is still one click away and unchanged.
    at.radio(key="w_atlas_layer").set_value("Cluster gaps")
    ok(at)
    assert "{} of {}".format(*seed_coverage()) in at.info[0].value


def test_district_panel_value_rank_average_trend_and_interval():
    at = to_context(run_app())
    at.selectbox(key="w_district").set_value("Tharparkar")
    ok(at)
    page = texts(at)
    assert "Adult literacy (25+) (2014): 28.4%" in page
    assert "Rank **21 of 24** in Sindh" in page and "Provincial average: **38.9%**" in page
    assert "Poverty rate 2018 (provisional): **54.5%**, 95% interval 50.0–59.0%" in page
    assert "Source: World Bank Data4Pakistan district estimate (PBS PSLM)" in page
    chart = at.get("vega_lite_chart")
    assert chart, "the 2004→2014 trend chart is drawn"
    # Karachi: one figure for the seven, said so.
    at.selectbox(key="w_district").set_value("Korangi")
    ok(at)
    assert "one figure for 7 districts together" in texts(at) and "not a measurement of each" in texts(at)


def test_missing_context_folder_is_said_and_the_atlas_keeps_working(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_CONTEXT", str(tmp_path / "nowhere"))
    at = to_context(run_app())
    page = texts(at)
    assert "district context folder not found" in page and "make setup" in page
    assert "No district context figure can be shown" in page
    at.radio(key="w_atlas_layer").set_value("Cluster gaps")
    ok(at)
    assert "{} of {}".format(*seed_coverage()) in at.info[0].value


def test_unknown_indicator_in_the_choice_is_named_on_the_page(monkeypatch, tmp_path):
    data = tmp_path / "data"
    import shutil

    shutil.copytree(DATA_DIR, data)
    with (data / cx.CHOSEN_FILE).open("a", encoding="utf-8") as f:
        f.write(
            "typo,hrm,Typo,pakistan_district_indicators.csv,Adult literacy typo,%,1,positive,2014,PSLM,\n"
        )
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data))
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'atlas.db'}")
    at = to_context(run_app())
    page = texts(at)
    assert (
        "context_indicators.csv, line 16" in page
        and "'Adult literacy typo' is not in pakistan_district_indicators.csv" in page
    )
    assert at.dataframe[-1].value.shape[0] == 24  # the other figures still work


def test_gaps_meet_poverty_page():
    at = run_app()
    at.switch_page("pages/poverty.py")
    ok(at)
    page = texts(at)
    assert "Where gaps meet poverty" in page and CREDIT in page
    table = at.dataframe[-1].value
    assert "not assessed" in set(table["Cluster gap"])  # unknown kept visibly unknown, not zero
    assert (
        table["District (survey unit)"].str.startswith("Karachi City (one figure for 7 districts").sum() == 1
    )
    thar = table[table["District (survey unit)"] == "Tharparkar"].iloc[0]
    assert (
        thar["Poverty rate 2018 (%)"] == pytest.approx(54.5, abs=0.05) and thar["95% interval"] == "50.0–59.0"
    )
    assert at.get("vega_lite_chart")


def test_methods_explains_the_context_figures():
    at = run_app()
    at.switch_page("pages/methods.py")
    ok(at)
    page = texts(at)
    assert "District context figures" in page
    assert "never change a cluster gap score" in page and "Karachi City" in page and "sampling error" in page


def test_exports_carry_context_with_year_source_and_credit():
    from cluster_model.exports import (
        add_context,
        notes_lines,
        sources_table,
        view_tables,
    )
    from cluster_model.loading import load_dataset
    from cluster_model.view import make_view
    from geo.boundaries import load_boundaries
    from geo.context_map import add_context_to_geojson, snapshot_context
    from geo.snapshot import snapshot_chart
    from outputs.brief import district_brief_pdf
    from outputs.tables import to_csv_bytes, to_xlsx_bytes

    ds = load_dataset(DATA_DIR)
    districts = load_boundaries(province="Sindh")
    ctx = cx.ContextFigures(
        cx.load_context(cx.context_dir(), DATA_DIR, "Sindh", list(districts["district"])),
        list(districts["district"]),
    )
    sites = ds.sites.merge(
        ds.clusters[["cluster_id", "name"]].rename(columns={"name": "cluster_name"}), on="cluster_id"
    )
    ev = make_view(ds, ds.latest_round(), ["technology", "support", "hrm", "incentive"])
    tables, notes = add_context(
        view_tables(ds, sites, ev), notes_lines(ds, ev), ctx, list(districts["district"])
    )
    sheet = tables["District context"]
    thar = sheet[(sheet["District"] == "Tharparkar") & (sheet["Indicator"] == "Adult literacy (25+)")].iloc[0]
    assert thar["Value"] == pytest.approx(28.43) and thar["Year"] == 2014 and "PSLM" in thar["Source"]
    assert any(CREDIT in n for n in notes)
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(sheet, notes)), comment="#")
    assert set(csv["Credit"]) == {CREDIT} and len(csv) == 30 * len(ctx.indicators)
    xlsx = pd.read_excel(io.BytesIO(to_xlsx_bytes(tables, sources_table(ds), notes)), sheet_name=None)
    assert "District context" in xlsx
    # Brief for Tharparkar: its context figures with sources, read back from the PDF.
    reader = PdfReader(io.BytesIO(district_brief_pdf(ds, districts, sites, ev, ["Tharparkar"], context=ctx)))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "District context: Tharparkar" in text and "Adult literacy (25+) 28.4% 2014 21 of 24" in text
    assert "World Bank Data4Pakistan district estimate (PBS PSLM)" in text and "via PakIndicatorsApp" in text
    # GeoJSON members.
    collection = add_context_to_geojson(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"district": "Malir"}, "geometry": None}],
        },
        ctx,
    )
    figures = {f["indicator"]: f for f in collection["features"][0]["properties"]["context"]}
    assert (
        figures["Adult literacy (25+)"]["year"] == 2014
        and "Karachi City" in figures["Adult literacy (25+)"]["survey_unit"]
    )
    assert collection["context_credit"] == CREDIT
    json.dumps(collection)
    # Snapshot: the context classes with the year in the legend title.
    spec = snapshot_chart(
        districts,
        None,
        None,
        title="t",
        context=snapshot_context(ctx, "adult_literacy", list(districts["district"])),
    ).to_dict()
    text = json.dumps(spec)
    assert "Adult literacy (25+), 2014" in text and "no figure (unknown)" in text
    # The PNG looked at: the context classes' colours are on it, the gap colours are not.
    from PIL import Image

    from geo.atlas_map import GAP_COLOURS
    from geo.context_map import CONTEXT_COLOURS
    from geo.snapshot import render

    image = Image.open(io.BytesIO(render(spec, "png", scale=1))).convert("RGB")
    colours = {"#%02x%02x%02x" % c for _, c in image.getcolors(maxcolors=1_000_000)}
    assert set(CONTEXT_COLOURS) <= colours and not set(GAP_COLOURS[1:]) & colours


def test_export_page_builds_with_context_chosen_on_the_atlas():
    at = to_context(run_app())
    at.switch_page("pages/export.py")
    ok(at)
    assert any("District context" in str(o) for o in at.selectbox(key="export_csv_table").options)
    caption = "\n".join(i.caption for i in at.get("imgs")) if at.get("imgs") else ""
    del caption  # the PNG itself is checked by the snapshot tests; here: the page runs with the context layer


def test_all_of_pakistan_title_does_not_say_sindh(monkeypatch):
    national = cx.context_dir().parent / "boundaries" / "pakistan_adm2.geojson"
    if not national.exists():
        pytest.skip("national boundary file missing")
    monkeypatch.setenv("ATLAS_PROVINCE", "")
    monkeypatch.setenv("ATLAS_BOUNDARIES", str(national))
    at = to_context(run_app())
    assert at.title[0].value == "Pakistan Cluster Atlas"
    ranking = at.dataframe[-1].value
    assert ranking["Province"].nunique() >= 4 and "Karachi City" in set(ranking["District (survey unit)"])


def test_text_from_the_files_is_shown_as_text_not_markup(monkeypatch, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / cx.CHOSEN_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Adult literacy (25+)", "Adult [literacy](http://example.org) *25*"
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data))
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'atlas.db'}")
    at = to_context(run_app())
    at.selectbox(key="w_district").set_value("Tharparkar")
    ok(at)
    labels = [m.label for m in at.metric]
    # cluster_model.markup.md escapes the brackets and stars, and breaks the bare address with a word joiner so it is no autolink.
    assert "Adult \\[literacy\\](http\u2060://example.org) \\*25\\* (2014)" in labels
    assert any(r"adult \[literacy\]" in s.value for s in at.subheader)
