"""data/names.csv: Urdu and Sindhi names of clusters, districts and places, drafts, English fallback."""

from __future__ import annotations

import json
import unicodedata

import pandas as pd
import pytest
from support import REPO

from cluster_model.issues import DataFileError
from cluster_model.local_names import DRAFT_SOURCE, NAMES_FILE, load_names

SINDH = REPO.parent / "shared" / "boundaries" / "sindh_adm2.geojson"
needs_shared = pytest.mark.skipif(not SINDH.exists(), reason="shared boundary files not present")
HEADER = "kind,id,en,ur,sd,status,source\n"


def known_ids() -> dict[str, set[str]]:
    clusters = set(pd.read_csv(REPO / "data" / "clusters.csv", dtype=str)["cluster_id"])
    places = set(pd.read_csv(REPO / "data" / "sites.csv", dtype=str)["place"])
    districts = {f["properties"]["name"] for f in json.loads(SINDH.read_text(encoding="utf-8"))["features"]}
    return {"cluster": clusters, "district": districts, "place": places}


@needs_shared
def test_every_cluster_district_and_place_has_an_urdu_and_a_sindhi_draft_name():
    known = known_ids()
    assert (len(known["cluster"]), len(known["district"])) == (16, 30)
    sources = set(pd.read_csv(REPO / "data" / "sources.csv", dtype=str)["source_id"])
    names, issues = load_names(known=known, sources=sources)
    assert issues == []
    for kind, ids in known.items():
        for language in ("ur", "sd"):
            assert names.missing(kind, sorted(ids), language) == [], (kind, language)
    # Every name supplied so far is a draft, and says so.
    table = pd.read_csv(NAMES_FILE, dtype=str)
    assert set(table["status"]) == {"draft"} and set(table["source"]) == {DRAFT_SOURCE}
    for text in [*table["ur"], *table["sd"]]:
        assert unicodedata.is_normalized("NFC", text)
    # Urdu and Sindhi letters that look alike are different code points.
    assert not any(ch in text for text in table["ur"] for ch in "\u064a\u06aa")
    assert not any(ch in text for text in table["sd"] for ch in "\u06cc\u06c1")


def test_lookup_and_visible_english_fallback(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(
        HEADER + "district,Thatta,Thatta,ٹھٹہ,,draft,draft_translation\n"
        "cluster,mango,Mango,آم,انب,reviewed,draft_translation\n",
        encoding="utf-8",
    )
    names, issues = load_names(path)
    assert issues == []
    assert names.name("district", "Thatta", "ur") == "ٹھٹہ"
    assert names.name("district", "Thatta", "sd") == "Thatta [en]"  # empty cell: English, marked
    assert names.name("district", "Thatta", "en") == "Thatta"
    assert names.name("district", "Sujawal", "sd") == "Sujawal [en]"  # no row at all
    assert names.name("cluster", "red_chili", "ur", english="Red chili") == "Red chili [en]"
    assert names.name("cluster", "mango", "sd") == "انب"
    assert names.is_draft("district", "Thatta") and not names.is_draft("cluster", "mango")
    assert names.is_draft("cluster", "jute")  # unknown: not reviewed
    assert names.drafts == 1


def test_arabic_names_round_trip_through_the_csv(tmp_path):
    names, _ = load_names()
    table = pd.read_csv(NAMES_FILE, dtype=str, keep_default_na=False)
    copy = tmp_path / "names.csv"
    table.to_csv(copy, index=False, encoding="utf-8")
    again, issues = load_names(copy)
    assert issues == [] and again.rows == names.rows
    assert copy.read_bytes() == NAMES_FILE.read_bytes()


def test_bad_rows_are_named_by_line_and_column_and_the_good_ones_kept(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(
        HEADER
        + "district,Thatta,Thatta,ٹھٹہ,ٺٽو,draft,draft_translation\n"  # line 2: good
        + "district,Atlantis,Atlantis,اٹلانٹس,,draft,draft_translation\n"  # 3: unknown id
        + "place,Kotri,,کوٹری,ڪوٽڙي,draft,draft_translation\n"  # 4: empty English
        + "cluster,mango,Mango,Aam,انب,draft,draft_translation\n"  # 5: Latin letters in ur
        + "cluster,rice,Rice,چاول,,reviewed,draft_translation\n"  # 6: reviewed but sd empty
        + "town,Hala,Hala,ہالا,هالا,draft,draft_translation\n"  # 7: unknown kind
        + "district,Thatta,Thatta,ٹھٹا,ٺٽو,maybe,\n"  # 8: bad status, no source
        + "district,Thatta,Thatta,ٹھٹا,ٺٽو,draft,draft_translation\n",  # 9: duplicate of line 2
        encoding="utf-8",
    )
    known = {"cluster": {"mango", "rice"}, "district": {"Thatta"}, "place": {"Kotri"}}
    names, issues = load_names(path, known=known)
    found = {(i.row, i.column) for i in issues}
    assert found == {
        (3, "id"),
        (4, "en"),
        (5, "ur"),
        (6, "sd"),
        (7, "kind"),
        (8, "status"),
        (8, "source"),
        (9, "id"),
    }
    text = {(i.row, i.column): str(i) for i in issues}
    assert "unknown district 'Atlantis'" in text[(3, "id")] and "boundary file" in text[(3, "id")]
    assert "empty English name" in text[(4, "en")]
    assert "not in Arabic script" in text[(5, "ur")]
    assert "named twice (first on line 2)" in text[(9, "id")]
    assert list(names.rows) == [("district", "Thatta")]
    assert names.name("district", "Thatta", "ur") == "ٹھٹہ"


def test_a_table_without_its_columns_is_refused(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("kind,id,en\ncluster,mango,Mango\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        load_names(path)
    with pytest.raises(DataFileError, match="missing"):
        load_names(tmp_path / "nope.csv")
