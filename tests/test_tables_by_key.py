"""Tables a page shows are built with ids and keys and shown through ``ui.i18n.shown_table``: headers by
message id, names by id from data/names.csv, the rest as data (#25 two ways to translate)."""

from __future__ import annotations

import re

from test_pages import run_app, to_page

ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")


def _english_headers(at) -> list[str]:
    return [c for df in at.dataframe for c in df.value.columns if isinstance(c, str) and not ARABIC.search(c)]


def test_methods_tables_have_headers_by_message_id_and_figures_named_by_id():
    at = to_page(run_app(lang="ur"), "methods")
    assert not _english_headers(at), _english_headers(at)
    shown = "\n".join(df.value.to_csv() for df in at.dataframe)
    assert "غربت کی شرح (2018، عارضی)" in shown  # data/names.csv, context poverty_rate_2018, by id


def _renamed_mango(monkeypatch, tmp_path):
    """The seed with mango's English name respelled: data/names.csv (keyed by id) still names it."""
    import shutil

    from cluster_model.loading import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    clusters = (data / "clusters.csv").read_text(encoding="utf-8")
    (data / "clusters.csv").write_text(clusters.replace("mango,4,Mango,", "mango,4,Mango orchards,"))
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data))
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'atlas.db'}")


def test_atlas_tables_name_clusters_and_districts_by_id(monkeypatch, tmp_path):
    _renamed_mango(monkeypatch, tmp_path)
    at = run_app(lang="ur", district="Mirpur Khas")
    gap_table, ranking = at.dataframe[0].value, at.dataframe[-1].value
    assert "آم" in set(gap_table.iloc[:, 0]), gap_table.iloc[:, 0].tolist()  # by id, not by English
    assert any("آم" in str(c) for c in ranking.iloc[:, -1]), ranking.iloc[:, -1].tolist()
    shown = gap_table.to_csv() + ranking.to_csv()
    assert "Mango orchards" not in shown and " of " not in shown
    assert not _english_headers(at), _english_headers(at)


def test_the_export_preview_shows_each_table_as_its_file_holds_it():
    """The preview is of the files: headers by message id as the files write them, cells as the files hold
    them (data, marked [en] on an Urdu page), never looked up again by their English spelling."""
    from cluster_model.i18n import translator

    at = to_page(run_app(lang="ur"), "export")
    tr = translator("ur")
    preview = next(df.value for df in at.dataframe if tr.gettext("Indicator") in df.value.columns)
    status, cluster = preview[tr.gettext("Status")], preview[tr.gettext("Cluster")]
    unmarked = {re.sub(r"[\u2068\u2069]| \[en\]", "", v) for v in status}
    assert unmarked <= {"present", "partial", "absent", "not assessed"}, unmarked
    assert all(v.endswith("[en]\u2069") for v in cluster), cluster.tolist()[:3]
