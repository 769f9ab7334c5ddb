"""Issue 16: hostile and careless input. Each test failed on the code before the fix (8cd406b).

Markup from data, sign-in guessing, spreadsheet bombs, CSV line numbers, note
length, boundary coordinates, rules ranges, the workshop link's item, PDF letters,
the visitor's error page.
"""

from __future__ import annotations

import io
import logging
import math
import re
import tomllib
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from openpyxl import Workbook
from signin_support import PASSWORD, page_app, page_store, password_hash, sign_in
from streamlit.testing.v1 import AppTest

from cluster_model import store
from cluster_model import workshop as ws
from cluster_model.auth import LOCK_AFTER, User
from cluster_model.issues import DataFileError
from cluster_model.loading import MAX_NOTE_CHARS, load_dataset, read_csv_rows
from cluster_model.markup import esc, md
from cluster_model.store import dialogue as dl
from cluster_model.store import signin
from cluster_model.store.importer import read_assessments
from cluster_model.uploads import MAX_ROWS
from geo.boundaries import load_boundaries
from outputs import tables, workshop_summary
from tests.store_support import backend, engine, store_env
from tests.xlsx_files import header_row, sheet_xml, workbook_with_sheet_xml
from ui.state import Vocabulary, parse_query

REPO = Path(__file__).resolve().parent.parent
HOSTILE_HTML = """<iframe srcdoc="<script>parent.document.title='pwned'</script>"></iframe><img src=x onerror=alert(1)>"""
HOSTILE_MD = (
    "![tracker](http://evil.example/pixel.png) [click me](http://evil.example/) www.evil.example <b>bold</b>"
)
HEADER = "round_id,cluster_id,indicator_id,status,source_id,note"


@pytest.fixture
def db(tmp_path, monkeypatch):
    engine = page_store(tmp_path, monkeypatch, "hardening")
    yield engine
    engine.dispose()


def _live(markdown: str) -> str:
    """The Markdown without its backslash-escaped characters: what could still act as syntax."""
    return re.sub(r"\\.", "", markdown)


def _elements(at: AppTest):
    out = []

    def walk(node):
        if getattr(node, "proto", None) is not None:
            out.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


def _markdown_protos(at: AppTest):
    """(body, allows HTML) of every Markdown-rendered element: markdown, captions, alerts."""
    out = []
    for node in _elements(at):
        proto = node.proto
        body = getattr(proto, "body", None)
        if isinstance(body, str) and body:
            out.append((body, bool(getattr(proto, "allow_html", False))))
    return out


# --------------------------------------------------------------------------- 1 and 4: no data value becomes markup


def test_escaping_helpers():
    assert esc(HOSTILE_HTML).count("<") == 0 and "&lt;iframe" in esc(HOSTILE_HTML)
    assert esc('" onmouseover="x') == "&quot; onmouseover=&quot;x"
    text = _live(md(HOSTILE_MD))
    for raw in ("![", "](", "[click", "<b>", "www.evil", "http:"):
        assert raw not in text, raw
    assert (
        md("district_aliases.csv") == "district_aliases.csv" and md("Alice (alice)") == "Alice (alice)"
    )  # plain text stays readable
    assert md("- item\n# heading\n1. one").splitlines()[0].startswith("\\-")
    assert "\\$" in md("$x$") and ":red\\[" in md(":red[x]")
    assert len(md("x" * 100_000, limit=80)) < 130


def test_workshop_presentation_escapes_venue_quote_and_speaker(db):
    dl.create_dialogue(
        db,
        round_id="dlg-x",
        name="Hostile",
        date="2027-01-01",
        venue=HOSTILE_HTML,
        facilitator="F",
        agenda="mango:T",
        author="seed",
    )
    dl.add_quote(
        db,
        "dlg-x",
        "mango",
        "technology",
        "industry",
        HOSTILE_MD + " " + HOSTILE_HTML,
        speaker_name="[me](http://evil.example)",
        author="seed",
    )
    at = AppTest.from_file(str(REPO / "pages" / "workshop.py"), default_timeout=90)
    at.query_params.update({"round": "dlg-x", "mode": "present"})
    at.run()
    assert not at.exception
    bodies = _markdown_protos(at)
    html_bodies = [b for b, allow in bodies if allow]
    assert any("&lt;iframe srcdoc=" in b for b in html_bodies)  # the venue is on screen, as text
    for body in html_bodies:
        assert "<iframe" not in body and "<img" not in body
    quote = _live(next(b for b, _ in bodies if "tracker" in b))
    assert "![" not in quote and "](" not in quote and "<iframe" not in quote and "www.evil" not in quote


