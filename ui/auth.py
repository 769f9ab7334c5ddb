"""Sign-in for editors. Viewing is public; every write path calls :func:`require_editor`.

Two modes, chosen in ``.streamlit/secrets.toml`` (see docs/auth.md):

* local (default): ``[atlas_auth.users.<username>]`` with ``password_hash``
  (added with ``scripts/add_user.py``), plus the first editor created in the
  browser with the one-time setup code the server prints to its console. A
  successful sign-in opens a session in the store (12 h): the browser keeps a
  random token in an HttpOnly cookie that the server sets (ui/session_cookie.py),
  so a reload keeps the editor signed in; signing out deletes the session. Failed sign-ins are throttled per account and per client
  address in the store (cluster_model.store.signin).
* oidc: ``[atlas_auth] mode = "oidc"`` plus Streamlit's ``[auth]`` section;
  ``st.login()`` signs in, and only e-mails listed in ``[atlas_auth] editors``
  may edit.

Nothing here shows, logs or stores a password or a hash.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
from collections.abc import Mapping

import streamlit as st

from cluster_model.auth import MIN_PASSWORD_LENGTH, USERNAME_PATTERN, User, authenticate
from cluster_model.issues import Refused
from cluster_model.store import signin
from ui import session_cookie
from ui.chrome import error_text, show_error
from ui.i18n import _

AUTH_SECTION = "atlas_auth"
COOKIE = session_cookie.COOKIE
_USER_KEY = "atlas_editor"
_TOKEN_KEY = "atlas_session_token"
_COOKIE_TODO = "atlas_session_cookie_todo"
_FLASH_KEY = "atlas_signin_flash"

log = logging.getLogger("atlas.auth")


def _settings() -> Mapping:
    try:
        section = st.secrets.get(AUTH_SECTION, {})
    except Exception:  # noqa: BLE001 - no secrets file: nobody can sign in, viewing still works
        return {}
    return section if isinstance(section, Mapping) else {}


def _engine():
    from ui.data_access import get_engine  # late: data_access imports much more

    return get_engine()


def auth_mode() -> str:
    return "oidc" if str(_settings().get("mode", "local")).lower() == "oidc" else "local"


def accounts() -> dict[str, Mapping]:
    """Local accounts: those made in the browser (store), then secrets.toml (which wins)."""
    users = dict(signin.accounts(_engine()))
    configured = _settings().get("users", {})
    if isinstance(configured, Mapping):
        users.update({str(k).lower(): v for k, v in configured.items()})
    return users


def _address() -> str:
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - no browser context
        ip = None
    return ip if isinstance(ip, str) and ip else "local"  # None on localhost


def _for_log(value: str) -> str:
    """A user-typed value made safe for one log line."""
    return repr(str(value)[:64])


# --------------------------------------------------------------------------- the session cookie


def _cookie_script(ticket: str) -> str:
    # The page only posts a one-time ticket; the server sets the HttpOnly cookie (ui/session_cookie.py).
    return (
        "<script>(function () { var w = window.parent;"
        f" w.fetch({json.dumps(session_cookie.ROUTE)}, {{method: 'POST', body: {json.dumps(ticket)},"
        " credentials: 'same-origin', cache: 'no-store'});"
        " })();</script>"
    )


def _flush_cookie() -> None:
    todo = st.session_state.pop(_COOKIE_TODO, None)  # the token to set, or "" to clear the cookie
    if todo is not None:
        st.iframe(_cookie_script(session_cookie.ticket_for(todo)), height=1)


def _from_cookie() -> str | None:
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser context
        return None
    return token if isinstance(token, str) and token else None


def current_editor() -> User | None:
    """The signed-in editor, or None (viewer)."""
    if auth_mode() == "oidc":
        try:
            if not st.user.is_logged_in:
                return None
            email = str(st.user.get("email") or "").lower()
        except Exception:  # noqa: BLE001 - st.user unavailable (no [auth] configured)
            return None
        editors = {str(e).lower() for e in _settings().get("editors", [])}
        reviewers = {str(e).lower() for e in _settings().get("reviewers", [])}
        if not email or email not in editors | reviewers:
            return None
        record = {"name": st.user.get("name") or email, "roles": ["reviewer"] if email in reviewers else []}
        return User.from_record(email, record)
    _flush_cookie()
    state = st.session_state
    user = state.get(_USER_KEY)
    token = state.get(_TOKEN_KEY)
    if isinstance(user, User):
        # The session may have been ended elsewhere (sign-out in another tab) or expired.
        if token and signin.session_user(_engine(), token) is None:
            state.pop(_USER_KEY, None)
            state.pop(_TOKEN_KEY, None)
            return None
        return user
    token = _from_cookie()
    if token and state.get("atlas_cookie_refused") != token:
        found = signin.session_user(_engine(), token)
        record = accounts().get(found.username) if found else None
        if found is not None and isinstance(record, Mapping):
            user = User.from_record(found.username, record)
            state[_USER_KEY], state[_TOKEN_KEY] = user, token
            return user
        state["atlas_cookie_refused"] = token  # expired or ended: ask for the password; clear the cookie
        state[_COOKIE_TODO] = ""
    return None


def sign_out() -> None:
    signin.end_session(_engine(), st.session_state.get(_TOKEN_KEY) or _from_cookie())
    st.session_state.pop(_USER_KEY, None)
    st.session_state.pop(_TOKEN_KEY, None)
    st.session_state[_COOKIE_TODO] = ""
    if auth_mode() == "oidc":
        st.logout()


def _signed_in(user: User) -> None:
    token = signin.create_session(_engine(), user)
    st.session_state[_USER_KEY], st.session_state[_TOKEN_KEY] = user, token
    st.session_state[_COOKIE_TODO] = token
    st.session_state.pop("atlas_cookie_refused", None)
    # Signed out, the Data page's round picker held published rounds only: open on the newest round
    # an editor sees (a draft, perhaps) rather than keep the visitor's pick.
    st.session_state.pop("data_round", None)


# --------------------------------------------------------------------------- the first editor (setup code)

_setup_lock = threading.Lock()
_setup_code: str | None = None


def setup_code() -> str:
    """This server's one-time code for creating the first editor; printed to the console once."""
    global _setup_code
    with _setup_lock:
        if _setup_code is None:
            _setup_code = secrets.token_urlsafe(12)
            print(
                f"\n  No editor account exists yet. To create the first one, open the Data or Workshop page\n"
                f"  and enter this setup code: {_setup_code}\n",
                flush=True,
            )
    return _setup_code


