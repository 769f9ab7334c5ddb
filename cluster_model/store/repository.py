"""Read and write the evidence store.

Reading gives the same :class:`~cluster_model.loading.Dataset` as the CSV
loader, so scoring, classification and the pages work unchanged. Writing:

* every write is one transaction (all or nothing);
* every assessment has a ``version``; a save states the version it was based
  on, and if the value changed meanwhile the whole save is refused with a
  :class:`~.errors.ConflictError` naming the current value, who and when;
* every change appends a row to ``assessment_history`` (who, when, old, new).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date as date_type
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, and_, insert, select, update
from sqlalchemy.engine import Connection

from ..issues import N_, DataIssue, Refused
from ..loading import COLUMNS, DATA_DIR, Dataset, load_rules, validate_assessments, validate_rounds
from ..vocabulary import STATUSES, Status
from . import schema as s
from .db import as_utc as _utc
from .db import column_values, make_engine, revision, safe_url, write_transaction
from .db import now_utc as _now
from .errors import Conflict, ConflictError, ValidationError
from .linkages import seed_linkages_if_empty
from .migrations import upgrade
from .review import edition_ids, refuse_if_published
from .seed import seed_if_empty

log = logging.getLogger(__name__)

ASSESSMENT_COLUMNS = COLUMNS["assessments.csv"]  # round_id, cluster_id, indicator_id, status, source_id, note
ROUND_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}$")
ILLUSTRATIVE_COLUMN = "illustrative_data"
ILLUSTRATIVE_TEXT = "ILLUSTRATIVE DATA: invented for demonstration and training; do not cite"


# --------------------------------------------------------------------------- opening


def open_store(
    url: str | None = None,
    *,
    data_dir: Path | str = DATA_DIR,
    schema: str | None = None,
    seed: bool = True,
    **engine_kwargs,
) -> Engine:
    """Engine for the store at ``url`` (see :func:`.db.resolve_url`), schema up to date, seeded from ``data_dir`` if empty."""
    engine = make_engine(url, schema=schema, **engine_kwargs)
    applied = upgrade(engine)
    if applied:
        log.info("store %s: applied schema step(s) %s", safe_url(str(engine.url)), applied)
    if seed:
        issues = seed_if_empty(engine, data_dir)
        if issues is not None:
            log.info("store seeded from %s (%d row(s) skipped by validation)", data_dir, len(issues))
        linkage_issues = seed_linkages_if_empty(engine, data_dir)
        if linkage_issues:
            log.warning(
                "linkage seed: %d row(s) skipped: %s",
                len(linkage_issues),
                "; ".join(map(str, linkage_issues)),
            )
    return engine


# --------------------------------------------------------------------------- reading


def _utc_column(values: pd.Series) -> pd.Series:
    """A column of stored times as timezone-aware UTC in one vectorised step (naive values are UTC,
    as ``as_utc`` reads them; NULL is NaT). Per row, ``as_utc`` took seconds on 78,000 assessments."""
    return pd.to_datetime(values, utc=True)


def _frame(conn: Connection, table, columns: list[str], order_by, text_columns: list[str]) -> pd.DataFrame:
    rows = conn.execute(select(*[table.c[c] for c in columns]).order_by(*order_by)).all()
    df = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    for c in text_columns:
        df[c] = df[c].fillna("").astype(str)
    df.insert(0, "_line", range(2, len(df) + 2))
    return df


def read_dataset(conn: Connection, data_dir: Path | str = DATA_DIR) -> Dataset:
    """The whole store as a :class:`Dataset` (all rounds). Rules come from ``data_dir/rules.yaml``."""

    def text(name: str) -> list[str]:
        numeric = ("weight", "cluster_defining", "lat", "lon", "illustrative", "local_share_pct")
        return [c for c in COLUMNS[name] if c not in numeric]

    sources = _frame(conn, s.sources, COLUMNS["sources.csv"], [s.sources.c.position], text("sources.csv"))
    indicators = _frame(
        conn, s.indicators, COLUMNS["indicators.csv"], [s.indicators.c.position], text("indicators.csv")
    )
    indicators["weight"] = indicators["weight"].astype(float)
    indicators["cluster_defining"] = indicators["cluster_defining"].astype(bool)
    clusters = _frame(
        conn, s.clusters, COLUMNS["clusters.csv"], [s.clusters.c.cluster_id], text("clusters.csv")
    )
    clusters = (
        clusters.assign(_n=pd.to_numeric(clusters["number"], errors="coerce"))
        .sort_values(["_n", "cluster_id"])
        .drop(columns="_n")
        .reset_index(drop=True)
    )
    clusters["_line"] = range(2, len(clusters) + 2)
    sites = _frame(conn, s.sites, COLUMNS["sites.csv"], [s.sites.c.site_pk], text("sites.csv"))
    sites[["lat", "lon"]] = sites[["lat", "lon"]].astype(float)
    rounds = _frame(
        conn, s.rounds, COLUMNS["rounds.csv"], [s.rounds.c.date, s.rounds.c.round_id], text("rounds.csv")
    )
    opened = _utc_column(
        pd.Series(dict(conn.execute(select(s.rounds.c.round_id, s.rounds.c.created_at)).all()))
    )
    rounds["illustrative"] = rounds["illustrative"].astype(bool)
    # The edition a round is published as ("", 0 for a draft or a round in review): views mark the
    # rest, and a published round's view counts only the rounds published up to it (scoring.rounds_in_view).
    published = edition_ids(conn)
    rounds["edition"] = [published.get(r, ("", 0))[0] for r in rounds["round_id"]]
    rounds["edition_sequence"] = [published.get(r, ("", 0))[1] for r in rounds["round_id"]]
    extra = ["version", "updated_by", "updated_at"]
    assessments = _frame(
        conn,
        s.assessments,
        ASSESSMENT_COLUMNS + extra,
        [s.assessments.c.round_id, s.assessments.c.cluster_id, s.assessments.c.indicator_id],
        ASSESSMENT_COLUMNS + ["updated_by"],
    )
    assessments["updated_at"] = _utc_column(assessments["updated_at"])
    participation = _frame(
        conn,
        s.participation,
        COLUMNS["participation.csv"],
        [s.participation.c.cluster_id, s.participation.c.dimension, s.participation.c.level],
        text("participation.csv"),
    )
    participation["local_share_pct"] = pd.to_numeric(
        participation["local_share_pct"], errors="coerce"
    )  # NULL stays unknown (NaN)
    evidence = _frame(
        conn, s.evidence, COLUMNS["evidence.csv"], [s.evidence.c.position], text("evidence.csv")
    )
    published = _frame(
        conn,
        s.published_classification,
        COLUMNS["published_classification.csv"],
        [s.published_classification.c.cluster_id],
        text("published_classification.csv"),
    )
    issues: list[DataIssue] = []
    rules = load_rules(Path(data_dir) / "rules.yaml", issues)
    return Dataset(
        sources,
        indicators,
        clusters,
        sites,
        rounds,
        assessments,
        participation,
        evidence,
        published,
        rules,
        issues,
        {str(k): v.isoformat() for k, v in opened.items()},
    )


def load_dataset(engine: Engine, data_dir: Path | str = DATA_DIR) -> Dataset:
    """Same as :func:`cluster_model.loading.load_dataset`, read from the store (one consistent snapshot)."""
    with engine.connect() as conn, conn.begin():
        return read_dataset(conn, data_dir)


def round_info(conn: Connection, round_id: str) -> dict | None:
    row = conn.execute(select(s.rounds).where(s.rounds.c.round_id == round_id)).mappings().first()
    return dict(row) if row else None


# --------------------------------------------------------------------------- rounds


def create_round(
    engine: Engine,
    *,
    round_id: str,
    name: str,
    date: str | date_type,
    kind: str,
    author: str,
    illustrative: bool = False,
    notes: str = "",
) -> None:
    """Open a new assessment round. Its values start as the previous real round's
    (values carry forward until reassessed, see ``scoring.rounds_in_view``).

    Raises :class:`ValidationError` (id taken or malformed, bad date or kind).
    """
    _require_author(author)
    if isinstance(date, date_type):
        date = date.isoformat()
    row = pd.DataFrame(
        [
            {
                "_line": 2,
                "round_id": str(round_id).strip(),
                "name": str(name).strip(),
                "date": str(date).strip(),
                "kind": str(kind).strip(),
                "illustrative": "yes" if illustrative else "no",
                "notes": str(notes or "").strip(),
            }
        ]
    )
    with write_transaction(engine) as conn:
        taken = set(column_values(conn, s.rounds.c.round_id))

        def extra(df: pd.DataFrame):
            return [
                (
                    ~df["round_id"].map(lambda v: bool(ROUND_ID_PATTERN.match(v))),
                    "round_id",
                    lambda r: f"'{r['round_id']}' is not a usable round id",
                    "use lower-case letters, digits, '-' or '_', e.g. survey-2027",
                ),
                (
                    df["round_id"].isin(taken),
                    "round_id",
                    lambda r: f"round '{r['round_id']}' already exists",
                    "choose another id, or open the existing round",
                ),
                (df["name"] == "", "name", lambda r: "'name' is empty", "give the round a name"),
            ]

        good, issues = validate_rounds(row, file="new round", extra_checks=extra)
        if issues:
            raise ValidationError(issues)
        rec = good.iloc[0]
        conn.execute(
            insert(s.rounds).values(
                round_id=rec["round_id"],
                name=rec["name"],
                date=rec["date"],
                kind=rec["kind"],
                illustrative=bool(rec["illustrative"]),
                notes=rec["notes"],
                created_by=author,
                created_at=_now(),
            )
        )


def list_rounds(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = (
            conn.execute(select(s.rounds).order_by(s.rounds.c.date.desc(), s.rounds.c.round_id.desc()))
            .mappings()
            .all()
        )
    return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in s.rounds.columns])


# --------------------------------------------------------------------------- assessments


@dataclass(frozen=True)
class Edit:
    """A new value for one cluster × indicator, based on ``base_version`` (0: it did not exist)."""

    cluster_id: str
    indicator_id: str
    status: str
    source_id: str
    note: str = ""
    base_version: int = 0
    line: int | None = None  # where the row came from (file line / editor row), for messages


@dataclass(frozen=True)
class SaveResult:
    created: int
    updated: int
    unchanged: int
    revision: int


def round_grid(engine: Engine, round_id: str) -> pd.DataFrame:
    """Every cluster × indicator with the value stored *in this round* (or none yet: version 0).

    Columns: cluster_id, indicator_id, pillar, status, source_id, note, version, updated_by, updated_at.
    """
    with engine.connect() as conn, conn.begin():
        grid = read_grid(conn, round_id)
    return grid


def read_grid(conn: Connection, round_id: str) -> pd.DataFrame:
    """Every cluster × indicator of a round with its stored value and version (0: never assessed),
    inside the caller's transaction; the importers plan against it."""
    clusters = pd.DataFrame(
        conn.execute(select(s.clusters.c.cluster_id, s.clusters.c.number)).all(),
        columns=["cluster_id", "number"],
    )
    clusters = clusters.assign(_n=pd.to_numeric(clusters["number"], errors="coerce")).sort_values(
        ["_n", "cluster_id"]
    )[["cluster_id"]]
    indicators = pd.DataFrame(
        conn.execute(
            select(s.indicators.c.indicator_id, s.indicators.c.pillar).order_by(s.indicators.c.position)
        ).all(),
        columns=["indicator_id", "pillar"],
    )
    current = pd.DataFrame(
        conn.execute(
            select(
                s.assessments.c.cluster_id,
                s.assessments.c.indicator_id,
                s.assessments.c.status,
                s.assessments.c.source_id,
                s.assessments.c.note,
                s.assessments.c.version,
                s.assessments.c.updated_by,
                s.assessments.c.updated_at,
            ).where(s.assessments.c.round_id == round_id)
        ).all(),
        columns=[
            "cluster_id",
            "indicator_id",
            "status",
            "source_id",
            "note",
            "version",
            "updated_by",
            "updated_at",
        ],
    )
    grid = clusters.merge(indicators, how="cross").merge(
        current, on=["cluster_id", "indicator_id"], how="left"
    )
    grid["status"] = grid["status"].fillna(Status.NOT_ASSESSED.value)
    grid[["source_id", "note", "updated_by"]] = grid[["source_id", "note", "updated_by"]].fillna("")
    grid["version"] = grid["version"].fillna(0).astype(int)
    grid["updated_at"] = _utc_column(grid["updated_at"])
    return grid.reset_index(drop=True)