def test_link_notice_repeats_little_and_no_markdown():
    vocab = Vocabulary(clusters=("mango",), districts=("Thatta",), rounds=("r1",), default_round="r1")
    _, notices = parse_query(
        {
            "district": "![x](http://evil.example/p.png)" + "A" * 100_000,
            "sectors": ",".join(f"bad{i}" for i in range(50)),
        },
        vocab,
    )
    assert len(notices) == 2 and all(len(n) < 400 for n in notices)
    assert "more" in notices[1]
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["district"] = "![x](http://evil.example/p.png)" + "A" * 100_000
    at.run()
    assert not at.exception
    warning = next(w.value for w in at.warning if "district value" in w.value)
    assert "![" not in _live(warning) and "](" not in _live(warning) and len(warning) < 400


def test_visitors_see_no_traceback():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    from cluster_model.uploads import MAX_BYTES

    assert (
        config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_BYTES
    )  # a bigger upload is refused before it is read


# --------------------------------------------------------------------------- 2: sign-in throttling in the store


def test_failures_grow_delays_and_lock_across_engines(tmp_path):
    url = f"sqlite:///{tmp_path}/t.db"
    engine = store.open_store(url)
    t0 = datetime(2027, 1, 1, tzinfo=UTC)
    for i in range(3):
        assert signin.check_allowed(engine, "alice", "10.0.0.1", now=t0) is None
        signin.record_failure(engine, "alice", "10.0.0.1", now=t0)
    refusal = signin.check_allowed(
        engine, "alice", "10.0.0.9", now=t0
    )  # another address: the account still waits
    assert refusal is not None and not refusal.locked and refusal.wait_seconds >= 2
    signin.record_failure(engine, "alice", "10.0.0.1", now=t0 + timedelta(seconds=10))
    later = signin.check_allowed(engine, "alice", "10.0.0.1", now=t0 + timedelta(seconds=10))
    assert later.wait_seconds > refusal.wait_seconds  # the delay grows
    # A restart (a new engine on the same database) or another server: the same count.
    engine.dispose()
    engine = store.make_engine(url)
    assert signin.check_allowed(engine, "alice", None, now=t0 + timedelta(seconds=10)) is not None
    now = t0 + timedelta(seconds=20)
    for i in range(LOCK_AFTER["account"] - 4):
        now += timedelta(minutes=2)
        signin.record_failure(engine, "alice", "10.0.0.1", now=now)
    locked = signin.check_allowed(engine, "alice", "10.0.0.2", now=now + timedelta(minutes=2))
    assert locked is not None and locked.locked and "locked" in locked.message()
    assert [(l["kind"], l["key"]) for l in signin.locks(engine, now=now)] == [("account", "alice")]
    assert (
        signin.check_allowed(engine, "alice", "10.0.0.2", now=now + timedelta(minutes=16)) is None
    )  # the timeout lifts it
    signin.record_failure(engine, "alice", "10.0.0.1", now=now + timedelta(minutes=16))
    signin.lift_lock(engine, "account", "alice")  # an admin lifts it
    assert signin.check_allowed(engine, "alice", "10.0.0.3", now=now + timedelta(minutes=16)) is None
    engine.dispose()


