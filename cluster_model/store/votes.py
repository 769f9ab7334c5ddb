"""Votes from participants' phones on a dialogue's agenda items (schema step 4).

Every vote is appended to ``room_votes`` and never changed; a device's latest
vote on an item is the one that counts, so a participant can change their
mind until the facilitator closes the item. Closing and accepting are the
facilitator's: accepting writes the tally (n per group and the split) to
``room_tallies`` and each group's rating into the dialogue round, in one
transaction. Nothing is held only in memory: any app server sharing the
database sees every vote (the projector reads the tally from here).

A vote is refused, with a message a participant can act on (:class:`VoteRefused`),
when the device pass is forged or expired, the dialogue or item is unknown or
closed, the group or choice is not one of the allowed ones, the comment is too
long, or the device votes faster than a person could.

Votes take the session row with a *shared* lock and closing takes it
exclusively (PostgreSQL), so no vote lands after an item is closed and votes
do not wait for each other; on SQLite the write lock does the same.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, delete, func, insert, select
from sqlalchemy.engine import Connection

from .. import voting as v
from ..issues import N_, AtlasError
from ..vocabulary import STAKEHOLDERS
from ..workshop import NOT_RATED, Agenda, AgendaItem
from . import schema as s
from .db import as_utc as _utc
from .db import now_utc as _now
from .db import write_transaction
from .dialogue import author_name, cluster_ids, locked_session, revision_in, write_history, write_rating

OPEN, CLOSED = "open", "closed"


class VoteRefused(AtlasError, ValueError):
    """A vote or facilitator action that was refused, in words for a participant (``ui.chrome.error_text``)."""


# --------------------------------------------------------------------------- device passes

_secrets: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def _secret(engine: Engine) -> str:
    if engine not in _secrets:
        with engine.connect() as conn:
            _secrets[engine] = conn.execute(
                select(s.room_secret.c.secret).where(s.room_secret.c.id == 1)
            ).scalar_one()
    return _secrets[engine]


def issue_pass(engine: Engine) -> str:
    """A new anonymous device pass, signed with this store's secret."""
    return v.issue_pass(_secret(engine))


def check_pass(engine: Engine, token: str, *, max_age_s: int = v.PASS_MAX_AGE_S) -> str:
    """The device id in ``token``; :class:`VoteRefused` when forged or expired."""
    try:
        return v.device_of(token, _secret(engine), max_age_s=max_age_s)
    except v.PassError as exc:
        # the pass's own reason, then what to do: one message, translated as two
        raise VoteRefused(
            exc.message_id,
            fix=N_("Votes from it are refused. Open the link on the screen again to get a new one."),
            **exc.params,
        ) from None


# --------------------------------------------------------------------------- the item on screen


@dataclass(frozen=True)
class CurrentItem:
    round_id: str
    item: AgendaItem
    position: int
    n_items: int
    state: str  # open / closed
    venue: str


def _agenda(conn: Connection, agenda: str) -> Agenda:
    return Agenda.from_string(agenda, cluster_ids(conn))


def _state(conn: Connection, round_id: str, cluster_id: str, pillar: str) -> str:
    t = s.room_vote_items
    row = conn.execute(
        select(t.c.state).where(t.c.round_id == round_id, t.c.cluster_id == cluster_id, t.c.pillar == pillar)
    ).scalar()
    return row or OPEN


