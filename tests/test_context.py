"""District context: loading, the crosswalk, the derived figures and every bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import support

from cluster_model import context as cx
from cluster_model.loading import DATA_DIR
from geo.boundaries import load_boundaries

KARACHI = ["Karachi Central", "Karachi East", "Karachi South", "Karachi West", "Keamari", "Korangi", "Malir"]


@pytest.fixture(scope="module")
def folder() -> Path:
    path = cx.context_dir()
    if not path.is_dir():
        pytest.skip(f"context files not found at {path}: run `make setup`")
    return path


@pytest.fixture(scope="module")
def sindh() -> list[str]:
    return list(load_boundaries(province="Sindh")["district"])


@pytest.fixture(scope="module")
def ctx(folder, sindh):
    return cx.load_context(folder, DATA_DIR, "Sindh", sindh)


@pytest.fixture
def broken(tmp_path, folder):
    """Writable copies of the context folder and of data/."""
    shutil.copytree(folder, tmp_path / "context")
    shutil.copytree(DATA_DIR, tmp_path / "data")
    for p in (tmp_path / "context").iterdir():
        p.chmod(0o644)
    return tmp_path / "context", tmp_path / "data"


def _messages(ctx) -> list[str]:
    return [str(i) for i in ctx.issues]


def test_real_files_load_cleanly_with_every_chosen_indicator(ctx):
    assert ctx.issues == []
    chosen = pd.read_csv(DATA_DIR / cx.CHOSEN_FILE)
    assert 12 <= len(chosen) <= 15
    assert list(ctx.indicators["indicator_id"]) == list(chosen["indicator_id"])
    assert set(ctx.indicators["pillar"]) == {"welfare", "hrm", "support", "technology"}


def test_crosswalk_covers_all_30_districts_and_karachi_is_one_unit(ctx, sindh):
    assert sorted(ctx.crosswalk["district"]) == sorted(sindh)
    karachi = ctx.crosswalk[ctx.crosswalk["unit"] == "Karachi City"]
    assert sorted(karachi["district"]) == KARACHI
    spelled = ctx.crosswalk.set_index("district")["unit"]
    assert spelled["Kambar Shahdadkot"] == "Qambar Shahdadkot"
    assert spelled["Tando Mohammad Khan"] == "Tando Muhammad Khan"


def test_adult_literacy_colours_all_30_with_one_karachi_figure(ctx, sindh):
    table = cx.ContextFigures(ctx, sindh).table("adult_literacy")
    assert table["value"].notna().all()
    karachi = table.loc[KARACHI]
    assert karachi["value"].nunique() == 1 and (karachi["shared_with"] == 7).all()
    units = cx.unit_table(ctx, "adult_literacy")
    assert len(units) == 24  # ranked and averaged once per survey unit, Karachi once
    assert (units["unit"] == "Karachi City").sum() == 1
    assert units["n_ranked"].eq(24).all()
    assert units["province_average"].iloc[0] == pytest.approx(units["value"].mean())
    best = units.sort_values("value", ascending=False).iloc[0]
    assert best["rank"] == 1  # positive: the highest literacy ranks first


def test_rank_follows_direction_for_poverty(ctx):
    units = cx.unit_table(ctx, "poverty_rate")
    lowest = units.sort_values("value").iloc[0]
    assert lowest["rank"] == 1  # negative: the lowest poverty ranks first


def test_poverty_2018_interval_from_mse(ctx, folder):
    raw = pd.read_csv(folder / cx.POVERTY_FILE)
    thar = raw[raw["District"] == "Tharparkar"].iloc[0]
    units = cx.unit_table(ctx, "poverty_rate_2018").set_index("unit")
    half = 1.959964 * thar["msepovrate"] ** 0.5 * 100
    assert units.at["Tharparkar", "value"] == pytest.approx(thar["povrate"] * 100)
    assert units.at["Tharparkar", "ci_low"] == pytest.approx(thar["povrate"] * 100 - half)
    assert units.at["Tharparkar", "ci_high"] == pytest.approx(thar["povrate"] * 100 + half)
    # Karachi's MSE is given as 0: no interval is stated rather than a false zero-width one.
    assert pd.isna(units.at["Karachi City", "ci_low"])
    assert "no interval" in cx.describe(
        ctx, "poverty_rate_2018", units.reset_index().set_index("unit").loc["Karachi City"]
    )


def test_trend_2004_to_2014(ctx, folder):
    t = cx.trend(ctx, "adult_literacy", "Tharparkar", "Sindh")
    own = t[t["series"] == "district"]
    assert list(own["year"]) == [2004, 2006, 2008, 2010, 2012, 2014]
    raw = pd.read_csv(folder / cx.INDICATORS_FILE)
    expected = raw[(raw["District"] == "Tharparkar") & (raw["Year"] == 2004)].iloc[0][
        "Adult literacy, 25 or more years old (% of population aged 25 or more)"
    ]
    assert own.iloc[0]["value"] == pytest.approx(expected)
    assert set(t["series"]) == {"district", "provincial average"}


def test_context_rows_for_a_brief(ctx):
    rows = cx.ContextFigures(ctx).rows("Tharparkar")
    assert len(rows) == len(ctx.indicators)
    assert rows["source"].str.len().gt(0).all() and rows["year"].isin([2014, 2018]).all()
    karachi = cx.ContextFigures(ctx).rows("Korangi")
    assert karachi["survey unit"].str.contains("Karachi City \\(one figure for 7 districts together").all()


def test_breaks_are_quantiles_of_units_and_classify():
    edges = cx.breaks(pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10.0]))
    assert edges[0] == 1 and edges[-1] == 10 and len(edges) == 6
    assert cx.classify(1, edges) == 0 and cx.classify(10, edges) == 4
    assert cx.classify(float("nan"), edges) is None


def test_all_of_pakistan_loads_every_province(folder):
    national = (
        list(
            load_boundaries(Path(folder).parent / "boundaries" / "pakistan_adm2.geojson", province=None)[
                "district"
            ]
        )
        if (Path(folder).parent / "boundaries" / "pakistan_adm2.geojson").exists()
        else None
    )
    ctx = cx.load_context(folder, DATA_DIR, None, national)
    units = cx.unit_table(ctx, "adult_literacy")
    assert units["province"].nunique() >= 4
    assert (units.groupby("province")["rank"].min() == 1).all()  # ranked within each province


# ---------------------------------------------------------------- bad input


def test_missing_folder_is_one_clear_issue(tmp_path):
    ctx = cx.load_context(tmp_path / "nowhere", DATA_DIR, "Sindh", None)
    assert not ctx.available
    (issue,) = ctx.issues
    assert "nowhere" in issue.file and "not found" in issue.message and "make setup" in issue.hint


def test_other_encoding_names_file_and_line(broken, sindh):
    folder, data = broken
    path = folder / cx.INDICATORS_FILE
    # As upstream publishes it: Windows-1252 (the header's en dash is byte 0x96).
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    ctx = cx.load_context(folder, data, "Sindh", sindh)
    issue = next(i for i in ctx.issues if i.file.endswith(cx.INDICATORS_FILE))
    assert (
        "not UTF-8" in issue.message and "0x96" in issue.message and issue.row == 1 and "iconv" in issue.hint
    )
    # The other file still loads: the 2018 poverty layer works.
    assert "poverty_rate_2018" in set(ctx.indicators["indicator_id"])


def test_unknown_indicator_is_reported_with_line_and_suggestion(broken, sindh):
    folder, data = broken
    path = data / cx.CHOSEN_FILE
    support.append_row(
        path,
        "bad_one,hrm,Adult literacy typo,pakistan_district_indicators.csv,"
        '"Adult literacy, 25+ (%)",%,1,positive,2014,PSLM,',
    )
    ctx = cx.load_context(folder, data, "Sindh", sindh)
    issue = next(i for i in ctx.issues if "bad_one" in i.message)
    assert (
        issue.row == 16
        and issue.column == "column"
        and "not in pakistan_district_indicators.csv" in issue.message
    )
    assert "Did you mean" in issue.hint and "Adult literacy" in issue.hint
    assert "bad_one" not in set(ctx.indicators["indicator_id"]) and "adult_literacy" in set(
        ctx.indicators["indicator_id"]
    )


def test_unmatched_district_name_is_reported(broken, sindh):
    folder, data = broken
    cw = data / cx.CROSSWALK_FILE
    cw.write_text(
        cw.read_text(encoding="utf-8").replace("Sindh,Sukkur,Sukkur,", "Sindh,Sukkur,Sukkar,"),
        encoding="utf-8",
    )
    path = folder / cx.INDICATORS_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("Sindh,Umerkot,", "Sindh,Omerkot,"), encoding="utf-8"
    )
    ctx = cx.load_context(folder, data, "Sindh", sindh)
    msgs = _messages(ctx)
    crosswalk_issue = next(i for i in ctx.issues if i.value == "Sukkar")
    assert crosswalk_issue.file.endswith("context_crosswalk.csv") and crosswalk_issue.row == 26
    assert "not in the boundary file" in crosswalk_issue.message and "'Sukkur'" in crosswalk_issue.hint
    assert any(
        m.startswith("pakistan_district_indicators.csv")
        and "'Omerkot' (Sindh) matches no boundary district" in m
        and "context_crosswalk.csv" in m
        for m in msgs
    )
    table = cx.ContextFigures(ctx, sindh).table("adult_literacy")
    # Sukkur still matches by its own name; Umerkot's figures are not on the map, the rest are.
    assert pd.isna(table.at["Umerkot", "value"]) and table["value"].notna().sum() == 29


def test_year_with_no_values_is_reported(broken, sindh):
    folder, data = broken
    path = data / cx.CHOSEN_FILE
    text = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, t in enumerate(text) if t.startswith("electricity,"))
    text[line] = text[line].replace(",2014,", ",2016,")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    ctx = cx.load_context(folder, data, "Sindh", sindh)
    issue = next(i for i in ctx.issues if "electricity" in i.message)
    assert issue.row == line + 1 and "no values" in issue.message and "2016" in issue.message
    assert "2004, 2006, 2008, 2010, 2012, 2014" in issue.message
    assert cx.ContextFigures(ctx, sindh).table("electricity")["value"].isna().all()  # grey, not zero


def test_non_numeric_cell_is_reported_and_shown_as_no_figure(broken, sindh):
    folder, data = broken
    path = folder / cx.INDICATORS_FILE
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    column = "Adult literacy, 25 or more years old (% of population aged 25 or more)"
    index = df[(df["District"] == "Tharparkar") & (df["Year"] == "2014")].index[0]
    df.at[index, column] = "n.a. (see note)"
    df.to_csv(path, index=False)
    ctx = cx.load_context(folder, data, "Sindh", sindh)
    issue = next(i for i in ctx.issues if i.value == "n.a. (see note)")
    assert issue.row == index + 2 and issue.column == column and "not a number" in issue.message
    table = cx.ContextFigures(ctx, sindh).table("adult_literacy")
    assert pd.isna(table.at["Tharparkar", "value"]) and table["value"].notna().sum() == 29


def test_atlas_name_follows_the_province(monkeypatch):
    from cluster_model.exports import notes_lines, snapshot_title
    from cluster_model.identity import atlas_name
    from cluster_model.loading import load_dataset
    from cluster_model.view import make_view

    monkeypatch.delenv("ATLAS_PROVINCE", raising=False)
    assert atlas_name() == "Sindh Cluster Atlas"
    monkeypatch.setenv("ATLAS_PROVINCE", "")
    assert atlas_name() == "Pakistan Cluster Atlas"
    ds = load_dataset(DATA_DIR)
    view = make_view(ds, ds.latest_round(), ["hrm"])
    assert notes_lines(ds, view)[0] == "Pakistan Cluster Atlas export"
    assert "Sindh" not in snapshot_title(view)
    monkeypatch.setenv("ATLAS_NAME", "ICCK Atlas")
    assert atlas_name() == "ICCK Atlas"


def test_context_map_layer_styles_and_legend(ctx, sindh):
    from geo.boundaries import load_boundaries
    from geo.context_map import CONTEXT_COLOURS, build_context_map

    districts = load_boundaries(province="Sindh")
    base, styles, table = build_context_map(
        districts, None, cx.ContextFigures(ctx, sindh), "adult_literacy", selected="Tharparkar"
    )
    styles.add_to(base)
    page = base.get_root().render()
    assert "Karachi City: one figure for 7 districts" in page and "Adult literacy (25+), 2014" in page
    assert cx.CONTEXT_CREDIT in page and "quantiles" in page
    assert set(table["class"]) <= set(range(len(CONTEXT_COLOURS))) and len(table) == 30
    assert table.loc[KARACHI, "class"].nunique() == 1
    tip = table.at["Tharparkar", "text"]
    for part in (
        "28.4% in 2014",
        "rank 21 of 24 in Sindh",
        "provincial average 38.9%",
        "PBS PSLM",
        "Poverty 2018 (provisional): 54.5%, 95% interval 50.0–59.0%",
    ):
        assert part in tip, (part, tip)
    # A district without a figure is grey, never the lowest class.
    broken = ctx.values[
        ~((ctx.values["unit"] == "Tharparkar") & (ctx.values["indicator_id"] == "adult_literacy"))
    ]
    ctx2 = cx.ContextData(ctx.folder, ctx.indicators, broken, ctx.crosswalk, ctx.definitions, [])
    _, _, table2 = build_context_map(districts, None, cx.ContextFigures(ctx2, sindh), "adult_literacy")
    assert table2.at["Tharparkar", "class"] == -1 and "no figure" in table2.at["Tharparkar", "text"]