def test_address_is_throttled_across_accounts(db):
    t0 = datetime(2027, 1, 1, tzinfo=UTC)
    for i in range(4):
        signin.record_failure(db, f"user{i}", "10.9.9.9", now=t0)
    refusal = signin.check_allowed(db, "someone-else", "10.9.9.9", now=t0)
    assert refusal is not None and refusal.kind == "address"
    assert signin.check_allowed(db, "someone-else", "10.1.1.1", now=t0) is None


def _data_page(secrets_users: dict | None = None) -> AppTest:
    return page_app("data", timeout=60, users=secrets_users, editor=False)


def test_guessing_is_throttled_across_browser_sessions_and_logged_without_password(db, caplog, monkeypatch):
    # The first delay is 2 s: on a loaded machine the next AppTest run can take longer than that, and the
    # attempt is then rightly allowed. A delay longer than any run keeps this test about the throttle.
    from cluster_model.store import signin as signin_store

    delay = signin_store.retry_delay_seconds
    monkeypatch.setattr(signin_store, "retry_delay_seconds", lambda n: 600 if delay(n) else 0)
    users = {"alice": {"name": "Alice", "password_hash": password_hash(PASSWORD)}}
    caplog.set_level(logging.INFO, logger="atlas.auth")
    for attempt in range(3):
        at = _data_page(users)  # a new browser session each time (a reload)
        at.run()
        sign_in(at, "alice", f"guess number {attempt}")
        assert [e.value for e in at.error] == ["Wrong username or password."]
    at = _data_page(users)
    at.run()
    sign_in(at, "alice", PASSWORD)  # even the right password waits now: nothing is checked
    assert not at.tabs and "Too many failed sign-ins" in at.error[0].value
    logged = caplog.text
    assert "alice" in logged and "guess number" not in logged and PASSWORD not in logged


def test_password_field_autocompletes_current_password(db):
    at = _data_page({"alice": {"name": "Alice", "password_hash": password_hash(PASSWORD)}})
    at.run()
    assert at.text_input(key="atlas_signin_password").proto.autocomplete == "current-password"
    assert at.text_input(key="atlas_signin_user").proto.autocomplete == "username"


# --------------------------------------------------------------------------- issue 10: sessions and the first editor


def test_session_token_lives_bounded_and_ends_on_sign_out(db):
    t0 = datetime(2027, 1, 1, tzinfo=UTC)
    token = signin.create_session(db, User("alice", "Alice"), now=t0)
    assert signin.session_user(db, token, now=t0 + timedelta(hours=11)) == User("alice", "Alice")
    assert signin.session_user(db, token, now=t0 + timedelta(hours=12, seconds=1)) is None  # expired
    assert (
        signin.session_user(db, token + "x", now=t0) is None and signin.session_user(db, "", now=t0) is None
    )
    with db.connect() as conn:  # only a hash of the token is stored
        stored = conn.exec_driver_sql("SELECT token_sha256 FROM editor_sessions").scalars().all()
    assert token not in stored and len(stored) == 1
    signin.end_session(db, token)
    assert signin.session_user(db, token, now=t0 + timedelta(hours=1)) is None


def test_first_editor_needs_the_setup_code_and_only_once(db):
    from ui import auth

    at = _data_page()
    at.run()
    assert "setup code" in " ".join(i.value for i in at.info)
    fields = {t.key: t for t in at.text_input}
    fields["atlas_setup_code"].input("wrong code")
    fields["atlas_setup_user"].input("alice")
    fields["atlas_setup_name"].input("Alice Example")
    fields["atlas_setup_password"].input(PASSWORD)
    fields["atlas_setup_repeat"].input(PASSWORD)
    next(b for b in at.button if b.label == "Create the first editor").click()
    at.run()
    assert "not the setup code" in at.error[0].value and not signin.accounts(db)
    at.text_input(key="atlas_setup_code").input(auth.setup_code())
    next(b for b in at.button if b.label == "Create the first editor").click()
    at.run()
    assert not at.exception and [t.label for t in at.tabs][:2] == ["Edit round", "Import"]
    record = signin.accounts(db)["alice"]
    assert (
        record["admin"]
        and record["password_hash"].startswith("scrypt$")
        and PASSWORD not in record["password_hash"]
    )
    again = _data_page()
    again.run()
    assert not [
        t for t in again.text_input if t.key == "atlas_setup_code"
    ]  # an account exists: no setup form
    assert [b.label for b in again.button] == ["Sign in"]
    with pytest.raises(ValueError):
        signin.create_first_account(db, "mallory", "M", PASSWORD)
    sign_in(again, "alice", PASSWORD)
    assert [t.label for t in again.tabs][:1] == ["Edit round"]


