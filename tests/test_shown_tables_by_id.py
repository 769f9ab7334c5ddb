"""The workshop, cluster, context and linkage tables name clusters by id and word their cells by message id
in the page's language (#25 two ways to translate): no English is looked up again, none shows as "[en]"."""

from __future__ import annotations

import re

import pandas as pd

from cluster_model import workshop as ws

ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")


def _urdu(monkeypatch):
    from ui import i18n as ui_i18n

    monkeypatch.setattr(ui_i18n, "current_language", lambda: "ur")


def test_the_rooms_matrix_names_clusters_by_id_and_words_its_cells_in_urdu(monkeypatch, dataset):
    from ui.workshop.room_view import room_matrix_shown

    _urdu(monkeypatch)
    ratings = pd.DataFrame(
        [{"cluster_id": "mango", "pillar": "hrm", "stakeholder_group": "community", "rating": "absent"}]
    )
    gaps = ws.room_gaps(ratings, dataset.rules, list(dataset.clusters["cluster_id"]))
    shown = room_matrix_shown(gaps, dataset)
    text = " ".join(map(str, [*shown.columns, *shown.values.ravel()]))
    assert "[en]" not in text and "low coverage" not in text, text
    mango = shown[shown.iloc[:, 0] == "آم"]
    assert len(mango) == 1, list(shown.iloc[:, 0])
    assert "1.00" in " ".join(mango.iloc[0, 1:]) and ARABIC.search(" ".join(mango.iloc[0, 1:]))


def _seed_linkages(tmp_path, links=()):
    """A draft of the seed's desk review (the seed round is a published edition, never changed: #26) with
    ``links`` added, as a page takes them from its view."""
    from store_support import SEED_DRAFT

    from cluster_model import store
    from cluster_model.publishing import start_correction
    from cluster_model.store import linkages as sl
    from cluster_model.view import make_view

    engine = store.open_store(f"sqlite:///{tmp_path / 'x.db'}")
    draft = start_correction(engine, "latest", "seed copy", round_id=SEED_DRAFT)
    if links:
        sl.save_links(engine, draft, list(links), author="alice")
    ds = store.load_dataset(engine)
    lk = sl.load_linkages(engine, ds)
    engine.dispose()
    return make_view(ds, draft, linkages=lk).linkages


def test_the_rooms_stated_links_keep_what_the_room_said_as_data(monkeypatch, tmp_path):
    """The note is what the room said: shown as written (marked [en]), even when it spells a catalogue word;
    the link type and status are worded by message id."""
    from ui.workshop.links import stated_links_table

    lv = _seed_linkages(
        tmp_path,
        [{"institution_id": "muet", "cluster_id": "mango", "link_type": "finance", "status": "weak",
          "source_id": "icck_desk", "note": "Finance"}],
    )  # fmt: skip
    _urdu(monkeypatch)
    shown = stated_links_table(lv, lv.round_id, "mango")
    row = shown.iloc[0]
    assert ARABIC.search(row.iloc[1]) and ARABIC.search(row.iloc[2]) and "[en]" not in row.iloc[2], list(row)
    assert row.iloc[3] == "\u2068Finance [en]\u2069", list(row)


def test_the_clusters_status_changes_name_indicators_by_id_even_when_their_english_is_respelled(
    monkeypatch, tmp_path, data_copy
):
    from streamlit.testing.v1 import AppTest
    from support import REPO, append_row

    for line in (
        "demo-1,Demo round 1,2026-12-01,survey,yes,invented",
        "demo-2,Demo round 2,2026-12-02,survey,yes,invented",
    ):
        append_row(data_copy / "rounds.csv", line)
    for line in (
        "demo-1,fisheries,tech_equipment,absent,icck_desk,x",
        "demo-2,fisheries,tech_equipment,present,icck_desk,x",
    ):
        append_row(data_copy / "assessments.csv", line)
    indicators = data_copy / "indicators.csv"
    english = "Modern production equipment in common use"
    indicators.write_text(
        indicators.read_text(encoding="utf-8").replace(english, "Modern production kit in use")
    )
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'atlas.db'}")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    for key, value in {"lang": "ur", "round": "demo-2", "cluster": "fisheries"}.items():
        at.query_params[key] = value
    at.switch_page(
        "pages/clusters.py"
    )  # one run: a rerun re-formats the round picker outside the page's language
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    from cluster_model.i18n import translator

    now = translator("ur").gettext("Now")
    changes = [d.value for d in at.dataframe if now in list(d.value.columns)]
    indicator_names = {str(v) for frame in changes for v in frame.iloc[:, 0]}
    assert indicator_names, [list(d.value.columns) for d in at.dataframe]
    assert not [n for n in indicator_names if "[en]" in n], indicator_names
    assert any(ARABIC.search(n) for n in indicator_names), indicator_names


def _respelled_context(data_copy):
    """Sindh's context figures read with the poverty rate's English label respelled in a copied data/."""
    import pytest

    from cluster_model import context as cx
    from geo.boundaries import load_boundaries

    if not cx.context_dir().is_dir():
        pytest.skip("context files missing: run `make setup`")
    path = data_copy / "context_indicators.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Poverty rate (2018 provisional)", "Poverty rate 2018")
    )
    sindh = list(load_boundaries(province="Sindh")["district"])
    return cx.ContextFigures(cx.load_context(cx.context_dir(), data_copy, "Sindh", sindh))


