"""Workbooks built by hand for the upload tests: a real workbook whose sheet XML is replaced,
so a test can make a sheet openpyxl would never write (no size, a false size, millions of rows)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from openpyxl.utils import get_column_letter


def workbook_with_sheet_xml(sheet_xml: str | bytes, title: str, header: list[str]) -> bytes:
    """An .xlsx with one sheet called ``title`` whose XML is ``sheet_xml``."""
    wb = Workbook()
    wb.active.title = title
    wb.active.append(header)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml
            dst.writestr(item, data)
    return out.getvalue()


def sheet_xml(rows: str, dimension: str | None) -> str:
    """A worksheet's XML holding ``rows`` (``<row>`` elements), declaring ``dimension`` if given."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    )


def header_row(header: list[str]) -> str:
    """Row 1 of a sheet, as inline strings."""
    cells = "".join(
        f'<c r="{get_column_letter(i + 1)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(header)
    )
    return f'<row r="1">{cells}</row>'
