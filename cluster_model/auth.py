"""Password hashing and checking for local editor accounts. No Streamlit here.

Hashes are salted scrypt (standard library): ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>``.
bcrypt hashes (``$2b$…``, e.g. from other tools) are accepted too. Users come
from a mapping such as Streamlit's ``st.secrets["atlas_auth"]["users"]``::

    [atlas_auth.users.alice]
    name = "Alice Example"
    password_hash = "scrypt$16384$8$1$…"

Nothing here logs or returns a password or a hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from .issues import N_, Refused

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # longer input is refused unread (no megabyte hashed per attempt)
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# Throttling of failed sign-ins (kept in the store: cluster_model.store.signin).
# After FREE_FAILURES failures in FAILURE_WINDOW_MINUTES, each further attempt
# waits 2, 4, 8 … up to MAX_DELAY_SECONDS after the last failure; the
# LOCK_AFTER-th failure locks the account (or address) for LOCK_MINUTES, until
# the timeout or an admin lifts it. An address gets more room than an account:
# a workshop room shares one address.
FREE_FAILURES = 3
MAX_DELAY_SECONDS = 60
FAILURE_WINDOW_MINUTES = 60
LOCK_AFTER = {"account": 10, "address": 30}
LOCK_MINUTES = 15
# A signed-in editor stays signed in (across reloads) this long.
SESSION_HOURS = 12


def retry_delay_seconds(failures: int) -> int:
    """Seconds to wait after the last failure before the next attempt, given ``failures`` so far."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES + 1), MAX_DELAY_SECONDS)


# Roles (issue 26): every account edits (drafts: imports, edits, surveys, workshop capture); a
# reviewer also publishes a round in review or sends it back; an admin does both and lifts sign-in locks.
EDITOR, REVIEWER, ADMIN = "editor", "reviewer", "admin"
ROLES = (EDITOR, REVIEWER, ADMIN)


def roles_of(record: Mapping) -> frozenset[str]:
    """An account's roles from its record (``roles = ["reviewer"]``; ``admin = true``); unknown names are ignored."""
    named = record.get("roles") or []
    named = [named] if isinstance(named, str) else named
    roles = {EDITOR} | {str(r).strip().lower() for r in named} & set(ROLES)
    if record.get("admin") or ADMIN in roles:
        roles |= {REVIEWER, ADMIN}
    return frozenset(roles)


@dataclass(frozen=True)
class User:
    username: str
    name: str
    admin: bool = False  # may lift sign-in locks
    roles: frozenset[str] = frozenset({EDITOR})

    @property
    def reviewer(self) -> bool:
        """May publish a round in review, or send it back."""
        return self.admin or REVIEWER in self.roles

    @classmethod
    def from_record(cls, username: str, record: Mapping) -> User:
        """The user of an account record (``[atlas_auth.users.<name>]`` or a store account)."""
        roles = roles_of(record)
        return cls(username, str(record.get("name") or username), ADMIN in roles, roles)

    @property
    def label(self) -> str:
        """How changes are attributed (stored in history): 'Name (username)'."""
        return f"{self.name} ({self.username})" if self.name and self.name != self.username else self.username


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """A new salted hash of ``password``."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise Refused(N_("a password needs at least {n} characters"), n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Refused(N_("a password may have at most {n} characters"), n=MAX_PASSWORD_LENGTH)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=64 * 1024 * 1024,
        dklen=32,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` matches ``stored``; False for a wrong password or a malformed hash (never raises)."""
    if not isinstance(password, str) or not isinstance(stored, str) or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        if stored.startswith("scrypt$"):
            _, n, r, p, salt, digest = stored.split("$")
            expected = base64.b64decode(digest)
            actual = hashlib.scrypt(
                password.encode("utf-8"),
                salt=base64.b64decode(salt),
                n=int(n),
                r=int(r),
                p=int(p),
                maxmem=128 * 1024 * 1024,
                dklen=len(expected),
            )
            return hmac.compare_digest(actual, expected)
        if stored.startswith(("$2a$", "$2b$", "$2y$")):
            import bcrypt

            return bcrypt.checkpw(password.encode("utf-8")[:72], stored.encode("ascii"))
    except (ValueError, TypeError):
        return False
    return False


_DUMMY_HASH = None


def authenticate(users: Mapping[str, Mapping] | None, username: str, password: str) -> User | None:
    """The user if ``username`` exists and ``password`` is right, else None.

    An unknown user costs the same time as a wrong password, so the answer does
    not tell which of the two was wrong.
    """
    global _DUMMY_HASH
    username = (username or "").strip().lower()
    record = (users or {}).get(username) if username else None
    stored = record.get("password_hash") if isinstance(record, Mapping) else None
    if not stored:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
        verify_password(password or "", _DUMMY_HASH)
        return None
    if not verify_password(password or "", str(stored)):
        return None
    return User.from_record(username, record)