def test_admin_lifts_a_lock_on_the_data_page(db):
    users = {"root": {"name": "Admin", "password_hash": password_hash(PASSWORD), "admin": True}}
    for i in range(LOCK_AFTER["account"]):
        signin.record_failure(db, "bob", f"10.0.0.{i}", now=datetime.now(UTC) - timedelta(seconds=5))
    assert signin.locks(db)
    at = _data_page(users)
    at.run()
    sign_in(at, "root", PASSWORD)
    assert any(e.label.startswith("Sign-in locks (1)") for e in at.expander)
    next(b for b in at.button if b.label == "Lift").click()
    at.run()
    assert not signin.locks(db)


# --------------------------------------------------------------------------- 3: spreadsheet bombs


def _xlsx_with_sheet_xml(xml: str) -> bytes:
    return workbook_with_sheet_xml(xml, "assessments", HEADER.split(","))


def _header_row() -> str:
    return header_row(HEADER.split(","))


def test_xlsx_declaring_a_huge_sheet_is_refused_before_reading():
    data = _xlsx_with_sheet_xml(sheet_xml(_header_row(), "A1:XFD1048576"))
    with pytest.raises(store.ValidationError) as info:
        read_assessments(data, "big.xlsx")
    assert "declares 1,048,576 rows" in info.value.issues[0].message


def test_xlsx_reading_stops_at_the_row_limit():
    rows = _header_row() + "".join(
        f'<row r="{n}"><c r="B{n}" t="inlineStr"><is><t>mango</t></is></c></row>' for n in range(2, 200_002)
    )
    data = _xlsx_with_sheet_xml(sheet_xml(rows, None))  # no declared size: the limit applies while reading
    assert len(data) < 2_000_000
    with pytest.raises(store.ValidationError) as info:
        read_assessments(data, "many.xlsx")
    issue = info.value.issues[0]
    assert issue.message == f"more than {MAX_ROWS:,} rows" and issue.row == MAX_ROWS + 2


def test_xlsx_unpacking_to_too_much_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/media/padding.bin", b"\0" * 60_000_000)
    data = out.getvalue()
    assert len(data) < 200_000
    with pytest.raises(store.ValidationError) as info:
        read_assessments(data, "bomb.xlsx")
    assert "unpacks to" in info.value.issues[0].message


