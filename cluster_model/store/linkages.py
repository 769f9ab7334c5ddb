"""Institutions and links in the evidence store: seed, read, edit, import (all or nothing).

    lk = load_linkages(engine, ds)                               # institutions, links of every round, framework kinds
    add_institutions(engine, [{...}], author="alice")            # validated; history appended
    save_links(engine, "survey-2027", [{...}], author="alice")   # create or update; history appended
    plan = plan_linkage_import(engine, "survey-2027", data, "links.xlsx")  # preview + issues, writes nothing
    commit_linkage_import(engine, plan, author="alice")                     # one transaction

Same rules as assessments: every write is one transaction, validation names the
file, line and what to do, and nothing is half-written. The import reads a CSV
(institutions *or* links, told apart by the header) or an XLSX with an
``institutions`` and/or a ``links`` sheet (institutions are stored first, so the
links in the same workbook may name them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, and_, insert, inspect, select, update
from sqlalchemy.engine import Connection

from ..issues import DataFileError, DataIssue
from ..linkages import (
    INSTITUTION_COLUMNS,
    LINK_COLUMNS,
    Linkages,
    load_link_types,
    validate_institutions,
    validate_links,
)
from ..loading import COLUMNS, DATA_DIR, Dataset, read_table
from ..spreadsheet import neutralise_formula, unescape_formula
from ..uploads import UploadTable, read_upload
from . import schema as s
from .db import column_values, revision, write_transaction
from .db import now_utc as _now
from .errors import ValidationError
from .review import refuse_if_published

SEED_AUTHOR = "seed (data/ CSV files)"
INSTITUTION_STORED = [
    "institution_id",
    "name",
    "kind",
    "stakeholder_group",
    "district",
    "lat",
    "lon",
    "location_note",
    "location_source_id",
    "source_id",
    "note",
]


def _author(author: str) -> str:
    if not author or not str(author).strip():
        raise ValidationError([DataIssue("editor", "no author given", "sign in as an editor first")])
    return str(author).strip()


# --------------------------------------------------------------------------- reading


def read_linkages(conn: Connection) -> Linkages:
    i = s.institutions
    inst = pd.DataFrame(
        [dict(r) for r in conn.execute(select(i).order_by(i.c.name)).mappings()],
        columns=[c.name for c in i.columns],
    )
    for c in ("stakeholder_group", "district", "location_note", "location_source_id", "note"):
        inst[c] = inst[c].fillna("").astype(str)
    inst["lat"] = pd.to_numeric(inst["lat"], errors="coerce")
    inst["lon"] = pd.to_numeric(inst["lon"], errors="coerce")
    lk = s.links
    links = pd.DataFrame(
        [
            dict(r)
            for r in conn.execute(
                select(lk).order_by(lk.c.round_id, lk.c.institution_id, lk.c.target, lk.c.link_type)
            ).mappings()
        ],
        columns=[c.name for c in lk.columns],
    )
    links["note"] = links["note"].fillna("").astype(str)
    return Linkages(inst, links)


def load_linkages(engine: Engine, ds: Dataset, data_dir: Path | str = DATA_DIR) -> Linkages:
    """Institutions and links from the store, plus the framework's kinds of support from ``data_dir/link_types.csv``."""
    with engine.connect() as conn, conn.begin():
        out = read_linkages(conn)
    out.kinds = load_link_types(ds, Path(data_dir) / "link_types.csv", out.issues)
    return out


def link_history(engine: Engine, *, round_id: str | None = None, limit: int | None = None) -> pd.DataFrame:
    h = s.link_history
    q = select(h).order_by(h.c.change_id.desc())
    if round_id is not None:
        q = q.where(h.c.round_id == round_id)
    if limit:
        q = q.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in h.columns])


def institution_history(engine: Engine, institution_id: str | None = None) -> pd.DataFrame:
    h = s.institution_history
    q = select(h).order_by(h.c.change_id.desc())
    if institution_id is not None:
        q = q.where(h.c.institution_id == institution_id)
    with engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in h.columns])


