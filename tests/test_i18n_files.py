"""Files get plain text: the bidi isolates (U+2066–U+2069) that keep English data whole inside a
right-to-left page belong to the rendered page only, never to a CSV/XLSX header, sheet name or cell (#25)."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support import REPO, record_deferred_downloads

ISOLATES = re.compile("[\u2066-\u2069]")
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")


def _export_page_downloads(lang: str, monkeypatch) -> dict:
    downloads = record_deferred_downloads(monkeypatch)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/export.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return downloads


def _xlsx_texts(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = list(book.sheetnames)
    for sheet in book.worksheets:
        texts += [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    return texts


@pytest.mark.parametrize("lang", ["ur", "sd"])
def test_export_page_files_in_urdu_and_sindhi_carry_no_bidi_isolates(lang, monkeypatch):
    downloads = _export_page_downloads(lang, monkeypatch)
    xlsx = next(call for name, call in downloads.items() if name.endswith(".xlsx"))()
    texts = _xlsx_texts(xlsx)
    assert any(ARABIC.search(t) for t in texts)  # headers and sheet names are in the language
    assert not [t for t in texts if ISOLATES.search(t)], [t for t in texts if ISOLATES.search(t)][:5]
    csv = next(call for name, call in downloads.items() if name.endswith(".csv"))().decode("utf-8-sig")
    assert ARABIC.search(csv.splitlines()[0]) and not ISOLATES.search(csv)


def test_the_file_writers_write_plain_text_whatever_they_are_given():
    """outputs/tables.py is the files' edge: text shown isolated on a page arrives there plain."""
    from outputs.tables import to_csv_bytes, to_xlsx_bytes

    frame = pd.DataFrame({"\u2068Poverty rate\u2069": ["\u2068World Bank\u2069"], "n": [1]})
    sources = pd.DataFrame({"\u2068Citation\u2069": ["\u2068MUET\u2069"]})
    csv = to_csv_bytes(frame, ["\u2068note\u2069"]).decode("utf-8-sig")
    assert "Poverty rate" in csv and "World Bank" in csv and not ISOLATES.search(csv)
    texts = _xlsx_texts(to_xlsx_bytes({"\u2068Sheet\u2069": frame}, sources, ["note"], sources_title="S"))
    assert "World Bank" in texts and not [t for t in texts if ISOLATES.search(t)]
