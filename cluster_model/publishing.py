"""Publishing the indicators (issue 26): a round's life draft → in review → published, its editions,
their content and checksum, corrections and citations. No Streamlit.

* A round is a *draft* while editors write to it; an editor submits it for review; a reviewer
  publishes it (an :class:`Edition`) or sends it back with a note. By default a reviewer cannot
  publish a round whose last change is their own (``ATLAS_ALLOW_SELF_REVIEW`` relaxes it for a
  one-person team; the edition then says so).
* An edition is immutable: the store refuses any write to its round
  (:class:`cluster_model.store.review.PublishedRoundError`). A correction is a new round copied
  from it; publishing that round makes an edition that supersedes the old one, with an erratum.
* An edition's content (:func:`edition_tables`) is what the Atlas shows for its round, taken through
  the one view, over the rounds published up to it (drafts never count); :func:`content_checksum`
  is the SHA-256 of its canonical serialisation.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Engine, func, or_, select

from . import store
from .exports import low_coverage_text
from .identity import atlas_name, region_name
from .issues import N_, AtlasError
from .loading import Dataset
from .settings import settings
from .store import schema as s
from .store.db import revision, write_transaction
from .store.repository import round_info
from .store.review import (
    DRAFT,
    IN_REVIEW,
    PUBLISHED,
    PublishedRoundError,
    last_author,
    record_step,
)
from .store.review import round_state as _stored_state
from .view import make_view
from .vocabulary import PILLARS

__all__ = [
    "DRAFT",
    "IN_REVIEW",
    "PUBLISHED",
    "Change",
    "Citation",
    "Edition",
    "PublishedRoundError",
    "citation",
    "content_checksum",
    "edition",
    "edition_content",
    "edition_tables",
    "editions",
    "latest_edition",
    "publish",
    "round_state",
    "send_back",
    "start_correction",
    "submit",
    "visible_round_ids",
]

LATEST = "latest"
ALL_PILLARS = "all"
NOT_ASSESSED = "not assessed"
CORRECTION_STEP = "correction_of"  # a correction round's first review step; its note is the edition id


# --------------------------------------------------------------------------- what an edition is


@dataclass(frozen=True)
class Change:
    """One indicator value that differs from the previous edition (status or source)."""

    cluster_id: str
    indicator_id: str
    before: str
    after: str
    source_before: str
    source_after: str

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Edition:
    edition_id: str  # "<year>.<n>", e.g. "2026.1"
    round_id: str
    round_name: str
    published_on: date
    reviewer: str
    checksum: str  # SHA-256 hex of content_checksum(edition_content(...))
    supersedes: str | None
    superseded_by: str | None
    erratum: str
    changes: tuple[Change, ...]  # since the previous edition (empty for the first)
    self_reviewed: (
        bool  # the reviewer made the round's last changes (allowed by the setting) or no one else reviewed
    )
    sequence: int = 0

    @property
    def first(self) -> bool:
        return self.sequence == 1

    @property
    def current(self) -> bool:
        return self.superseded_by is None

    def as_dict(self) -> dict:
        """The edition as plain JSON-ready values (the API and the data package)."""
        return {
            "edition_id": self.edition_id,
            "round_id": self.round_id,
            "round_name": self.round_name,
            "published_on": self.published_on.isoformat(),
            "reviewer": self.reviewer,
            "self_reviewed": self.self_reviewed,
            "checksum": self.checksum,
            "checksum_algorithm": "sha256",
            "supersedes": self.supersedes,
            "superseded_by": self.superseded_by,
            "erratum": self.erratum,
            "changes": [c.as_dict() for c in self.changes],
        }


# --------------------------------------------------------------------------- content and checksum


def _gap_rows(scores: pd.DataFrame, key: str) -> pd.DataFrame:
    """Gap figures as every export carries them: unknown stays empty with its status, coverage beside it."""
    return pd.DataFrame(
        {
            key: scores[key],
            "pillar": scores["pillar"] if "pillar" in scores else ALL_PILLARS,
            "gap": scores["gap"].astype(float).round(6),
            "gap_status": [NOT_ASSESSED if pd.isna(g) else "assessed" for g in scores["gap"]],
            "indicators_assessed": scores["n_assessed"].astype(int),
            "indicators_total": scores["n_indicators"].astype(int),
            "coverage": scores["coverage"].astype(float).round(6),
            "low_coverage": low_coverage_text(scores),
        }
    )


def edition_tables(ds: Dataset, round_id: str) -> dict[str, pd.DataFrame]:
    """The canonical content of round ``round_id`` of ``ds`` (pass the edition's rounds only:
    :func:`edition_content`): every value with its source, and the figures the Atlas shows, from
    the one view (district and cluster gaps with assessed/total indicators and the low-coverage flag)."""
    view = make_view(ds, round_id)
    matrix = view.matrix
    citations = dict(zip(ds.sources["source_id"], ds.sources["citation"]))
    assessments = pd.DataFrame(
        {
            "cluster_id": matrix["cluster_id"],
            "indicator_id": matrix["indicator_id"],
            "pillar": matrix["pillar"],
            "status": matrix["status"],
            "value_round_id": matrix["round_id"],  # the round the value comes from ("" when not assessed)
            "source_id": matrix["source_id"],
            "source": matrix["source_id"].map(lambda x: citations.get(x, "")),
            "note": matrix["note"],
        }
    )
    classes = view.classes
    clusters = ds.clusters[["cluster_id", "number", "name", "source_id"]].assign(
        computed_classification=[classes[c].computed for c in ds.clusters["cluster_id"]],
        published_classification=[classes[c].published or "" for c in ds.clusters["cluster_id"]],
        published_source_id=[classes[c].published_source or "" for c in ds.clusters["cluster_id"]],
    )
    every = view.district_scores(every_district=True)
    per_pillar = view.district_scores(per_pillar=True, every_district=True)
    district_gaps = pd.concat([_gap_rows(every, "district"), _gap_rows(per_pillar, "district")])
    district_gaps["clusters"] = [";".join(c) for c in [*every["clusters"], *per_pillar["clusters"]]]
    return {
        "assessments": assessments,
        "clusters": clusters,
        "indicators": ds.indicators.drop(columns=["_line"], errors="ignore"),
        "sources": ds.sources.drop(columns=["_line"], errors="ignore"),
        "sites": ds.sites.drop(columns=["_line"], errors="ignore"),
        "district_gaps": district_gaps.reset_index(drop=True),
        "cluster_gaps": _gap_rows(view.cluster_gaps(pillars=list(PILLARS)), "cluster_id"),
    }


def _cell(value) -> str:
    """One value as canonical text: unknown is empty, floats in shortest round-trip form."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 9) + 0.0)
    return str(value)


