"""The room votes from phones: choices, anonymous device passes, and what a tally means.

No Streamlit, no database (the store side is :mod:`cluster_model.store.votes`).

* A participant's phone gets an anonymous **device pass**: a random device id,
  signed (HMAC, ``itsdangerous``) with a secret kept in the store, so every app
  server sharing the database accepts it, and dated, so it expires after
  :data:`PASS_MAX_AGE_S`. A changed (forged) or expired pass is refused. The
  pass holds no personal data.
* Each device has one vote per agenda item (its latest; every raw vote is kept).
* A group's tally becomes the group's rating for the dialogue round by
  :func:`group_rating`: the choice most of its voters made among present /
  partial / absent ("don't know" is counted and kept but is no rating); a tie
  between two choices is resolved toward the middle of the scale (partial), so
  a split room never reads as a firm present or absent. No votes, or only
  "don't know", is *not rated* (unknown), never a gap.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .issues import N_, AtlasError
from .vocabulary import STAKEHOLDERS, Status

DONT_KNOW = "dont_know"
CHOICES: dict[str, str] = {
    Status.PRESENT.value: "Present",
    Status.PARTIAL.value: "Partial",
    Status.ABSENT.value: "Absent",
    DONT_KNOW: "Don't know",
}
RATED_CHOICES = [Status.PRESENT.value, Status.PARTIAL.value, Status.ABSENT.value]
GROUPS = list(STAKEHOLDERS)
MAX_COMMENT_CHARS = 200
# The phones' light page (web/vote.py, a route of the atlas's own server): short, to type from the screen.
PHONE_PATH = "/v"
PASS_MAX_AGE_S = 12 * 3600  # one workshop day
# A person taps a few times to change their mind; a script taps far faster.
RATE_WINDOW_S = 10
RATE_MAX_VOTES = 5

_SALT = "atlas-room-device-pass"


class PassError(AtlasError, ValueError):
    """A device pass that cannot be used; the message says why, in words for a participant."""


def new_secret() -> str:
    return secrets.token_hex(32)


def issue_pass(secret: str) -> str:
    """A new anonymous device pass (URL-safe text)."""
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps(secrets.token_urlsafe(12))


def device_of(token: str, secret: str, *, max_age_s: int = PASS_MAX_AGE_S) -> str:
    """The device id inside a valid pass; :class:`PassError` when it was changed or has expired."""
    try:
        device = URLSafeTimedSerializer(secret, salt=_SALT).loads(str(token or ""), max_age=max_age_s)
    except SignatureExpired:
        raise PassError(N_("this phone's voting pass has expired")) from None
    except BadSignature:
        raise PassError(
            N_("this phone's voting pass is not valid (it was changed or comes from another server)")
        ) from None
    if not isinstance(device, str) or not device:
        raise PassError(N_("this phone's voting pass is not valid"))
    return device


@dataclass(frozen=True)
class GroupTally:
    group: str
    counts: dict[str, int]  # choice -> number of devices whose latest vote it is

    @property
    def n(self) -> int:
        return sum(self.counts.values())


def group_rating(counts: dict[str, int]) -> str | None:
    """The group's rating from its counts (see the module text); None = not rated."""
    rated = {c: int(counts.get(c, 0)) for c in RATED_CHOICES}
    top = max(rated.values())
    if top == 0:
        return None
    leaders = [c for c in RATED_CHOICES if rated[c] == top]
    if len(leaders) == 1:
        return leaders[0]
    return Status.PARTIAL.value  # a tie: toward the middle of the scale


def split_text(counts: dict[str, int]) -> str:
    """ "3 present · 1 partial · 0 absent · 2 don't know" (every choice, zeros included)."""
    return " · ".join(f"{int(counts.get(c, 0))} {label.lower()}" for c, label in CHOICES.items())
