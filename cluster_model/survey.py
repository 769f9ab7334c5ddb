"""Field surveys with ODK Collect / KoboToolbox: the XLSForm, reading exported submissions, aggregation.

Plain pandas/openpyxl; the store side (survey rounds, raw submissions) is
:mod:`cluster_model.store.survey_import`.

* :func:`xlsform_sheets` lays out the cluster survey as an XLSForm (``outputs.tables.build_xlsform`` writes it): one select_one
  question per indicator, grouped by pillar, with the indicator's "how assessed"
  text as the hint; the respondent's cluster, district and stakeholder group
  (IGCA), the enumerator and the date.
* :func:`read_submissions` reads an export of that form from ODK Central
  (``technology-tech_equipment``, ``meta-instanceID``, ``KEY``, ``SubmissionDate``)
  or KoboToolbox (``technology/tech_equipment``, ``_id``, ``_uuid``,
  ``_submission_time``), CSV or XLSX, repeat-free. Every bad cell is one
  :class:`DataIssue` naming the line and the column as written in the file.
* :func:`aggregate` turns answers into one value per cluster × indicator:

  - "don't know" and blank answers are not assessments: they are counted apart
    and never become a status;
  - the status is the one most respondents gave; ``n_respondents`` counts those
    who answered present, partial or absent; ``agreement`` is the share of them
    who gave that status;
  - a **tie** for most answers (say 2 present, 2 absent) has no majority: the
    pair stays *not assessed* (an earlier round's value still shows), and the
    note says how the answers split. A tie is never settled by picking a side.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import pandas as pd

from .issues import DataFileError, DataIssue
from .loading import Dataset
from .uploads import read_upload
from .vocabulary import ASSESSED_STATUSES, INDICATOR_GROUPS, STAKEHOLDERS, Status

FORM_ID = "sindh_cluster_survey"
FORM_TITLE = "Sindh cluster survey"
FORM_FILE = "cluster_survey.xlsx"

DONT_KNOW = "dont_know"
ANSWERS: dict[str, str] = {
    "present": "Present",
    "partial": "Partial",
    "absent": "Absent",
    DONT_KNOW: "Don't know",
}

# The form's own questions (names in the XLSForm).
CLUSTER, DISTRICT, GROUP, ENUMERATOR, SURVEY_DATE = (
    "cluster",
    "district",
    "stakeholder_group",
    "enumerator",
    "survey_date",
)
# Where each exporter puts the submission's id, in order of preference ("uuid:" prefix dropped).
# ODK Central's KEY and KoboToolbox's meta/rootUuid stay the same when a submission is edited
# (meta/instanceID does not), so an edited submission replaces the old one instead of counting twice.
ID_COLUMNS = [
    "key",
    "meta/rootuuid",
    "meta-rootuuid",
    "meta/instanceid",
    "meta-instanceid",
    "instanceid",
    "_uuid",
]
# The submission version's own id: the same in two rows, or in a file and the store, is one
# submission, whatever its KEY (#24 item 25).
INSTANCE_COLUMNS = ["meta/instanceid", "meta-instanceid", "instanceid"]
# An edit made in Collect / Enketo names the version it replaces here.
DEPRECATED_COLUMNS = ["meta/deprecatedid", "meta-deprecatedid", "deprecatedid"]
SUBMITTED_COLUMNS = ["submissiondate", "_submission_time"]
# ODK Central's review state / KoboToolbox's validation status: a rejected submission is kept but not counted.
REVIEW_COLUMNS = ["reviewstate", "_validation_status"]
REJECTED = {"rejected", "validation_status_not_approved", "not approved"}


# --------------------------------------------------------------------------- the XLSForm


def slug(text: str) -> str:
    """An XLSForm choice name for a place name ("Mirpur Khas" -> "mirpur_khas")."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_") or "x"


def survey_districts(ds: Dataset) -> list[str]:
    """The districts the form offers: every district a cluster site is named in (data/sites.csv)."""
    return sorted(set(ds.sites["district"]))


