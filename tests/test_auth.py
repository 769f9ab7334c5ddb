"""Sign-in: hashing, the add-user command, and the Data page's write paths behind sign-in (AppTest)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from signin_support import PASSWORD, page_app, password_hash, sign_in
from streamlit.testing.v1 import AppTest

from cluster_model import store
from cluster_model.auth import authenticate, hash_password, verify_password

REPO = Path(__file__).resolve().parent.parent
HASH = password_hash(PASSWORD)  # the editor's, as the page's secrets hold it
WRITE_FUNCTIONS = ["save_assessments", "create_round", "commit_import", "import_file", "plan_import"]


def test_hash_is_salted_and_verifies():
    other = hash_password(PASSWORD)
    assert HASH != other and PASSWORD not in HASH  # salted, not the password
    assert verify_password(PASSWORD, HASH) and verify_password(PASSWORD, other)
    assert not verify_password(PASSWORD + "x", HASH)
    assert not verify_password(PASSWORD, "scrypt$broken") and not verify_password(PASSWORD, "")
    with pytest.raises(ValueError):
        hash_password("short")


def test_authenticate():
    users = {"alice": {"name": "Alice Example", "password_hash": HASH}}
    user = authenticate(users, " Alice ", PASSWORD)
    assert user is not None and user.label == "Alice Example (alice)"
    assert authenticate(users, "alice", "wrong password!") is None
    assert authenticate(users, "mallory", PASSWORD) is None
    assert authenticate({}, "alice", PASSWORD) is None


def test_add_user_script_stores_only_a_hash(tmp_path):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('[connections.atlas]\nurl = "sqlite:///x.db"\n')
    run = lambda *args, pw=PASSWORD: subprocess.run(
        [sys.executable, "scripts/add_user.py", *args, "--password-stdin", "--secrets", str(secrets)],
        input=pw + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    done = run("alice", "--name", "Alice Example")
    assert done.returncode == 0, done.stderr
    data = tomllib.loads(secrets.read_text())
    record = data["atlas_auth"]["users"]["alice"]
    assert data["connections"]["atlas"]["url"] == "sqlite:///x.db"  # the rest of the file is kept
    assert verify_password(PASSWORD, record["password_hash"]) and PASSWORD not in secrets.read_text()
    for out in (done.stdout, done.stderr):
        assert PASSWORD not in out and record["password_hash"] not in out
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    again = run("alice")
    assert again.returncode != 0 and "already exists" in again.stderr
    assert run("alice", "--replace", pw="a new long password").returncode == 0
    record = tomllib.loads(secrets.read_text())["atlas_auth"]["users"]["alice"]
    assert (
        verify_password("a new long password", record["password_hash"]) and record["name"] == "Alice Example"
    )
    assert run("bob", pw="short").returncode != 0


def test_secrets_file_is_ignored_by_git():
    out = subprocess.run(
        ["git", "check-ignore", ".streamlit/secrets.toml"], cwd=REPO, capture_output=True, text=True
    )
    assert out.returncode == 0


# --------------------------------------------------------------------------- the Data page


@pytest.fixture
def page(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path}/page.db")
    calls: list[str] = []
    for name in WRITE_FUNCTIONS:
        real = getattr(store, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(store, name, spy)
    at = page_app("data", timeout=60)
    at.calls = calls
    return at


def _everything(at: AppTest) -> str:
    """All the page's output, as text (every element's protobuf)."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def test_signed_out_session_reaches_no_write_path(page):
    page.run()
    assert not page.exception
    labels = [b.label for b in page.button]
    assert labels == ["Sign in"]  # no Save, Commit import, Create round, Reload
    assert not page.get("arrow_data_editor") and not page.get("file_uploader") and not page.tabs
    text = _everything(page)
    assert "Export round as CSV" in text  # viewing and exporting are public
    assert "Create round" not in text and "Commit import" not in text and "Import into round" not in text
    assert page.calls == []


def test_wrong_password_is_refused(page):
    page.run()
    sign_in(page, "alice", "not the password")
    assert [e.value for e in page.error] == ["Wrong username or password."]
    assert [b.label for b in page.button] == ["Sign in"] and not page.tabs
    sign_in(page, "mallory", PASSWORD)  # unknown user: the same message
    assert [e.value for e in page.error] == ["Wrong username or password."]
    assert page.calls == []
    text = _everything(page)
    assert HASH not in text and PASSWORD not in text and "scrypt$" not in text


def test_signed_in_editor_can_open_a_round_and_no_hash_is_shown(page):
    page.run()
    sign_in(page, "alice", PASSWORD)
    assert not page.exception and not page.error
    assert [t.label for t in page.tabs] == ["Edit round", "Import", "New round", "History"]
    assert any("Signed in as **Alice Example (alice)**" in c.value for c in page.sidebar.caption)
    inputs = {t.label: t for t in page.text_input}
    inputs["Round id"].input("survey-2027")
    inputs["Name"].input("Survey 2027")
    next(b for b in page.button if b.label == "Create round").click()
    page.run()
    assert not page.exception, page.exception
    assert "create_round" in page.calls
    assert page.selectbox(key="data_round").value == "survey-2027"  # the new round is open
    rounds = store.list_rounds(store.open_store(os.environ["ATLAS_DB_URL"]))
    assert rounds.set_index("round_id").at["survey-2027", "created_by"] == "Alice Example (alice)"
    text = _everything(page)
    assert HASH not in text and "scrypt$" not in text and PASSWORD not in text