def edits_from_grid(original: pd.DataFrame, edited: pd.DataFrame) -> list[Edit]:
    """The rows of an edited :func:`round_grid` whose status, source or note differ from the original.

    Row positions (1-based, as the editor shows them) become ``Edit.line``.
    """
    key = ["cluster_id", "indicator_id"]
    base = original.set_index(key)
    edits = []
    for pos, row in enumerate(edited.to_dict("records"), start=1):
        k = (row["cluster_id"], row["indicator_id"])
        new = tuple(
            "" if pd.isna(row.get(c)) or row.get(c) is None else str(row.get(c)).strip()
            for c in ("status", "source_id", "note")
        )
        if k in base.index:
            old_row = base.loc[k]
            old = tuple(str(old_row[c]) for c in ("status", "source_id", "note"))
            version = int(old_row["version"])
        else:
            old, version = (Status.NOT_ASSESSED.value, "", ""), 0
        if new != old:
            edits.append(Edit(k[0], k[1], new[0], new[1], new[2], version, pos))
    return edits


def save_assessments(
    engine: Engine,
    round_id: str,
    edits: Iterable[Edit],
    *,
    author: str,
    via: str = "editor",
    file: str = "editor",
    on_progress: Callable[[int, int], None] | None = None,
) -> SaveResult:
    """Store ``edits`` in round ``round_id``, all or nothing.

    Validation (unknown cluster/indicator/source, status not allowed, missing
    source, duplicates) raises :class:`ValidationError`; a value changed since
    its ``base_version`` raises :class:`ConflictError`. In both cases nothing is
    written. ``on_progress(done, total)`` is called inside the transaction.
    """
    _require_author(author)
    edits = list(edits)
    df = pd.DataFrame(
        [
            {
                "_line": e.line if e.line is not None else i + 1,
                "round_id": round_id,
                "cluster_id": e.cluster_id,
                "indicator_id": e.indicator_id,
                "status": e.status,
                "source_id": e.source_id,
                "note": e.note or "",
            }
            for i, e in enumerate(edits)
        ],
        columns=["_line", *ASSESSMENT_COLUMNS],
    )
    with write_transaction(engine) as conn:
        if round_info(conn, round_id) is None:
            raise ValidationError(
                [DataIssue(file, f"round '{round_id}' does not exist", "create the round first")]
            )
        refuse_if_published(conn, round_id)  # an edition never changes (issue 26)
        good, issues = validate_assessments(
            df.astype({c: str for c in ASSESSMENT_COLUMNS}),
            file=file,
            rounds=[round_id],
            clusters=column_values(conn, s.clusters.c.cluster_id),
            indicators=column_values(conn, s.indicators.c.indicator_id),
            sources=column_values(conn, s.sources.c.source_id),
        )
        if issues:
            raise ValidationError(sorted(issues, key=lambda i: i.row or 0))
        counts = {"create": 0, "update": 0, "same": 0}
        conflicts: list[Conflict] = []
        now = _now()
        for done, e in enumerate(edits, start=1):
            outcome = apply_edit(
                conn,
                round_id,
                Edit(
                    e.cluster_id,
                    e.indicator_id,
                    e.status.lower(),
                    e.source_id,
                    e.note or "",
                    e.base_version,
                    e.line,
                ),
                author,
                via,
                now,
            )
            if isinstance(outcome, Conflict):
                conflicts.append(outcome)
            else:
                counts[outcome] += 1
            if on_progress is not None:
                on_progress(done, len(edits))
        if conflicts:
            raise ConflictError(conflicts)  # leaving the block rolls everything back
        rev = revision(conn)
    return SaveResult(counts["create"], counts["update"], counts["same"], rev)