# --------------------------------------------------------------------------- writing (inside one transaction)


def _known(conn: Connection) -> dict[str, list[str]]:
    return {
        "rounds": column_values(conn, s.rounds.c.round_id),
        "clusters": column_values(conn, s.clusters.c.cluster_id),
        "institutions": column_values(conn, s.institutions.c.institution_id),
        "sources": column_values(conn, s.sources.c.source_id),
    }


def _frame(rows: Iterable[dict], columns: list[str]) -> pd.DataFrame:
    records = []
    for n, r in enumerate(rows, start=1):
        rec = {
            c: (
                ""
                if r.get(c) is None or (isinstance(r.get(c), float) and pd.isna(r.get(c)))
                else str(r.get(c))
            )
            for c in columns
        }
        rec["_line"] = int(r.get("_line", n))
        if "base_version" in r:
            rec["base_version"] = r["base_version"]
        records.append(rec)
    return pd.DataFrame(
        records,
        columns=["_line", *columns] + (["base_version"] if any("base_version" in r for r in records) else []),
    )


def _insert_institutions(conn: Connection, good: pd.DataFrame, author: str, via: str, now: datetime) -> int:
    for r in good.to_dict("records"):
        values = {c: r[c] for c in INSTITUTION_STORED}
        values["location_source_id"] = values["location_source_id"] or None
        for c in ("lat", "lon"):
            values[c] = None if values[c] is None or pd.isna(values[c]) else float(values[c])
        conn.execute(insert(s.institutions).values(**values, version=1, updated_by=author, updated_at=now))
        conn.execute(
            insert(s.institution_history).values(
                institution_id=values["institution_id"],
                action="seed" if via == "seed" else "create",
                via=via,
                old_value=None,
                new_value=json.dumps(values, ensure_ascii=False, sort_keys=True),
                old_version=None,
                new_version=1,
                changed_by=author,
                changed_at=now,
            )
        )
    return len(good)


def _upsert_links(
    conn: Connection,
    good: pd.DataFrame,
    author: str,
    via: str,
    now: datetime,
    *,
    refuse_existing: bool,
    file: str,
) -> tuple[int, int, int]:
    """Create or update each link; returns (created, updated, unchanged). Raises ValidationError (nothing kept)."""
    lk = s.links
    created = updated = same = 0
    problems: list[DataIssue] = []
    for r in good.to_dict("records"):
        pk = and_(
            lk.c.round_id == r["round_id"],
            lk.c.institution_id == r["institution_id"],
            lk.c.target == r["target"],
            lk.c.link_type == r["link_type"],
        )
        cur = conn.execute(select(lk).where(pk)).mappings().first()
        new = (r["status"], r["source_id"], r["note"])
        if cur is not None and refuse_existing:
            problems.append(
                DataIssue(
                    file,
                    f"this link already exists in round '{r['round_id']}' (status '{cur['status']}', set by {cur['updated_by']})",
                    "change its status in the links table instead of adding it again",
                    row=int(r["_line"]),
                    column="link_type",
                    value=r["link_type"],
                )
            )
            continue
        base = r.get("base_version")
        if (
            cur is not None
            and base not in (None, "")
            and not pd.isna(base)
            and int(base) != int(cur["version"])
        ):
            problems.append(
                DataIssue(
                    file,
                    f"this link was changed by {cur['updated_by']} after you loaded it: it is now '{cur['status']}'",
                    "reload, check and save again",
                    row=int(r["_line"]),
                    column="status",
                    value=r["status"],
                )
            )
            continue
        if cur is not None and (cur["status"], cur["source_id"], cur["note"]) == new:
            same += 1
            continue
        version = 1 if cur is None else int(cur["version"]) + 1
        if cur is None:
            conn.execute(
                insert(lk).values(
                    round_id=r["round_id"],
                    institution_id=r["institution_id"],
                    target=r["target"],
                    link_type=r["link_type"],
                    status=new[0],
                    source_id=new[1],
                    note=new[2],
                    version=1,
                    updated_by=author,
                    updated_at=now,
                )
            )
            created += 1
        else:
            conn.execute(
                update(lk)
                .where(pk)
                .values(
                    status=new[0],
                    source_id=new[1],
                    note=new[2],
                    version=version,
                    updated_by=author,
                    updated_at=now,
                )
            )
            updated += 1
        conn.execute(
            insert(s.link_history).values(
                round_id=r["round_id"],
                institution_id=r["institution_id"],
                target=r["target"],
                link_type=r["link_type"],
                action="seed" if via == "seed" else ("create" if cur is None else "update"),
                via=via,
                old_status=cur["status"] if cur else None,
                old_source_id=cur["source_id"] if cur else None,
                old_note=cur["note"] if cur else None,
                new_status=new[0],
                new_source_id=new[1],
                new_note=new[2],
                old_version=int(cur["version"]) if cur else None,
                new_version=version,
                changed_by=author,
                changed_at=now,
            )
        )
    if problems:
        raise ValidationError(problems)
    return created, updated, same