def current_item(engine: Engine, round_id: str) -> CurrentItem | None:
    """The agenda item the room is on (where the facilitator last moved), or None for an unknown dialogue."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(s.dialogue_sessions).where(s.dialogue_sessions.c.round_id == str(round_id or ""))
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        agenda = _agenda(conn, row["agenda"])
        pos = agenda.position(row["position"])
        item = agenda[pos]
        return CurrentItem(
            row["round_id"],
            item,
            pos,
            len(agenda),
            _state(conn, row["round_id"], item.cluster_id, item.pillar),
            row["venue"],
        )


def item_words(engine: Engine, cluster_id: str, pillar: str) -> tuple[str, list[tuple[str, str]]]:
    """(the cluster's English name, [(indicator id, English name)] of the pillar in framework order): what a
    phone shows for an item, read from the store without building the whole dataset."""
    with engine.connect() as conn:
        cluster = conn.execute(
            select(s.clusters.c.name).where(s.clusters.c.cluster_id == cluster_id)
        ).scalar()
        rows = conn.execute(
            select(s.indicators.c.indicator_id, s.indicators.c.name)
            .where(s.indicators.c.pillar == pillar)
            .order_by(s.indicators.c.position)
        ).all()
    return str(cluster or cluster_id), [(str(i), str(n)) for i, n in rows]


def stored_position(engine: Engine, round_id: str) -> int | None:
    """Where the facilitator last moved the room (0-based), or None for an unknown dialogue."""
    with engine.connect() as conn:
        return _position(conn, round_id)


def _position(conn: Connection, round_id: str) -> int | None:
    return conn.execute(
        select(s.dialogue_sessions.c.position).where(s.dialogue_sessions.c.round_id == round_id)
    ).scalar()


def item_state(engine: Engine, round_id: str, cluster_id: str, pillar: str) -> str:
    with engine.connect() as conn:
        return _state(conn, round_id, cluster_id, pillar)


# --------------------------------------------------------------------------- voting


def _session_shared(conn: Connection, round_id: str):
    t = s.dialogue_sessions
    return (
        conn.execute(select(t).where(t.c.round_id == round_id).with_for_update(read=True)).mappings().first()
    )


def cast_vote(
    engine: Engine,
    round_id: str,
    cluster_id: str,
    pillar: str,
    *,
    token: str,
    group: str,
    choice: str,
    comment: str | None = None,
    now: datetime | None = None,
) -> int:
    """Store one vote from a phone; returns its id. :class:`VoteRefused` (nothing written) when it cannot count."""
    device = check_pass(engine, token)
    if group not in STAKEHOLDERS:
        raise VoteRefused(
            N_("Pick your stakeholder group first (industry, government, community or academia).")
        )
    if choice not in v.CHOICES:
        raise VoteRefused(N_("That is not one of the choices: present, partial, absent or don't know."))
    comment = str(comment or "").strip() or None
    if comment and len(comment) > v.MAX_COMMENT_CHARS:
        raise VoteRefused(
            N_("The comment is longer than {limit} characters ({n}): shorten it and vote again."),
            limit=v.MAX_COMMENT_CHARS,
            n=len(comment),
        )
    now = now or _now()
    with write_transaction(engine, bump=False) as conn:
        session = _session_shared(conn, round_id)
        if session is None:
            raise VoteRefused(N_("This dialogue does not exist here: open the link shown on the screen."))
        items = _agenda(conn, session["agenda"]).items
        if AgendaItem(cluster_id, pillar) not in items:
            raise VoteRefused(
                N_("This item is not on the dialogue's agenda: reload the page to see the current item.")
            )
        if _state(conn, round_id, cluster_id, pillar) != OPEN:
            raise VoteRefused(
                N_("Voting on this item is closed: your vote was not counted. Wait for the next item.")
            )
        t = s.room_votes
        recent = conn.execute(
            select(func.count()).where(
                t.c.device == device, t.c.cast_at > now - timedelta(seconds=v.RATE_WINDOW_S)
            )
        ).scalar_one()
        if recent >= v.RATE_MAX_VOTES:
            raise VoteRefused(
                N_(
                    "Too many votes from this phone in a short time: wait {seconds} seconds, then vote again."
                ),
                seconds=v.RATE_WINDOW_S,
            )
        return int(
            conn.execute(
                insert(t)
                .values(
                    round_id=round_id,
                    cluster_id=cluster_id,
                    pillar=pillar,
                    device=device,
                    stakeholder_group=group,
                    choice=choice,
                    comment=comment,
                    cast_at=now,
                )
                .returning(t.c.vote_id)
            ).scalar_one()
        )


def _latest_ids(round_id: str, cluster_id: str, pillar: str):
    t = s.room_votes
    return (
        select(func.max(t.c.vote_id).label("vote_id"))
        .where(t.c.round_id == round_id, t.c.cluster_id == cluster_id, t.c.pillar == pillar)
        .group_by(t.c.device)
        .subquery()
    )


@dataclass(frozen=True)
class Tally:
    """Each device's latest vote on one item, counted per group and choice."""

    counts: dict[str, dict[str, int]]  # group -> choice -> n
    last_vote_id: int
    comments: list[tuple[str, str]] = field(default_factory=list)  # (group, comment), newest first

    @property
    def n(self) -> int:
        return sum(self.n_group(g) for g in v.GROUPS)

    def n_group(self, group: str) -> int:
        return sum(self.counts[group].values())

    def groups_voted(self) -> int:
        return sum(1 for g in v.GROUPS if self.n_group(g))


def live_key(t: Tally, state: str) -> str:
    """What a drawn tally shows, as one short text: the projector redraws its tally when this changes."""
    return f"{t.last_vote_id}:{t.n}:{state}"


COMMENTS_SHOWN = 5  # the latest comments the projector shows under the tally


def live_figures(t: Tally, state: str) -> dict:
    """The tally as the projector's poll carries it (``/v/room``): numbers, ids and the comments' plain text,
    which the projector's script writes into the drawn tally as text (never markup)."""
    return {
        "tally": live_key(t, state),
        "state": state,
        "n": t.n,
        "groups_voted": t.groups_voted(),
        "counts": t.counts,
        "n_group": {g: t.n_group(g) for g in v.GROUPS},
        "comments": [[g, c] for g, c in t.comments[:COMMENTS_SHOWN]],
    }


def _tally(conn: Connection, round_id: str, cluster_id: str, pillar: str) -> Tally:
    t = s.room_votes
    latest = _latest_ids(round_id, cluster_id, pillar)
    rows = conn.execute(
        select(t.c.vote_id, t.c.stakeholder_group, t.c.choice, t.c.comment)
        .join(latest, latest.c.vote_id == t.c.vote_id)
        .order_by(t.c.vote_id.desc())
    ).all()
    counts = {g: {c: 0 for c in v.CHOICES} for g in v.GROUPS}
    comments = []
    for _vote_id, group, choice, comment in rows:
        counts[group][choice] += 1
        if comment:
            comments.append((group, comment))
    return Tally(counts, max((r[0] for r in rows), default=0), comments)


def tally(engine: Engine, round_id: str, cluster_id: str, pillar: str) -> Tally:
    with engine.connect() as conn:
        return _tally(conn, round_id, cluster_id, pillar)


def room_now(engine: Engine, round_id: str, cluster_id: str, pillar: str) -> dict:
    """What the projector's poll answers (``/v/room``), read on one connection (a hall's votes may hold the
    others): the item's :func:`live_figures`, where the room is, the record's revision, and ``key``, which
    changes when any of them does."""
    with engine.connect() as conn:
        t = _tally(conn, round_id, cluster_id, pillar)
        figures = live_figures(t, _state(conn, round_id, cluster_id, pillar))
        position, revision = _position(conn, round_id), revision_in(conn, round_id)
    return {
        **figures,
        "position": position,
        "revision": revision,
        "key": f"{figures['tally']}|{position}|{revision}",
    }


def my_vote(engine: Engine, round_id: str, cluster_id: str, pillar: str, device: str) -> dict | None:
    """This device's counting vote on the item (choice, group, comment), or None."""
    t = s.room_votes
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(t.c.choice, t.c.stakeholder_group, t.c.comment)
                .where(
                    t.c.round_id == round_id,
                    t.c.cluster_id == cluster_id,
                    t.c.pillar == pillar,
                    t.c.device == device,
                )
                .order_by(t.c.vote_id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


# --------------------------------------------------------------------------- the facilitator


def _set_state(engine: Engine, round_id: str, cluster_id: str, pillar: str, state: str, author: str) -> None:
    author = author_name(author)
    t = s.room_vote_items
    with write_transaction(engine, bump=False) as conn:
        session = locked_session(conn, round_id, writes_content=False)  # exclusive: waits for votes in flight
        if AgendaItem(cluster_id, pillar) not in _agenda(conn, session["agenda"]).items:
            raise VoteRefused(N_("This item is not on the dialogue's agenda."))
        old = _state(conn, round_id, cluster_id, pillar)
        if old == state:
            return
        now = _now()
        key = and_(t.c.round_id == round_id, t.c.cluster_id == cluster_id, t.c.pillar == pillar)
        conn.execute(delete(t).where(key))
        conn.execute(
            insert(t).values(
                round_id=round_id,
                cluster_id=cluster_id,
                pillar=pillar,
                state=state,
                changed_by=author,
                changed_at=now,
            )
        )
        write_history(
            conn,
            round_id,
            "voting",
            "close" if state == CLOSED else "reopen",
            author,
            now,
            cluster_id=cluster_id,
            pillar=pillar,
            old_value=old,
            new_value=state,
        )


def close_item(engine: Engine, round_id: str, cluster_id: str, pillar: str, *, author: str) -> None:
    """Stop taking votes on the item (votes arriving later are refused)."""
    _set_state(engine, round_id, cluster_id, pillar, CLOSED, author)


def reopen_item(engine: Engine, round_id: str, cluster_id: str, pillar: str, *, author: str) -> None:
    _set_state(engine, round_id, cluster_id, pillar, OPEN, author)


def accept_tally(engine: Engine, round_id: str, cluster_id: str, pillar: str, *, author: str) -> Tally:
    """Write the closed item's tally into the dialogue round: n per group and the split, and each group's rating.

    Groups with no vote keep whatever rating they had; a group whose voters all
    said "don't know" is *not rated*. Every raw vote stays in ``room_votes``.
    """
    author = author_name(author)
    with write_transaction(engine, bump=False) as conn:
        locked_session(conn, round_id)
        if _state(conn, round_id, cluster_id, pillar) != CLOSED:
            raise VoteRefused(
                N_("Close the voting on this item first, so the tally cannot change while it is accepted.")
            )
        result = _tally(conn, round_id, cluster_id, pillar)
        if result.n == 0:
            raise VoteRefused(N_("Nobody has voted on this item: there is no tally to accept."))
        now = _now()
        t = s.room_tallies
        conn.execute(
            delete(t).where(t.c.round_id == round_id, t.c.cluster_id == cluster_id, t.c.pillar == pillar)
        )
        for g in v.GROUPS:
            c = result.counts[g]
            if not sum(c.values()):
                continue
            rating = v.group_rating(c) or NOT_RATED
            conn.execute(
                insert(t).values(
                    round_id=round_id,
                    cluster_id=cluster_id,
                    pillar=pillar,
                    stakeholder_group=g,
                    n_present=c["present"],
                    n_partial=c["partial"],
                    n_absent=c["absent"],
                    n_dont_know=c[v.DONT_KNOW],
                    rating=rating,
                    last_vote_id=result.last_vote_id,
                    accepted_by=author,
                    accepted_at=now,
                )
            )
            write_rating(
                conn,
                round_id,
                cluster_id,
                pillar,
                g,
                rating,
                author=f"{author} (room vote, n={sum(c.values())}: {v.split_text(c)})",
            )
        write_history(
            conn,
            round_id,
            "voting",
            "accept",
            author,
            now,
            cluster_id=cluster_id,
            pillar=pillar,
            new_value=f"{result.n} voted; "
            + "; ".join(f"{g}: {v.split_text(result.counts[g])}" for g in v.GROUPS),
        )
    return result


# --------------------------------------------------------------------------- reading


TALLY_COLUMNS = [
    "cluster_id",
    "pillar",
    "stakeholder_group",
    "n_present",
    "n_partial",
    "n_absent",
    "n_dont_know",
    "n",
    "rating",
    "accepted_by",
    "accepted_at",
]


def accepted_tallies(engine: Engine, round_id: str) -> pd.DataFrame:
    """One row per cluster × pillar × group accepted from a room vote, with n and the split."""
    t = s.room_tallies
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(t)
                .where(t.c.round_id == round_id)
                .order_by(t.c.cluster_id, t.c.pillar, t.c.stakeholder_group)
            )
            .mappings()
            .all()
        )
    df = pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in t.columns])
    df["n"] = (
        df[["n_present", "n_partial", "n_absent", "n_dont_know"]].sum(axis=1)
        if len(df)
        else pd.Series(dtype=int)
    )
    df["accepted_at"] = df["accepted_at"].map(_utc)
    return df[TALLY_COLUMNS]


def n_voted(engine: Engine, round_id: str) -> pd.DataFrame:
    """Per cluster × pillar accepted from a vote: how many voted (all groups) — for labels on gaps."""
    df = accepted_tallies(engine, round_id)
    if df.empty:
        return pd.DataFrame(columns=["cluster_id", "pillar", "n_voted"])
    return df.groupby(["cluster_id", "pillar"], as_index=False)["n"].sum().rename(columns={"n": "n_voted"})


def raw_votes(engine: Engine, round_id: str) -> pd.DataFrame:
    """Every vote ever cast in the round, oldest first (device ids are random, not personal)."""
    t = s.room_votes
    cols = ["vote_id", "cluster_id", "pillar", "device", "stakeholder_group", "choice", "comment", "cast_at"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(*[t.c[c] for c in cols]).where(t.c.round_id == round_id).order_by(t.c.vote_id)
        ).all()
    df = pd.DataFrame([tuple(r) for r in rows], columns=cols)
    df["cast_at"] = df["cast_at"].map(_utc)
    return df
