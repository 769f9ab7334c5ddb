"""Institutions and linkages (issue 17): store, validation, import, matrix, missing links, network."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
import support
from sqlalchemy import func, select
from store_support import backend, engine, store_env

from cluster_model import linkages as L
from cluster_model import store
from cluster_model.store import linkages as sl
from cluster_model.store import schema as s
from cluster_model.view import make_view
from outputs import tables

CHILI = "red_chili"


def count(engine, table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def new_round(engine, round_id="survey-2027", date="2027-03-01"):
    store.create_round(
        engine, round_id=round_id, name="Survey 2027", date=date, kind="survey", author="alice"
    )
    return round_id


def two_institutions(engine):
    return sl.add_institutions(
        engine,
        [
            {
                "institution_id": "umerkot_growers",
                "name": "Umerkot chili growers' association",
                "kind": "association",
                "stakeholder_group": "industry",
                "district": "Umerkot",
                "lat": "25.36",
                "lon": "69.74",
                "location_note": "editor-supplied, to verify",
                "location_source_id": "inst_coords",
                "source_id": "icck_desk",
            },
            {
                "institution_id": "sindh_tvet",
                "name": "A technical institute",
                "kind": "technical_institute",
                "stakeholder_group": "government",
                "source_id": "icck_desk",
            },
        ],
        author="alice",
    )


def three_links(engine, round_id):
    return sl.save_links(
        engine,
        round_id,
        [
            {
                "institution_id": "umerkot_growers",
                "cluster_id": CHILI,
                "link_type": "membership",
                "status": "active",
                "source_id": "icck_desk",
            },
            {
                "institution_id": "sindh_tvet",
                "cluster_id": CHILI,
                "link_type": "training",
                "status": "weak",
                "source_id": "icck_desk",
            },
            {
                "institution_id": "muet",
                "cluster_id": CHILI,
                "link_type": "research",
                "status": "needed but absent",
                "source_id": "icck_desk",
                "note": "no R&D link known",
            },
        ],
        author="alice",
        new_only=True,
    )


# --------------------------------------------------------------------------- store


def test_seed_names_only_sourced_institutions_with_marked_locations(engine):
    ds = store.load_dataset(engine)
    lk = sl.load_linkages(engine, ds)
    inst = lk.institutions.set_index("institution_id")
    assert set(inst.index) == {"muet", "muistd", "sedf", "khairpur_sez"}
    assert set(inst["source_id"]) <= {"dialogue2019", "hrd_study"}
    # Every location given is marked editor-supplied / to verify, with its own source; SEDF's is unknown.
    located = inst[inst["lat"].notna()]
    assert located["location_note"].str.contains("to verify").all()
    assert set(located["location_source_id"]) == {"inst_coords"}
    assert pd.isna(inst.at["sedf", "lat"]) and inst.at["sedf", "district"] == ""
    assert list(lk.links["target"]) == ["cluster:dates_palm"]
    assert (sl.institution_history(engine)["via"] == "seed").all()
    assert store.current_version(engine) == store.SCHEMA_VERSION >= 6


def test_editor_adds_institutions_and_links_with_history(engine):
    rid = new_round(engine)
    two_institutions(engine)
    res = three_links(engine, rid)
    assert (res.created, res.updated) == (3, 0)
    hist = sl.link_history(engine, round_id=rid)
    assert len(hist) == 3 and set(hist["action"]) == {"create"} and set(hist["changed_by"]) == {"alice"}
    # A change keeps the old value in the history.
    sl.save_links(
        engine,
        rid,
        [
            {
                "institution_id": "sindh_tvet",
                "cluster_id": CHILI,
                "link_type": "training",
                "status": "active",
                "source_id": "icck_desk",
                "base_version": 1,
            }
        ],
        author="bob",
    )
    hist = sl.link_history(engine, round_id=rid)
    last = hist.iloc[0]
    assert (last["old_status"], last["new_status"], last["changed_by"], last["new_version"]) == (
        "weak",
        "active",
        "bob",
        2,
    )
    # A save based on the old version is refused; nothing changes.
    with pytest.raises(store.ValidationError, match="changed by bob"):
        sl.save_links(
            engine,
            rid,
            [
                {
                    "institution_id": "sindh_tvet",
                    "cluster_id": CHILI,
                    "link_type": "training",
                    "status": "weak",
                    "source_id": "icck_desk",
                    "base_version": 1,
                }
            ],
            author="carol",
        )
    assert len(sl.link_history(engine, round_id=rid)) == 4


def test_adding_the_same_link_twice_is_refused_and_nothing_is_written(engine):
    rid = new_round(engine)
    two_institutions(engine)
    three_links(engine, rid)
    before = count(engine, s.links)
    with pytest.raises(store.ValidationError) as err:
        sl.save_links(
            engine,
            rid,
            [
                {
                    "institution_id": "muet",
                    "partner_id": "muistd",
                    "link_type": "research",
                    "status": "active",
                    "source_id": "dialogue2019",
                },
                {
                    "institution_id": "umerkot_growers",
                    "cluster_id": CHILI,
                    "link_type": "membership",
                    "status": "weak",
                    "source_id": "icck_desk",
                },
            ],
            author="alice",
            new_only=True,
        )
    assert "already exists" in str(err.value) and "line 2" in str(err.value)
    assert count(engine, s.links) == before  # the good first row was not kept either


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "row, column, words",
    [
        ({"institution_id": "nobody", "cluster_id": CHILI}, "institution_id", "unknown institution 'nobody'"),
        ({"cluster_id": "tea"}, "cluster_id", "unknown cluster 'tea'"),
        ({"link_type": "friendship"}, "link_type", "unknown kind of link 'friendship'"),
        ({"cluster_id": "", "partner_id": "muet"}, "partner_id", "linked to itself"),
        ({"status": "dormant"}, "status", "not an allowed link status"),
        ({"source_id": ""}, "source_id", "needs a source"),
        ({"source_id": "hearsay"}, "source_id", "unknown source 'hearsay'"),
        ({"partner_id": "sedf"}, "partner_id", "both a cluster and a partner"),
    ],
)
def test_bad_link_rows_name_file_row_and_what_to_do(row, column, words):
    base = {
        "_line": 7,
        "round_id": "desk-2026",
        "institution_id": "muet",
        "cluster_id": CHILI,
        "partner_id": "",
        "link_type": "research",
        "status": "active",
        "source_id": "dialogue2019",
        "note": "",
    }
    df = pd.DataFrame([{**base, **row}])
    good, issues = L.validate_links(
        df,
        file="links.csv",
        rounds=["desk-2026"],
        clusters=[CHILI],
        institutions=["muet", "sedf"],
        sources=["dialogue2019"],
    )
    assert good.empty and len(issues) == 1
    issue = issues[0]
    assert (issue.file, issue.row, issue.column) == ("links.csv", 7, column)
    assert words in str(issue) and issue.hint
    assert "links.csv, line 7" in str(issue)


def test_reversed_institution_pair_is_a_duplicate():
    df = pd.DataFrame(
        [
            {
                "_line": 2,
                "round_id": "r",
                "institution_id": "muet",
                "cluster_id": "",
                "partner_id": "sedf",
                "link_type": "finance",
                "status": "active",
                "source_id": "x",
                "note": "",
            },
            {
                "_line": 3,
                "round_id": "r",
                "institution_id": "sedf",
                "cluster_id": "",
                "partner_id": "muet",
                "link_type": "finance",
                "status": "weak",
                "source_id": "x",
                "note": "",
            },
        ]
    )
    good, issues = L.validate_links(
        df, file="f.csv", rounds=["r"], clusters=[], institutions=["muet", "sedf"], sources=["x"]
    )
    assert (
        len(good) == 1
        and issues[0].row == 3
        and "duplicate link" in issues[0].message
        and "line 2" in issues[0].message
    )


@pytest.mark.parametrize(
    "row, column, words",
    [
        ({"kind": "club"}, "kind", "unknown kind 'club'"),
        ({"lat": "31.5", "lon": "74.3"}, "lat", "outside the province"),  # Lahore
        ({"lat": "68.3", "lon": "25.4"}, "lat", "outside the province"),  # swapped
        ({"lat": "25.4"}, "lat", "not a pair of numbers"),
        ({"source_id": ""}, "source_id", "needs a source"),
        ({"institution_id": "muet"}, "institution_id", "already exists"),
        (
            {"lat": "25.4", "lon": "68.3", "location_source_id": ""},
            "location_source_id",
            "location without a source",
        ),
    ],
)
def test_bad_institution_rows(row, column, words):
    base = {
        "_line": 4,
        "institution_id": "new_inst",
        "name": "New",
        "kind": "ngo",
        "stakeholder_group": "",
        "district": "",
        "lat": "",
        "lon": "",
        "location_note": "",
        "location_source_id": "inst_coords",
        "source_id": "icck_desk",
        "note": "",
    }
    good, issues = L.validate_institutions(
        pd.DataFrame([{**base, **row}]),
        file="institutions.csv",
        sources=["icck_desk", "inst_coords"],
        taken=["muet"],
    )
    assert good.empty and len(issues) == 1
    assert (issues[0].row, issues[0].column) == (4, column) and words in str(issues[0]) and issues[0].hint


def test_the_seed_file_itself_is_clean(dataset):
    from cluster_model.loading import DATA_DIR, read_table

    inst = read_table(DATA_DIR / "institutions.csv", L.INSTITUTION_COLUMNS)
    _, issues = L.validate_institutions(
        inst,
        file="institutions.csv",
        sources=dataset.sources["source_id"],
        districts=set(dataset.sites["district"]) | {"Jamshoro"},
    )
    assert issues == []
    issues = []
    kinds = L.load_link_types(dataset, DATA_DIR / "link_types.csv", issues)
    assert issues == [] and {k.link_type for k in kinds if k.expected} >= {
        "training",
        "membership",
        "research",
        "finance",
    }


# --------------------------------------------------------------------------- import


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


INST_ROW = [
    "umerkot_growers",
    "Umerkot chili growers",
    "association",
    "industry",
    "Umerkot",
    25.36,
    69.74,
    "editor-supplied, to verify",
    "inst_coords",
    "icck_desk",
    "",
]
LINK_ROW = ["", "umerkot_growers", CHILI, "", "membership", "active", "icck_desk", "from a field visit"]


def test_xlsx_import_previews_then_commits_institutions_and_links_together(engine):
    rid = new_round(engine)
    data = _xlsx({"institutions": [L.INSTITUTION_COLUMNS, INST_ROW], "links": [L.LINK_COLUMNS, LINK_ROW]})
    plan = sl.plan_linkage_import(engine, rid, data, "field.xlsx")
    assert plan.ok, plan.issues
    assert plan.summary() == "1 new institution, 1 new link, 0 changed link, 0 unchanged link"
    assert count(engine, s.institutions) == 4  # a plan writes nothing
    res = sl.commit_linkage_import(engine, plan, author="alice")
    assert (res.institutions, res.created) == (1, 1)
    assert sl.link_history(engine, round_id=rid).iloc[0]["via"] == "import"
    # The same file again: the institution is there, unchanged; the link too.
    again = sl.plan_linkage_import(engine, rid, data, "field.xlsx")
    assert (
        again.ok
        and again.summary()
        == "0 new institution, 0 new link, 0 changed link, 1 unchanged link, 1 unchanged institution(s)"
    )


def test_csv_import_with_one_bad_row_writes_nothing(engine):
    rid = new_round(engine)
    rows = [
        L.LINK_COLUMNS,
        [rid, "muet", CHILI, "", "research", "active", "dialogue2019", ""],
        [rid, "muet", "", "muet", "research", "active", "dialogue2019", ""],
        [rid, "muet", CHILI, "", "research", "weak", "dialogue2019", ""],
    ]
    data = "\n".join(",".join(r) for r in rows).encode()
    plan = sl.plan_linkage_import(engine, rid, data, "links.csv")
    assert [(i.row, i.column) for i in plan.issues] == [(3, "partner_id"), (4, "link_type")]
    assert all(i.file == "links.csv" and i.hint for i in plan.issues)
    with pytest.raises(store.ValidationError):
        sl.commit_linkage_import(engine, plan, author="alice")
    assert count(engine, s.links) == 1  # the seed's only link


def test_import_with_an_unreadable_header_says_what_columns_to_use(engine):
    plan = sl.plan_linkage_import(engine, "desk-2026", b"a,b\n1,2\n", "x.csv")
    assert not plan.ok and "institution_id" in plan.issues[0].hint and plan.issues[0].row == 1


def test_commit_rechecks_against_the_store_as_it_is_now(engine):
    rid = new_round(engine)
    data = _xlsx({"institutions": [L.INSTITUTION_COLUMNS, INST_ROW]})
    plan = sl.plan_linkage_import(engine, rid, data, "a.xlsx")
    other = _xlsx({"institutions": [L.INSTITUTION_COLUMNS, [INST_ROW[0], "Another name", *INST_ROW[2:]]]})
    sl.commit_linkage_import(
        engine, sl.plan_linkage_import(engine, rid, other, "b.xlsx"), author="bob"
    )  # someone else first, same id
    with pytest.raises(store.ValidationError, match="already exists"):
        sl.commit_linkage_import(engine, plan, author="alice")
    assert count(engine, s.institutions) == 5


def test_export_round_trips_through_import(engine):
    rid = new_round(engine)
    two_institutions(engine)
    three_links(engine, rid)
    tables = sl.export_linkages(engine, rid)
    assert len(tables["links"]) == 3 and set(tables["links"]["cluster_id"]) == {CHILI}
    buf = io.StringIO()
    tables["links"].to_csv(buf, index=False)
    plan = sl.plan_linkage_import(engine, rid, buf.getvalue().encode(), "links.csv")
    assert plan.ok and plan.summary().endswith("3 unchanged link")


# --------------------------------------------------------------------------- views (the "done when" scenario, in the model)


def _links(ds, lk, round_id) -> L.LinkageView:
    """The round's linkages as a page takes them: from its view."""
    return make_view(ds, round_id, linkages=lk).linkages