@dataclass(frozen=True)
class LinkageResult:
    institutions: int
    created: int
    updated: int
    unchanged: int
    revision: int


def add_institutions(
    engine: Engine,
    rows: Iterable[dict],
    *,
    author: str,
    via: str = "editor",
    file: str = "editor form",
    districts: Iterable[str] | None = None,
    contains: Callable[[float, float], bool] | None = None,
) -> LinkageResult:
    """Add new institutions, all or nothing. Raises ValidationError (every problem) and writes nothing then."""
    author = _author(author)
    df = _frame(rows, INSTITUTION_COLUMNS)
    with write_transaction(engine) as conn:
        k = _known(conn)
        good, issues = validate_institutions(
            df,
            file=file,
            sources=k["sources"],
            taken=k["institutions"],
            districts=districts,
            contains=contains,
        )
        if issues:
            raise ValidationError(issues)
        n = _insert_institutions(conn, good, author, via, _now())
        rev = revision(conn)
    return LinkageResult(n, 0, 0, 0, rev)


def update_institution(
    engine: Engine,
    institution_id: str,
    values: dict,
    *,
    base_version: int,
    author: str,
    file: str = "editor form",
    districts: Iterable[str] | None = None,
    contains: Callable[[float, float], bool] | None = None,
) -> LinkageResult:
    """Change an institution (name, kind, group, district, location, sources, note; not its id), based on
    ``base_version``: changed meanwhile -> ValidationError naming who; history keeps old and new."""
    author = _author(author)
    i = s.institutions
    with write_transaction(engine) as conn:
        cur = conn.execute(select(i).where(i.c.institution_id == institution_id)).mappings().first()
        if cur is None:
            raise ValidationError(
                [
                    DataIssue(
                        file,
                        f"unknown institution '{institution_id}'",
                        "reload the page: it may have been renamed",
                    )
                ]
            )
        if int(cur["version"]) != int(base_version):
            raise ValidationError(
                [
                    DataIssue(
                        file,
                        f"'{cur['name']}' was changed by {cur['updated_by']} after you loaded it",
                        "reload, check and save again",
                    )
                ]
            )
        row = {
            **{c: ("" if cur[c] is None else cur[c]) for c in INSTITUTION_STORED},
            **values,
            "institution_id": institution_id,
            "_line": 1,
        }
        k = _known(conn)
        good, issues = validate_institutions(
            _frame([row], INSTITUTION_COLUMNS),
            file=file,
            sources=k["sources"],
            districts=districts,
            contains=contains,
        )
        if issues:
            raise ValidationError(issues)
        new = {c: good.iloc[0][c] for c in INSTITUTION_STORED}
        new["location_source_id"] = new["location_source_id"] or None
        for c in ("lat", "lon"):
            new[c] = None if new[c] is None or pd.isna(new[c]) else float(new[c])
        old = {c: cur[c] for c in INSTITUTION_STORED}
        if old == new:
            return LinkageResult(0, 0, 0, 1, revision(conn))
        now = _now()
        conn.execute(
            update(i)
            .where(i.c.institution_id == institution_id)
            .values(
                **{c: new[c] for c in INSTITUTION_STORED if c != "institution_id"},
                version=int(cur["version"]) + 1,
                updated_by=author,
                updated_at=now,
            )
        )
        conn.execute(
            insert(s.institution_history).values(
                institution_id=institution_id,
                action="update",
                via="editor",
                old_value=json.dumps(old, ensure_ascii=False, sort_keys=True),
                new_value=json.dumps(new, ensure_ascii=False, sort_keys=True),
                old_version=int(cur["version"]),
                new_version=int(cur["version"]) + 1,
                changed_by=author,
                changed_at=now,
            )
        )
        rev = revision(conn)
    return LinkageResult(0, 0, 1, 0, rev)


