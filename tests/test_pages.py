"""Every page through Streamlit's AppTest, with filters changed, links opened and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest
from support import REPO, append_row, seed_coverage

APP = str(REPO / "app.py")


def run_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += (
        [w.value for w in at.warning]
        + [e.value for e in at.error]
        + [s.value for s in at.subheader]
        + [t.value for t in at.title]
    )
    parts += [str(m.value) for m in at.metric]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    return "\n".join(parts)


def to_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_atlas_home_shows_coverage_and_ranking():
    at = run_app()
    assert at.title[0].value == "Sindh Cluster Atlas"
    info = at.info[0].value
    assessed, total = seed_coverage()
    assert f"**{assessed} of {total}**" in info and f"**{total - assessed}** are not assessed" in info
    ranking = at.dataframe[-1].value
    assert set(ranking["District"]) >= {"Thatta", "Tharparkar", "Hyderabad", "Karachi South"}
    # Unknown is shown as unknown, not as a zero gap, and ranked last.
    hyd = ranking.set_index("District").loc["Hyderabad"]
    assert hyd["Gap"] == "not assessed"
    assert list(ranking["Gap"]).index("not assessed") > list(ranking["District"]).index("Thatta")


def test_pillar_and_sector_filters_change_the_view():
    at = run_app()
    at.sidebar.multiselect(key="w_pillars").set_value(["hrm"]).run()
    assert f"of {seed_coverage(['hrm'])[1]}**" in at.info[0].value  # clusters × HRM indicators
    at.sidebar.multiselect(key="w_sectors").set_value(["fisheries"]).run()
    ranking = at.dataframe[-1].value
    assert list(ranking["District"]) == ["Thatta"]
    assert ranking.iloc[0]["Gap"] == "0.50"
    assert at.query_params["pillars"] == "hrm" and at.query_params["sectors"] == "fisheries"


def test_district_panel_lists_clusters_and_their_indicators():
    at = run_app()
    at.selectbox(key="w_district").set_value("Thatta").run()
    text = text_of(at)
    assert "### Thatta" in text
    per_pillar = at.dataframe[0].value
    assert set(per_pillar["Cluster"]) == {"Fisheries", "Jute"}
    jute = per_pillar.set_index("Cluster").loc["Jute"]
    assert set(jute.values) == {"not assessed"}
    assert "*Source: HRD-cluster-poverty study (abstract)*" in text  # the evidence list (issue #10 item 5)


def test_link_restores_filters_and_reports_unknown_values():
    at = run_app(pillars="hrm,technology", district="Tharparkar", sectors="coal,bogus")
    assert at.sidebar.multiselect(key="w_pillars").value == ["technology", "hrm"]  # the pillars' own order
    assert at.selectbox(key="w_district").value == "Tharparkar"
    assert at.sidebar.multiselect(key="w_sectors").value == ["coal"]
    assert any("'bogus'" in w.value for w in at.warning)


def test_clusters_page_classification_participation_and_evidence():
    at = run_app(cluster="fisheries")
    to_page(at, "clusters")
    assert at.title[0].value == "Fisheries"
    text = text_of(at)
    assert "Computed from indicators  \n**insufficient evidence**" in text
    assert "Published (HRD study)  \n**potential cluster**" in text
    participation = at.table[-1].value.set_index("Level")
    assert participation.loc["supervisory", "Local share"] == "1%"
    assert participation.loc["entry", "Local share"] == "unknown"
    text = text_of(at)
    assert "1% at each" in text  # evidence item E09
    at.selectbox(key="w_cluster").set_value("rice").run()
    assert at.title[0].value == "Rice"
    assert any("unknown" in i.value for i in at.info)
    assert "Published (HRD study)  \n**not published**" in text_of(at)


def test_compare_two_clusters_side_by_side():
    at = run_app()
    to_page(at, "compare")
    at.radio(key="w_compare_kind").set_value("clusters").run()
    at.multiselect(key="w_compare").set_value(["fisheries", "mango", "rice"]).run()
    table = at.dataframe[0].value.set_index("Cluster")
    assert list(table.index) == ["Fisheries", "Mango", "Rice"]
    assert table.loc["Rice"].tolist() == ["not assessed"] * 4
    assert table.loc["Fisheries", "Capabilities & HRM"].startswith("gap 0.50")
    at.multiselect(key="w_compare").set_value(["fisheries"]).run()
    assert any("at least 2" in i.value for i in at.info)


def test_methods_page_shows_rules_and_provenance():
    at = run_app()
    to_page(at, "methods")
    text = text_of(at)
    assert "OpenStreetMap contributors, ODbL 1.0" in text
    assert "Not assessed" in text and "coverage" in text
    # The atlas's own provenance statement, not PROVENANCE.md verbatim (#24 item 19: tests/test_methods_provenance.py).
    assert any("Known limits" in t.value.index for t in at.table)


# ---------------------------------------------------------------- bad input


def test_missing_boundary_file_is_explained_and_tables_still_work(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_BOUNDARIES", str(tmp_path / "nowhere.geojson"))
    at = run_app()
    errors = " ".join(e.value for e in at.error)
    assert "nowhere.geojson" in errors and "cannot be drawn" in errors
    assert "make boundaries" in errors or "ATLAS_BOUNDARIES" in errors
    assert "District" in at.dataframe[-1].value.columns  # ranking still there


@pytest.mark.parametrize("case", ["no_name_column", "not_geographic", "other_crs"])
def test_bad_boundary_files(monkeypatch, tmp_path, case):
    src = gpd.read_file(REPO.parent / "shared" / "boundaries" / "sindh_adm2.geojson")
    path = tmp_path / f"{case}.gpkg"
    if case == "no_name_column":
        src.rename(columns={"name": "label"}).to_file(path)
    elif case == "not_geographic":
        src.to_crs(32642).set_crs(None, allow_override=True).to_file(path)
    else:
        src.to_crs(32642).to_file(path)
    monkeypatch.setenv("ATLAS_BOUNDARIES", str(path))
    at = run_app()
    errors = " ".join(e.value for e in at.error)
    if case == "other_crs":
        assert "cannot be drawn" not in errors  # reprojected, works
        assert "Thatta" in set(at.dataframe[-1].value["District"])
    else:
        assert path.name in errors and "cannot be drawn" in errors
        assert ("name" in errors) if case == "no_name_column" else ("geographic" in errors or "CRS" in errors)


def test_unknown_district_in_sites_is_reported_by_file_line_and_name(monkeypatch, data_copy):
    monkeypatch.delenv("ATLAS_DB_URL")  # a store of its own, seeded from the broken copy
    line = append_row(data_copy / "sites.csv", "rice,Ratodero,Ratodero District,27.80,68.29,n,dialogue2019")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    at = run_app()
    problems = " ".join(e.value for e in at.error)
    assert f"sites.csv, line {line}" in problems and "Ratodero District" in problems
    assert "district_aliases.csv" in problems  # what to do
    assert "Larkana" in set(at.dataframe[-1].value["District"])  # the rest still works


def test_bad_status_is_reported_and_app_keeps_running(monkeypatch, data_copy):
    monkeypatch.delenv("ATLAS_DB_URL")
    line = append_row(data_copy / "assessments.csv", "desk-2026,rice,tech_equipment,good,hrd_study,x")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    at = run_app()
    problems = " ".join(e.value for e in at.error)
    assert f"assessments.csv, line {line}" in problems and "'good' is not an allowed status" in problems
    assert "{} of {}".format(*seed_coverage()) in at.info[0].value


def test_new_round_shows_on_the_atlas_and_as_change_in_the_profile(monkeypatch, tmp_path):
    from cluster_model import store

    url = f"sqlite:///{tmp_path}/rounds.db"
    monkeypatch.setenv("ATLAS_DB_URL", url)
    engine = store.open_store(url)
    store.create_round(
        engine,
        round_id="survey-2027",
        name="Cluster survey 2027",
        date="2027-03-01",
        kind="survey",
        author="test",
    )
    store.save_assessments(
        engine,
        "survey-2027",
        [store.Edit("rice", "tech_equipment", "absent", "icck_desk", "seen in survey")],
        author="test",
    )
    from cluster_model import publishing

    publishing.submit(engine, "survey-2027", "test")  # visitors see published rounds only (issue 26)
    publishing.publish(engine, "survey-2027", "reviewer")

    at = run_app()
    assert at.sidebar.selectbox(key="w_round").value == "survey-2027"  # the newest real round is the default
    assessed, total = seed_coverage()
    assert (
        f"{assessed + 1} of {total}" in at.info[0].value
    )  # the desk review's carried forward, plus the new one
    larkana = at.dataframe[-1].value.set_index("District").loc["Larkana"]
    assert larkana["Gap"] == "1.00 (low coverage)"  # 1 of 21 assessed
    # Rice was not assessed before: newly assessed, rather than a made-up rise from zero (#24 item 22).
    assert larkana["Change since Desk review of the 2019 sources"] == "newly assessed"
    assert (
        at.dataframe[-1]
        .value.set_index("District")
        .loc["Thatta", "Change since Desk review of the 2019 sources"]
        == "no change"
    )
    at.run()  # a rerun reuses the memoised tables: they come back as they were
    assert not at.exception
    assert list(at.dataframe[-1].value.columns).count("Change since Desk review of the 2019 sources") == 1

    at.query_params["cluster"] = "rice"
    to_page(at, "clusters")
    at.selectbox(key="w_cluster").set_value("rice").run()
    text = text_of(at)
    assert "Since **Desk review of the 2019 sources**" in text
    assert "**newly assessed**" in text  # rice had nothing assessed before: unknown, not 'up 1.00'
    changed = [df.value for df in at.dataframe if "Before" in df.value.columns][0]
    assert changed.iloc[0].to_dict() == {
        "Indicator": "Modern production equipment in common use",
        "Before": "not assessed",
        "Now": "absent",
        "Source now": "ICCK desk review of the two source documents",
        "Note": "seen in survey",
    }


def test_filters_survive_moving_between_pages():
    at = run_app()
    at.sidebar.multiselect(key="w_pillars").set_value(["hrm"]).run()
    at.sidebar.multiselect(key="w_districts").set_value(["Thatta"]).run()
    for page in ["compare", "clusters", "methods", "atlas"]:
        to_page(at, page)
        assert at.sidebar.multiselect(key="w_pillars").value == ["hrm"], page
        assert at.sidebar.multiselect(key="w_districts").value == ["Thatta"], page
    assert at.query_params["pillars"] == "hrm"
