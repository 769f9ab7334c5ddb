"""Import ODK Central / KoboToolbox submissions into a survey round: read, check, preview, commit.

    plan = plan_survey_import(engine, "survey-2027", data, "submissions.csv")
    plan.issues        # one DataIssue per bad cell: file, line, column (as written in the export), value, what to do
    plan.submissions   # preview: each submission new / changed / unchanged (already imported), counted or not
    plan.changes       # preview: the round's assessments that change, with respondents and agreement
    commit_survey_import(engine, plan, author="alice")   # one transaction, all or nothing

The round must be of kind "survey". Its assessments are the aggregate of every
counted submission imported into it so far (:func:`cluster_model.survey.aggregate`);
every raw submission is kept in ``survey_submissions`` and its answers in
``survey_answers``, so each value can be traced to the submissions behind it
(:func:`survey_evidence`). Each value's source is the round's own source row
(``<round_id>_submissions``), created on the first import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.engine import Connection

from .. import survey as sv
from ..issues import N_, DataFileError, DataIssue, Refused
from ..vocabulary import Status
from . import schema as s
from .db import revision, write_transaction
from .errors import ConflictError, ValidationError
from .repository import Edit, apply_edit, read_grid, round_info
from .review import published_issue

VIA = "survey"


def survey_source_id(round_id: str) -> str:
    return f"{round_id}_submissions"


@dataclass
class SurveyPlan:
    round_id: str
    file: str
    submissions: pd.DataFrame  # the file's good submissions, with change = new / changed / unchanged
    changes: pd.DataFrame  # cluster × indicator values of the round: change = new / changed / unchanged
    issues: list[DataIssue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    parsed: sv.Submissions | None = None

    @property
    def ok(self) -> bool:
        return not self.issues

    def count(self, kind: str, frame: str = "changes") -> int:
        df = getattr(self, frame)
        return int((df["change"] == kind).sum()) if not df.empty else 0

    def summary(self) -> str:
        if self.issues:
            return (
                f"{len(self.issues)} problem(s) in {self.file}: nothing will be imported until they are fixed"
            )
        excluded = int((~self.submissions["counted"].astype(bool)).sum()) if not self.submissions.empty else 0
        subs = (
            f"{len(self.submissions)} submission(s): {self.count('new', 'submissions')} new, {self.count('changed', 'submissions')} changed, "
            f"{self.count('unchanged', 'submissions')} already imported"
            + (f", {excluded} rejected (kept, not counted)" if excluded else "")
        )
        return f"{subs}. Values: {self.count('new')} new, {self.count('changed')} changed, {self.count('unchanged')} unchanged"


@dataclass(frozen=True)
class SurveyResult:
    submissions_added: int
    submissions_replaced: int
    created: int
    updated: int
    revision: int


# --------------------------------------------------------------------------- planning


def _fingerprint(sub: dict, answers: list[tuple[str, str]]) -> str:
    keep = {
        k: sub[k]
        for k in ("cluster_id", "district", "stakeholder_group", "enumerator", "survey_date", "counted")
    }
    return json.dumps([keep, sorted(answers)], sort_keys=True)


def _stored(conn: Connection, round_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The round's current (not replaced) submissions and their answers."""
    t, a = s.survey_submissions, s.survey_answers
    cols = [
        "id",
        "submission_id",
        "cluster_id",
        "district",
        "stakeholder_group",
        "enumerator",
        "survey_date",
        "counted",
        "raw",
    ]
    subs = pd.DataFrame(
        [
            tuple(r)
            for r in conn.execute(
                select(*[t.c[c] for c in cols]).where(t.c.round_id == round_id, t.c.replaced_at.is_(None))
            ).all()
        ],
        columns=cols,
    )
    answers = pd.DataFrame(
        [
            tuple(r)
            for r in conn.execute(
                select(a.c.submission_pk, a.c.indicator_id, a.c.answer)
                .join(t, t.c.id == a.c.submission_pk)
                .where(t.c.round_id == round_id, t.c.replaced_at.is_(None))
            ).all()
        ],
        columns=["submission_pk", "indicator_id", "answer"],
    )
    return subs, answers


