"""Sign-in for editors. Viewing is public; every write path calls :func:`require_editor`.

Two modes, chosen in ``.streamlit/secrets.toml`` (see docs/auth.md):

* local (default): ``[atlas_auth.users.<username>]`` with ``password_hash``
  (added with ``scripts/add_user.py``); sign-in state lives in the session.
* oidc: ``[atlas_auth] mode = "oidc"`` plus Streamlit's ``[auth]`` section;
  ``st.login()`` signs in, and only e-mails listed in ``[atlas_auth] editors``
  may edit.

Nothing here shows, logs or stores a password or a hash.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import streamlit as st

from cluster_model.auth import User, authenticate

AUTH_SECTION = "atlas_auth"
_USER_KEY = "atlas_editor"
_FAILS_KEY = "atlas_signin_failures"


def _settings() -> Mapping:
    try:
        section = st.secrets.get(AUTH_SECTION, {})
    except Exception:  # noqa: BLE001 - no secrets file: nobody can sign in, viewing still works
        return {}
    return section if isinstance(section, Mapping) else {}


def auth_mode() -> str:
    return "oidc" if str(_settings().get("mode", "local")).lower() == "oidc" else "local"


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
        return User(email, str(st.user.get("name") or email)) if email and email in editors else None
    user = st.session_state.get(_USER_KEY)
    return user if isinstance(user, User) else None


def sign_out() -> None:
    st.session_state.pop(_USER_KEY, None)
    if auth_mode() == "oidc":
        st.logout()


def sign_in_panel() -> None:
    """The sign-in form (local) or button (OIDC)."""
    if auth_mode() == "oidc":
        try:
            logged_in = st.user.is_logged_in
        except Exception:  # noqa: BLE001
            logged_in = False
        if logged_in:
            st.warning("You are signed in, but your account is not on the editors' list. Ask the ICCK administrator to add it.")
            st.button("Sign out", on_click=sign_out)
        else:
            st.button("Sign in to edit", type="primary", on_click=st.login)
        return
    users = _settings().get("users", {})
    if not users:
        st.info("No editor accounts are set up. An administrator adds one with `python scripts/add_user.py <username>`.")
    with st.form("atlas_sign_in", clear_on_submit=True):
        st.markdown("**Sign in to edit**")
        username = st.text_input("Username", key="atlas_signin_user")
        password = st.text_input("Password", type="password", key="atlas_signin_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        failures = int(st.session_state.get(_FAILS_KEY, 0))
        if failures >= 3:
            time.sleep(min(2 * (failures - 2), 10))  # slow down guessing
        user = authenticate(users, username, password)
        if user is None:
            st.session_state[_FAILS_KEY] = failures + 1
            st.error("Wrong username or password.")
        else:
            st.session_state[_FAILS_KEY] = 0
            st.session_state[_USER_KEY] = user
            st.rerun()


def require_editor() -> User:
    """The signed-in editor; otherwise draw the sign-in panel and stop the page here."""
    user = current_editor()
    if user is None:
        sign_in_panel()
        st.stop()
    return user