def announce_setup_code() -> None:
    """Print the setup code when the server starts serving and no account exists (app.py calls this)."""
    if auth_mode() == "local" and not accounts():
        setup_code()


def _first_editor_form() -> None:
    st.info(
        _(
            "No editor account exists yet. Create the first one (it can lift sign-in locks) with the **setup code** "
            "that the server printed in its console when it started. More editors are added with `scripts/add_user.py`."
        )
    )
    with st.form("atlas_first_editor", clear_on_submit=False):
        code = st.text_input(_("Setup code"), type="password", autocomplete="off", key="atlas_setup_code")
        username = st.text_input(
            _("Username"),
            key="atlas_setup_user",
            autocomplete="username",
            help=_("2-64 lower-case letters, digits, '.', '_' or '-'"),
        )
        name = st.text_input(_("Full name (shown with every change)"), key="atlas_setup_name", max_chars=200)
        password = st.text_input(
            _("Password"),
            type="password",
            autocomplete="new-password",
            key="atlas_setup_password",
            help=_("at least {n} characters").format(n=MIN_PASSWORD_LENGTH),
        )
        repeat = st.text_input(
            _("Repeat the password"), type="password", autocomplete="new-password", key="atlas_setup_repeat"
        )
        go = st.form_submit_button(_("Create the first editor"), type="primary")
    if not go:
        return
    engine, address = _engine(), _address()
    refusal = signin.check_allowed(engine, "(setup)", address)
    if refusal is not None:
        show_error(refusal.error())
        return
    if not hmac.compare_digest(str(code).strip().encode(), setup_code().encode()):
        signin.record_failure(engine, "(setup)", address)
        log.warning("first-editor setup refused: wrong setup code from %s", _for_log(address))
        st.error(
            _(
                "That is not the setup code this server printed. Look in the console where the app was started."
            )
        )
        return
    username = (username or "").strip().lower()
    if not USERNAME_PATTERN.match(username):
        st.error(_("The username must be 2-64 characters: lower-case letters, digits, '.', '_' or '-'."))
        return
    if password != repeat:
        st.error(_("The two passwords differ."))
        return
    try:
        user = signin.create_first_account(
            engine, username, (name or "").strip(), password, other_accounts=len(accounts())
        )
    except Refused as exc:
        st.error(_("Not created:") + " " + error_text(exc))
        return
    log.info("first editor %s created in the browser from %s", _for_log(username), _for_log(address))
    _signed_in(user)
    st.rerun()