def save_links(
    engine: Engine,
    round_id: str,
    rows: Iterable[dict],
    *,
    author: str,
    via: str = "editor",
    file: str = "editor form",
    new_only: bool = False,
) -> LinkageResult:
    """Create or update links in ``round_id`` (rows: LINK_COLUMNS; round_id may be empty; optional
    base_version refuses a value changed meanwhile). ``new_only``: an existing link is a duplicate error."""
    author = _author(author)
    rows = [{**r, "round_id": r.get("round_id") or round_id} for r in rows]
    df = _frame(rows, LINK_COLUMNS)
    with write_transaction(engine) as conn:
        k = _known(conn)
        if round_id not in k["rounds"]:
            raise ValidationError(
                [DataIssue(file, f"round '{round_id}' does not exist", "create the round first (Data page)")]
            )
        refuse_if_published(conn, round_id)
        good, issues = validate_links(
            df,
            file=file,
            rounds=[round_id],
            clusters=k["clusters"],
            institutions=k["institutions"],
            sources=k["sources"],
        )
        if issues:
            raise ValidationError(issues)
        c, u, same = _upsert_links(conn, good, author, via, _now(), refuse_existing=new_only, file=file)
        rev = revision(conn)
    return LinkageResult(0, c, u, same, rev)


def ensure_source(
    conn: Connection,
    source_id: str,
    citation: str,
    *,
    title: str = "",
    kind: str = "",
    date: str = "",
    location: str = "",
    note: str = "",
) -> None:
    """Add a source row if it is not there (e.g. a workshop session as the source of links recorded in the room)."""
    if (
        conn.execute(select(s.sources.c.source_id).where(s.sources.c.source_id == source_id)).first()
        is not None
    ):
        return
    position = len(column_values(conn, s.sources.c.source_id))
    conn.execute(
        insert(s.sources).values(
            source_id=source_id,
            position=position,
            citation=citation,
            title=title,
            kind=kind,
            date=date,
            location=location,
            note=note,
        )
    )


# --------------------------------------------------------------------------- seed