def _round_issue(conn: Connection, round_id: str, filename: str) -> DataIssue | None:
    """Why the round cannot take field submissions (missing, or not a survey round), None when it can."""
    info = round_info(conn, round_id)
    if info is None:
        return DataIssue(
            filename,
            f"round '{round_id}' does not exist",
            "create a round of kind 'survey' first, then import into it",
        )
    if info["kind"] != "survey":
        return DataIssue(
            filename,
            f"round '{round_id}' is a {info['kind']} round, not a survey",
            "pick or create a round of kind 'survey' for field submissions",
        )
    return published_issue(conn, round_id, filename)


def _read_against_store(conn: Connection, df: pd.DataFrame | None, filename: str) -> sv.Submissions:
    """The submissions checked against the clusters, indicators and districts the store holds."""
    clusters = pd.DataFrame(
        conn.execute(select(s.clusters.c.cluster_id, s.clusters.c.name)).all(),
        columns=["cluster_id", "name"],
    )
    indicators = [
        str(i)
        for i in conn.execute(select(s.indicators.c.indicator_id).order_by(s.indicators.c.position)).scalars()
    ]
    districts = sorted({str(d) for d in conn.execute(select(s.sites.c.district)).scalars()})
    return sv.read_submissions(
        df, file=filename, clusters=clusters, indicators=indicators, districts=districts
    )


def _answer_lists(answers: pd.DataFrame, key: str) -> dict:
    """(indicator_id, answer) pairs per submission, keyed by ``key``."""
    if answers.empty:
        return {}
    return (
        answers.groupby(key)
        .apply(lambda g: list(zip(g["indicator_id"], g["answer"])), include_groups=False)
        .to_dict()
    )


def _submission_changes(
    parsed: sv.Submissions, stored: pd.DataFrame, stored_answers: pd.DataFrame
) -> tuple[pd.DataFrame, list]:
    """The file's submissions, each marked new, changed or unchanged against the stored ones (with the one
    it replaces), and the stored submissions they replace."""
    stored_by_id = {r["submission_id"]: r for r in stored.to_dict("records")}
    stored_by_instance = {sv.instance_id(json.loads(r["raw"])): r for r in stored_by_id.values()}
    stored_by_instance.pop("", None)
    answers_by_pk = _answer_lists(stored_answers, "submission_pk")
    incoming_answers = _answer_lists(parsed.answers, "submission_id")
    subs = parsed.submissions.copy()
    kinds, replaced_pks, replaces = [], [], []
    for sub in subs.to_dict("records"):
        old = stored_by_id.get(sub["submission_id"])
        if old is None and sub["instance_id"] in stored_by_instance:
            # The same instanceID under another KEY is the same submission: compared, replaced if changed.
            old = stored_by_instance[sub["instance_id"]]
            sub["replaces"] = old["submission_id"]
        replaces.append(sub["replaces"])
        if (
            old is None and sub["replaces"] in stored_by_id
        ):  # an edit under a new id, naming the version it replaces
            kinds.append("changed")
            replaced_pks.append(stored_by_id[sub["replaces"]]["id"])
        elif old is None:
            kinds.append("new")
        elif _fingerprint(old, answers_by_pk.get(old["id"], [])) == _fingerprint(
            sub, incoming_answers.get(sub["submission_id"], [])
        ):
            kinds.append("unchanged")
        else:
            kinds.append("changed")
            replaced_pks.append(old["id"])
    subs["change"] = kinds
    subs["replaces"] = replaces
    return subs, replaced_pks


def _round_results(
    parsed: sv.Submissions,
    subs: pd.DataFrame,
    stored: pd.DataFrame,
    stored_answers: pd.DataFrame,
    replaced_pks,
) -> pd.DataFrame:
    """The aggregate of every counted answer the round will hold: stored ones not being replaced, plus the
    file's new and changed ones."""
    keep = stored[stored["counted"].astype(bool) & ~stored["id"].isin(replaced_pks)]
    kept_answers = stored_answers.merge(keep[["id", "cluster_id"]], left_on="submission_pk", right_on="id")[
        ["cluster_id", "indicator_id", "answer"]
    ]
    adding = subs[(subs["change"] != "unchanged") & subs["counted"].astype(bool)]
    new_answers = parsed.answers.merge(adding[["submission_id", "cluster_id"]], on="submission_id")[
        ["cluster_id", "indicator_id", "answer"]
    ]
    return sv.aggregate(pd.concat([kept_answers, new_answers], ignore_index=True))


