"""Sign-in state kept in the store: throttling, sessions, accounts made in the browser.

Kept in the database (not in a browser session or a process), so it holds across
reloads, restarts and several servers sharing one store. Writes here never raise
the store revision: nothing in the indicator dataset changes.

* Throttling: every refused sign-in counts against the account *and* the client
  address. After a few failures each further attempt must wait a growing delay
  (refused without checking the password); after more, the key is locked for a
  while, until the timeout or an admin lifts it. See :mod:`cluster_model.auth`
  for the numbers.
* Sessions: a random token the browser keeps; only its SHA-256 is stored, with
  the editor and an expiry. Signing out deletes the row.
* Accounts: the first editor, created in the browser with the setup code.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection

from ..auth import (
    FAILURE_WINDOW_MINUTES,
    LOCK_AFTER,
    LOCK_MINUTES,
    SESSION_HOURS,
    USERNAME_PATTERN,
    User,
    hash_password,
    retry_delay_seconds,
)
from ..issues import N_, Refused
from ..loading import MAX_NAME_CHARS
from . import schema as s
from .db import as_utc as _utc
from .db import is_sqlite, write_transaction
from .db import now_utc as _now

t = s.signin_throttle
_PG_LOCK = 7431521  # an advisory lock of its own (migrations use 7431520)


def _serialise(conn: Connection) -> None:
    """Writers here take turns: SQLite's write lock does it; on PostgreSQL an advisory lock
    (two failures at once must not both insert the same row, nor lose a count)."""
    if not is_sqlite(conn):
        conn.execute(text(f"SELECT pg_advisory_xact_lock({_PG_LOCK})"))


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in attempt is refused before the password is checked."""

    kind: str  # account / address
    wait_seconds: int  # until the next attempt is allowed
    locked: bool  # a lock (long), not just the growing delay

    def error(self) -> Refused:
        """The refusal as the page shows it (``ui.chrome.error_text``)."""
        if self.locked:
            message = (
                N_(
                    "Too many failed sign-ins for this account: signing in is locked for about {minutes} minute(s)."
                )
                if self.kind == "account"
                else N_(
                    "Too many failed sign-ins for this network address: signing in is locked for about {minutes} minute(s)."
                )
            )
            return Refused(
                message,
                fix=N_("An administrator can lift the lock."),
                minutes=max(1, round(self.wait_seconds / 60)),
            )
        return Refused(
            N_("Too many failed sign-ins: wait {seconds} second(s), then try again."),
            seconds=self.wait_seconds,
        )

    def message(self) -> str:
        return str(self.error())


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    return [
        ("account", (username or "").strip().lower()[:200] or "(empty)"),
        ("address", (address or "local")[:200]),
    ]


def check_allowed(
    engine: Engine, username: str, address: str | None, *, now: datetime | None = None
) -> Refusal | None:
    """None if an attempt for ``username`` from ``address`` may be tried now, else why not."""
    now = now or _now()
    worst: Refusal | None = None
    with engine.connect() as conn:
        for kind, key in _keys(username, address):
            row = conn.execute(select(t).where(and_(t.c.kind == kind, t.c.key == key))).mappings().first()
            if row is None:
                continue
            locked_until = _utc(row["locked_until"])
            if locked_until is not None and locked_until > now:
                r = Refusal(kind, int((locked_until - now).total_seconds()) + 1, True)
            else:
                last = _utc(row["last_failure_at"])
                if now - last > timedelta(minutes=FAILURE_WINDOW_MINUTES):
                    continue
                wait = retry_delay_seconds(int(row["failures"])) - (now - last).total_seconds()
                if wait <= 0:
                    continue
                r = Refusal(kind, int(wait) + 1, False)
            if worst is None or (r.locked, r.wait_seconds) > (worst.locked, worst.wait_seconds):
                worst = r
    return worst


def record_failure(
    engine: Engine, username: str, address: str | None, *, now: datetime | None = None
) -> None:
    """Count a refused sign-in against the account and the address; lock a key that reached its limit."""
    now = now or _now()
    with write_transaction(engine, bump=False) as conn:
        _serialise(conn)
        for kind, key in _keys(username, address):
            row = conn.execute(select(t).where(and_(t.c.kind == kind, t.c.key == key))).mappings().first()
            if row is None:
                failures = 1
            elif now - _utc(row["last_failure_at"]) > timedelta(
                minutes=FAILURE_WINDOW_MINUTES
            ) and not _still_locked(row, now):
                failures = 1  # an old run of failures is forgotten
            else:
                failures = int(row["failures"]) + 1
            limit = LOCK_AFTER[kind]
            locked_until = (
                now + timedelta(minutes=LOCK_MINUTES)
                if failures >= limit and failures % limit == 0
                else (row["locked_until"] if row is not None else None)
            )
            values = dict(failures=failures, last_failure_at=now, locked_until=locked_until)
            if row is None:
                conn.execute(insert(t).values(kind=kind, key=key, **values))
            else:
                conn.execute(update(t).where(and_(t.c.kind == kind, t.c.key == key)).values(**values))