def seed_linkages_if_empty(engine: Engine, data_dir: Path | str = DATA_DIR) -> list[DataIssue] | None:
    """Seed institutions and links from ``data_dir`` once (a store that has no institution history).

    Also adds any source the seed files need that the store lacks (stores seeded before
    the linkage tables existed). Bad rows are reported and not stored."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(s.institution_history.name):
            return None  # a schema older than step 6 (only while testing the upgrade)
        if conn.execute(select(s.institution_history.c.change_id).limit(1)).first() is not None:
            return None
    data_dir = Path(data_dir)
    issues: list[DataIssue] = []
    with write_transaction(engine) as conn:
        if conn.execute(select(s.institution_history.c.change_id).limit(1)).first() is not None:
            return None
        if conn.execute(select(s.clusters.c.cluster_id).limit(1)).first() is None:
            return None  # not seeded with the reference data: nothing to link to
        try:
            inst = read_table(data_dir / "institutions.csv", INSTITUTION_COLUMNS)
            links = read_table(data_dir / "links.csv", LINK_COLUMNS)
            sources = read_table(data_dir / "sources.csv", COLUMNS["sources.csv"])
        except Exception as exc:  # noqa: BLE001 - DataFileError: report it, seed nothing
            issue = getattr(exc, "issue", None) or DataIssue(
                str(data_dir),
                f"linkage seed files cannot be read ({type(exc).__name__})",
                "restore them from git",
            )
            return [issue]
        have = set(column_values(conn, s.sources.c.source_id))
        needed = set(inst["source_id"]) | set(inst["location_source_id"]) | set(links["source_id"])
        for r in sources[sources["source_id"].isin(needed - have)].to_dict("records"):
            ensure_source(
                conn,
                r["source_id"],
                r["citation"],
                title=r["title"],
                kind=r["kind"],
                date=r["date"],
                location=r["location"],
                note=r["note"],
            )
        k = _known(conn)
        now = _now()
        good, bad = validate_institutions(
            inst, file=str(data_dir / "institutions.csv"), sources=k["sources"], taken=k["institutions"]
        )
        issues += bad
        _insert_institutions(conn, good, SEED_AUTHOR, "seed", now)
        good_links, bad = validate_links(
            links,
            file=str(data_dir / "links.csv"),
            rounds=k["rounds"],
            clusters=k["clusters"],
            institutions=column_values(conn, s.institutions.c.institution_id),
            sources=k["sources"],
        )
        issues += bad
        _upsert_links(conn, good_links, SEED_AUTHOR, "seed", now, refuse_existing=False, file="links.csv")
    return issues


# --------------------------------------------------------------------------- import


@dataclass
class LinkagePlan:
    round_id: str
    file: str
    institutions: pd.DataFrame  # rows as read (text), validated again at commit
    links: pd.DataFrame
    preview: pd.DataFrame  # one row per good input row: what, line, id/link, change
    issues: list[DataIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def summary(self) -> str:
        if self.issues:
            return (
                f"{len(self.issues)} problem(s) in {self.file}: nothing will be imported until they are fixed"
            )
        counts = self.preview["change"].value_counts() if not self.preview.empty else {}
        text = ", ".join(
            f"{int(counts.get(k, 0))} {k}"
            for k in ("new institution", "new link", "changed link", "unchanged link")
        )
        same = int(counts.get("unchanged institution", 0))
        return text + (f", {same} unchanged institution(s)" if same else "")


def _linkage_table(table: UploadTable) -> pd.DataFrame:
    """A table as read, with lower-case column names (the first of a repeated name kept) and ``_line``."""
    df = table.frame
    df.columns = [str(c).strip().lower() for c in df.columns]
    df = df.loc[:, ~pd.Index(df.columns).duplicated() & (df.columns != "_line")]
    df.insert(0, "_line", df.index)
    return df.reset_index(drop=True)


def read_linkage_upload(data: bytes, filename: str) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """(institutions, links) read from a CSV (one of them) or XLSX (sheets 'institutions' / 'links')
    by the one upload reader. Raises ValidationError."""
    try:
        tables = read_upload(data, filename, sheets=("institutions", "links"))
    except DataFileError as exc:
        raise ValidationError([exc.issue]) from exc
    frames: dict[str, pd.DataFrame] = {}
    for table in tables:
        df = _linkage_table(table)
        if table.sheet is not None:
            frames[table.sheet] = df
            continue
        kind = (
            "links"
            if "link_type" in df.columns
            else ("institutions" if {"name", "kind"} <= set(df.columns) else None)
        )
        if kind is None:
            raise ValidationError(
                [
                    DataIssue(
                        filename,
                        f"the header row is neither an institutions nor a links table; found {', '.join(c for c in df.columns if c != '_line') or 'none'}",
                        f"institutions: {', '.join(INSTITUTION_COLUMNS)}; links: {', '.join(LINK_COLUMNS)}",
                        row=1,
                    )
                ]
            )
        frames[kind] = df
    for sheet, cols in (
        (
            "institutions",
            [
                c
                for c in INSTITUTION_COLUMNS
                if c
                not in (
                    "lat",
                    "lon",
                    "location_note",
                    "location_source_id",
                    "note",
                    "stakeholder_group",
                    "district",
                )
            ],
        ),
        ("links", ["institution_id", "link_type", "status", "source_id"]),
    ):
        if sheet in frames:
            missing = [c for c in cols if c not in frames[sheet].columns]
            if missing:
                raise ValidationError(
                    [
                        DataIssue(
                            f"{filename} ({sheet})",
                            f"missing column(s) {', '.join(missing)}",
                            f"the header row (line 1) must contain: {', '.join(INSTITUTION_COLUMNS if sheet == 'institutions' else LINK_COLUMNS)}",
                            row=1,
                        )
                    ]
                )
    return frames.get("institutions"), frames.get("links")


def _check(
    conn: Connection,
    round_id: str,
    filename: str,
    inst: pd.DataFrame | None,
    links: pd.DataFrame | None,
    districts,
    contains,
) -> tuple[pd.DataFrame, pd.DataFrame, list[DataIssue]]:
    k = _known(conn)
    issues: list[DataIssue] = []
    good_i = pd.DataFrame(columns=["_line", *INSTITUTION_COLUMNS])
    label_i, label_l = (
        (f"{filename} (institutions)", f"{filename} (links)")
        if filename.lower().endswith(".xlsx")
        else (filename, filename)
    )
    unchanged_i: list[str] = []
    if inst is not None:
        inst, unchanged_i = _drop_unchanged_institutions(conn, inst)
        good_i, bad = validate_institutions(
            inst,
            file=label_i,
            sources=k["sources"],
            taken=k["institutions"],
            districts=districts,
            contains=contains,
        )
        issues += bad
        good_i["note"] = good_i["note"].map(unescape_formula)
    good_l = pd.DataFrame(columns=["_line", *LINK_COLUMNS, "target"])
    if links is not None:
        links = links.copy()
        if "round_id" not in links.columns:
            links["round_id"] = ""
        links["round_id"] = links["round_id"].where(links["round_id"] != "", round_id)
        # Institutions of the same file count as known (they are written first), even the rows with problems:
        # their own problem is reported once, on their own line.
        in_file = (
            list(inst["institution_id"]) if inst is not None and "institution_id" in inst.columns else []
        )
        good_l, bad = validate_links(
            links,
            file=label_l,
            rounds=[round_id],
            clusters=k["clusters"],
            institutions=k["institutions"] + in_file,
            sources=k["sources"],
        )
        issues += bad
        good_l["note"] = good_l["note"].map(unescape_formula)
    issues.sort(key=lambda i: (i.file, i.row or 0))
    good_i.attrs["unchanged"] = unchanged_i
    return good_i, good_l, issues


def _same_value(a, b) -> bool:
    if a is None or (isinstance(a, float) and pd.isna(a)):
        a = ""
    if isinstance(a, float):
        try:
            return abs(a - float(b)) < 1e-9
        except (TypeError, ValueError):
            return False
    return str(a) == str(b or "").strip()


def _drop_unchanged_institutions(conn: Connection, inst: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rows identical to a stored institution (an exported workbook imported again) are not new:
    leave them out, and say so in the preview. A stored id with other values stays, and is refused."""
    stored = {r["institution_id"]: r for r in conn.execute(select(s.institutions)).mappings()}
    keep, same = [], []
    for idx, r in inst.iterrows():
        cur = stored.get(str(r.get("institution_id", "")).strip())
        if cur is not None and all(_same_value(cur[c], r.get(c, "")) for c in INSTITUTION_STORED):
            same.append(cur["institution_id"])
        else:
            keep.append(idx)
    return inst.loc[keep], same