def test_red_chili_scenario_missing_links_and_change_since_previous_round(engine):
    rid = new_round(engine)
    two_institutions(engine)
    three_links(engine, rid)
    ds = store.load_dataset(engine)
    lk = sl.load_linkages(engine, ds)

    table = _links(ds, lk, rid).cluster_links(CHILI)
    assert list(table["Status"]) == ["active", "weak", "needed but absent"]
    assert set(table["Source"]) == {ds.citation("icck_desk")}

    missing = _links(ds, lk, rid).missing_links(CHILI).set_index("link_type")
    assert "membership" not in missing.index  # an active link provides it
    assert (
        missing.at["training", "State"] == "weak"
        and "A technical institute" in missing.at["training", "Links"]
    )
    assert missing.at["research", "State"] == "absent"
    assert missing.at["finance", "State"] == "unknown" and "unknown" in missing.at["finance", "Links"]
    assert "market_access" not in missing.index  # not expected by the support/technology indicators
    assert "Access to finance: not assessed" in missing.at["finance", "What the assessments say"]

    changes = _links(ds, lk, rid).changes_since(_links(ds, lk, "desk-2026"), [CHILI]).set_index("link_type")
    assert changes.at["membership", "change"] == "unknown → active"
    assert changes.at["research", "change"] == "unknown → absent"
    assert changes.at["finance", "change"] == "no change" and changes.at["finance", "state_now"] == "unknown"
    wide = L.matrix_table(
        ds,
        _links(ds, lk, rid).matrix([CHILI]),
        _links(ds, lk, rid).changes_since(_links(ds, lk, "desk-2026"), [CHILI]),
    )
    assert wide.loc[0, "Membership"] == "active (1) [was unknown]" and wide.loc[0, "Finance"] == "unknown"


