"""Institutions and linkages in the pages (AppTest): the "done when" scenario of issue 17.

An editor adds two institutions and three links to the Red chili cluster (active, weak, needed
but absent) on the Linkage matrix page; the cluster profile draws them and lists what is
missing; the matrix shows the change since the previous round. Bad input is refused whole.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from signin_support import SURVEY_ROUND, page_app, page_store_with_survey_round, sign_in
from streamlit.testing.v1 import AppTest

from cluster_model import store
from cluster_model.store import linkages as sl

ROUND = SURVEY_ROUND
NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def db(tmp_path, monkeypatch):
    engine = page_store_with_survey_round(tmp_path, monkeypatch, "linkages")
    yield engine
    engine.dispose()


def _app(page: str, **query) -> AppTest:
    at = page_app(page, timeout=120, signed_in="alice", **query)  # an editor: sees the draft rounds
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _sign_in(at: AppTest) -> None:
    if "atlas_editor" in at.session_state:  # signed in by _app already
        return
    sign_in(at)
    assert not at.exception, [e.value for e in at.exception]


def _submit(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _add_institution(at: AppTest, **fields) -> None:
    for key, value in fields.items():
        widget = {"id": "lm_i_id", "name": "lm_i_name", "lat": "lm_i_lat", "lon": "lm_i_lon"}.get(key)
        if widget:
            at.text_input(key=widget).input(value)
        else:
            at.selectbox(
                key={
                    "kind": "lm_i_kind",
                    "group": "lm_i_group",
                    "district": "lm_i_district",
                    "source": "lm_i_source",
                }[key]
            ).select(value)
    _submit(at, "Add institution")


def _add_link(at: AppTest, institution: str, kind: str, status: str, source: str = "icck_desk") -> None:
    at.selectbox(key="lm_l_inst").select(institution)
    at.selectbox(key="lm_l_cluster").select("red_chili")
    at.selectbox(key="lm_l_type").select(kind)
    at.selectbox(key="lm_l_status").select(status)
    at.selectbox(key="lm_l_source").select(source)
    _submit(at, "Add link")


def _problems(at: AppTest):
    return next(d.value for d in at.dataframe if "Problem" in d.value.columns)


def _svg(at: AppTest) -> ET.Element:
    blocks = [f.proto.srcdoc for f in at.get("iframe") if "linkage-network" in f.proto.srcdoc]
    assert len(blocks) == 1
    body = blocks[0]
    return ET.fromstring(body[body.index("<svg") : body.index("</svg>") + 6])


def test_editor_adds_red_chili_links_profile_draws_them_and_matrix_shows_the_change(db):
    visitor = page_app("linkages", timeout=120).run()
    assert not any(b.label == "Add institution" for b in visitor.button)  # signed out: no write path
    at = _app("linkages", round=ROUND)  # the editor, on the draft round
    assert at.title[0].value == "Linkage matrix"
    _sign_in(at)

    _add_institution(
        at,
        id="umerkot_growers",
        name="Umerkot chili growers' association",
        kind="association",
        group="industry",
        district="Umerkot",
        lat="25.36",
        lon="69.74",
        source="icck_desk",
    )
    assert [s.value for s in at.success] == ["Added institution 'umerkot_growers'."]
    _add_institution(
        at,
        id="umerkot_tvet",
        name="A technical institute in Umerkot",
        kind="technical_institute",
        group="government",
        source="icck_desk",
    )
    _add_link(at, "umerkot_growers", "membership", "active")
    _add_link(at, "umerkot_tvet", "training", "weak")
    _add_link(at, "muet", "research", "needed but absent")
    assert not at.error

    matrix = at.dataframe[0].value.set_index("Cluster")
    assert matrix.at["Red chili", "Membership"] == "active (1) [was unknown]"
    assert matrix.at["Red chili", "Training"] == "weak (1) [was unknown]"
    assert matrix.at["Red chili", "Research & development"] == "absent (1 needed) [was unknown]"
    assert matrix.at["Red chili", "Finance"] == "unknown"  # never absent without a record
    assert matrix.at["Dates & palm", "Infrastructure"] == "active (1)"  # the seed's link, carried forward
    change = at.dataframe[1].value
    assert set(zip(change["Kind of support"], change["Before"], change["Now"])) == {
        ("Membership", "unknown", "active"),
        ("Training", "unknown", "weak"),
        ("Research & development", "unknown", "absent"),
    }
    assert (
        "**2** active, **1** weak, **1** absent, **108** unknown" in at.info[0].value
    )  # red chili + dates & palm

    # The profile draws the three links by status and lists what is missing.
    prof = _app("clusters", round=ROUND, cluster="red_chili")
    svg = _svg(prof)
    links = {
        p.get("data-institution"): p.get("data-status")
        for p in svg.iter(f"{NS}path")
        if p.get("class") == "link"
    }
    assert links == {"umerkot_growers": "active", "umerkot_tvet": "weak", "muet": "needed but absent"}
    tables = [d.value for d in prof.dataframe]
    listed = next(t for t in tables if "Institution" in t.columns and "Status" in t.columns)
    assert list(listed["Status"]) == ["active", "weak", "needed but absent"]
    missing = next(t for t in tables if "Kind of support" in t.columns).set_index("Kind of support")
    assert "Membership" not in missing.index
    assert (
        missing.at["Training", "State"] == "weak"
        and missing.at["Research & development", "State"] == "absent"
    )
    assert missing.at["Finance", "State"] == "unknown"

    # In the earlier round none of it shows: the desk review knew no Red chili link.
    before = _app("clusters", round="desk-2026", cluster="red_chili")
    assert not [p for p in _svg(before).iter(f"{NS}path") if p.get("class") == "link"]
    assert any("No institution is linked" in i.value for i in before.info)


def test_bad_institution_is_refused_with_what_to_do_and_nothing_saved(db):
    at = _app("linkages", round=ROUND)
    _sign_in(at)
    _add_institution(
        at, id="lahore_lab", name="A lab in Lahore", kind="lab", lat="31.52", lon="74.36", source="icck_desk"
    )
    assert any("nothing was saved" in e.value for e in at.error)
    problems = _problems(at)
    assert "outside the province" in problems.iloc[0]["Problem"] and problems.iloc[0]["What to do"]
    assert "lahore_lab" not in set(
        sl.load_linkages(db, store.load_dataset(db)).institutions["institution_id"]
    )
    # Adding the same link twice: the second is a duplicate, named as such.
    _add_link(at, "muet", "research", "active", "dialogue2019")
    _add_link(at, "muet", "research", "weak", "dialogue2019")
    assert any("already exists" in str(v) for v in _problems(at)["Problem"])


def test_atlas_district_panel_lists_institutions_and_the_layer_toggle_works(db):
    at = _app("atlas", district="Khairpur")
    panel = [d.value for d in at.dataframe if "Clusters served" in d.value.columns]
    assert len(panel) == 1
    row = panel[0].set_index("Institution").loc["Khairpur special economic zone"]
    assert (
        "Dates & palm (Infrastructure, active)" in row["Clusters served"]
        and row["Source"] == "HRD-cluster-poverty study (abstract)"
    )
    at.toggle(key="w_institutions_layer").set_value(True).run()
    assert not at.exception
    keys = [h.proto.body for h in at.get("html") if "institutions-key" in h.proto.body]
    assert keys and "Sindh Enterprise Development Fund" in keys[0]  # no location: named as not on the map


def test_export_page_carries_institutions_and_missing_links_with_sources(db):
    at = _app("export", sectors="dates_palm")
    names = [m.value for m in at.markdown]
    assert any("Institutions & links" in n for n in names) and any("Missing links" in n for n in names)
    links = next(
        d.value
        for d in at.dataframe
        if "Kind of support" not in d.value.columns
        and "Link" in d.value.columns
        and "Institution" in d.value.columns
    )
    assert list(links["Institution"]) == ["Khairpur special economic zone"] and list(links["Source"]) == [
        "HRD-cluster-poverty study (abstract)"
    ]
    sources = at.dataframe[-1].value
    assert "hrd_study" in set(sources["Source id"])


def test_workshop_records_who_works_with_whom_from_the_room(db):
    from cluster_model.store import dialogue as dl

    dl.create_dialogue(
        db,
        round_id="dlg-l",
        name="Umerkot dialogue",
        date="2027-04-01",
        venue="Umerkot",
        facilitator="F",
        agenda="red_chili:S",
        author="seed",
    )
    at = _app("workshop", round="dlg-l")
    _sign_in(at)
    # The facilitator's window records the room (the projected room view has no controls).
    at.query_params.update({"round": "dlg-l", "mode": "presenter"})
    at.run()
    assert not at.exception and any("Who works with whom: Red chili" in m.value for m in at.markdown)

    at.selectbox(key="ws_link_inst").select("muet")
    at.selectbox(key="ws_link_type").select("research")
    at.radio(key="ws_link_status").set_value("needed but absent")
    at.text_input(key="ws_link_note").input("Growers: no university works on chili drying")
    _submit(at, "Record the link")
    # A new institution the room names, with nothing else known about it.
    at.selectbox(key="ws_link_inst").select("__new__")
    at.text_input(key="ws_link_new_name").input("Umerkot Chili Traders")
    at.selectbox(key="ws_link_new_kind").select("association")
    at.selectbox(key="ws_link_type").select("market_access")
    at.radio(key="ws_link_status").set_value("active")
    _submit(at, "Record the link")

    lk = sl.load_linkages(db, store.load_dataset(db))
    mine = lk.links[lk.links["round_id"] == "dlg-l"].sort_values("link_type")
    assert list(zip(mine["institution_id"], mine["link_type"], mine["status"])) == [
        ("umerkot_chili_traders", "market_access", "active"),
        ("muet", "research", "needed but absent"),
    ]
    assert set(mine["source_id"]) == {"room-dlg-l"}
    ds = store.load_dataset(db)
    assert "Umerkot" in ds.citation("room-dlg-l") and "dlg-l" in ds.citation("room-dlg-l")
    new = lk.institutions.set_index("institution_id").loc["umerkot_chili_traders"]
    assert pd.isna(new["lat"]) and new["district"] == ""  # the room gave no location: unknown
    assert set(sl.link_history(db, round_id="dlg-l")["via"]) == {"workshop"}
    shown = next(d.value for d in at.dataframe if "Link" in d.value.columns)
    assert set(shown["Institution"]) == {
        "Umerkot Chili Traders",
        "Mehran University of Engineering and Technology (MUET)",
    }

    # A new institution without a name is refused; nothing is written.
    at.selectbox(key="ws_link_inst").select("__new__")
    at.text_input(key="ws_link_new_name").input("")
    _submit(at, "Record the link")
    assert any("nothing was saved" in e.value for e in at.error)
    assert len(sl.load_linkages(db, store.load_dataset(db)).links) == 3


def test_editor_corrects_an_institutions_location(db):
    at = _app("linkages", round=ROUND)
    _sign_in(at)
    at.selectbox(key="lm_e_pick").select("sedf")
    at.run()
    at.text_input(key="lm_e_lat_sedf_1").input("24.86")
    at.text_input(key="lm_e_lon_sedf_1").input("67.01")
    _submit(at, "Save institution")
    assert "location without a source" in _problems(at).iloc[0]["Problem"]  # a point needs its source
    at.selectbox(key="lm_e_locsrc_sedf_1").select("inst_coords")
    at.selectbox(key="lm_e_district_sedf_1").select("Karachi South")
    _submit(at, "Save institution")
    assert any("Saved 'Sindh Enterprise Development Fund (SEDF)'" in s.value for s in at.success), [
        e.value for e in at.error
    ]
    row = sl.load_linkages(db, store.load_dataset(db)).institutions.set_index("institution_id").loc["sedf"]
    assert (row["lat"], row["lon"], row["version"]) == (24.86, 67.01, 2)


def test_methods_page_explains_the_linkage_matrix_from_the_framework_file(db):
    at = _app("methods")
    table = next(d.value for d in at.dataframe if "Kind of support" in d.value.columns).set_index(
        "Kind of support"
    )
    assert (
        table.at["Training", "Expected"] == "yes"
        and "Training or technical institute serving the cluster"
        in table.at["Training", "Indicators it answers"]
    )
    assert table.at["Market access", "Expected"] == "no"


def test_the_missing_links_panel_lists_a_recorded_need_of_a_kind_no_indicator_expects(db):
    """(#24 item 23) market access recorded as needed but absent for Red chili is a missing link."""
    sl.save_links(
        db,
        ROUND,
        [
            {
                "institution_id": "muet",
                "cluster_id": "red_chili",
                "link_type": "market_access",
                "status": "needed but absent",
                "source_id": "icck_desk",
            }
        ],
        author="alice",
    )
    prof = _app("clusters", round=ROUND, cluster="red_chili")
    missing = next(d.value for d in prof.dataframe if "Kind of support" in d.value.columns)
    row = missing.set_index("Kind of support").loc["Market access"]
    assert row["State"] == "absent" and "MUET" in row["Links"]


def test_the_institutions_key_is_in_the_page_language(db):
    """The map key of the Institutions layer: its words by message id, kinds by their label's message id,
    institution names as data (#25; it was an English literal)."""
    from cluster_model.i18n import translator

    ur = translator("ur")
    at = _app("atlas", district="Khairpur", lang="ur")
    at.toggle(key="w_institutions_layer").set_value(True).run()
    assert not at.exception
    key = next(h.proto.body for h in at.get("html") if "institutions-key" in h.proto.body)
    assert ur.gettext("Institutions:") in key and "Institutions:" not in key
    from cluster_model.linkages import INSTITUTION_KINDS

    assert "Lines: solid" not in key and not [k for k in INSTITUTION_KINDS.values() if k in key]
    assert "Sindh Enterprise Development Fund (SEDF) [en]" in key  # a name is data: as written, marked