def xlsform_sheets(ds: Dataset) -> dict[str, list[list[str]]]:
    """The form as rows per sheet (survey, choices, settings); the header row first."""
    survey = [["type", "name", "label", "hint", "required", "default", "choice_filter"]]
    survey += [
        [
            "note",
            "intro",
            "Sindh cluster survey. Ask about the cluster as a whole, not about one firm. Record no names or phone numbers of respondents.",
            "",
            "",
            "",
            "",
        ],
        [
            "select_one cluster",
            CLUSTER,
            "Cluster",
            "The industrial cluster the respondent speaks about.",
            "yes",
            "",
            "",
        ],
        # Only the districts where the chosen cluster has a site (data/sites.csv).
        [
            "select_one district",
            DISTRICT,
            "District",
            "Where the respondent works.",
            "yes",
            "",
            f"selected(clusters, ${{{CLUSTER}}})",
        ],
        [
            "select_one igca",
            GROUP,
            "Respondent's stakeholder group",
            "Industry, government, community or academia (IGCA).",
            "yes",
            "",
            "",
        ],
        ["text", ENUMERATOR, "Enumerator", "Your name or enumerator code.", "yes", "", ""],
        ["date", SURVEY_DATE, "Date of the interview", "", "yes", "today()", ""],
    ]
    for group, label in INDICATOR_GROUPS.items():
        rows = ds.indicators[ds.indicators["pillar"] == group]
        if rows.empty:
            continue
        survey.append(["begin_group", group, label, "", "", "", ""])
        for r in rows.itertuples():
            survey.append(["select_one status", r.indicator_id, r.name, r.how_assessed, "yes", "", ""])
        survey.append(["end_group", group, "", "", "", "", ""])
    here = ds.sites.groupby("district")["cluster_id"].agg(lambda c: " ".join(sorted(set(c))))
    choices = [["list_name", "name", "label", "clusters"]]
    choices += [["status", k, v, ""] for k, v in ANSWERS.items()]
    choices += [["cluster", r.cluster_id, f"{r.number}. {r.name}", ""] for r in ds.clusters.itertuples()]
    choices += [["district", slug(d), d, here.get(d, "")] for d in survey_districts(ds)]
    choices += [["igca", k, v, ""] for k, v in STAKEHOLDERS.items()]
    # The version changes whenever the questions or choices do, as ODK Central requires.
    version = hashlib.sha256(json.dumps([survey, choices]).encode("utf-8")).hexdigest()[:10]
    settings = [
        ["form_title", "form_id", "version", "instance_name"],
        [FORM_TITLE, FORM_ID, version, f"concat(${{{CLUSTER}}}, ' ', ${{{GROUP}}}, ' ', ${{{SURVEY_DATE}}})"],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


# --------------------------------------------------------------------------- reading exports


# An export has one column per question plus about 15 of the exporter's own (ODK Central's
# KEY, SubmitterID, ReviewState...; KoboToolbox's _id, _uuid, _validation_status...).
MAX_EXPORT_COLUMNS = 300


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """CSV (comma, semicolon or tab: KoboToolbox's CSV uses ';') or XLSX (its first sheet) as text
    columns plus ``_line``, read by the one upload reader (:func:`.uploads.read_upload`, with its limits).

    Header names are kept as written; columns without a header are dropped. ``_line`` is the
    line an editor shows (header = 1). Raises :class:`DataFileError` for a file that cannot be used.
    """
    (table,) = read_upload(
        data,
        filename,
        separators=(",", ";", "\t"),
        max_columns=MAX_EXPORT_COLUMNS,
        fix="export the submissions as CSV (UTF-8) or XLSX from ODK Central or KoboToolbox",
    )
    df = table.frame
    named = [str(c).strip() not in ("", "_line") for c in df.columns]
    df = df.loc[:, named]
    twice = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if twice:
        raise DataFileError(
            DataIssue(
                filename,
                f"column(s) {', '.join(repr(c) for c in twice)} appear more than once in the header",
                "export with XML names as headers (they are unique)",
                row=1,
            )
        )
    df.insert(0, "_line", df.index)
    blank = (df.drop(columns="_line") == "").all(axis=1)
    return df[~blank].reset_index(drop=True)


def field_name(column: str) -> str:
    """The form's question name for an exported column: the last step of its group path
    (``technology/tech_equipment`` from Kobo, ``technology-tech_equipment`` from ODK Central)."""
    return re.split(r"[/\-]", str(column).strip())[-1]


def _answer(value: str) -> str | None:
    """The answer's choice name, "" for no answer, None when it is not a choice (names or labels accepted)."""
    v = re.sub(r"[\s'’_]+", "", str(value).strip().lower())
    if v == "":
        return ""
    return {"present": "present", "partial": "partial", "absent": "absent", "dontknow": DONT_KNOW}.get(v)


@dataclass
class Submissions:
    """What :func:`read_submissions` made of a file."""

    file: str
    submissions: pd.DataFrame  # one row per good submission (see SUBMISSION_COLUMNS)
    answers: (
        pd.DataFrame
    )  # submission_id, indicator_id, answer (present/partial/absent/dont_know); blanks left out
    issues: list[DataIssue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    indicator_columns: dict[str, str] = field(default_factory=dict)  # indicator_id -> column as written


SUBMISSION_COLUMNS = [
    "_line",
    "submission_id",
    "cluster_id",
    "district",
    "stakeholder_group",
    "enumerator",
    "survey_date",
    "submitted_at",
    "counted",
    "excluded_reason",
    "replaces",
    "instance_id",
    "raw",
]


def _bare_id(value: str) -> str:
    return re.sub(r"^uuid:", "", str(value).strip(), flags=re.IGNORECASE)


def instance_id(raw: dict) -> str:
    """The instanceID of a submission (its columns as exported), "" when the export has none."""
    by_lower = {str(k).strip().lower(): v for k, v in raw.items()}
    return next((_bare_id(by_lower[c]) for c in INSTANCE_COLUMNS if by_lower.get(c)), "")


def _map_columns(
    file: str, columns: list[str], indicators: list[str]
) -> tuple[dict, list[str], list[DataIssue]]:
    """The form's questions found among the columns (question -> column), the columns ignored, and one
    issue per question exported twice."""
    known_fields = {CLUSTER, DISTRICT, GROUP, ENUMERATOR, SURVEY_DATE, *indicators}
    mapped: dict[str, str] = {}
    ignored: list[str] = []
    issues: list[DataIssue] = []
    for c in columns:
        key = field_name(c)
        if (
            c.strip().lower() in ID_COLUMNS + DEPRECATED_COLUMNS + SUBMITTED_COLUMNS + REVIEW_COLUMNS
            or key not in known_fields
        ):
            ignored.append(c)
            continue
        if key in mapped:
            issues.append(
                DataIssue(
                    file,
                    f"columns '{mapped[key]}' and '{c}' are both question '{key}'",
                    "export once, with one kind of column names, and import that file",
                    row=1,
                    column=c,
                )
            )
            continue
        mapped[key] = c
    return mapped, ignored, issues


def _missing_columns(
    file: str, columns: list[str], mapped: dict, id_column, indicator_columns
) -> list[DataIssue]:
    """One file-level issue naming the columns the import cannot do without, if any is missing."""
    missing = []
    if CLUSTER not in mapped:
        missing.append(f"'{CLUSTER}'")
    if id_column is None:
        missing.append("a submission id ('KEY', 'meta/instanceID', 'meta-instanceID' or '_uuid')")
    if not indicator_columns:
        missing.append("any indicator question (e.g. 'technology/tech_equipment')")
    if not missing:
        return []
    return [
        DataIssue(
            file,
            "missing "
            + "; ".join(missing)
            + f"; found {', '.join(columns[:12]) or 'no columns'}"
            + (" …" if len(columns) > 12 else ""),
            "export the submissions of the cluster survey form with XML names as headers (ODK Central: CSV; KoboToolbox: 'XML values and headers'), without repeat groups",
            row=1,
        )
    ]


def _submission_ids(
    row: dict, line: int, id_column: str, instance_column, seen: dict, seen_instance: dict, bad
):
    """The row's submission id and instance id, each reported once when empty, too long or repeated."""
    sid = _bare_id(row[id_column])
    if not sid:
        bad(
            id_column,
            "the submission id is empty",
            "export again from ODK Central / KoboToolbox: every submission has one",
            "",
        )
    elif len(sid) > 200:
        bad(
            id_column,
            f"the submission id is {len(sid)} characters long",
            "use the file as exported: ids are at most 200 characters",
            sid[:60] + "…",
        )
    elif sid in seen:
        bad(
            id_column,
            f"submission '{sid}' is already on line {seen[sid]}",
            "keep one row per submission",
            row[id_column],
        )
    else:
        seen[sid] = line
    iid = _bare_id(row[instance_column]) if instance_column else ""
    if iid and instance_column != id_column and iid in seen_instance:
        bad(
            instance_column,
            f"submission instance '{iid}' is already on line {seen_instance[iid]}",
            "keep one row per submission",
            row[instance_column],
        )
    elif iid:
        seen_instance[iid] = line
    return sid, iid


def _lookups(clusters: pd.DataFrame, districts: list[str]) -> tuple[dict, dict, dict]:
    """Cluster ids, district names and stakeholder groups by the ways a form's answer may spell them."""
    cluster_of = {str(c).lower(): c for c in clusters["cluster_id"]}
    cluster_of.update({str(n).lower(): c for c, n in zip(clusters["cluster_id"], clusters["name"])})
    district_of = {d.lower(): d for d in districts}
    district_of.update({slug(d): d for d in districts})
    group_of = {k: k for k in STAKEHOLDERS}
    group_of.update({v.lower(): k for k, v in STAKEHOLDERS.items()})
    return cluster_of, district_of, group_of


def _who_and_where(row: dict, mapped: dict, lookups: tuple[dict, dict, dict], districts: list[str], bad):
    """The row's cluster id, district and stakeholder group, as the atlas names them."""
    cluster_of, district_of, group_of = lookups
    raw_cluster = row[mapped[CLUSTER]]
    cluster_id = cluster_of.get(raw_cluster.lower())
    if cluster_id is None:
        bad(
            mapped[CLUSTER],
            f"unknown cluster '{raw_cluster}'" if raw_cluster else "the cluster is empty",
            "use the cluster survey form made by the atlas (its cluster list)",
            raw_cluster,
        )
    district = ""
    if DISTRICT in mapped:
        raw = row[mapped[DISTRICT]]
        district = district_of.get(raw.lower(), district_of.get(slug(raw), "")) if raw else ""
        if raw and not district:
            bad(mapped[DISTRICT], f"unknown district '{raw}'", "use one of: " + ", ".join(districts), raw)
    group = ""
    if GROUP in mapped:
        raw = row[mapped[GROUP]]
        group = group_of.get(raw.lower(), "") if raw else ""
        if not group:
            bad(
                mapped[GROUP],
                f"'{raw}' is not a stakeholder group" if raw else "the stakeholder group is empty",
                "use one of: " + ", ".join(STAKEHOLDERS),
                raw,
            )
    return cluster_id, district, group


def _survey_date(row: dict, mapped: dict, bad) -> str:
    """The row's survey date as YYYY-MM-DD, "" when not given."""
    if SURVEY_DATE not in mapped or not row[mapped[SURVEY_DATE]]:
        return ""
    raw = row[mapped[SURVEY_DATE]]
    parsed = pd.to_datetime(raw[:10], errors="coerce", format="%Y-%m-%d")
    if pd.isna(parsed):
        bad(mapped[SURVEY_DATE], f"'{raw}' is not a date", "write the date as YYYY-MM-DD", raw)
        return ""
    return parsed.date().isoformat()


def _row_answers(row: dict, sid: str, indicator_columns: dict, bad) -> list[dict]:
    """The row's answers given (a blank answer is no answer), each checked against the form's choices."""
    row_answers = []
    for indicator_id, column in indicator_columns.items():
        a = _answer(row[column])
        if a is None:
            bad(
                column,
                f"'{row[column]}' is not an answer to this question",
                "use one of: " + ", ".join(ANSWERS),
                row[column],
            )
        elif a:
            row_answers.append({"submission_id": sid, "indicator_id": indicator_id, "answer": a})
    return row_answers


def read_submissions(
    df: pd.DataFrame, *, file: str, clusters: pd.DataFrame, indicators: list[str], districts: list[str]
) -> Submissions:
    """Check and normalise exported submissions (text columns as written, plus ``_line``).

    ``clusters`` has cluster_id and name; ``districts`` are the names the form offers.
    A file-level problem (no cluster column, no id column, no indicator column) is one
    issue with row 1; otherwise one issue per bad cell, and only fully good rows are kept.
    """
    columns = [c for c in df.columns if c != "_line"]
    by_lower = {}
    for c in columns:
        by_lower.setdefault(c.strip().lower(), c)
    mapped, ignored, issues = _map_columns(file, columns, indicators)
    id_column = next((by_lower[k] for k in ID_COLUMNS if k in by_lower), None)
    indicator_columns = {i: mapped[i] for i in indicators if i in mapped}
    issues += _missing_columns(file, columns, mapped, id_column, indicator_columns)
    if issues:
        return Submissions(
            file,
            pd.DataFrame(columns=SUBMISSION_COLUMNS),
            pd.DataFrame(columns=["submission_id", "indicator_id", "answer"]),
            issues,
            ignored,
            indicator_columns,
        )

    submitted_column = next((by_lower[k] for k in SUBMITTED_COLUMNS if k in by_lower), None)
    review_column = next((by_lower[k] for k in REVIEW_COLUMNS if k in by_lower), None)
    deprecated_column = next((by_lower[k] for k in DEPRECATED_COLUMNS if k in by_lower), None)
    instance_column = next((by_lower[k] for k in INSTANCE_COLUMNS if k in by_lower), None)

    lookups = _lookups(clusters, districts)
    subs, answers, seen, seen_instance = [], [], {}, {}
    for row in df.to_dict("records"):
        line = int(row["_line"])
        row_issues: list[DataIssue] = []

        def bad(column: str, message: str, hint: str, value: str, row_issues=row_issues, line=line) -> None:
            row_issues.append(DataIssue(file, message, hint, row=line, column=column, value=value))

        sid, iid = _submission_ids(row, line, id_column, instance_column, seen, seen_instance, bad)
        cluster_id, district, group = _who_and_where(row, mapped, lookups, districts, bad)
        survey_date = _survey_date(row, mapped, bad)
        row_answers = _row_answers(row, sid, indicator_columns, bad)
        if row_issues:
            issues += row_issues
            continue
        review = row[review_column].strip().lower() if review_column else ""
        excluded = f"marked '{row[review_column]}' in {review_column}" if review in REJECTED else ""
        subs.append(
            {
                "_line": line,
                "submission_id": sid,
                "cluster_id": cluster_id,
                "district": district,
                "stakeholder_group": group,
                "enumerator": row[mapped[ENUMERATOR]] if ENUMERATOR in mapped else "",
                "survey_date": survey_date,
                "submitted_at": row[submitted_column] if submitted_column else "",
                "counted": not excluded,
                "excluded_reason": excluded,
                "replaces": _bare_id(row[deprecated_column]) if deprecated_column else "",
                "instance_id": iid,
                "raw": json.dumps({c: row[c] for c in columns}, ensure_ascii=False),
            }
        )
        answers += row_answers
    issues.sort(key=lambda i: (i.row or 0, i.column or ""))
    return Submissions(
        file,
        pd.DataFrame(subs, columns=SUBMISSION_COLUMNS),
        pd.DataFrame(answers, columns=["submission_id", "indicator_id", "answer"]),
        issues,
        ignored,
        indicator_columns,
    )


# --------------------------------------------------------------------------- aggregation


RESULT_COLUMNS = [
    "cluster_id",
    "indicator_id",
    "present",
    "partial",
    "absent",
    DONT_KNOW,
    "n_respondents",
    "status",
    "n_agreeing",
    "agreement",
    "tie",
    "note",
]


def aggregate(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster × indicator that got any answer (``answers``: cluster_id, indicator_id, answer).

    ``status`` is the status most respondents gave, or "" when nobody assessed it
    (only "don't know") or when the largest counts tie (``tie`` True).
    """
    if answers.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    counts = answers.groupby(["cluster_id", "indicator_id", "answer"]).size().unstack("answer", fill_value=0)
    counts = counts.reindex(columns=list(ANSWERS), fill_value=0).reset_index()
    out = []
    for r in counts.to_dict("records"):
        split = {s: int(r[s]) for s in ASSESSED_STATUSES}
        n = sum(split.values())
        top = max(split.values())
        leaders = [s for s, c in split.items() if c == top]
        tie = n > 0 and len(leaders) > 1
        status = leaders[0] if n > 0 and not tie else ""
        out.append(
            {
                **r,
                "n_respondents": n,
                "status": status,
                "n_agreeing": top if status else 0,
                "agreement": top / n if status else float("nan"),
                "tie": tie,
                "note": survey_note(split, int(r[DONT_KNOW]), status),
            }
        )
    return pd.DataFrame(out, columns=RESULT_COLUMNS)


def survey_note(split: dict[str, int], dont_know: int, status: str) -> str:
    """The assessment's note: how many respondents, how much they agreed, how the answers split."""
    n = sum(split.values())
    parts = ", ".join(f"{s} {c}" for s, c in split.items())
    unsure = f"; {dont_know} said don't know" if dont_know else ""
    if n == 0:
        return f"Field survey: no respondent assessed this ({dont_know} said don't know)."
    if not status:
        return f"Field survey, {n} respondent(s): no majority ({parts}{unsure}); a tie is left not assessed."
    return f"Field survey: {split[status]} of {n} respondent(s) ({split[status] / n:.0%}) said {status} ({parts}{unsure})."


def unsettled_reason(result: dict, tr=None) -> str:
    """Why an answered value stays not assessed ("" when a majority settled it): "not assessed: 2–2 tie
    among 4 respondents" or "not assessed: 5 respondents, all don't know". ``result``: a row of
    :func:`aggregate`; ``tr``: a Translator (default English)."""
    _ = tr.gettext if tr else str
    if result["status"]:
        return ""
    n, dont_know = int(result["n_respondents"]), int(result[DONT_KNOW])
    if n == 0:
        if dont_know == 1:
            return _("not assessed: 1 respondent, who said don't know")
        return _("not assessed: {n} respondents, all don't know").format(n=dont_know)
    counts = [int(result[s]) for s in ASSESSED_STATUSES]
    top = max(counts)
    split = "–".join(str(top) for c in counts if c == top)
    text = _("not assessed: {split} tie among {n} respondents").format(split=split, n=n)
    if dont_know:
        text += " " + _("({n} more said don't know)").format(n=dont_know)
    return text


def unsettled(results: pd.DataFrame, tr=None) -> pd.DataFrame:
    """The answered values no majority settled (a tie, or only "don't know"), with why:
    cluster_id, indicator_id, reason. ``results``: :func:`aggregate` output."""
    rows = results[results["status"] == ""]
    return pd.DataFrame(
        {
            "cluster_id": rows["cluster_id"],
            "indicator_id": rows["indicator_id"],
            "reason": [unsettled_reason(r, tr) for r in rows.to_dict("records")],
        },
        columns=["cluster_id", "indicator_id", "reason"],
    ).reset_index(drop=True)


def unsettled_in_file(parsed: Submissions, submissions: pd.DataFrame, tr=None) -> pd.DataFrame:
    """:func:`unsettled` over a file's own answers (``parsed``), those of its counted ``submissions``
    only: what the file leaves not assessed, shown before it is committed."""
    counted = submissions[submissions["counted"].astype(bool)]
    answers = parsed.answers.merge(counted[["submission_id", "cluster_id"]], on="submission_id")
    return unsettled(aggregate(answers[["cluster_id", "indicator_id", "answer"]]), tr)


def explain_unsettled(matrix: pd.DataFrame, reasons: pd.DataFrame) -> pd.DataFrame:
    """``matrix`` (cluster_id, indicator_id, status, source_id, note) where a not-assessed pair with no
    note of its own carries the survey's reason and source (``reasons``: :func:`unsettled` plus
    ``source_id``), so a tie or an all-"don't know" is never shown as a bare "not assessed"."""
    if reasons.empty:
        return matrix
    found = matrix[["cluster_id", "indicator_id"]].merge(
        reasons[["cluster_id", "indicator_id", "reason", "source_id"]],
        on=["cluster_id", "indicator_id"],
        how="left",
    )
    blank = (matrix["status"] == Status.NOT_ASSESSED.value).to_numpy() & (matrix["note"] == "").to_numpy()
    blank &= found["reason"].notna().to_numpy()
    out = matrix.copy()
    out.loc[blank, "note"] = found.loc[blank, "reason"].to_numpy()
    out.loc[blank, "source_id"] = found.loc[blank, "source_id"].to_numpy()
    return out