def test_a_recorded_need_is_a_missing_link_even_of_a_kind_no_indicator_expects(engine):
    """(#24 item 23) market access is not expected by the support/technology indicators, but a link
    recorded as needed but absent says the cluster needs it: the panel lists it."""
    rid = new_round(engine)
    two_institutions(engine)
    three_links(engine, rid)
    sl.save_links(
        engine,
        rid,
        [
            {
                "institution_id": "umerkot_growers",
                "cluster_id": CHILI,
                "link_type": "market_access",
                "status": "needed but absent",
                "source_id": "icck_desk",
            }
        ],
        author="alice",
    )
    ds = store.load_dataset(engine)
    lk = sl.load_linkages(engine, ds)
    missing = _links(ds, lk, rid).missing_links(CHILI).set_index("link_type")
    assert missing.at["market_access", "State"] == "absent"
    assert "Umerkot chili growers' association" in missing.at["market_access", "Links"]
    assert "membership" not in missing.index  # an active link still provides its kind


def test_links_carry_forward_to_later_real_rounds_but_not_back(engine):
    rid = new_round(engine)
    ds = store.load_dataset(engine)
    lk = sl.load_linkages(engine, ds)
    assert (
        _links(ds, lk, rid).matrix(["dates_palm"]).set_index("link_type").at["infrastructure", "state"]
        == "active"
    )
    two_institutions(engine)
    three_links(engine, rid)
    ds, lk = store.load_dataset(engine), None
    lk = sl.load_linkages(engine, ds)
    assert set(_links(ds, lk, "desk-2026").matrix([CHILI])["state"]) == {"unknown"}