_VALUE_CHANGE_COLUMNS = [
    "cluster_id",
    "indicator_id",
    "change",
    "old_status",
    "status",
    "n_respondents",
    "agreement",
    "dont_know",
    "tie",
    "source_id",
    "note",
    "base_version",
]


def _value_changes(grid: pd.DataFrame, results: pd.DataFrame, source: str) -> pd.DataFrame:
    """What the aggregate changes in the round's assessment grid (indexed by cluster and indicator)."""
    changes = []
    for r in results.to_dict("records"):
        cur = grid.loc[(r["cluster_id"], r["indicator_id"])]
        exists = int(cur["version"]) > 0
        if not r["status"] and not exists:
            continue  # nothing assessed (don't know only, or a tie): earlier rounds' values still show
        status = r["status"] or Status.NOT_ASSESSED.value
        new, old = (status, source, r["note"]), (cur["status"], cur["source_id"], cur["note"])
        kind = "new" if not exists else ("unchanged" if new == old else "changed")
        changes.append(
            {
                "cluster_id": r["cluster_id"],
                "indicator_id": r["indicator_id"],
                "change": kind,
                "old_status": cur["status"] if exists else "",
                "status": status,
                "n_respondents": int(r["n_respondents"]),
                "agreement": r["agreement"],
                "dont_know": int(r[sv.DONT_KNOW]),
                "tie": bool(r["tie"]),
                "source_id": source,
                "note": r["note"],
                "base_version": int(cur["version"]),
            }
        )
    # A survey value no counted answer supports any more (its submissions were edited or rejected): not assessed now.
    answered = set(zip(results["cluster_id"], results["indicator_id"]))
    for (cluster_id, indicator_id), cur in grid[
        (grid["source_id"] == source) & (grid["status"] != Status.NOT_ASSESSED.value)
    ].iterrows():
        if (cluster_id, indicator_id) not in answered:
            changes.append(
                {
                    "cluster_id": cluster_id,
                    "indicator_id": indicator_id,
                    "change": "changed",
                    "old_status": cur["status"],
                    "status": Status.NOT_ASSESSED.value,
                    "n_respondents": 0,
                    "agreement": float("nan"),
                    "dont_know": 0,
                    "tie": False,
                    "source_id": source,
                    "note": "Field survey: no counted submission answers this any more.",
                    "base_version": int(cur["version"]),
                }
            )
    return pd.DataFrame(changes, columns=_VALUE_CHANGE_COLUMNS)


def _plan(
    conn: Connection,
    round_id: str,
    filename: str,
    df: pd.DataFrame | None,
    parsed: sv.Submissions | None = None,
) -> SurveyPlan:
    empty = pd.DataFrame(columns=["change"])
    refused = _round_issue(conn, round_id, filename)
    if refused is not None:
        return SurveyPlan(round_id, filename, empty, empty, [refused])
    if parsed is None:
        parsed = _read_against_store(conn, df, filename)
    if parsed.issues:
        return SurveyPlan(round_id, filename, empty, empty, parsed.issues, parsed.ignored_columns, parsed)

    stored, stored_answers = _stored(conn, round_id)
    subs, replaced_pks = _submission_changes(parsed, stored, stored_answers)
    results = _round_results(parsed, subs, stored, stored_answers, replaced_pks)
    grid = read_grid(conn, round_id).set_index(["cluster_id", "indicator_id"])
    changes = _value_changes(grid, results, survey_source_id(round_id))
    return SurveyPlan(round_id, filename, subs, changes, [], parsed.ignored_columns, parsed)