def _still_locked(row, now: datetime) -> bool:
    until = _utc(row["locked_until"])
    return until is not None and until > now


def record_success(engine: Engine, username: str) -> None:
    """A right password: the account's count starts again (the address's count decays on its own)."""
    kind, key = _keys(username, None)[0]
    with write_transaction(engine, bump=False) as conn:
        conn.execute(delete(t).where(and_(t.c.kind == kind, t.c.key == key)))


def locks(engine: Engine, *, now: datetime | None = None) -> list[dict]:
    """Keys locked now: [{kind, key, failures, locked_until}]."""
    now = now or _now()
    with engine.connect() as conn:
        rows = (
            conn.execute(select(t).where(t.c.locked_until.is_not(None)).order_by(t.c.kind, t.c.key))
            .mappings()
            .all()
        )
    return [
        dict(kind=r["kind"], key=r["key"], failures=int(r["failures"]), locked_until=_utc(r["locked_until"]))
        for r in rows
        if _utc(r["locked_until"]) > now
    ]


def lift_lock(engine: Engine, kind: str, key: str) -> None:
    """An admin lifts a lock (and the delay) on an account or address."""
    with write_transaction(engine, bump=False) as conn:
        conn.execute(delete(t).where(and_(t.c.kind == kind, t.c.key == key)))


# --------------------------------------------------------------------------- sessions


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(
    engine: Engine, user: User, *, hours: float = SESSION_HOURS, now: datetime | None = None
) -> str:
    """A new random session token for ``user`` (only its hash is stored), valid for ``hours``."""
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with write_transaction(engine, bump=False) as conn:
        conn.execute(
            delete(s.editor_sessions).where(s.editor_sessions.c.expires_at < now)
        )  # tidy expired rows
        conn.execute(
            insert(s.editor_sessions).values(
                token_sha256=_digest(token),
                username=user.username,
                name=user.name,
                created_at=now,
                expires_at=now + timedelta(hours=hours),
            )
        )
    return token


def session_user(engine: Engine, token: str | None, *, now: datetime | None = None) -> User | None:
    """The editor of a live session token; None for an unknown, ended or expired one."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    now = now or _now()
    with engine.connect() as conn:
        row = (
            conn.execute(select(s.editor_sessions).where(s.editor_sessions.c.token_sha256 == _digest(token)))
            .mappings()
            .first()
        )
    if row is None or _utc(row["expires_at"]) <= now:
        return None
    return User(row["username"], row["name"])


def end_session(engine: Engine, token: str | None) -> None:
    if token:
        with write_transaction(engine, bump=False) as conn:
            conn.execute(delete(s.editor_sessions).where(s.editor_sessions.c.token_sha256 == _digest(token)))


# --------------------------------------------------------------------------- accounts made in the browser


def accounts(engine: Engine) -> dict[str, dict]:
    """{username: {name, password_hash, admin}}: the same shape as ``[atlas_auth.users]`` in secrets."""
    with engine.connect() as conn:
        rows = conn.execute(select(s.editor_accounts)).mappings().all()
    return {
        r["username"]: {"name": r["name"], "password_hash": r["password_hash"], "admin": bool(r["admin"])}
        for r in rows
    }


def create_first_account(
    engine: Engine, username: str, name: str, password: str, *, other_accounts: int = 0
) -> User:
    """The first editor (an admin). :class:`Refused` once any account exists, here or in secrets."""
    if not USERNAME_PATTERN.match(username or ""):
        raise Refused(N_("the username must be 2-64 characters: lower-case letters, digits, '.', '_' or '-'"))
    if len(name or "") > MAX_NAME_CHARS:
        raise Refused(N_("the name may have at most {n} characters"), n=MAX_NAME_CHARS)
    digest = hash_password(password)  # Refused for a short or huge password
    with write_transaction(engine, bump=False) as conn:
        _serialise(conn)
        have = conn.execute(select(func.count()).select_from(s.editor_accounts)).scalar_one()
        if have or other_accounts:
            raise Refused(N_("an editor account already exists: ask an administrator to add you"))
        conn.execute(
            insert(s.editor_accounts).values(
                username=username, name=name or username, password_hash=digest, admin=True, created_at=_now()
            )
        )
    return User.from_record(username, {"name": name or username, "admin": True})