def canonical_csv(table: pd.DataFrame) -> str:
    """``table`` as CSV with its columns and rows sorted (RFC 4180 dialect, "\\n" line ends)."""
    columns = sorted(map(str, table.columns))
    rows = sorted(
        [_cell(v) for v in row] for row in table[columns].astype(object).itertuples(index=False, name=None)
    )
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def content_checksum(tables: dict[str, pd.DataFrame]) -> str:
    """SHA-256 (hex) over the tables in name order, each as ``canonical_csv``, UTF-8."""
    digest = hashlib.sha256()
    for name in sorted(tables):
        digest.update(f"# {name}\n".encode())
        digest.update(canonical_csv(tables[name]).encode("utf-8"))
    return digest.hexdigest()


def changes_between(before: dict[str, pd.DataFrame] | None, after: dict[str, pd.DataFrame]) -> list[Change]:
    """Indicator values (status or source) that differ between two editions' contents."""
    key = ["cluster_id", "indicator_id"]
    now = after["assessments"][[*key, "status", "source_id"]]
    if before is None:
        return []
    both = before["assessments"][[*key, "status", "source_id"]].merge(
        now, on=key, how="outer", suffixes=("_before", "_after")
    )
    both = both.fillna({"status_before": NOT_ASSESSED, "status_after": NOT_ASSESSED}).fillna("")
    differ = both[
        (both["status_before"] != both["status_after"])
        | (both["source_id_before"] != both["source_id_after"])
    ]
    return [
        Change(
            r.cluster_id,
            r.indicator_id,
            r.status_before,
            r.status_after,
            r.source_id_before,
            r.source_id_after,
        )
        for r in differ.sort_values(key).itertuples()
    ]