def plan_linkage_import(
    engine: Engine,
    round_id: str,
    data: bytes,
    filename: str,
    *,
    districts: Iterable[str] | None = None,
    contains: Callable[[float, float], bool] | None = None,
) -> LinkagePlan:
    """Check the file against the store and list what would change. Writes nothing."""
    empty = pd.DataFrame(columns=["what", "line", "item", "change", "old_status", "status"])
    try:
        inst, links = read_linkage_upload(data, filename)
    except ValidationError as exc:
        return LinkagePlan(round_id, filename, pd.DataFrame(), pd.DataFrame(), empty, exc.issues)
    with engine.connect() as conn, conn.begin():
        if round_id not in column_values(conn, s.rounds.c.round_id):
            return LinkagePlan(
                round_id,
                filename,
                pd.DataFrame(),
                pd.DataFrame(),
                empty,
                [
                    DataIssue(
                        filename,
                        f"round '{round_id}' does not exist",
                        "create the round first, then import into it",
                    )
                ],
            )
        good_i, good_l, issues = _check(conn, round_id, filename, inst, links, districts, contains)
        current = {
            (r["institution_id"], r["target"], r["link_type"]): r
            for r in conn.execute(select(s.links).where(s.links.c.round_id == round_id)).mappings()
        }
    rows = [
        {
            "what": "institution",
            "line": int(r["_line"]),
            "item": f"{r['institution_id']}: {r['name']}",
            "change": "new institution",
            "old_status": "",
            "status": "",
        }
        for r in good_i.to_dict("records")
    ]
    rows += [
        {
            "what": "institution",
            "line": None,
            "item": i,
            "change": "unchanged institution",
            "old_status": "",
            "status": "",
        }
        for i in good_i.attrs.get("unchanged", [])
    ]
    for r in good_l.to_dict("records"):
        cur = current.get((r["institution_id"], r["target"], r["link_type"]))
        change = (
            "new link"
            if cur is None
            else (
                "unchanged link"
                if (cur["status"], cur["source_id"], cur["note"]) == (r["status"], r["source_id"], r["note"])
                else "changed link"
            )
        )
        rows.append(
            {
                "what": "link",
                "line": int(r["_line"]),
                "item": f"{r['institution_id']} → {r['target']} ({r['link_type']})",
                "change": change,
                "old_status": cur["status"] if cur else "",
                "status": r["status"],
            }
        )
    return LinkagePlan(
        round_id,
        filename,
        inst if inst is not None else pd.DataFrame(),
        links if links is not None else pd.DataFrame(),
        pd.DataFrame(rows, columns=list(empty.columns)),
        issues,
    )