def test_unknown_is_never_counted_as_absent(dataset):
    lk = L.Linkages(
        pd.DataFrame(columns=L.INSTITUTION_COLUMNS),
        pd.DataFrame(
            columns=["round_id", "institution_id", "target", "link_type", "status", "source_id", "note"]
        ),
    )
    long = _links(dataset, lk, "desk-2026").matrix()
    assert L.state_counts(long) == {"active": 0, "weak": 0, "absent": 0, "unknown": 16 * len(L.LINK_TYPES)}


def test_network_svg_draws_each_link_by_status_and_escapes_names(engine):
    rid = new_round(engine)
    sl.add_institutions(
        engine,
        [
            {
                "institution_id": "evil",
                "name": "<script>alert(1)</script> & co",
                "kind": "ngo",
                "source_id": "icck_desk",
            }
        ],
        author="alice",
    )
    two_institutions(engine)
    three_links(engine, rid)
    sl.save_links(
        engine,
        rid,
        [
            {
                "institution_id": "evil",
                "cluster_id": CHILI,
                "link_type": "finance",
                "status": "weak",
                "source_id": "icck_desk",
            }
        ],
        author="alice",
    )
    ds = store.load_dataset(engine)
    lk = sl.load_linkages(engine, ds)
    svg = _links(ds, lk, rid).network_svg(CHILI)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = ET.fromstring(svg)  # well-formed
    ns = "{http://www.w3.org/2000/svg}"
    paths = [p for p in root.iter(f"{ns}path") if p.get("class") == "link"]
    assert sorted(p.get("data-status") for p in paths) == ["active", "needed but absent", "weak", "weak"]
    dash = {p.get("data-status"): p.get("stroke-dasharray") for p in paths}
    assert (
        dash["active"] is None
        and dash["weak"]
        and dash["needed but absent"]
        and dash["weak"] != dash["needed but absent"]
    )
    kinds = {
        g.get("data-institution"): g.get("data-kind")
        for g in root.iter(f"{ns}g")
        if g.get("class") == "institution-node"
    }
    assert kinds == {
        "umerkot_growers": "association",
        "sindh_tvet": "technical_institute",
        "muet": "university",
        "evil": "ngo",
    }