# --------------------------------------------------------------------------- reading editions


def _changes(text: str) -> tuple[Change, ...]:
    return tuple(Change(**c) for c in json.loads(text or "[]"))


def _edition_rows(engine: Engine) -> list[dict]:
    e, r = s.editions, s.rounds
    with engine.connect() as conn:
        if not store.review.has_publishing(conn):
            return []
        query = select(e, r.c.name.label("round_name"), r.c.date.label("round_date")).join(
            r, r.c.round_id == e.c.round_id
        )
        return [dict(row) for row in conn.execute(query.order_by(e.c.sequence.desc())).mappings()]


def _as_edition(row: dict, superseded_by: dict[str, str]) -> Edition:
    return Edition(
        edition_id=row["edition_id"],
        round_id=row["round_id"],
        round_name=row["round_name"],
        published_on=date.fromisoformat(row["published_on"]),
        reviewer=row["reviewer"],
        checksum=row["checksum"] or "",
        supersedes=row["supersedes"],
        superseded_by=superseded_by.get(row["edition_id"]),
        erratum=row["erratum"],
        changes=_changes(row["changes"]),
        self_reviewed=bool(row["self_reviewed"]),
        sequence=int(row["sequence"]),
    )


def editions(engine: Engine) -> list[Edition]:
    """Every edition, newest (last published) first."""
    rows = _edition_rows(engine)
    if any(not row["checksum"] for row in rows):
        sum_pending(engine)
        rows = _edition_rows(engine)
    superseded_by = {row["supersedes"]: row["edition_id"] for row in rows if row["supersedes"]}
    return [_as_edition(row, superseded_by) for row in rows]


def latest_edition(engine: Engine) -> Edition | None:
    """The edition a visitor sees by default: of the editions not superseded, the one whose round is
    the newest (a correction of an old round does not hide a newer round)."""
    current = [e for e in editions(engine) if e.current]
    if not current:
        return None
    dates = _round_dates(engine)
    return max(current, key=lambda e: (dates.get(e.round_id, ""), e.sequence))


def _round_dates(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(s.rounds.c.round_id, s.rounds.c.date)).all())


def edition(engine: Engine, edition_id: str) -> Edition:
    """The edition ``edition_id`` ("latest": :func:`latest_edition`); :class:`AtlasError` naming the
    editions there are when there is none such."""
    known = editions(engine)
    if str(edition_id).strip().lower() == LATEST:
        found = latest_edition(engine)
    else:
        found = next((e for e in known if e.edition_id == str(edition_id).strip()), None)
    if found is None:
        raise AtlasError(
            N_("there is no edition '{edition_id}'"),
            fix=N_("use one of: {known}"),
            edition_id=str(edition_id),
            known=", ".join([LATEST, *(e.edition_id for e in known)]) if known else N_("none published yet"),
        )
    return found


def round_state(engine: Engine, round_id: str) -> str:
    """``"draft"``, ``"in_review"`` or ``"published"``."""
    with engine.connect() as conn:
        return _stored_state(conn, round_id)


def round_states(engine: Engine) -> dict[str, str]:
    """Every round's state (rounds with no review step are drafts)."""
    with engine.connect() as conn:
        ids = conn.execute(select(s.rounds.c.round_id)).scalars().all()
        return {r: _stored_state(conn, r) for r in ids}


def review_notes(engine: Engine, round_id: str) -> list[dict]:
    """The round's review steps, oldest first (action, note, who, when)."""
    r = s.round_reviews
    with engine.connect() as conn:
        if not store.review.has_publishing(conn):
            return []
        rows = conn.execute(
            select(r.c.action, r.c.note, r.c.changed_by, r.c.changed_at)
            .where(r.c.round_id == round_id)
            .order_by(r.c.change_id)
        ).mappings()
        return [dict(row) for row in rows]


