"""The edition report PDF (issue 26 item 4) in English, Urdu and Sindhi, read back with pypdf."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from cluster_model import publishing as pub
from cluster_model import store
from cluster_model.i18n import translator
from outputs.edition_report import edition_report_pdf

ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    engine = store.open_store(f"sqlite:///{tmp_path_factory.mktemp('report')}/atlas.db")
    ed = pub.latest_edition(engine)
    content = pub.edition_content(engine, store.load_dataset(engine), ed)
    yield ed, content
    engine.dispose()


@pytest.mark.parametrize("language", ["en", "ur", "sd"])
def test_the_edition_report_in_each_language(edition, language):
    ed, content = edition
    cited = pub.citation(ed, "https://atlas.example/?round=desk-2026")
    pdf = edition_report_pdf(ed, content, cited, tr=None if language == "en" else translator(language))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert ed.edition_id in text and ed.checksum in text  # the edition and its checksum, and the citation
    # every gap figure with its indicators assessed / in scope (16 clusters × 4 pillars, then the districts)
    assert len(re.findall(r"\d+/\d+", text)) > 16 * 4
    assert "https://atlas.example/?round=desk-2026" in text and "ODbL" in text
    if language == "en":
        assert "Sindh cluster indicators, edition" in text and "unknown (0/" in text
        assert "Cotton & textile" in text and "First edition." in text
    else:
        assert ARABIC_SCRIPT.search(text)
