"""Submissions files as ODK Central and KoboToolbox export them, built by the tests (nothing fetched).

A submission is a dict: id, cluster, district, group, enumerator, date, answers
({indicator_id: answer}), and optionally review (ODK ReviewState / Kobo validation status).
Column names follow each exporter: ODK Central joins group paths with '-' and adds
SubmissionDate, meta-instanceID, KEY, SubmitterID, ReviewState...; KoboToolbox joins
them with '/' and adds _id, _uuid, _submission_time, _validation_status, meta/instanceID.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from openpyxl import Workbook

from cluster_model.loading import DATA_DIR, load_dataset

_DS = load_dataset(DATA_DIR)
PILLAR_OF = dict(zip(_DS.indicators["indicator_id"], _DS.indicators["pillar"]))
INDICATORS = list(_DS.indicators["indicator_id"])


def sub(
    sid: str,
    cluster: str,
    group: str,
    answers: dict[str, str],
    *,
    district: str = "larkana",
    enumerator: str = "EN-01",
    date: str = "2027-03-02",
    review: str = "",
    instance: str = "",
    deprecated: str = "",
) -> dict:
    """``instance``: the current version's instanceID when the submission was edited (default: its id); ``deprecated``: the version an edit replaces."""
    return {
        "id": sid,
        "cluster": cluster,
        "district": district,
        "group": group,
        "enumerator": enumerator,
        "date": date,
        "answers": answers,
        "review": review,
        "instance": instance or sid,
        "deprecated": deprecated,
    }


def odk_rows(subs: list[dict]) -> list[list[str]]:
    """ODK Central's CSV export (repeat-free form): '-' group paths, its metadata columns."""
    header = [
        "SubmissionDate",
        "intro",
        "cluster",
        "district",
        "stakeholder_group",
        "enumerator",
        "survey_date",
    ]
    header += [f"{PILLAR_OF[i]}-{i}" for i in INDICATORS]
    header += [
        "meta-instanceID",
        "meta-instanceName",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    ]
    rows = [header]
    for s in subs:
        rows.append(
            [
                "2027-03-02T10:15:00.000Z",
                "",
                s["cluster"],
                s["district"],
                s["group"],
                s["enumerator"],
                s["date"],
            ]
            + [s["answers"].get(i, "") for i in INDICATORS]
            + [
                f"uuid:{s['instance']}",
                f"{s['cluster']} {s['group']}",
                f"uuid:{s['id']}",
                "5",
                "collect-app",
                "0",
                "0",
                "",
                s["review"],
                "collect:abc",
                "0",
                "fe7d8e519c",
            ]
        )
    return rows


def kobo_rows(subs: list[dict]) -> list[list[str]]:
    """KoboToolbox's export with XML values and headers, group names joined by '/'."""
    header = ["start", "end", "cluster", "district", "stakeholder_group", "enumerator", "survey_date"]
    header += [f"{PILLAR_OF[i]}/{i}" for i in INDICATORS]
    header += [
        "meta/instanceID",
        "meta/deprecatedID",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_tags",
        "_index",
    ]
    rows = [header]
    for n, s in enumerate(subs, start=1):
        rows.append(
            [
                "2027-03-02T09:00:00.000+05:00",
                "2027-03-02T09:20:00.000+05:00",
                s["cluster"],
                s["district"],
                s["group"],
                s["enumerator"],
                s["date"],
            ]
            + [s["answers"].get(i, "") for i in INDICATORS]
            + [
                f"uuid:{s['id']}",
                f"uuid:{s['deprecated']}" if s["deprecated"] else "",
                str(1000 + n),
                s["id"],
                "2027-03-02T04:21:00",
                s["review"],
                "",
                "submitted_via_web",
                "",
                "vXyZ",
                "",
                str(n),
            ]
        )
    return rows


def as_csv(rows: list[list[str]], sep: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _typed(value: str):
    """A cell as Excel would hold it: dates as dates, whole numbers as numbers."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    if re.fullmatch(r"\d+", value):
        return int(value)
    return value


def as_xlsx(rows: list[list[str]], sheet: str = "Sindh cluster survey", *, typed: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    for n, r in enumerate(rows):
        ws.append([_typed(v) for v in r] if typed and n else r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