def apply_edit(
    conn: Connection, round_id: str, e: Edit, author: str, via: str, now: datetime
) -> str | Conflict:
    """Write one edit inside the caller's transaction: "create", "update", "same" or the Conflict
    when the stored version is no longer the one the edit was based on."""
    a = s.assessments
    pk = and_(a.c.round_id == round_id, a.c.cluster_id == e.cluster_id, a.c.indicator_id == e.indicator_id)
    current = conn.execute(select(a).where(pk)).mappings().first()
    new = (e.status, e.source_id, e.note)
    if current is not None and (current["status"], current["source_id"], current["note"]) == new:
        return (
            "same"  # already the value asked for (perhaps saved by someone else): nothing to do, nothing lost
        )
    current_version = int(current["version"]) if current is not None else 0
    if current_version != e.base_version:
        if (
            current is None
        ):  # based on a value that no longer exists: cannot happen without deletes, but be safe
            return Conflict(
                round_id,
                e.cluster_id,
                e.indicator_id,
                new,
                Status.NOT_ASSESSED.value,
                "",
                "",
                0,
                "nobody",
                None,
            )
        return Conflict(
            round_id,
            e.cluster_id,
            e.indicator_id,
            new,
            current["status"],
            current["source_id"],
            current["note"],
            current_version,
            current["updated_by"],
            _utc(current["updated_at"]),
        )
    history = dict(
        round_id=round_id,
        cluster_id=e.cluster_id,
        indicator_id=e.indicator_id,
        via=via,
        new_status=e.status,
        new_source_id=e.source_id,
        new_note=e.note,
        new_version=current_version + 1,
        changed_by=author,
        changed_at=now,
    )
    if current is None:
        conn.execute(
            insert(a).values(
                round_id=round_id,
                cluster_id=e.cluster_id,
                indicator_id=e.indicator_id,
                status=e.status,
                source_id=e.source_id,
                note=e.note,
                version=1,
                updated_by=author,
                updated_at=now,
            )
        )
        conn.execute(insert(s.assessment_history).values(action="create", **history))
        return "create"
    result = conn.execute(
        update(a)
        .where(pk, a.c.version == current_version)
        .values(
            status=e.status,
            source_id=e.source_id,
            note=e.note,
            version=current_version + 1,
            updated_by=author,
            updated_at=now,
        )
    )
    if (
        result.rowcount != 1
    ):  # changed between our read and write (writers take turns, so only as a last defence)
        raise ConflictError(
            [
                Conflict(
                    round_id,
                    e.cluster_id,
                    e.indicator_id,
                    new,
                    current["status"],
                    current["source_id"],
                    current["note"],
                    current_version,
                    current["updated_by"],
                    _utc(current["updated_at"]),
                )
            ]
        )
    conn.execute(
        insert(s.assessment_history).values(
            action="update",
            old_status=current["status"],
            old_source_id=current["source_id"],
            old_note=current["note"],
            old_version=current_version,
            **history,
        )
    )
    return "update"