# --------------------------------------------------------------------------- which rounds count


def restrict_rounds(ds: Dataset, round_ids) -> Dataset:
    """``ds`` with only the rounds ``round_ids`` (and their values)."""
    keep = set(round_ids)
    return dataclasses.replace(
        ds,
        rounds=ds.rounds[ds.rounds["round_id"].isin(keep)].reset_index(drop=True),
        assessments=ds.assessments[ds.assessments["round_id"].isin(keep)].reset_index(drop=True),
        round_opened={k: v for k, v in ds.round_opened.items() if k in keep},
    )


def visible_round_ids(ds: Dataset, drafts: bool) -> list[str]:
    """Rounds a reader may open (``ds`` read from the store): every round for a signed-in editor
    (``drafts``), else the published ones and the illustrative ones (marked wherever they are shown)."""
    rounds = ds.rounds
    if drafts or "edition" not in rounds:  # the data/ files alone (store unreachable): no editions known
        return list(rounds["round_id"])
    return list(rounds.loc[(rounds["edition"] != "") | rounds["illustrative"], "round_id"])


def reader_dataset(ds: Dataset, drafts: bool) -> Dataset:
    """``ds`` as a reader sees it: :func:`visible_round_ids` only."""
    return ds if drafts else restrict_rounds(ds, visible_round_ids(ds, drafts))


def edition_round_ids(engine: Engine, ed: Edition) -> list[str]:
    """The rounds whose values an edition is made of: those published up to it (never a draft, nor a
    round published later, so the content, and its checksum, never change)."""
    return [e.round_id for e in editions(engine) if e.sequence <= ed.sequence]


def edition_content(engine: Engine, ds: Dataset, ed: Edition) -> dict[str, pd.DataFrame]:
    """:func:`edition_tables` of an edition (``ds``: the store's dataset)."""
    return edition_tables(restrict_rounds(ds, edition_round_ids(engine, ed)), ed.round_id)


def _content_of(ds: Dataset, round_ids: list[str], round_id: str) -> dict[str, pd.DataFrame]:
    return edition_tables(restrict_rounds(ds, round_ids), round_id)


def sum_pending(engine: Engine) -> None:
    """Sum the content of the editions the schema step or the seed recorded without a checksum (the app
    calls it as it opens the store, ui/data_access.py; :func:`editions` too, for a store opened elsewhere)."""
    e = s.editions
    with engine.connect() as conn:  # nothing pending (the usual case): no write, the revision stays
        if not conn.execute(
            select(func.count()).select_from(e).where(or_(e.c.checksum.is_(None), e.c.checksum == ""))
        ).scalar_one():
            return
    ds = store.load_dataset(engine)
    with write_transaction(engine) as conn:
        rows = conn.execute(select(e.c.edition_id, e.c.sequence, e.c.round_id).order_by(e.c.sequence)).all()
        for n, (edition_id, _seq, round_id) in enumerate(rows):
            if conn.execute(select(e.c.checksum).where(e.c.edition_id == edition_id)).scalar_one():
                continue
            content = _content_of(ds, [r for _, _, r in rows[: n + 1]], round_id)
            conn.execute(
                e.update().where(e.c.edition_id == edition_id).values(checksum=content_checksum(content))
            )


# --------------------------------------------------------------------------- citation