# --------------------------------------------------------------------------- 5: inputs that crashed or misled


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = store.open_store(f"sqlite:///{tmp_path}/imp.db")
    store.create_round(
        engine, round_id="survey-2027", name="Survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    yield engine
    engine.dispose()


def test_column_named_like_an_internal_one_is_ignored(sqlite_engine):
    data = (HEADER + ",_line,change,base_version\n,mango,tech_rnd_link,present,icck_desk,ok,7,x,9\n").encode()
    plan = store.plan_import(sqlite_engine, "survey-2027", data, "extra.csv")
    assert plan.ok and plan.count("new") == 1 and int(plan.changes.iloc[0]["_line"]) == 2
    twice = (HEADER + ",status\n,mango,tech_rnd_link,present,icck_desk,ok,absent\n").encode()
    plan = store.plan_import(sqlite_engine, "survey-2027", twice, "twice.csv")
    assert not plan.ok and "more than once" in plan.issues[0].message


def test_csv_lines_are_counted_from_the_file(sqlite_engine):
    data = (
        HEADER
        + '\n\n,mango,tech_rnd_link,present,icck_desk,"two\nlines"\n\n\n,rice,tech_equipment,good,icck_desk,x\n'
    ).encode()
    plan = store.plan_import(sqlite_engine, "survey-2027", data, "blank.csv")
    assert [(i.row, i.column) for i in plan.issues] == [(7, "status")]  # line 7 in any editor


def test_csv_unquoted_comma_names_the_line(sqlite_engine):
    data = (
        HEADER
        + "\n,mango,tech_rnd_link,present,icck_desk,fine\n,rice,tech_equipment,absent,icck_desk,husking, by hand\n"
    ).encode()
    plan = store.plan_import(sqlite_engine, "survey-2027", data, "comma.csv")
    issue = plan.issues[0]
    assert issue.row == 3 and "line 3 has 7 values" in issue.message and "double quotes" in issue.hint


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"a,b\n1,2\n\xff\xfe,3\n", "line 3 is not UTF-8"),
        (b'a,b\n1,"unterminated\n', "at line"),
        (b"a,b\n1,2\x00\n", "NUL"),
        (b"a,b\n1," + b"x" * 200_000 + b"\n", "at line 2"),
        (b"", "is empty"),
        (b"round_id;cluster_id;indicator_id\n;mango;x\n", "separated by ';'"),
        ("a,b\n1,2\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_unreadable_csv_says_where(raw, expected):
    with pytest.raises(DataFileError) as info:
        read_csv_rows(raw, "f.csv")
    assert expected in info.value.issue.message


def test_one_note_limit_for_every_path(sqlite_engine, data_copy):
    long_note = "n" * (MAX_NOTE_CHARS + 1)
    plan = store.plan_import(
        sqlite_engine,
        "survey-2027",
        (HEADER + f"\n,mango,tech_rnd_link,present,icck_desk,{long_note}\n").encode(),
        "long.csv",
    )
    assert not plan.ok and plan.issues[0].column == "note" and f"{MAX_NOTE_CHARS:,}" in plan.issues[0].message
    with pytest.raises(store.ValidationError):
        store.save_assessments(
            sqlite_engine,
            "survey-2027",
            [store.Edit("mango", "tech_rnd_link", "present", "icck_desk", long_note, 0)],
            author="alice",
        )
    with (data_copy / "assessments.csv").open("a", encoding="utf-8") as f:
        f.write(f"desk-2026,rice,tech_equipment,absent,hrd_study,{long_note}\n")
    ds = load_dataset(data_copy)
    assert any(i.column == "note" and "characters" in i.message for i in ds.issues)
    with pytest.raises(store.ValidationError):
        store.create_round(
            sqlite_engine,
            round_id="r-long",
            name="x",
            date="2027-01-01",
            kind="survey",
            author="a",
            notes=long_note,
        )


def _square(x0, y0, size):
    return shapely.box(x0, y0, x0 + size, y0 + size)


@pytest.mark.parametrize("suffix, declare", [(".geojson", None), (".gpkg", 4326)])
def test_projected_metres_declared_as_lonlat_are_refused(tmp_path, suffix, declare):
    gdf = gpd.GeoDataFrame(
        {"name": ["A", "B"]},
        geometry=[_square(500_000, 2_700_000, 10_000), _square(510_000, 2_700_000, 10_000)],
        crs=declare,
    )
    path = tmp_path / f"metres{suffix}"
    gdf.to_file(path)
    with pytest.raises(DataFileError) as info:
        load_boundaries(path, province=None)
    assert "not longitude/latitude" in info.value.issue.message and "reproject" in info.value.issue.hint


@pytest.mark.parametrize("bad", ["-0.5", ".nan", ".inf", "-.inf", "yes", "[1, 2]", "'0.5; DROP'"])
def test_rules_out_of_range_are_refused(data_copy, bad):
    rules = data_copy / "rules.yaml"
    rules.write_text(
        rules.read_text().replace("functional_max_missing: 0.5", f"functional_max_missing: {bad}")
    )
    ds = load_dataset(data_copy)
    assert ds.rules.functional_max_missing == 0.5  # the defaults, said so
    assert any(
        ("functional_max_missing" in i.message and "out of range" in i.message)
        or "not a number" in i.message
        or "could not convert" in i.message
        for i in ds.issues
    )


def test_rules_infinite_count_does_not_crash(data_copy):
    rules = data_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("min_assessed: 4", "min_assessed: .inf"))
    ds = load_dataset(data_copy)
    assert ds.rules.min_assessed == 4 and any("rules.yaml" in i.file for i in ds.issues)