def _require_author(author: str) -> None:
    if not author or not str(author).strip():
        raise Refused(N_("every change needs the name of the person making it"))


# --------------------------------------------------------------------------- history


def history(
    engine: Engine,
    *,
    round_id: str | None = None,
    cluster_id: str | None = None,
    indicator_id: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Every recorded change (newest first): who, when, old and new values."""
    h = s.assessment_history
    q = select(h).order_by(h.c.change_id.desc())
    for col, value in (("round_id", round_id), ("cluster_id", cluster_id), ("indicator_id", indicator_id)):
        if value is not None:
            q = q.where(h.c[col] == value)
    if limit:
        q = q.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    df = pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in h.columns])
    df["changed_at"] = _utc_column(df["changed_at"])
    return df


# --------------------------------------------------------------------------- export and template


@dataclass(frozen=True)
class TableRows:
    """A table on its way to a file (``outputs.tables.table_file`` writes it as CSV or XLSX)."""

    stem: str
    columns: list[str]
    records: list[list]
    notice: str | None = None
    round_info: dict | None = None
    allowed: dict | None = None


def round_rows(engine: Engine, round_id: str) -> TableRows:
    """The round's assessments, ready to write as a file to edit and import again.

    An illustrative round says so in the file name and on every row
    (column ``illustrative_data``), and in the XLSX on a notice sheet too.
    """
    with engine.connect() as conn, conn.begin():
        info = round_info(conn, round_id)
        if info is None:
            raise KeyError(f"round '{round_id}' does not exist")
        rows = (
            conn.execute(
                select(s.assessments)
                .where(s.assessments.c.round_id == round_id)
                .order_by(s.assessments.c.cluster_id, s.assessments.c.indicator_id)
            )
            .mappings()
            .all()
        )
    columns = [*ASSESSMENT_COLUMNS, "version", "updated_by", "updated_at"]
    records = [
        [
            r[c] if c != "updated_at" else (_utc(r[c]).isoformat(timespec="seconds") if r[c] else "")
            for c in columns
        ]
        for r in rows
    ]
    if info["illustrative"]:
        columns = [ILLUSTRATIVE_COLUMN, *columns]
        records = [[ILLUSTRATIVE_TEXT, *rec] for rec in records]
    stem = round_file_stem(round_id, bool(info["illustrative"]))
    return TableRows(
        stem, columns, records, notice=ILLUSTRATIVE_TEXT if info["illustrative"] else None, round_info=info
    )


def round_file_stem(round_id: str, illustrative: bool) -> str:
    """A round's file name without extension; an illustrative round says so first."""
    return ("ILLUSTRATIVE-" if illustrative else "") + f"assessments-{round_id}"


TEMPLATE_STEM = "assessments-template"


def template_rows(engine: Engine | None = None) -> TableRows:
    """An empty import file (header row); with ``engine``, the allowed values (the XLSX lists them)."""
    lists = None
    if engine is not None:
        with engine.connect() as conn:
            lists = {
                "status": STATUSES,
                "cluster_id": column_values(conn, s.clusters.c.cluster_id),
                "indicator_id": column_values(conn, s.indicators.c.indicator_id),
                "source_id": column_values(conn, s.sources.c.source_id),
            }
    return TableRows(TEMPLATE_STEM, list(ASSESSMENT_COLUMNS), [], allowed=lists)