# --------------------------------------------------------------------------- sign-in


def sign_in_panel() -> None:
    """The sign-in form (local) or button (OIDC)."""
    if auth_mode() == "oidc":
        try:
            logged_in = st.user.is_logged_in
        except Exception:  # noqa: BLE001
            logged_in = False
        if logged_in:
            st.warning(
                _(
                    "You are signed in, but your account is not on the editors' list. "
                    "Ask the ICCK administrator to add it."
                )
            )
            st.button(_("Sign out"), on_click=sign_out)
        else:
            st.button(_("Sign in to edit"), type="primary", on_click=st.login)
        return
    users = accounts()
    if not users:
        _first_editor_form()
        return
    with st.form("atlas_sign_in", clear_on_submit=True):
        st.markdown("**" + _("Sign in to edit") + "**")
        username = st.text_input(_("Username"), key="atlas_signin_user", autocomplete="username")
        password = st.text_input(
            _("Password"), type="password", key="atlas_signin_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(_("Sign in"))
    if submitted:
        engine, address = _engine(), _address()
        refusal = signin.check_allowed(engine, username, address)
        if refusal is not None:
            log.warning(
                "sign-in refused unchecked (%s, %s) for %s from %s",
                refusal.kind,
                "locked" if refusal.locked else "delay",
                _for_log(username),
                _for_log(address),
            )
            show_error(refusal.error())
            return
        user = authenticate(users, username, password)
        if user is None:
            signin.record_failure(engine, username, address)
            log.warning(
                "sign-in refused: wrong username or password for %s from %s",
                _for_log(username),
                _for_log(address),
            )
            st.error(_("Wrong username or password."))
        else:
            signin.record_success(engine, user.username)
            log.info("signed in: %s from %s", _for_log(user.username), _for_log(address))
            _signed_in(user)
            st.rerun()


def locks_panel(user: User) -> None:
    """For an admin: the sign-in locks in force, each with a button that lifts it."""
    if not user.admin:
        return
    found = signin.locks(_engine())
    with st.expander(_("Sign-in locks ({n})").format(n=len(found))):
        if not found:
            st.caption(_("No account or address is locked."))
        for i, lock in enumerate(found):
            c1, c2 = st.columns([4, 1])
            c1.text(
                _("{kind} {key}: {failures} failed sign-ins; locked until {until} UTC").format(
                    kind=lock["kind"],
                    key=lock["key"],
                    failures=lock["failures"],
                    until=f"{lock['locked_until']:%H:%M}",
                )
            )
            if c2.button(_("Lift"), key=f"atlas_lift_{i}"):
                signin.lift_lock(_engine(), lock["kind"], lock["key"])
                log.info(
                    "sign-in lock on %s %s lifted by %s",
                    lock["kind"],
                    _for_log(lock["key"]),
                    _for_log(user.username),
                )
                st.rerun()


def require_editor() -> User:
    """The signed-in editor; otherwise draw the sign-in panel and stop the page here."""
    user = current_editor()
    if user is None:
        sign_in_panel()
        st.stop()
    return user