def plan_survey_import(engine: Engine, round_id: str, data: bytes, filename: str) -> SurveyPlan:
    """Check an exported submissions file against the store and work out what would change. Writes nothing."""
    empty = pd.DataFrame(columns=["change"])
    try:
        df = sv.read_table(data, filename)
    except DataFileError as exc:
        return SurveyPlan(round_id, filename, empty, empty, [exc.issue])
    with engine.connect() as conn, conn.begin():
        return _plan(conn, round_id, filename, df)


# --------------------------------------------------------------------------- commit


def _ensure_source(conn: Connection, round_id: str, info: dict, n_submissions: int, now: datetime) -> str:
    src = survey_source_id(round_id)
    values = dict(
        citation=f"Field survey '{info['name']}' ({n_submissions} submission(s), ODK Collect / KoboToolbox)",
        title=str(info["name"]),
        kind="field survey",
        date=str(info["date"]),
        location=f"survey submissions of round {round_id} in the evidence store",
        note="Each value is the status most respondents gave; 'don't know' is not counted; a tie stays not assessed. Every raw submission is kept.",
    )
    if conn.execute(select(s.sources.c.source_id).where(s.sources.c.source_id == src)).first() is None:
        position = (conn.execute(select(func.max(s.sources.c.position))).scalar() or 0) + 1
        conn.execute(insert(s.sources).values(source_id=src, position=position, **values))
    else:
        conn.execute(update(s.sources).where(s.sources.c.source_id == src).values(**values))
    return src


def commit_survey_import(engine: Engine, plan: SurveyPlan, *, author: str) -> SurveyResult:
    """Store a clean plan in one transaction: submissions, answers, the round's values. All or nothing.

    A value changed by someone else since the preview → ConflictError, nothing written.
    """
    if not author or not str(author).strip():
        raise Refused(N_("every change needs the name of the person making it"))
    if plan.issues or plan.parsed is None:
        raise ValidationError(
            plan.issues or [DataIssue(plan.file, "nothing to import", "preview the file first")]
        )
    previewed = {
        (r["cluster_id"], r["indicator_id"]): int(r["base_version"]) for r in plan.changes.to_dict("records")
    }
    with write_transaction(engine) as conn:
        fresh = _plan(
            conn, plan.round_id, plan.file, None, plan.parsed
        )  # the store as it is now, under the writers' lock
        if fresh.issues:
            raise ValidationError(fresh.issues)
        now = datetime.now(UTC)
        t = s.survey_submissions
        added = replaced = 0
        answers = plan.parsed.answers
        for sub in fresh.submissions.to_dict("records"):
            if sub["change"] == "unchanged":
                continue
            if sub["change"] == "changed":
                ids = [sub["submission_id"], sub["replaces"]] if sub["replaces"] else [sub["submission_id"]]
                replaced += conn.execute(
                    update(t)
                    .where(
                        t.c.round_id == plan.round_id, t.c.submission_id.in_(ids), t.c.replaced_at.is_(None)
                    )
                    .values(replaced_at=now)
                ).rowcount
            pk = conn.execute(
                insert(t)
                .values(
                    round_id=plan.round_id,
                    submission_id=sub["submission_id"],
                    cluster_id=sub["cluster_id"],
                    district=sub["district"],
                    stakeholder_group=sub["stakeholder_group"],
                    enumerator=sub["enumerator"],
                    survey_date=sub["survey_date"],
                    submitted_at=str(sub["submitted_at"])[:40],
                    counted=bool(sub["counted"]),
                    excluded_reason=sub["excluded_reason"],
                    raw=sub["raw"],
                    file=plan.file,
                    line=int(sub["_line"]),
                    imported_by=author,
                    imported_at=now,
                )
                .returning(t.c.id)
            ).scalar_one()
            mine = answers[answers["submission_id"] == sub["submission_id"]]
            if not mine.empty:
                conn.execute(
                    insert(s.survey_answers),
                    [
                        {"submission_pk": pk, "indicator_id": a["indicator_id"], "answer": a["answer"]}
                        for a in mine.to_dict("records")
                    ],
                )
            added += 1
        info = round_info(conn, plan.round_id)
        n_current = conn.execute(
            select(func.count())
            .select_from(t)
            .where(t.c.round_id == plan.round_id, t.c.replaced_at.is_(None))
        ).scalar_one()
        _ensure_source(conn, plan.round_id, info, int(n_current), now)
        counts = {"create": 0, "update": 0, "same": 0}
        conflicts = []
        for r in fresh.changes.to_dict("records"):
            if r["change"] == "unchanged":
                continue
            key = (r["cluster_id"], r["indicator_id"])
            edit = Edit(
                key[0],
                key[1],
                r["status"],
                r["source_id"],
                r["note"],
                previewed.get(key, int(r["base_version"])),
            )
            outcome = apply_edit(conn, plan.round_id, edit, author, VIA, now)
            if isinstance(outcome, str):
                counts[outcome] += 1
            else:
                conflicts.append(outcome)
        if conflicts:
            raise ConflictError(conflicts)  # leaving the block rolls everything back
        rev = revision(conn)
    return SurveyResult(added, replaced, counts["create"], counts["update"], rev)


