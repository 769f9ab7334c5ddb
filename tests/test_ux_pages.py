"""Issue #10, what an official or facilitator meets first, through Streamlit's AppTest.

Each test names the issue item it covers; every one failed on the code at 8cd406b.
"""

from __future__ import annotations

import os

import pytest
from signin_support import page_app, sign_in
from streamlit.testing.v1 import AppTest
from support import REPO

APP = str(REPO / "app.py")


def run_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def to_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def all_text(at: AppTest) -> str:
    """Every element's protobuf as text: what the page sends to the browser."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def shown_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [t.value for t in at.title] + [h.value for h in at.header]
    for df in list(at.dataframe) + list(at.table):
        parts.append(df.value.to_csv())
    return "\n".join(parts)


# ---------------------------------------------------------------- item 2: the brief follows the view


def test_item2_brief_districts_follow_the_sidebar():
    at = run_app(district="Mirpur Khas")
    to_page(at, "export")
    brief = next(m for m in at.multiselect if m.label == "Districts for the brief")
    assert brief.value == ["Mirpur Khas"]
    at.sidebar.multiselect(key="w_districts").set_value(["Thatta", "Tharparkar"]).run()
    assert not at.exception
    brief = next(m for m in at.multiselect if m.label == "Districts for the brief")
    assert brief.value == ["Thatta", "Tharparkar"]
    assert any(c.value == "The brief covers: Thatta, Tharparkar." for c in at.caption)


# ---------------------------------------------------------------- item 4: low coverage is not a finding


def test_item4_no_district_is_preselected_on_a_low_coverage_score():
    at = run_app()
    assert at.selectbox(key="w_district").value is None  # was Mirpur Khas: 1.00 on 2 of 21
    assert any("No district is opened for you" in i.value for i in at.info)
    ranking = at.dataframe[-1].value.set_index("District")
    assert ranking.loc["Mirpur Khas", "Gap"] == "1.00 (low coverage)"
    assert ranking.loc["Hyderabad", "Rank"] == ""  # unknown: no rank


def test_item4_ties_are_marked_in_the_ranking():
    from cluster_model.tables import gap_ranks

    assert gap_ranks([1.0, 0.5, 0.5, 0.5, 0.2, float("nan")]) == ["1", "=2", "=2", "=2", "5", ""]
    at = run_app(pillars="hrm")
    ranking = at.dataframe[-1].value
    tied = ranking[ranking["Gap"].str.startswith("0.50")]
    assert (
        len(tied) >= 2
        and set(tied["Rank"]) == {tied["Rank"].iloc[0]}
        and tied["Rank"].iloc[0].startswith("=")
    )


# ---------------------------------------------------------------- item 5: evidence readable


def test_item5_district_evidence_is_a_readable_list():
    at = run_app(district="Thatta")
    text = "\n".join(m.value for m in at.markdown)
    # status, indicator, the full note and the source, as text that wraps (not a grid column cut at 1280 px)
    assert "*Source: HRD-cluster-poverty study (abstract)*" in text
    assert "**absent** ·" in text or "**partial** ·" in text or "**present** ·" in text
    assert len(at.dataframe) == 2  # the clusters' gap table and the ranking; no indicator grid


# ---------------------------------------------------------------- item 6: written for officials


def test_item6_methods_shows_no_server_internals():
    at = run_app()
    to_page(at, "methods")
    text = all_text(at)
    assert "sqlite:" not in text and "var/atlas.db" not in text
    assert "/boundaries/" not in text and str(REPO) not in text
    assert "Formula (shown on the Methods page)" not in text
    assert text.count("sum(weight") == 0  # the formula is shown once, as an equation
    assert len(at.latex) == 1
    for df in at.dataframe:
        cells = df.value.astype(str).to_numpy().ravel().tolist()
        assert "nan" not in cells and "None" not in cells and "NaN" not in cells


def test_item6_clusters_page_speaks_plainly():
    at = run_app(cluster="fisheries")
    to_page(at, "clusters")
    text = shown_text(at)
    assert "missing score" not in text
    assert "Thatta, Thatta" not in text and "Marker at Thatta town" not in text
    assert "**Thatta** district" in text


# ---------------------------------------------------------------- item 13: Compare opens on evidence


def test_item13_compare_opens_on_the_most_assessed_and_mentions_no_map():
    at = run_app()
    to_page(at, "compare")
    table = at.dataframe[0].value
    cells = table.drop(columns=table.columns[0]).to_numpy().ravel().tolist()
    assert any(c != "not assessed" for c in cells), table  # was: two districts unknown on every pillar
    assert "Grey on the map" not in shown_text(at)
    at.radio(key="w_compare_kind").set_value("clusters").run()
    table = at.dataframe[0].value
    assert any(
        c != "not assessed" for c in table.drop(columns=table.columns[0]).to_numpy().ravel().tolist()
    ), table


# ---------------------------------------------------------------- item 14: Data page


@pytest.fixture
def data_page(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path}/page.db")
    return page_app("data")


def test_item14_signed_out_visitors_read_the_round(data_page):
    data_page.run()
    assert not data_page.exception
    assert not data_page.get("arrow_data_editor")
    table = data_page.dataframe[0].value
    assert list(table.columns) == ["Cluster", "Pillar", "Indicator", "Status", "Source", "Note"]
    assert "HRD-cluster-poverty study (abstract)" in set(table["Source"])
    assert "None" not in set(table["Source"]) and "" not in set(table["Source"])


def test_item14_signed_in_editor_sees_no_none_and_a_plain_save_label(data_page):
    data_page.run()
    sign_in(data_page)
    assert not data_page.exception
    labels = [b.label for b in data_page.button]
    assert "Save 0 change(s)" not in labels and "Save changes (none yet)" in labels
    editor = all_text(data_page)
    # the source column's cells: no literal "None", and the citation shown instead of the id
    assert '"None"' not in editor
    assert "format_func" in editor or "HRD-cluster-poverty study (abstract)" in editor


# ---------------------------------------------------------------- item 15: Clusters


def test_item15_clusters_title_above_picker_and_notes_not_cut():
    at = run_app(cluster="fisheries")
    to_page(at, "clusters")
    main = [n for n in at.main.children.values()]
    kinds = [getattr(n, "type", "") for n in main]
    assert kinds.index("title") < kinds.index("selectbox"), kinds
    # the participation notes in a static table (wraps), not a grid that cuts them off
    assert at.table and "Note" in at.table[-1].value.columns


def test_national_ranking_shows_the_top_districts_with_a_switch_for_all(monkeypatch, tmp_path):
    """Issue #14: at national scale the ranking starts with the 30 highest districts, three cluster
    names each ("… and N more"); one switch shows all of them. Sindh's 30 districts are all shown."""
    from bench.synth import PAKISTAN_ADM2, write_synthetic

    if not PAKISTAN_ADM2.exists():
        pytest.skip("national boundary file missing")
    folder = write_synthetic(tmp_path / "synthetic", n_clusters=400, n_rounds=1)
    monkeypatch.setenv("ATLAS_PROVINCE", "")
    monkeypatch.setenv("ATLAS_BOUNDARIES", str(PAKISTAN_ADM2))
    monkeypatch.setenv("ATLAS_DATA_DIR", str(folder))
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'atlas.db'}")
    at = run_app(round="syn-r1")
    ranking = at.dataframe[-1].value
    assert len(ranking) == 30
    assert any(c.value.endswith(" The 30 highest of 156 districts.") for c in at.caption)
    long_lists = [c for c in ranking["Clusters"] if " and " in c]
    assert long_lists and all(c.count(", ") == 2 and c.endswith(" more") for c in long_lists)
    at.toggle(key="w_ranking_all").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    everything = at.dataframe[-1].value
    assert len(everything) == 156 and list(everything["District"][:30]) == list(ranking["District"])
    assert not any("highest of" in c.value for c in at.caption)  # the caption no longer says 30


def test_sindh_ranking_is_whole():
    at = run_app()
    assert "w_ranking_all" not in [t.key for t in at.toggle]
    ranking = at.dataframe[-1].value
    assert len(ranking) >= 10 and not any(" more" in c for c in ranking["Clusters"])
    # Each row names its own district's clusters (looked up once for the whole ranking).
    assert "Fisheries" in ranking.set_index("District").at["Thatta", "Clusters"]
    assert "Fisheries" not in ranking.set_index("District").at["Tharparkar", "Clusters"]