@pytest.mark.parametrize("item", ["²", "٣", "-1", "1e9", "99999999999999999999", ""])
def test_workshop_item_from_a_link_never_crashes(db, item):
    dl.create_dialogue(
        db,
        round_id="dlg-i",
        name="Items",
        date="2027-01-01",
        venue="MUET",
        facilitator="F",
        agenda="mango:TS",
        author="seed",
    )
    at = AppTest.from_file(str(REPO / "pages" / "workshop.py"), default_timeout=90)
    at.query_params.update({"round": "dlg-i", "mode": "present", "item": item})
    at.run()
    assert not at.exception


def test_pdf_prints_urdu_and_sindhi_letters_and_refuses_to_drop_one(db, dataset):
    from pypdf import PdfReader

    dl.create_dialogue(
        db,
        round_id="dlg-u",
        name="اردو ڈائیلاگ",
        date="2027-01-01",
        venue="ٿرپارڪر",
        facilitator="F",
        agenda="mango:T",
        author="seed",
    )
    dl.add_quote(db, "dlg-u", "mango", "technology", "community", "پاڻي ۾ ے بہت کم ہے", author="seed")
    info = dl.get_session(db, "dlg-u").info
    rat, quotes = dl.ratings(db, "dlg-u"), dl.quotes(db, "dlg-u")
    gaps = ws.room_gaps(rat, dataset.rules, list(dataset.clusters["cluster_id"]))
    agenda = ws.Agenda.from_string("mango:T", list(dataset.clusters["cluster_id"]))
    pdf = workshop_summary.summary_pdf(dataset, info, gaps, quotes, agenda)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "ے" in text and "۾" in text and "ڻ" in text
    dl.add_quote(db, "dlg-u", "mango", "technology", "industry", "great 😀 ☃ 漢字", author="seed")
    with pytest.raises(DataFileError) as failed:
        workshop_summary.summary_pdf(dataset, info, gaps, dl.quotes(db, "dlg-u"), agenda)
    assert "U+6F22" in failed.value.issue.message  # named, not dropped


def test_workshop_fields_and_agenda_are_bounded(db):
    from cluster_model.store.dialogue import MAX_AGENDA_ITEMS

    with pytest.raises(store.ValidationError) as info:
        dl.create_dialogue(
            db,
            round_id="dlg-long",
            name="Long",
            date="2027-01-01",
            venue="V" * 10_000,
            facilitator="F",
            agenda="mango:T",
            author="seed",
        )
    assert info.value.issues[0].column == "venue"
    dl.create_dialogue(
        db,
        round_id="dlg-ok",
        name="Ok",
        date="2027-01-01",
        venue="MUET",
        facilitator="F",
        agenda="mango:T",
        author="seed",
    )
    with pytest.raises(store.ValidationError):
        dl.set_agenda(db, "dlg-ok", "mango:" + "T" * (MAX_AGENDA_ITEMS + 1), author="seed")
    with pytest.raises(store.ValidationError):
        dl.set_agenda(db, "dlg-ok", "mango:T," * 1_000_000, author="seed")
    with pytest.raises(store.ValidationError):
        dl.add_quote(
            db, "dlg-ok", "mango", "technology", "industry", "ok", speaker_name="S" * 5000, author="seed"
        )
    assert dl.get_session(db, "dlg-ok").agenda == "mango:T"