@dataclass(frozen=True)
class Citation:
    publisher: str
    title: str
    edition_id: str
    published_on: date
    url: str
    checksum: str

    @property
    def text(self) -> str:
        return (
            f"{self.publisher} ({self.published_on.year}). {self.title}, edition {self.edition_id} "
            f"({self.published_on.isoformat()}). {self.url}. SHA-256: {self.checksum}."
        )

    @property
    def key(self) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "_", f"{self.title}_{self.edition_id}").strip("_").lower()

    def bibtex(self) -> str:
        fields = {
            "title": self.title,
            "author": "{" + _bib(self.publisher) + "}",  # a body, not a person: one brace group
            "publisher": self.publisher,
            "edition": self.edition_id,
            "year": str(self.published_on.year),
            "month": str(self.published_on.month),
            "date": self.published_on.isoformat(),
            "url": self.url,
            "note": f"SHA-256: {self.checksum}",
        }
        body = ",\n".join(
            f"  {k} = {{{v if k in ('author', 'url') else _bib(v)}}}" for k, v in fields.items()
        )
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def ris(self) -> str:
        lines = [
            ("TY", "DATA"),
            ("TI", self.title),
            ("AU", self.publisher),
            ("PB", self.publisher),
            ("ET", self.edition_id),
            ("PY", str(self.published_on.year)),
            ("DA", self.published_on.strftime("%Y/%m/%d")),
            ("UR", self.url),
            ("N1", f"SHA-256: {self.checksum}"),
            ("ER", ""),
        ]
        return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)


_BIB_SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


def _bib(value: str) -> str:
    return "".join(_BIB_SPECIAL.get(c, c) for c in _one_line(value))


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def edition_title() -> str:
    return f"{region_name()} cluster indicators"


def citation(ed: Edition, url: str, publisher: str | None = None) -> Citation:
    """How to cite ``ed``, found at ``url`` (publisher: the atlas's name unless given)."""
    return Citation(
        publisher or atlas_name(), edition_title(), ed.edition_id, ed.published_on, url, ed.checksum
    )


def report_file_name(ed: Edition, language: str) -> str:
    """The edition report's file name, the same from Export, the citation box and the API: the citation's key."""
    return f"{citation(ed, '').key}.{language}.pdf"


# --------------------------------------------------------------------------- the round's life


def _refuse(message: str, fix: str = "", **params) -> AtlasError:
    return AtlasError(message, fix=fix, **params)


def _require_state(conn, round_id: str, wanted: str) -> None:
    if round_info(conn, round_id) is None:
        raise _refuse(N_("round '{round_id}' does not exist"), round_id=round_id)
    state = _stored_state(conn, round_id)
    if state != wanted:
        raise _refuse(
            N_("round '{round_id}' is {state}, not {wanted}"), round_id=round_id, state=state, wanted=wanted
        )


def submit(engine: Engine, round_id: str, author: str) -> None:
    """An editor puts a draft round up for review."""
    with write_transaction(engine) as conn:
        _require_state(conn, round_id, DRAFT)
        if round_info(conn, round_id)["illustrative"]:
            raise _refuse(
                N_("round '{round_id}' is illustrative (invented data) and is never published"),
                round_id=round_id,
            )
        record_step(conn, round_id, "submit", author)


def send_back(engine: Engine, round_id: str, reviewer: str, note: str) -> None:
    """A reviewer returns a round in review to its editors, saying why."""
    if not str(note or "").strip():
        raise _refuse(N_("say what to change before sending the round back"))
    with write_transaction(engine) as conn:
        _require_state(conn, round_id, IN_REVIEW)
        record_step(conn, round_id, "send_back", reviewer, str(note).strip())


def _correction_of(conn, round_id: str) -> str | None:
    r = s.round_reviews
    return conn.execute(
        select(r.c.note).where(r.c.round_id == round_id, r.c.action == CORRECTION_STEP)
    ).scalar_one_or_none()


def correction_of(engine: Engine, round_id: str) -> str | None:
    """The edition a correction round corrects, or None for any other round."""
    with engine.connect() as conn:
        return _correction_of(conn, round_id) if store.review.has_publishing(conn) else None


def _next_edition_id(conn, today: date) -> tuple[str, int]:
    e = s.editions
    sequence = (conn.execute(select(func.max(e.c.sequence))).scalar_one() or 0) + 1
    ids = conn.execute(select(e.c.edition_id).where(e.c.edition_id.like(f"{today.year}.%"))).scalars()
    n = max((int(i.split(".", 1)[1]) for i in ids), default=0) + 1
    return f"{today.year}.{n}", sequence


