"""Live capture of a policy dialogue into a round of kind "dialogue" (workshop mode).

Every entry — a session, an agenda change, the position on the agenda, a rating,
a quote — is written at once in its own transaction, so a reload or a crash
loses nothing already entered; every entry is also appended to
``dialogue_history`` (never updated or deleted).

Writes do not raise the store revision: the room's view is not part of the
indicator dataset, so the atlas's cached data stays valid. Writers on one
session take turns by locking its row (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite's write lock does the same).

Bad input (unknown round, cluster, pillar, stakeholder group, rating or quote
kind; empty quote) raises :class:`~.errors.ValidationError`; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as date_type
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, and_, func, insert, select, update
from sqlalchemy.engine import Connection

from ..issues import N_, DataIssue, Refused
from ..loading import MAX_NAME_CHARS
from ..vocabulary import PILLARS, STAKEHOLDERS
from ..workshop import MAX_QUOTE_CHARS, QUOTE_KINDS, RATINGS, Agenda, AgendaError, SessionInfo
from . import schema as s
from .db import as_utc as _utc
from .db import now_utc as _now
from .db import write_transaction
from .errors import ValidationError
from .repository import create_round, round_info
from .review import refuse_if_published

WHERE = "workshop"
# Beyond any real dialogue; stops a pasted or runaway agenda from drawing a million rows.
MAX_AGENDA_ITEMS = 256
MAX_AGENDA_CHARS = 20_000


def _fail(message: str, hint: str = "", column: str | None = None, value: str | None = None):
    raise ValidationError([DataIssue(WHERE, message, hint, column=column, value=value)])


def author_name(author: str) -> str:
    if not author or not str(author).strip():
        raise Refused(N_("every entry needs the name of the person making it"))
    return str(author).strip()


def cluster_ids(conn: Connection) -> list[str]:
    return [str(c) for c in conn.execute(select(s.clusters.c.cluster_id)).scalars()]


def write_history(
    conn: Connection, round_id: str, entity: str, action: str, author: str, now: datetime, **kw
) -> None:
    conn.execute(
        insert(s.dialogue_history).values(
            round_id=round_id, entity=entity, action=action, changed_by=author, changed_at=now, **kw
        )
    )


@dataclass(frozen=True)
class DialogueSession:
    round_id: str
    name: str
    date: str
    venue: str
    facilitator: str
    agenda: str
    position: int
    updated_by: str
    updated_at: datetime | None

    @property
    def info(self) -> SessionInfo:
        return SessionInfo(self.round_id, self.name, self.date, self.venue, self.facilitator)


# --------------------------------------------------------------------------- sessions


def _check_session_fields(venue: str, facilitator: str) -> list[DataIssue]:
    issues = []
    if not str(venue or "").strip():
        issues.append(
            DataIssue(
                WHERE,
                "the venue is empty",
                "say where the dialogue is held (it is the source of every rating)",
                column="venue",
            )
        )
    if not str(facilitator or "").strip():
        issues.append(
            DataIssue(WHERE, "the facilitator is empty", "name the facilitator", column="facilitator")
        )
    for column, value in (("venue", venue), ("facilitator", facilitator)):
        if len(str(value or "").strip()) > MAX_NAME_CHARS:
            issues.append(
                DataIssue(
                    WHERE,
                    f"the {column} is longer than {MAX_NAME_CHARS} characters",
                    "shorten it",
                    column=column,
                )
            )
    return issues


def _check_agenda(conn: Connection, agenda: str) -> str:
    try:
        parsed = Agenda.from_string(str(agenda)[: MAX_AGENDA_CHARS + 1], cluster_ids(conn))
        if len(str(agenda)) > MAX_AGENDA_CHARS or len(parsed) > MAX_AGENDA_ITEMS:
            raise AgendaError(N_("it is longer than {n} items"), n=MAX_AGENDA_ITEMS)
        return parsed.to_string()
    except AgendaError as exc:
        _fail(
            f"the agenda cannot be used: {exc}",
            "prepare the agenda again",
            column="agenda",
            value=str(agenda)[:200],
        )


def create_dialogue(
    engine: Engine,
    *,
    round_id: str,
    name: str,
    date: str | date_type,
    venue: str,
    facilitator: str,
    agenda: str,
    author: str,
    notes: str = "",
) -> None:
    """Open a new round of kind "dialogue" and its session. Raises ValidationError (nothing written)."""
    author = author_name(author)
    issues = _check_session_fields(venue, facilitator)
    if issues:
        raise ValidationError(issues)
    with engine.connect() as conn:
        _check_agenda(conn, agenda)  # before the round exists, so a bad agenda leaves nothing behind
    create_round(
        engine,
        round_id=round_id,
        name=name,
        date=date,
        kind="dialogue",
        author=author,
        notes=notes
        or f"Policy dialogue at {str(venue).strip()}, facilitated by {str(facilitator).strip()}: the room's view per stakeholder group, recorded live.",
    )
    start_session(
        engine,
        round_id=str(round_id).strip(),
        venue=venue,
        facilitator=facilitator,
        agenda=agenda,
        author=author,
    )


def start_session(
    engine: Engine, *, round_id: str, venue: str, facilitator: str, agenda: str, author: str
) -> None:
    """Attach a session to an existing round of kind "dialogue" (e.g. one opened on the Data page)."""
    author = author_name(author)
    issues = _check_session_fields(venue, facilitator)
    if issues:
        raise ValidationError(issues)
    with write_transaction(engine, bump=False) as conn:
        info = round_info(conn, round_id)
        if info is None:
            _fail(f"round '{round_id}' does not exist", "create the dialogue round first")
        if info["kind"] != "dialogue":
            _fail(
                f"round '{round_id}' is a {info['kind']} round, not a dialogue",
                "pick or create a round of kind 'dialogue'",
            )
        refuse_if_published(conn, round_id)
        if conn.execute(
            select(s.dialogue_sessions.c.round_id).where(s.dialogue_sessions.c.round_id == round_id)
        ).first():
            _fail(f"round '{round_id}' already has a workshop session", "pick it from the list instead")
        text = _check_agenda(conn, agenda)
        now = _now()
        conn.execute(
            insert(s.dialogue_sessions).values(
                round_id=round_id,
                venue=str(venue).strip(),
                date=info["date"],
                facilitator=str(facilitator).strip(),
                agenda=text,
                position=0,
                created_by=author,
                created_at=now,
                updated_by=author,
                updated_at=now,
            )
        )
        write_history(
            conn,
            round_id,
            "session",
            "create",
            author,
            now,
            new_value=f"venue={str(venue).strip()}; facilitator={str(facilitator).strip()}; agenda={text}",
        )


def locked_session(conn: Connection, round_id: str, *, writes_content: bool = True):
    """The round's session row, locked for this transaction; ``writes_content``: the caller changes
    what the round holds (refused once it is published; the room's place on the agenda is not content)."""
    row = (
        conn.execute(
            select(s.dialogue_sessions).where(s.dialogue_sessions.c.round_id == round_id).with_for_update()
        )
        .mappings()
        .first()
    )
    if row is None:
        _fail(f"round '{round_id}' has no workshop session", "open the round on the Workshop page first")
    if writes_content:
        refuse_if_published(conn, round_id)
    return row


def get_session(engine: Engine, round_id: str) -> DialogueSession | None:
    q = (
        select(s.dialogue_sessions, s.rounds.c.name)
        .join(s.rounds, s.rounds.c.round_id == s.dialogue_sessions.c.round_id)
        .where(s.dialogue_sessions.c.round_id == round_id)
    )
    with engine.connect() as conn:
        row = conn.execute(q).mappings().first()
    if row is None:
        return None
    return DialogueSession(
        row["round_id"],
        row["name"],
        row["date"],
        row["venue"],
        row["facilitator"],
        row["agenda"],
        int(row["position"]),
        row["updated_by"],
        _utc(row["updated_at"]),
    )


def list_sessions(engine: Engine) -> pd.DataFrame:
    """Rounds of kind dialogue, newest first, with their session (venue etc. empty when none yet)."""
    q = (
        select(
            s.rounds.c.round_id,
            s.rounds.c.name,
            s.rounds.c.date,
            s.dialogue_sessions.c.venue,
            s.dialogue_sessions.c.facilitator,
        )
        .outerjoin(s.dialogue_sessions, s.dialogue_sessions.c.round_id == s.rounds.c.round_id)
        .where(s.rounds.c.kind == "dialogue")
        .order_by(s.rounds.c.date.desc(), s.rounds.c.round_id.desc())
    )
    with engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    df = pd.DataFrame([dict(r) for r in rows], columns=["round_id", "name", "date", "venue", "facilitator"])
    df["has_session"] = df["venue"].notna()
    return df


def set_agenda(engine: Engine, round_id: str, agenda: str, *, author: str, position: int = 0) -> None:
    author = author_name(author)
    with write_transaction(engine, bump=False) as conn:
        row = locked_session(conn, round_id)
        text = _check_agenda(conn, agenda)
        if text == row["agenda"]:
            return
        now = _now()
        n = len(Agenda.from_string(text, cluster_ids(conn)))
        conn.execute(
            update(s.dialogue_sessions)
            .where(s.dialogue_sessions.c.round_id == round_id)
            .values(agenda=text, position=min(max(position, 0), n - 1), updated_by=author, updated_at=now)
        )
        write_history(
            conn, round_id, "agenda", "update", author, now, old_value=row["agenda"], new_value=text
        )


def set_position(engine: Engine, round_id: str, position: int, *, author: str) -> int:
    """Store where the room is on the agenda (clamped to it), so a reload resumes there."""
    author = author_name(author)
    with write_transaction(engine, bump=False) as conn:
        row = locked_session(conn, round_id, writes_content=False)
        n = len(Agenda.from_string(row["agenda"], cluster_ids(conn)))
        position = min(max(int(position), 0), n - 1)
        if position != row["position"]:
            now = _now()
            conn.execute(
                update(s.dialogue_sessions)
                .where(s.dialogue_sessions.c.round_id == round_id)
                .values(position=position, updated_by=author, updated_at=now)
            )
            write_history(
                conn,
                round_id,
                "position",
                "update",
                author,
                now,
                old_value=str(row["position"]),
                new_value=str(position),
            )
    return position


# --------------------------------------------------------------------------- entries


def _check_entry(conn: Connection, cluster_id: str, pillar: str, group: str) -> None:
    issues = []
    if cluster_id not in set(cluster_ids(conn)):
        issues.append(
            DataIssue(
                WHERE,
                f"cluster '{cluster_id}' does not exist",
                "pick one of the sixteen clusters",
                column="cluster_id",
                value=str(cluster_id),
            )
        )
    if pillar not in PILLARS:
        issues.append(
            DataIssue(
                WHERE,
                f"'{pillar}' is not a pillar",
                "use one of: " + ", ".join(PILLARS),
                column="pillar",
                value=str(pillar),
            )
        )
    if group not in STAKEHOLDERS:
        issues.append(
            DataIssue(
                WHERE,
                f"'{group}' is not a stakeholder group",
                "use one of: " + ", ".join(STAKEHOLDERS),
                column="stakeholder_group",
                value=str(group),
            )
        )
    if issues:
        raise ValidationError(issues)


@dataclass(frozen=True)
class RatingResult:
    action: str  # create / update / same
    version: int


def record_rating(
    engine: Engine,
    round_id: str,
    cluster_id: str,
    pillar: str,
    stakeholder_group: str,
    rating: str,
    *,
    author: str,
) -> RatingResult:
    """Store one group's rating of one cluster × pillar (the last one entered counts; all are in the history)."""
    author = author_name(author)
    with write_transaction(engine, bump=False) as conn:
        locked_session(conn, round_id)
        return write_rating(conn, round_id, cluster_id, pillar, stakeholder_group, rating, author=author)


def write_rating(
    conn: Connection,
    round_id: str,
    cluster_id: str,
    pillar: str,
    stakeholder_group: str,
    rating: str,
    *,
    author: str,
) -> RatingResult:
    """:func:`record_rating` inside a caller's write transaction (the session row already locked)."""
    rating = str(rating or "").strip().lower()
    _check_entry(conn, cluster_id, pillar, stakeholder_group)
    if rating not in RATINGS:
        _fail(
            f"'{rating}' is not a rating", "use one of: " + ", ".join(RATINGS), column="rating", value=rating
        )
    t = s.dialogue_ratings
    pk = and_(
        t.c.round_id == round_id,
        t.c.cluster_id == cluster_id,
        t.c.pillar == pillar,
        t.c.stakeholder_group == stakeholder_group,
    )
    current = conn.execute(select(t).where(pk)).mappings().first()
    now = _now()
    where = dict(cluster_id=cluster_id, pillar=pillar, stakeholder_group=stakeholder_group)
    if current is None:
        conn.execute(
            insert(t).values(
                round_id=round_id, rating=rating, author=author, updated_at=now, version=1, **where
            )
        )
        write_history(conn, round_id, "rating", "create", author, now, new_value=rating, **where)
        return RatingResult("create", 1)
    if current["rating"] == rating:
        return RatingResult("same", int(current["version"]))
    version = int(current["version"]) + 1
    conn.execute(update(t).where(pk).values(rating=rating, author=author, updated_at=now, version=version))
    write_history(
        conn,
        round_id,
        "rating",
        "update",
        author,
        now,
        old_value=current["rating"],
        new_value=rating,
        **where,
    )
    return RatingResult("update", version)


def add_quote(
    engine: Engine,
    round_id: str,
    cluster_id: str,
    pillar: str,
    stakeholder_group: str,
    text: str,
    *,
    author: str,
    kind: str = "quote",
    speaker_name: str | None = None,
) -> int:
    """Store a quote or recommendation; returns its id. Empty text is refused."""
    author = author_name(author)
    text = str(text or "").strip()
    speaker = str(speaker_name or "").strip() or None
    with write_transaction(engine, bump=False) as conn:
        locked_session(conn, round_id)
        _check_entry(conn, cluster_id, pillar, stakeholder_group)
        if not text:
            _fail("the quote is empty", "type what was said before saving", column="text")
        if len(text) > MAX_QUOTE_CHARS:
            _fail(
                f"the quote is longer than {MAX_QUOTE_CHARS} characters",
                "split it into several entries",
                column="text",
            )
        if speaker and len(speaker) > MAX_NAME_CHARS:
            _fail(f"the name is longer than {MAX_NAME_CHARS} characters", "shorten it", column="speaker_name")
        if kind not in QUOTE_KINDS:
            _fail(
                f"'{kind}' is not a kind of entry",
                "use 'quote' or 'recommendation'",
                column="kind",
                value=str(kind),
            )
        now = _now()
        new_id = conn.execute(
            insert(s.dialogue_quotes)
            .values(
                round_id=round_id,
                cluster_id=cluster_id,
                pillar=pillar,
                stakeholder_group=stakeholder_group,
                speaker_name=speaker,
                text=text,
                kind=kind,
                author=author,
                created_at=now,
            )
            .returning(s.dialogue_quotes.c.id)
        ).scalar_one()
        write_history(
            conn,
            round_id,
            "quote",
            "create",
            author,
            now,
            cluster_id=cluster_id,
            pillar=pillar,
            stakeholder_group=stakeholder_group,
            quote_id=new_id,
            new_value=f"{kind}: {text}" + (f" — {speaker}" if speaker else ""),
        )
    return int(new_id)


def withdraw_quote(engine: Engine, round_id: str, quote_id: int, *, author: str) -> None:
    """Mark a mistaken entry withdrawn (kept in the store and the history, left out of the summary)."""
    author = author_name(author)
    q = s.dialogue_quotes
    with write_transaction(engine, bump=False) as conn:
        locked_session(conn, round_id)
        row = conn.execute(select(q).where(q.c.id == quote_id, q.c.round_id == round_id)).mappings().first()
        if row is None:
            _fail(f"there is no entry {quote_id} in round '{round_id}'")
        if row["withdrawn_at"] is not None:
            return
        now = _now()
        conn.execute(update(q).where(q.c.id == quote_id).values(withdrawn_by=author, withdrawn_at=now))
        write_history(
            conn,
            round_id,
            "quote",
            "withdraw",
            author,
            now,
            cluster_id=row["cluster_id"],
            pillar=row["pillar"],
            stakeholder_group=row["stakeholder_group"],
            quote_id=quote_id,
            old_value=row["text"],
        )


# --------------------------------------------------------------------------- reading


def _nulls_as_none(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """NULL stays None (not NaN, which is truthy and would print as 'nan')."""
    for c in columns:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def ratings(engine: Engine, round_id: str) -> pd.DataFrame:
    t = s.dialogue_ratings
    cols = ["cluster_id", "pillar", "stakeholder_group", "rating", "author", "updated_at", "version"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(*[t.c[c] for c in cols])
            .where(t.c.round_id == round_id)
            .order_by(t.c.cluster_id, t.c.pillar, t.c.stakeholder_group)
        ).all()
    df = pd.DataFrame([tuple(r) for r in rows], columns=cols)
    df["updated_at"] = df["updated_at"].map(_utc)
    return df


def quotes(engine: Engine, round_id: str, *, include_withdrawn: bool = True) -> pd.DataFrame:
    q = s.dialogue_quotes
    cols = [
        "id",
        "cluster_id",
        "pillar",
        "stakeholder_group",
        "speaker_name",
        "text",
        "kind",
        "author",
        "created_at",
        "withdrawn_by",
        "withdrawn_at",
    ]
    query = select(*[q.c[c] for c in cols]).where(q.c.round_id == round_id).order_by(q.c.id)
    if not include_withdrawn:
        query = query.where(q.c.withdrawn_at.is_(None))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    df = _nulls_as_none(
        pd.DataFrame([tuple(r) for r in rows], columns=cols), ["speaker_name", "withdrawn_by"]
    )
    df["created_at"] = df["created_at"].map(_utc)
    df["withdrawn_at"] = df["withdrawn_at"].map(_utc)
    return df


def revision(engine: Engine, round_id: str) -> int:
    """The round's latest change (0 for none): every write to the room's record appends to its history,
    so a view that drew the room at this revision is current while it stays the same."""
    with engine.connect() as conn:
        return revision_in(conn, round_id)


def revision_in(conn: Connection, round_id: str) -> int:
    """:func:`revision`, read on a connection already open (the projector's poll reads all it needs on one)."""
    h = s.dialogue_history
    return int(conn.execute(select(func.max(h.c.change_id)).where(h.c.round_id == round_id)).scalar() or 0)


def history(engine: Engine, round_id: str) -> pd.DataFrame:
    h = s.dialogue_history
    with engine.connect() as conn:
        rows = (
            conn.execute(select(h).where(h.c.round_id == round_id).order_by(h.c.change_id.desc()))
            .mappings()
            .all()
        )
    df = _nulls_as_none(
        pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in h.columns]),
        ["cluster_id", "pillar", "stakeholder_group", "old_value", "new_value"],
    )
    df["changed_at"] = df["changed_at"].map(_utc)
    return df