def test_add_user_can_make_an_admin_and_refuses_a_huge_password(tmp_path):
    import subprocess
    import sys

    secrets = tmp_path / "secrets.toml"
    run = lambda *args, pw=PASSWORD: subprocess.run(
        [sys.executable, "scripts/add_user.py", *args, "--password-stdin", "--secrets", str(secrets)],
        input=pw + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert run("root", "--admin").returncode == 0
    assert tomllib.loads(secrets.read_text())["atlas_auth"]["users"]["root"]["admin"] is True
    assert run("bob", pw="p" * 5000).returncode == 2


def test_csv_line_endings_all_count_the_same():
    for newline in ("\n", "\r\n", "\r"):
        raw = newline.join(["a,b", "", "1,2", '3,"x' + newline + 'y"', "5,6", ""]).encode()
        df, lines = read_csv_rows(raw, "f.csv")
        assert (
            lines == [3, 4, 6]
            and df.iloc[1]["b"] == "x" + newline + "y"
            or df.iloc[1]["b"].replace("\r\n", "\n").replace("\r", "\n") == "x\ny"
        )


def test_signin_throttle_on_every_backend(engine):
    """SQLite and PostgreSQL (tests.store_support): the same counts; concurrent failures all counted."""
    from concurrent.futures import ThreadPoolExecutor

    t0 = datetime(2027, 1, 1, tzinfo=UTC)
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda i: signin.record_failure(engine, "carol", f"10.0.1.{i}", now=t0),
                range(LOCK_AFTER["account"]),
            )
        )
    locks = signin.locks(engine, now=t0)
    assert [(l["kind"], l["key"], l["failures"]) for l in locks] == [
        ("account", "carol", LOCK_AFTER["account"])
    ]
    with pytest.raises(ValueError):
        signin.create_first_account(engine, "Not A Name!", "x", PASSWORD)
    signin.create_first_account(engine, "carol", "Carol", PASSWORD)
    with pytest.raises(ValueError):
        signin.create_first_account(engine, "dave", "Dave", PASSWORD)


def test_text_from_data_files_never_becomes_markup(monkeypatch, data_copy):
    """Evidence, site notes and place names from the CSV files, on the Clusters page."""
    from support import append_row

    monkeypatch.delenv("ATLAS_DB_URL")  # a store of its own, seeded from the copy
    append_row(
        data_copy / "evidence.csv",
        'E99,"![t](http://evil.example/p.png) <iframe srcdoc=x></iframe> see www.evil.example","[me](http://evil.example/me)",industry,technology,mango,dialogue2019',
    )
    append_row(
        data_copy / "sites.csv",
        'mango,"Tando <b>Jam</b>",Hyderabad,25.42,68.53,"![n](http://evil.example/n.png) :red[alarm] $x$",dialogue2019',
    )
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params.update({"cluster": "mango"})
    at.switch_page("pages/clusters.py").run()
    assert not at.exception
    bodies = _markdown_protos(at)
    assert any("evil" in b for b, _ in bodies)  # the hostile rows are on the page …
    for body, allow in bodies:  # … as text
        live = _live(body)
        assert (
            "](" not in live
            and "<iframe" not in live
            and "<b>" not in live
            and ":red[" not in live
            and "www.evil" not in live
        ), body


def _data_row(n: int, status: str = "present") -> str:
    values = ["", "mango", "tech_rnd_link" if n % 2 else "tech_equipment", status, "icck_desk", f"row {n}"]
    cells = "".join(
        f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values) if v
    )
    return f'<row r="{n}">{cells}</row>'


def test_xlsx_declaring_too_few_rows_is_read_to_its_end():
    data = _xlsx_with_sheet_xml(
        sheet_xml(_header_row() + _data_row(2) + _data_row(3) + _data_row(40, "good"), "A1:F2")
    )
    df = read_assessments(data, "small-dimension.xlsx")
    assert list(df["_line"]) == [2, 3, 40]  # nothing cut off at the declared row 2


def test_xlsx_far_away_row_is_refused_without_reading_a_million_blank_rows():
    data = _xlsx_with_sheet_xml(sheet_xml(_header_row() + _data_row(2) + _data_row(1_000_000), None))
    with pytest.raises(store.ValidationError) as info:
        read_assessments(data, "far.xlsx")
    assert "blank rows count too" in info.value.issues[0].message