def test_a_districts_context_figures_are_named_by_id_and_worded_by_message_id(monkeypatch, data_copy):
    """Urdu page, Korangi (Karachi City, one survey unit): figures named by id even when their English label
    is respelled in data/, the rank and the shared survey unit worded by message id, no English sentence."""
    from ui.context_view import district_figures_table

    figures = _respelled_context(data_copy)
    _urdu(monkeypatch)
    shown = district_figures_table(figures, "Korangi")
    cells = [str(v) for v in shown.values.ravel()]
    assert not [c for c in cells if "[en]" in c and "Poverty" in c], cells
    assert not [c for c in cells if "one figure for" in c or re.fullmatch(r"[0-9]+ of [0-9]+", c)], cells
    assert any(ARABIC.search(c) and "کراچی" in c for c in cells), cells


def test_the_context_ranking_names_its_figure_and_province_by_key(monkeypatch, data_copy):
    from ui.context_view import unit_ranking

    figures = _respelled_context(data_copy)
    _urdu(monkeypatch)
    shown = unit_ranking(figures, "poverty_rate_2018")
    assert not [c for c in shown.columns if "[en]" in str(c)], list(shown.columns)
    assert set(shown.iloc[:, 5]) == {"سندھ"}, set(shown.iloc[:, 5])  # data/names.csv, province Sindh


MANGO_LINKS = [
    {"institution_id": "muet", "cluster_id": "mango", "link_type": "research", "status": "needed but absent",
     "source_id": "icck_desk"},
    {"institution_id": "muet", "cluster_id": "mango", "link_type": "training", "status": "weak",
     "source_id": "icck_desk"},
]  # fmt: skip


def _no_english_sentence(cells):
    """The cells that say a fixed English sentence or word (data, marked [en], is left out: it is what it is)."""
    english = re.compile(
        r"only weak|needed but absent|no link recorded|needed\)|not stated|\bunknown\b|none yet"
    )
    return [c for c in map(str, cells) if english.search(c) and "[en]" not in c]


def test_the_linkage_matrix_and_missing_links_are_worded_in_urdu_from_their_keys(monkeypatch, tmp_path):
    from ui import linkage_views as lv

    links = _seed_linkages(tmp_path, MANGO_LINKS)
    _urdu(monkeypatch)
    matrix = lv.matrix_shown(links.assessments, links.matrix(["mango", "dates_palm"]), None)
    assert list(matrix.iloc[:, 0]) == ["آم", "کھجور"], list(matrix.iloc[:, 0])
    assert not _no_english_sentence(matrix.values.ravel()), matrix.values.tolist()
    assert all(ARABIC.search(c) for c in matrix.values.ravel()), matrix.values.tolist()
    missing = lv.missing_links_table(links.missing_links("mango"))
    assert len(missing) and not _no_english_sentence(missing.values.ravel()), missing.values.tolist()
    assert all(ARABIC.search(c) for c in missing.iloc[:, 1]), list(missing.iloc[:, 1])


def test_institutions_name_their_district_group_and_clusters_by_key_in_urdu(monkeypatch, tmp_path):
    from ui import linkage_views as lv

    links = _seed_linkages(tmp_path, MANGO_LINKS)
    _urdu(monkeypatch)
    served = lv.district_institutions_table(links.district_institutions("Khairpur"))
    assert len(served) and all("کھجور" in c for c in served.iloc[:, 2]), list(served.iloc[:, 2])
    assert not [c for c in served.iloc[:, 2] if "[en]" in c], list(served.iloc[:, 2])
    for table in (lv.institutions_shown(links), lv.cluster_institutions_table(links, "mango")):
        assert not _no_english_sentence(table.values.ravel()), table.values.tolist()
        assert not [c for c in table.columns if "[en]" in str(c)], list(table.columns)


def test_the_urdu_brief_words_missing_links_and_clusters_served_from_their_keys(tmp_path):
    """The brief's linkage section: no English sentence of the domain's ("only weak link(s)", "(Research &
    development, needed but absent)"), the clusters served named by id."""
    import io

    from pypdf import PdfReader

    from cluster_model.i18n import translator
    from geo.boundaries import load_boundaries, simplify_for_display
    from outputs.brief import district_brief_pdf
    from outputs.linkage_brief import linkage_page

    links = _seed_linkages(tmp_path, MANGO_LINKS)
    ds, tr = links.dataset, translator("ur")
    sites = ds.sites.merge(
        ds.clusters[["cluster_id", "name", "number"]].rename(columns={"name": "cluster_name"}),
        on="cluster_id",
    )
    districts = simplify_for_display(load_boundaries(), 0.001)
    pdf = district_brief_pdf(
        ds, districts, sites, links.assessments, ["Mirpur Khas"], extra_page=linkage_page(links, tr=tr), tr=tr
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "only weak" not in text and "needed but absent:" not in text and "(1 needed)" not in text, text[
        -1500:
    ]
    assert "no indicator mapped" not in text and "none yet" not in text, text[-1500:]
