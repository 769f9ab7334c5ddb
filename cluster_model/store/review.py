"""A round's review steps and its editions in the store (schema step 7), the editions' reports (step 8);
the rules live in :mod:`cluster_model.publishing`.

A round with no review step is a draft; ``submit`` puts it in review, ``send_back`` makes it a draft
again (with the reviewer's note), ``publish`` records an edition. A published round is never written
again: every write path of the store calls :func:`refuse_if_published` inside its transaction.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..issues import N_, DataIssue, fill
from . import schema as s
from .db import write_transaction
from .errors import ValidationError

DRAFT, IN_REVIEW, PUBLISHED = "draft", "in_review", "published"
STATE_AFTER = {"submit": IN_REVIEW, "send_back": DRAFT, "publish": PUBLISHED}
SEED_REVIEWER = "seed"


PUBLISHED_MESSAGE = N_("round '{round_id}' is published as edition {edition_id} and cannot be changed")
PUBLISHED_FIX = N_(
    "start a correction of edition {edition_id} (Data page, Publishing) and change that instead"
)


class PublishedRoundError(ValidationError):
    """A write to a round that is an edition: editions are immutable, a correction is a new round.
    A :class:`ValidationError` (nothing was written), so every write flow shows it as it shows those."""

    def __init__(self, round_id: str, edition_id: str):
        self.round_id, self.edition_id = round_id, edition_id
        super().__init__([published_problem(round_id, edition_id, f"round {round_id}")])


def published_problem(round_id: str, edition_id: str, file: str) -> DataIssue:
    params = {"round_id": round_id, "edition_id": edition_id}
    return DataIssue(file, fill(PUBLISHED_MESSAGE, params), fill(PUBLISHED_FIX, params))


def has_publishing(conn: Connection) -> bool:
    """Whether the store has schema step 7 (a store being migrated, or a test's older step, has not)."""
    return inspect(conn).has_table(s.editions.name)


def edition_of(conn: Connection, round_id: str) -> str | None:
    """The edition id of ``round_id``, or None while it is not published."""
    if not has_publishing(conn):
        return None
    return conn.execute(
        select(s.editions.c.edition_id).where(s.editions.c.round_id == round_id)
    ).scalar_one_or_none()


def edition_ids(conn: Connection) -> dict[str, tuple[str, int]]:
    """{round_id: (edition_id, sequence)} of the published rounds."""
    if not has_publishing(conn):
        return {}
    e = s.editions
    return {r: (i, n) for r, i, n in conn.execute(select(e.c.round_id, e.c.edition_id, e.c.sequence))}


def refuse_if_published(conn: Connection, round_id: str) -> None:
    """Raise :class:`PublishedRoundError` when ``round_id`` is an edition (called inside a write)."""
    edition_id = edition_of(conn, round_id)
    if edition_id is not None:
        raise PublishedRoundError(round_id, edition_id)


def published_issue(conn: Connection, round_id: str, file: str) -> DataIssue | None:
    """The refusal as the data problem a preview lists (an import into a published round), or None."""
    edition_id = edition_of(conn, round_id)
    return None if edition_id is None else published_problem(round_id, edition_id, file)


def round_state(conn: Connection, round_id: str) -> str:
    """ "draft", "in_review" or "published"."""
    if edition_of(conn, round_id) is not None:
        return PUBLISHED
    if not has_publishing(conn):
        return DRAFT
    r = s.round_reviews
    last = conn.execute(
        select(r.c.action).where(r.c.round_id == round_id).order_by(r.c.change_id.desc()).limit(1)
    ).scalar_one_or_none()
    return STATE_AFTER.get(last, DRAFT)


def record_step(conn: Connection, round_id: str, action: str, author: str, note: str = "") -> None:
    conn.execute(
        s.round_reviews.insert().values(
            round_id=round_id, action=action, note=note, changed_by=author, changed_at=datetime.now(UTC)
        )
    )


def publish_seeded_rounds(conn: Connection, author: str) -> None:
    """The real rounds the seed wrote become the first editions, as schema step 7 does for a store
    seeded before it (checksum summed when first read; no second person reviewed them)."""
    if not has_publishing(conn):
        return
    rounds = conn.execute(
        select(s.rounds.c.round_id)
        .where(s.rounds.c.created_by == author, s.rounds.c.illustrative.is_(False))
        .order_by(s.rounds.c.date, s.rounds.c.round_id)
    ).scalars()
    now = datetime.now(UTC)
    for n, round_id in enumerate(rounds, start=1):
        conn.execute(
            s.editions.insert().values(
                edition_id=f"{now.year}.{n}",
                sequence=n,
                round_id=round_id,
                published_on=now.date().isoformat(),
                published_at=now,
                reviewer=SEED_REVIEWER,
                self_reviewed=True,
                checksum=None,
                supersedes=None,
                erratum="",
                changes="[]",
            )
        )


def last_author(conn: Connection, round_id: str) -> str | None:
    """Who made the round's latest change (an assessment, a link, a workshop entry or a survey
    import), or None when nothing was written to it."""
    changes = union_all(
        select(
            s.assessment_history.c.changed_by.label("who"), s.assessment_history.c.changed_at.label("at")
        ).where(s.assessment_history.c.round_id == round_id),
        select(s.link_history.c.changed_by, s.link_history.c.changed_at).where(
            s.link_history.c.round_id == round_id
        ),
        select(s.dialogue_history.c.changed_by, s.dialogue_history.c.changed_at).where(
            s.dialogue_history.c.round_id == round_id
        ),
        select(s.survey_submissions.c.imported_by, s.survey_submissions.c.imported_at).where(
            s.survey_submissions.c.round_id == round_id
        ),
    ).subquery()
    return conn.execute(select(changes.c.who).order_by(changes.c.at.desc()).limit(1)).scalar_one_or_none()


def stored_report(engine: Engine, edition_id: str, language: str) -> bytes | None:
    """The report kept for an edition in a language, or None when none is kept yet."""
    r = s.edition_reports
    with engine.connect() as conn:
        return conn.execute(
            select(r.c.pdf).where(r.c.edition_id == edition_id, r.c.language == language)
        ).scalar_one_or_none()


def keep_report(engine: Engine, edition_id: str, language: str, pdf: bytes) -> bytes:
    """Keep ``pdf`` as the edition's report in ``language`` unless one is kept already (then that one
    stays: an edition always gives the same bytes); returns the kept report."""
    try:
        # Not a change of the data (the report is made from the edition's content): the store's
        # revision, every page cache's key, stays.
        with write_transaction(engine, bump=False) as conn:
            conn.execute(
                s.edition_reports.insert().values(
                    edition_id=edition_id,
                    language=language,
                    pdf=pdf,
                    sha256=hashlib.sha256(pdf).hexdigest(),
                    made_at=datetime.now(UTC),
                )
            )
    except IntegrityError:  # another server kept one first: theirs is the edition's report
        pass
    return stored_report(engine, edition_id, language)
