"""The one upload reader (issue 25): every upload path refuses what it cannot read, quickly and clearly.

Property-based (hypothesis): any bytes under any file name, and damaged copies of good files,
give tables or a DataFileError naming the file, never another exception, each within the time limit.
"""

from __future__ import annotations

import io
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from pandas.api.types import is_integer_dtype
from sqlalchemy import func, select
from store_support import backend, engine, store_env
from xlsx_files import header_row, sheet_xml, workbook_with_sheet_xml

from cluster_model import store
from cluster_model.issues import DataFileError
from cluster_model.linkages import LINK_COLUMNS
from cluster_model.store import linkages as sl
from cluster_model.store import schema as s
from cluster_model.store.importer import read_assessments
from cluster_model.survey import read_table
from cluster_model.uploads import MAX_COLUMNS, UploadTable, read_upload

TIME_LIMIT_S = 5  # the issue's bound for refusing a hostile upload; generous on a loaded machine


class TooSlow(BaseException):
    """Not an Exception, so no ``except Exception`` in the code under test can turn it into a refusal."""


@contextmanager
def within(seconds: int):
    """Stop the block with TooSlow after ``seconds`` (a guard against a hang, not a measurement)."""

    def stop(_signum, _frame):
        raise TooSlow(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _stored(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (s.links, s.institutions, s.link_history)
        )


ROWS = 3_000_000


@pytest.mark.parametrize(
    "row",
    [
        '<row><c t="inlineStr"><is><t>x</t></is></c></row>',  # unpacks past the limit
        "<row/>",  # small enough to unpack: refused while reading, at the blank-row limit
    ],
    ids=["rows-with-cells", "empty-rows"],
)
def test_linkage_workbook_inflating_to_millions_of_rows_is_refused_quickly(engine, row):
    xml = sheet_xml(header_row(LINK_COLUMNS) + row * ROWS, None)
    data = workbook_with_sheet_xml(xml, "links", LINK_COLUMNS)
    assert len(data) < 600_000
    store.create_round(
        engine, round_id="survey-2027", name="Survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    before = _stored(engine)
    with within(TIME_LIMIT_S):
        plan = sl.plan_linkage_import(engine, "survey-2027", data, "links.xlsx")
    assert not plan.ok
    message = str(plan.issues[0])
    assert message.startswith("links.xlsx")
    assert ("unpacks to" in message) or ("blank rows count too" in message)
    with pytest.raises(store.ValidationError):
        sl.commit_linkage_import(engine, plan, author="alice")
    assert _stored(engine) == before


@pytest.mark.parametrize("filename", ["wide.csv", "wide.xlsx"])
def test_a_header_wider_than_the_limit_is_refused_not_cut_short(filename):
    header = [f"column_{i}" for i in range(MAX_COLUMNS + 1)]
    if filename.endswith(".csv"):
        data = (",".join(header) + "\n" + ",".join("x" for _ in header) + "\n").encode()
    else:  # no declared size: the limit applies while reading
        data = workbook_with_sheet_xml(sheet_xml(header_row(header), None), "links", header)
    with pytest.raises(DataFileError) as info:
        read_upload(data, filename)
    issue = info.value.issue
    assert issue.row == 1 and f"more than {MAX_COLUMNS} columns" in issue.message


# --------------------------------------------------------------------------- properties


def _good_xlsx() -> bytes:
    wb = Workbook()
    wb.active.title = "links"
    wb.active.append(LINK_COLUMNS)
    wb.active.append(
        ["survey-2027", "umerkot_growers", "red_chili", "", "supplies", "present", "icck_desk", "=1+1"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_CSV = (
    ",".join(LINK_COLUMNS) + '\nsurvey-2027,umerkot_growers,red_chili,,supplies,present,icck_desk,"a\nb"\n'
).encode()
GOOD_XLSX = _good_xlsx()
NAMES = st.sampled_from(["up.csv", "up.CSV", "up.xlsx", "up.XLSX", "up.txt", "up", "up.csv.xlsx"])
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: no flaky failure
    database=None,  # nothing written into the worktree
)


def _read_or_refuse(data: bytes, filename: str) -> None:
    with within(TIME_LIMIT_S):
        try:
            tables = read_upload(
                data, filename, sheets=("institutions", "links"), separators=(",", ";", "\t")
            )
        except DataFileError as exc:
            assert exc.issue.file.startswith(filename) and exc.issue.message
            return
    assert tables and all(isinstance(t, UploadTable) for t in tables)
    for table in tables:
        assert is_integer_dtype(table.frame.index) and (table.frame.index >= 2).all()


@PROPERTY
@given(data=st.binary(max_size=4096), filename=NAMES)
def test_any_bytes_give_tables_or_a_refusal(data, filename):
    _read_or_refuse(data, filename)


@st.composite
def damaged(draw, good: bytes) -> bytes:
    """A good file with bytes overwritten, cut short or inserted."""
    data = bytearray(good)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["flip", "cut", "insert"]))
        if how == "flip":
            data[at] = draw(st.integers(0, 255))
        elif how == "cut":
            del data[at:]
            if not data:
                break
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


@PROPERTY
@given(data=damaged(GOOD_XLSX))
def test_damaged_workbooks_give_tables_or_a_refusal(data):
    _read_or_refuse(data, "links.xlsx")


@PROPERTY
@given(data=damaged(GOOD_CSV))
def test_damaged_csv_files_give_tables_or_a_refusal(data):
    _read_or_refuse(data, "links.csv")


def _assessments(data, filename):
    return read_assessments(data, filename)


def _surveys(data, filename):
    try:
        return read_table(data, filename)
    except DataFileError as exc:  # as plan_survey_import reports it
        raise store.ValidationError([exc.issue]) from exc


@PROPERTY
@given(
    data=st.one_of(st.binary(max_size=2048), damaged(GOOD_XLSX), damaged(GOOD_CSV)),
    filename=NAMES,
    read=st.sampled_from([_assessments, _surveys, sl.read_linkage_upload]),
)
def test_every_upload_path_reads_or_refuses(data, filename, read):
    """Assessments, surveys and linkages: a result or a ValidationError naming the file, nothing else."""
    with within(TIME_LIMIT_S):
        try:
            read(data, filename)
        except store.ValidationError as exc:
            assert exc.issues and all(i.file.startswith(filename) for i in exc.issues)


def test_good_files_read_with_their_lines_and_formulas():
    (csv_table,) = read_upload(GOOD_CSV, "links.csv")
    assert csv_table.sheet is None and list(csv_table.frame.index) == [2]
    assert csv_table.frame.iloc[0]["note"] == "a\nb"
    (xlsx_table,) = read_upload(GOOD_XLSX, "links.xlsx", sheets=("institutions", "links"))
    assert xlsx_table.where == "links.xlsx (links)" and list(xlsx_table.frame.index) == [2]
    assert xlsx_table.frame.iloc[0]["note"] == "=1+1"  # kept as written, for validation to report
