"""One view of the data (cluster_model.view, built once through ui.data_view) and one output package (outputs/):
the view is not rebuilt per page or per rerun, downloads are built only when clicked, and the moved writers'
files open and read back."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from support import REPO, record_deferred_downloads

import cluster_model.view as view_module
from cluster_model import store
from cluster_model.loading import DATA_DIR, load_dataset
from cluster_model.view import make_view
from outputs import tables, workshop_summary

APP = str(REPO / "app.py")


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def matrix_builds(monkeypatch) -> list:
    """Every assessment matrix built (the view's one call to scoring.assessment_matrix), by round."""
    builds: list = []
    real = view_module.assessment_matrix

    def counted(ds, round_id, cluster_ids=None):
        builds.append(round_id)
        return real(ds, round_id, cluster_ids)

    monkeypatch.setattr(view_module, "assessment_matrix", counted)
    return builds


def test_the_view_is_built_once_for_atlas_clusters_compare_and_a_rerun(matrix_builds):
    from ui.data_access import get_engine

    st.cache_resource.clear()  # start from no cached bundle, so the first page must build its view
    get_engine()  # opening the store sums an edition recorded without its checksum (#26), once: not a page's
    matrix_builds.clear()
    at = _ok(AppTest.from_file(APP, default_timeout=120).run())
    after_atlas = list(matrix_builds)
    assert after_atlas, "the Atlas built no matrix: the counter would prove nothing"
    assert len(after_atlas) == len(set(after_atlas))  # one per round shown (this one and the previous)
    for page in ("clusters", "compare", "poverty"):
        at.switch_page(f"pages/{page}.py")
        _ok(at.run())
    _ok(at.run())  # a rerun of the same page
    assert matrix_builds == after_atlas, "a page or rerun rebuilt the view instead of taking the cached one"


def test_a_changed_filter_builds_one_new_view_on_the_same_matrix_and_going_back_reuses_the_first(
    matrix_builds, monkeypatch
):
    import ui.data_view as data_view

    views: list = []
    real = data_view.make_view
    monkeypatch.setattr(data_view, "make_view", lambda *a, **k: views.append(a[2:5]) or real(*a, **k))
    st.cache_resource.clear()
    at = _ok(AppTest.from_file(APP, default_timeout=120).run())
    first_views, first_builds = len(views), len(matrix_builds)
    assert first_views >= 1 and first_builds >= 1
    at.multiselect(key="w_pillars").set_value(["hrm"])
    _ok(at.run())
    assert len(views) > first_views  # other filters: another view ...
    assert len(matrix_builds) == first_builds  # ... on the round's one matrix
    second = len(views)
    at.multiselect(key="w_pillars").set_value(["technology", "support", "hrm", "incentive"])
    _ok(at.run())
    assert len(views) == second  # back to the first filters: the view kept is reused


def test_the_view_keeps_what_it_computed(dataset):
    view = make_view(dataset, dataset.latest_round(), ["hrm"], [], ["Thatta"])
    assert view.matrix is view.matrix
    assert view.district_scores() is view.district_scores()
    assert view.classes is view.classes
    assert list(view.district_scores()["district"]) == ["Thatta"]
    assert len(view.district_scores(every_district=True)) > 1
    # Views of one round share its district × pillar sums: a new pillar choice does not score the matrix again.
    base = make_view(dataset, dataset.latest_round())
    hrm = make_view(dataset, dataset.latest_round(), ["hrm"], base=base)
    tech = make_view(dataset, dataset.latest_round(), ["technology"], base=base)
    assert hrm.district_sums() is tech.district_sums() is base.district_sums()
    assert hrm.matrix_for() is base.matrix  # all clusters: the whole matrix, not a copy
    pd.testing.assert_frame_equal(
        hrm.district_scores(), make_view(dataset, dataset.latest_round(), ["hrm"]).district_scores()
    )
    # The derived view of another district list starts empty (nothing carried over that could be wrong).
    other = view.replace(districts=[])
    assert other.matrix is not view.matrix and other.matrix.equals(view.matrix)


def test_data_page_downloads_are_built_only_when_clicked(monkeypatch):
    downloads = record_deferred_downloads(monkeypatch)
    built: list = []
    real = tables.table_file
    monkeypatch.setattr(tables, "table_file", lambda rows, fmt: built.append(fmt) or real(rows, fmt))
    at = _ok(AppTest.from_file(str(REPO / "pages" / "data.py"), default_timeout=60).run())
    labels = [b.label for b in at.get("download_button")]
    assert "Export round as CSV" in labels and "Export round as XLSX" in labels
    _ok(at.run())  # a rerun builds nothing either
    assert built == [], "a download was built on a page run, not on its click"
    round_id = at.selectbox(key="data_round").value
    name = next(n for n in downloads if n.endswith(".xlsx") and round_id in n)
    data = downloads[name]()  # the click
    assert built == ["xlsx"]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(wb["assessments"].iter_rows(values_only=True))
    assert "status" in rows[0] and len(rows) > 1
    about = [r[0] for r in wb["about"].iter_rows(values_only=True)]
    assert any("Import the 'assessments' sheet again" in str(v) for v in about)
    back = pd.read_csv(io.BytesIO(downloads[f"assessments-{round_id}.csv"]()), encoding="utf-8-sig")
    assert len(back) == len(rows) - 1


def test_round_export_neutralises_formulas_and_says_illustrative(tmp_path):
    engine = store.open_store(f"sqlite:///{tmp_path}/o.db")
    store.create_round(
        engine,
        round_id="demo",
        name="Training demo",
        date="2026-12-01",
        kind="survey",
        illustrative=True,
        author="alice",
    )
    store.save_assessments(
        engine,
        "demo",
        [store.Edit("jute", "tech_equipment", "present", "icck_desk", "=HYPERLINK(1)", 0)],
        author="alice",
    )
    name, data = tables.export_round(engine, "demo", "csv")
    assert name.startswith("ILLUSTRATIVE-") and name == tables.round_file_name("demo", True, "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == store.ILLUSTRATIVE_COLUMN and all(r[0] == store.ILLUSTRATIVE_TEXT for r in rows[1:])
    assert rows[1][rows[0].index("note")] == "'=HYPERLINK(1)"  # shown as text, never run
    name, data = tables.import_template("xlsx", engine)
    assert name == tables.template_file_name("xlsx")
    allowed = {
        r[0]: r[1:] for r in openpyxl.load_workbook(io.BytesIO(data))["about"].iter_rows(values_only=True)
    }
    assert "present" in allowed["status"]


# ------------------------------------------------------------------ district context and linkages (#25)


@pytest.fixture
def context_and_linkage_builds(monkeypatch) -> dict[str, list]:
    """Every district-context figure table built (``context.district_table``, by indicator) and every round's
    links worked out (``linkages.links_in_view``, by round)."""
    from cluster_model import context as cx
    from cluster_model import linkages as L

    builds: dict[str, list] = {"context": [], "linkages": []}
    real_table, real_links = cx.district_table, L.links_in_view

    def table(ctx, indicator_id, *args, **kwargs):
        builds["context"].append(indicator_id)
        return real_table(ctx, indicator_id, *args, **kwargs)

    def links(*args, **kwargs):
        builds["linkages"].append(args[2] if len(args) > 2 else args)
        return real_links(*args, **kwargs)

    monkeypatch.setattr(cx, "district_table", table)
    monkeypatch.setattr(L, "links_in_view", links)
    return builds


def _walk_context_and_linkage_pages(at: AppTest, **query) -> None:
    """Atlas with the District context layer (a district opened), Atlas with the institutions layer,
    Linkage matrix, Clusters, Export, and the district briefs built (``query``: the filters as a link
    gives them, for the Export page opened from a link: AppTest loses a click after a switched page)."""
    at.switch_page("pages/atlas.py")
    _ok(at.run())
    at.radio(key="w_atlas_layer").set_value("District context")
    _ok(at.run())
    at.selectbox(key="w_district").set_value("Tharparkar")
    _ok(at.run())
    at.radio(key="w_atlas_layer").set_value("Cluster gaps")
    _ok(at.run())
    at.toggle(key="w_institutions_layer").set_value(True)
    _ok(at.run())
    for page in ("linkages", "clusters", "export"):
        at.switch_page(f"pages/{page}.py")
        _ok(at.run())
    export = AppTest.from_file(str(REPO / "pages" / "export.py"), default_timeout=180)
    for key, value in {"district": "Tharparkar", **query}.items():
        export.query_params[key] = value
    _ok(export.run())
    next(b for b in export.button if b.label == "Build district briefs").click()
    _ok(export.run())
    assert any(b.label == "Download district briefs (PDF)" for b in export.get("download_button"))


def test_context_and_linkages_are_built_once_per_filter_change_across_the_pages_that_show_them(
    context_and_linkage_builds,
):
    from cluster_model import context as cx

    if not cx.context_dir().is_dir():
        pytest.skip("context files missing: run `make setup`")
    builds = context_and_linkage_builds
    st.cache_resource.clear()
    at = _ok(AppTest.from_file(APP, default_timeout=180).run())
    _walk_context_and_linkage_pages(at)
    context, linkages = list(builds["context"]), list(builds["linkages"])
    assert context and linkages, "no page built the context or the linkages: the counter would prove nothing"
    assert len(context) == len(set(context)), f"a context figure was built more than once: {context}"
    assert len(linkages) == len(set(linkages)), f"a round's links were worked out more than once: {linkages}"
    # Another pillar choice: the context and the round's links do not depend on it, nothing is built again.
    at.multiselect(key="w_pillars").set_value(["hrm"])
    _ok(at.run())
    _walk_context_and_linkage_pages(at, pillars="hrm")
    assert builds["context"] == context and builds["linkages"] == linkages


def _calls_of(function: str, owner: str) -> list[str]:
    """Where the project's code (not its tests) calls ``function``, as path:line (a module with its own
    function of that name, such as ``exports.district_table`` of the gaps, is not counted)."""
    import ast

    found = []
    for path in sorted(REPO.rglob("*.py")):
        rel = path.relative_to(REPO)
        if rel.parts[0] in {".venv", "tests", "bench", "var", "static"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        if function in own and str(rel) != owner:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
                if called == function:
                    found.append(f"{rel}:{node.lineno}")
    return found


def test_the_context_figures_and_the_rounds_links_have_one_builder_each():
    """Pages, maps, briefs and exports take them from the view: one caller of each builder."""
    context = _calls_of("district_table", "cluster_model/context.py")
    linkages = _calls_of("links_in_view", "cluster_model/linkages.py")
    assert len(context) == 1, context
    assert len(linkages) == 1, linkages
