"""AppTest pages with a signed-in editor and a store of their own (imported by name: keep this module name unique).

The page tests used to repeat these: the editor in secrets.toml, the sign-in form filled in and
submitted, a fresh store the page opens through ATLAS_DB_URL.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from streamlit.testing.v1 import AppTest
from support import REPO

from cluster_model import store
from cluster_model.auth import User, hash_password

EDITOR, EDITOR_NAME = "alice", "Alice Example"
PASSWORD = "correct horse battery 9"


@cache
def password_hash(password: str = PASSWORD) -> str:
    return hash_password(password)  # salted and slow on purpose: once per test run is enough


def editor_users(name: str = EDITOR_NAME, password: str = PASSWORD) -> dict:
    """``[atlas_auth] users`` with one editor, as secrets.toml holds them."""
    return {EDITOR: {"name": name, "password_hash": password_hash(password)}}


def page_app(
    page: str,
    *,
    timeout: float = 90,
    users: dict | None = None,
    editor: bool = True,
    signed_in: str | None = None,
    **query,
) -> AppTest:
    """An AppTest of ``pages/<page>.py`` (not run yet) whose secrets hold the editor, or ``users``
    (``editor=False``: no accounts in secrets at all, as on a fresh install). ``signed_in``: that
    account is signed in already (as after signing in on the Data page: it sees draft rounds)."""
    at = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=timeout)
    if users is not None or editor:
        at.secrets["atlas_auth"] = {"users": users if users is not None else editor_users()}
    if signed_in:
        as_signed_in(at, signed_in, users)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def as_signed_in(at: AppTest, username: str = EDITOR, users: dict | None = None) -> AppTest:
    """``at`` (not run yet) with ``username`` signed in already, as after signing in on the Data page
    (``ui.auth`` keeps the editor in this session key): it sees draft rounds."""
    record = (users if users is not None else editor_users())[username]
    at.session_state["atlas_editor"] = User.from_record(username, record)
    return at


def sign_in(at: AppTest, username: str = EDITOR, password: str = PASSWORD) -> AppTest:
    """Fill in and submit the sign-in form of a page that has run; the page runs again."""
    at.text_input(key="atlas_signin_user").input(username)
    at.text_input(key="atlas_signin_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    return at


def page_store(tmp_path: Path, monkeypatch, name: str = "page"):
    """A fresh store at ``<tmp_path>/<name>.db`` that the pages open (ATLAS_DB_URL); dispose it after."""
    url = f"sqlite:///{tmp_path}/{name}.db"
    monkeypatch.setenv("ATLAS_DB_URL", url)
    return store.open_store(url)


SURVEY_ROUND = "survey-2027"


def page_store_with_survey_round(tmp_path: Path, monkeypatch, name: str = "page"):
    """:func:`page_store` holding one empty survey round, ``SURVEY_ROUND``: what the import pages' tests start from."""
    engine = page_store(tmp_path, monkeypatch, name)
    store.create_round(
        engine,
        round_id=SURVEY_ROUND,
        name="Cluster survey 2027",
        date="2027-03-01",
        kind="survey",
        author="alice",
    )
    return engine