def import_survey_file(
    engine: Engine, round_id: str, data: bytes, filename: str, *, author: str
) -> SurveyResult:
    """Plan and commit in one go; raises ValidationError (with every issue) or ConflictError."""
    return commit_survey_import(engine, plan_survey_import(engine, round_id, data, filename), author=author)


# --------------------------------------------------------------------------- reading back


def survey_submissions(engine: Engine, round_id: str, *, include_replaced: bool = False) -> pd.DataFrame:
    """The round's submissions as stored (newest import first), with the raw export row."""
    t = s.survey_submissions
    q = select(t).where(t.c.round_id == round_id).order_by(t.c.id.desc())
    if not include_replaced:
        q = q.where(t.c.replaced_at.is_(None))
    with engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in t.columns])


def survey_results(engine: Engine, round_id: str) -> pd.DataFrame:
    """Per cluster × indicator of the round: answer counts, respondents, the majority status ("" when none) and agreement."""
    with engine.connect() as conn, conn.begin():
        subs, answers = _stored(conn, round_id)
    counted = subs[subs["counted"].astype(bool)]
    return sv.aggregate(
        answers.merge(counted[["id", "cluster_id"]], left_on="submission_pk", right_on="id")[
            ["cluster_id", "indicator_id", "answer"]
        ]
    )


def submissions_rows(engine: Engine, round_id: str) -> pd.DataFrame:
    """Every submission of the round as stored, replaced ones too (times as ISO text), for the export file."""
    df = survey_submissions(engine, round_id, include_replaced=True).drop(columns=["id"])
    for c in ("imported_at", "replaced_at"):
        df[c] = df[c].map(
            lambda v: "" if v is None or pd.isna(v) else pd.Timestamp(v).isoformat(timespec="seconds")
        )
    return df


def submissions_file_name(round_id: str) -> str:
    return f"{round_id}-submissions.csv"


def survey_evidence(engine: Engine, round_id: str, cluster_id: str, indicator_id: str) -> pd.DataFrame:
    """The submissions behind one value: submission id, stakeholder group, district, enumerator, date, answer, counted."""
    t, a = s.survey_submissions, s.survey_answers
    cols = [
        t.c.submission_id,
        t.c.stakeholder_group,
        t.c.district,
        t.c.enumerator,
        t.c.survey_date,
        a.c.answer,
        t.c.counted,
        t.c.file,
        t.c.line,
    ]
    q = (
        select(*cols)
        .join(a, a.c.submission_pk == t.c.id)
        .where(
            t.c.round_id == round_id,
            t.c.cluster_id == cluster_id,
            a.c.indicator_id == indicator_id,
            t.c.replaced_at.is_(None),
        )
        .order_by(t.c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[c.name for c in cols])


__all__ = [
    "SurveyPlan",
    "SurveyResult",
    "commit_survey_import",
    "submissions_file_name",
    "submissions_rows",
    "import_survey_file",
    "plan_survey_import",
    "survey_evidence",
    "survey_results",
    "survey_source_id",
    "survey_submissions",
]
