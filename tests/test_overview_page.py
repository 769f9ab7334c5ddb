"""(#27) The Overview page through AppTest: the gap matrix follows the filters and round, shows unknown as
unknown with its coverage, opens a cell's profile, compares with the previous round of the same kind
(newly assessed is never "better"), keeps its choices in the link, and every file carries coverage."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from support import record_deferred_downloads
from test_pages import run_app, text_of, to_page

from cluster_model import store


def overview(**query):
    at = run_app(**query)
    return to_page(at, "overview")


@pytest.fixture
def demo_rounds(monkeypatch, tmp_path):
    """Two illustrative rounds (real rounds are few): jute newly assessed, fisheries better."""
    url = f"sqlite:///{tmp_path}/demo.db"
    monkeypatch.setenv("ATLAS_DB_URL", url)
    engine = store.open_store(url)
    for rid, day in (("demo-1", "2026-12-01"), ("demo-2", "2026-12-02")):
        store.create_round(
            engine, round_id=rid, name=f"Demo {rid}", date=day, kind="survey", illustrative=True, author="t"
        )
    store.save_assessments(
        engine, "demo-1", [store.Edit("fisheries", "tech_equipment", "absent", "icck_desk", "x")], author="t"
    )
    store.save_assessments(
        engine,
        "demo-2",
        [
            store.Edit("fisheries", "tech_equipment", "present", "icck_desk", "x"),
            store.Edit("jute", "tech_equipment", "present", "icck_desk", "x"),
        ],
        author="t",
    )
    yield engine
    engine.dispose()


def open_tab(at) -> str:
    """The label of the tab the Clusters page's pillar tabs open at."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "tab_container":
                found.append(child)
            walk(child)

    walk(at._tree)
    container = found[0]
    labels = [c.label for c in container.children.values()]
    return labels[container.proto.tab_container.default_tab_index]


def matrix_table(at) -> pd.DataFrame:
    return at.table[0].value


def test_matrix_shows_every_cluster_with_coverage_and_unknown_as_unknown():
    at = overview()
    table = matrix_table(at).set_index("Cluster")
    assert len(table) == 16
    assert list(table.columns) == [
        "Published classification",
        "Technology",
        "Support institutions & infrastructure",
        "Capabilities & HRM",
        "Incentive mechanism",
        "Overall",
    ]
    assert table.at["2. Automobile", "Technology"] == "not assessed · 0/5"  # unknown, never 0
    assert table.at["1. Fisheries", "Capabilities & HRM"].startswith("gap ")
    assert "/5 assessed" in table.at["1. Fisheries", "Capabilities & HRM"]
    assert table.at["10. Sugar", "Published classification"] == "potential cluster"
    assert table.at["2. Automobile", "Published classification"] == "not published"


def test_matrix_follows_the_filters_and_orders_rows():
    at = overview(pillars="hrm", sectors="fisheries,sugar,jute")
    table = matrix_table(at)
    assert list(table["Cluster"]) == ["1. Fisheries", "10. Sugar", "16. Jute"]
    assert list(table.columns[2:]) == ["Capabilities & HRM", "Overall"]
    at.selectbox(key="w_matrix_sort").set_value("gap").run()
    assert list(matrix_table(at)["Cluster"])[-1] == "16. Jute"  # unknown last
    assert at.query_params["matrix_sort"] == "gap"


def test_districts_orientation_is_in_the_link():
    at = overview(matrix="districts")
    table = matrix_table(at).set_index("District")
    assert "Thatta" in table.index and "Published classification" not in table.columns
    assert table.at["Hyderabad", "Overall"].startswith("not assessed")
    assert at.query_params["matrix"] == "districts"