def test_store_without_linkage_tables_is_upgraded_and_seeded(tmp_path):
    """A store created before step 6 gets the tables and the seed on next start."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = store.make_engine(url)
    assert store.upgrade(old, to_step=5) == [1, 2, 3, 4, 5]
    assert store.seed_if_empty(old) == []
    old.dispose()
    eng = store.open_store(url)
    assert store.current_version(eng) == store.SCHEMA_VERSION >= 6
    assert count(eng, s.institutions) == 4 and count(eng, s.links) == 1
    with eng.connect() as conn:
        assert (
            conn.execute(select(s.sources.c.source_id).where(s.sources.c.source_id == "inst_coords")).first()
            is not None
        )


def test_editor_corrects_an_institution_with_history_and_conflict_check(engine):
    ds = store.load_dataset(engine)
    lk = sl.load_linkages(engine, ds)
    v = int(lk.institutions.set_index("institution_id").at["sedf", "version"])
    sl.update_institution(
        engine,
        "sedf",
        {
            "district": "Karachi South",
            "lat": "24.85",
            "lon": "67.02",
            "location_note": "verified on OSM",
            "location_source_id": "inst_coords",
        },
        base_version=v,
        author="alice",
    )
    row = sl.load_linkages(engine, ds).institutions.set_index("institution_id").loc["sedf"]
    assert (row["district"], row["lat"], row["version"]) == ("Karachi South", 24.85, v + 1)
    last = sl.institution_history(engine, "sedf").iloc[0]
    assert (
        last["action"] == "update"
        and '"lat": null' in last["old_value"]
        and '"lat": 24.85' in last["new_value"]
    )
    with pytest.raises(store.ValidationError, match="changed by alice"):
        sl.update_institution(engine, "sedf", {"name": "SEDF"}, base_version=v, author="bob")
    with pytest.raises(store.ValidationError, match="outside the province"):
        sl.update_institution(
            engine, "sedf", {"lat": "33.7", "lon": "73.1"}, base_version=v + 1, author="bob"
        )
    assert (
        sl.load_linkages(engine, ds).institutions.set_index("institution_id").at["sedf", "version"] == v + 1
    )


def test_round_workbook_imports_again_unchanged_and_institutions_are_not_duplicated(engine):
    rid = new_round(engine)
    two_institutions(engine)
    three_links(engine, rid)
    name, data = tables.linkage_workbook(engine, rid)
    assert name == f"linkages-{rid}.xlsx"
    links_only = _xlsx(
        {"links": [list(r) for r in __import__("openpyxl").load_workbook(io.BytesIO(data))["links"].values]}
    )
    plan = sl.plan_linkage_import(engine, rid, links_only, name)
    assert plan.ok and plan.summary().endswith("3 unchanged link")
    # The whole workbook again: its institutions are the stored ones, unchanged, not new.
    whole = sl.plan_linkage_import(engine, rid, data, name)
    assert whole.ok, whole.issues
    assert (
        (whole.preview["change"] == "unchanged institution").sum() == 6
        and whole.summary().endswith("6 unchanged institution(s)")
        and "new institution" not in set(whole.preview["change"])
    )
    before = count(engine, s.institution_history)
    sl.commit_linkage_import(engine, whole, author="alice")
    assert count(engine, s.institution_history) == before
    # An exported institution edited in the sheet is not silently overwritten: it is refused, by line.
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    wb["institutions"]["B2"] = "Renamed"
    buf = io.BytesIO()
    wb.save(buf)
    edited = sl.plan_linkage_import(engine, rid, buf.getvalue(), name)
    assert [(i.row, i.column) for i in edited.issues] == [
        (2, "institution_id")
    ] and "already exists" in edited.issues[0].message