def publish(
    engine: Engine,
    round_id: str,
    reviewer: str,
    *,
    erratum: str = "",
    allow_self_review: bool | None = None,
    today: date | None = None,
) -> Edition:
    """A reviewer publishes a round in review as the next edition (a correction: superseding the
    edition it corrects, with an erratum). Refused when the reviewer made the round's last change,
    unless ``allow_self_review`` (default: the ``ATLAS_ALLOW_SELF_REVIEW`` setting)."""
    allow = settings().allow_self_review if allow_self_review is None else allow_self_review
    today = today or datetime.now(UTC).date()
    ds = store.load_dataset(engine)
    before = revision(engine)
    with write_transaction(engine) as conn:
        if revision(conn) != before + 1:  # someone wrote since ds was read: its content may be stale
            raise _refuse(N_("the store changed while publishing"), fix=N_("publish again"))
        _require_state(conn, round_id, IN_REVIEW)
        own = last_author(conn, round_id) == reviewer
        if own and not allow:
            raise _refuse(
                N_("the last changes to round '{round_id}' are your own: another reviewer must publish it"),
                fix=N_("ask another reviewer, or an admin can allow self-review for a one-person team"),
                round_id=round_id,
            )
        supersedes = _correction_of(conn, round_id)
        if supersedes and not str(erratum or "").strip():
            raise _refuse(
                N_("a correction needs an erratum: say what was wrong in edition {edition_id}"),
                edition_id=supersedes,
            )
        edition_id, sequence = _next_edition_id(conn, today)
        e = s.editions
        earlier = conn.execute(select(e.c.round_id).order_by(e.c.sequence)).scalars().all()
        content = _content_of(ds, [*earlier, round_id], round_id)
        previous_round = (
            conn.execute(select(e.c.round_id).where(e.c.edition_id == supersedes)).scalar_one()
            if supersedes
            else (earlier[-1] if earlier else None)
        )
        previous = (
            _content_of(ds, earlier[: earlier.index(previous_round) + 1], previous_round)
            if previous_round
            else None
        )
        conn.execute(
            e.insert().values(
                edition_id=edition_id,
                sequence=sequence,
                round_id=round_id,
                published_on=today.isoformat(),
                published_at=datetime.now(UTC),
                reviewer=reviewer,
                self_reviewed=own,
                checksum=content_checksum(content),
                supersedes=supersedes,
                erratum=str(erratum or "").strip(),
                changes=json.dumps([c.as_dict() for c in changes_between(previous, content)]),
            )
        )
        record_step(conn, round_id, "publish", reviewer)
    return edition(engine, edition_id)


def start_correction(engine: Engine, edition_id: str, author: str, round_id: str | None = None) -> str:
    """A new draft round holding the values of edition ``edition_id``'s round, to be corrected and
    published as the edition that supersedes it. Returns the new round's id."""
    ed = edition(engine, edition_id)
    if not ed.current:
        raise _refuse(
            N_("edition {edition_id} is already superseded by {newer}"),
            fix=N_("correct edition {newer} instead"),
            edition_id=ed.edition_id,
            newer=ed.superseded_by,
        )
    with engine.connect() as conn:
        original = round_info(conn, ed.round_id)
        taken = set(conn.execute(select(s.rounds.c.round_id)).scalars())
    new_id = round_id or next(
        f"{ed.round_id}-c{n}" for n in range(1, len(taken) + 2) if f"{ed.round_id}-c{n}" not in taken
    )
    store.create_round(
        engine,
        round_id=new_id,
        name=f"{original['name']} (correction of edition {ed.edition_id})",
        date=original["date"],
        kind=original["kind"],
        author=author,
        notes=original["notes"],
    )
    grid = store.round_grid(engine, ed.round_id)
    assessed = grid[grid["version"] > 0]  # the values stored in that round itself
    with write_transaction(engine) as conn:
        record_step(conn, new_id, CORRECTION_STEP, author, ed.edition_id)
    if not assessed.empty:
        store.save_assessments(
            engine,
            new_id,
            [
                store.Edit(r.cluster_id, r.indicator_id, r.status, r.source_id, r.note, base_version=0)
                for r in assessed.itertuples()
            ],
            author=author,
            via="correction",
            file=f"edition {ed.edition_id}",
        )
    return new_id