def test_a_cell_opens_the_clusters_profile_at_its_pillar():
    at = overview()
    at.selectbox(key="w_matrix_open_clusters").set_value(("fisheries", "hrm")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Fisheries"
    assert open_tab(at) == "Capabilities & HRM"
    assert at.query_params["pillar"] == "hrm" and at.query_params["cluster"] == "fisheries"


def test_change_since_the_previous_illustrative_round_never_calls_newly_assessed_better(demo_rounds):
    at = overview(round="demo-2", pillars="technology")
    assert at.sidebar.selectbox(key="w_compare_round_demo-2").value == "demo-1"  # previous of its kind
    table = matrix_table(at).set_index("Cluster")
    assert table.at["1. Fisheries", "Technology"].endswith("· better")
    assert table.at["16. Jute", "Technology"].endswith("· newly assessed")
    assert "better" not in table.at["16. Jute", "Overall"]
    assert "ILLUSTRATIVE" in text_of(at)


def test_every_matrix_file_carries_coverage_and_the_illustrative_mark(demo_rounds, monkeypatch):
    recorded = record_deferred_downloads(monkeypatch)
    overview(round="demo-2")
    files = {name.rsplit(".", 1)[1]: build for name, build in recorded.items() if "gap-matrix" in name}
    assert set(files) == {"png", "svg", "csv", "xlsx"}
    assert all(name.startswith("ILLUSTRATIVE-") for name in recorded if "gap-matrix" in name)
    raw = files["csv"]().decode("utf-8-sig")
    cells = pd.read_csv(io.StringIO(raw), comment="#").set_index(["Cluster", "Pillar"])
    jute = cells.loc[("16. Jute", "Technology")]
    assert jute["Indicators assessed"] == 1 and jute["Indicators"] == 5 and jute["Low coverage"] == "yes"
    assert jute["Change since Demo demo-1"] == "newly assessed" and jute["Better"] == 0
    assert pd.isna(cells.loc[("2. Automobile", "Technology"), "Gap"])  # unknown: empty, never 0
    assert (cells["Illustrative"] == "ILLUSTRATIVE — not real data").all()
    assert "# Striped colour on white with a dashed edge = low coverage." in raw
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(files["xlsx"]()))
    header = [c.value for c in book["Cells"][1]]
    assert {"Indicators assessed", "Coverage", "Low coverage", "Sources"} <= set(header)
    assert any("low coverage" in str(c.value) for c in book["Sources"]["A"])
    svg = files["svg"]().decode("utf-8")
    assert "low coverage" in svg and "ILLUSTRATIVE" in svg and "OpenStreetMap" in svg
    assert files["png"]()[:8] == b"\x89PNG\r\n\x1a\n"
    multiples = [
        build for name, build in recorded.items() if name.startswith("ILLUSTRATIVE-gaps-by-round-demo-2")
    ]
    assert len(multiples) == 1
    picture = multiples[0]()
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    from pathlib import Path

    Path("test-artifacts").mkdir(exist_ok=True)
    Path("test-artifacts/gaps-by-round.png").write_bytes(picture)  # to look at


def test_the_cluster_profile_shows_one_indicators_history_with_its_source(demo_rounds):
    at = run_app(round="demo-2", cluster="jute")
    to_page(at, "clusters")
    strips = [t.value for t in at.table if "Status" in list(t.value.index)]
    assert strips, "no history strip on the profile"
    strip = strips[0]
    assert list(strip.columns) == [
        "Demo demo-1 (2026-12-01) — ILLUSTRATIVE",
        "Demo demo-2 (2026-12-02) — ILLUSTRATIVE",
    ]
    assert list(strip.loc["Status"]) == ["not assessed", "present"]
    assert strip.loc["Source"].iloc[1] == "ICCK desk review of the two source documents"
    assert strip.loc["Source"].iloc[0] == "—"


def test_the_matrix_files_carry_coverage_in_urdu(monkeypatch):
    from cluster_model.i18n import translator

    recorded = record_deferred_downloads(monkeypatch)
    at = overview(lang="ur")
    tr = translator("ur")
    assert at.title[0].value == tr.gettext("Overview: the gap matrix")
    csv = next(build for name, build in recorded.items() if "gap-matrix" in name and name.endswith(".csv"))
    raw = csv().decode("utf-8-sig")
    header = raw.splitlines()[0]
    for column in ("Indicators assessed", "Coverage", "Low coverage", "Sources"):
        assert tr.gettext(column) in header, column
    assert tr.gettext("Striped colour on white with a dashed edge = low coverage.") in raw