def commit_linkage_import(
    engine: Engine,
    plan: LinkagePlan,
    *,
    author: str,
    districts: Iterable[str] | None = None,
    contains: Callable[[float, float], bool] | None = None,
) -> LinkageResult:
    """Write a clean plan in one transaction (checked again against the store as it is now). All or nothing."""
    if plan.issues:
        raise ValidationError(plan.issues)
    author = _author(author)
    with write_transaction(engine) as conn:
        refuse_if_published(conn, plan.round_id)
        good_i, good_l, issues = _check(
            conn,
            plan.round_id,
            plan.file,
            plan.institutions if not plan.institutions.empty else None,
            plan.links if not plan.links.empty else None,
            districts,
            contains,
        )
        if issues:
            raise ValidationError(issues)
        now = _now()
        n = _insert_institutions(conn, good_i, author, "import", now)
        c, u, same = _upsert_links(conn, good_l, author, "import", now, refuse_existing=False, file=plan.file)
        rev = revision(conn)
    return LinkageResult(n, c, u, same, rev)


def export_linkages(engine: Engine, round_id: str | None = None) -> dict[str, pd.DataFrame]:
    """Institutions and (the round's, or every) link rows, as stored, ready to edit and import again."""
    with engine.connect() as conn, conn.begin():
        lk = read_linkages(conn)
    links = lk.links if round_id is None else lk.links[lk.links["round_id"] == round_id]
    parts = links["target"].str.partition(":") if not links.empty else pd.DataFrame({0: [], 2: []})
    out_links = pd.DataFrame(
        {
            "round_id": links["round_id"],
            "institution_id": links["institution_id"],
            "cluster_id": [b if a == "cluster" else "" for a, b in zip(parts[0], parts[2])],
            "partner_id": [b if a == "institution" else "" for a, b in zip(parts[0], parts[2])],
            "link_type": links["link_type"],
            "status": links["status"],
            "source_id": links["source_id"],
            "note": links["note"].map(neutralise_formula),
        }
    )
    inst = lk.institutions[INSTITUTION_COLUMNS].copy()
    for c in ("name", "note", "location_note"):
        inst[c] = inst[c].map(neutralise_formula)
    return {"institutions": inst.reset_index(drop=True), "links": out_links.reset_index(drop=True)}


# --------------------------------------------------------------------------- workshop: "who works with whom"


def session_source_id(round_id: str) -> str:
    return f"room-{round_id}"[:100]


def record_room_link(
    engine: Engine,
    round_id: str,
    *,
    source_citation: str,
    author: str,
    institution_id: str = "",
    new_institution: dict | None = None,
    cluster_id: str = "",
    partner_id: str = "",
    link_type: str,
    status: str,
    note: str = "",
) -> LinkageResult:
    """A link stated in a workshop room, stored in the dialogue round with the session as its source.

    ``new_institution`` ({id, name, kind, stakeholder_group}) adds an institution the room named
    (no location: unknown). One transaction: the source, the institution and the link, or nothing.
    A link the room states again (another status) updates it, with history.
    """
    author = _author(author)
    source_id = session_source_id(round_id)
    file = "workshop form"
    with write_transaction(engine) as conn:
        k = _known(conn)
        if round_id not in k["rounds"]:
            raise ValidationError(
                [
                    DataIssue(
                        file,
                        f"round '{round_id}' does not exist",
                        "open the dialogue again from the Workshop page",
                    )
                ]
            )
        refuse_if_published(conn, round_id)
        ensure_source(
            conn,
            source_id,
            source_citation,
            title="Statements recorded in a workshop room",
            kind="dialogue",
            note="Recorded live by the facilitator's team.",
        )
        now = _now()
        if new_institution:
            row = {
                **{c: "" for c in INSTITUTION_COLUMNS},
                **new_institution,
                "source_id": source_id,
                "_line": 1,
            }
            good_i, issues = validate_institutions(
                _frame([row], INSTITUTION_COLUMNS),
                file=file,
                sources=[*k["sources"], source_id],
                taken=k["institutions"],
            )
            if issues:
                raise ValidationError(issues)
            _insert_institutions(conn, good_i, author, "workshop", now)
            institution_id = str(good_i.iloc[0]["institution_id"])
        link = {
            "round_id": round_id,
            "institution_id": institution_id,
            "cluster_id": cluster_id,
            "partner_id": partner_id,
            "link_type": link_type,
            "status": status,
            "source_id": source_id,
            "note": note,
            "_line": 1,
        }
        good, issues = validate_links(
            _frame([link], LINK_COLUMNS),
            file=file,
            rounds=[round_id],
            clusters=k["clusters"],
            institutions=column_values(conn, s.institutions.c.institution_id),
            sources=[*k["sources"], source_id],
        )
        if issues:
            raise ValidationError(issues)
        c, u, same = _upsert_links(conn, good, author, "workshop", now, refuse_existing=False, file=file)
        rev = revision(conn)
    return LinkageResult(1 if new_institution else 0, c, u, same, rev)
