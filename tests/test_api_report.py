"""The edition report over HTTP (issue #26 item 4): ``/api/v1/editions/{edition}/report.pdf?lang=…`` gives
the report the store keeps, read back with pypdf; a draft has none, for anyone; SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from store_support import backend
from test_api import E, _draft, clock, served  # clock: a fixture that served uses

from cluster_model import publishing, store
from cluster_model.auth import User
from cluster_model.store import review, signin

ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_route_gives_the_kept_pdf_in_each_language(served):
    client, engine = served
    edition = publishing.latest_edition(engine)
    before = store.revision(engine)
    english = client.get(f"{E}/latest/report.pdf")
    assert english.status_code == 200, english.text
    assert english.headers["content-type"] == "application/pdf"
    assert english.headers["content-disposition"].endswith(f'_{edition.edition_id.replace(".", "_")}.en.pdf"')
    text = _text(english.content)
    assert f"edition {edition.edition_id}" in text and edition.checksum in text
    # Kept in the store: the same edition gives the same bytes, whoever asks again, wherever.
    assert review.stored_report(engine, edition.edition_id, "en") == english.content
    assert client.get(f"{E}/{edition.edition_id}/report.pdf?lang=en").content == english.content
    urdu = client.get(f"{E}/{edition.edition_id}/report.pdf", params={"lang": "ur"})
    assert urdu.status_code == 200 and ARABIC_SCRIPT.search(_text(urdu.content))
    assert urdu.content == review.stored_report(engine, edition.edition_id, "ur") != english.content
    assert store.revision(engine) == before  # keeping a report changes no data: no page cache is dropped


def test_a_bad_language_is_a_400_naming_the_languages(served):
    client, _ = served
    refused = client.get(f"{E}/latest/report.pdf", params={"lang": "fr"})
    assert refused.status_code == 400
    assert refused.json()["parameter"] == "lang" and refused.json()["allowed"] == ["en", "ur", "sd"]


def test_a_draft_has_no_report_signed_out_or_in(served):
    client, engine = served
    draft = _draft(engine)
    assert client.get(f"{E}/{draft}/report.pdf").status_code == 404  # as an unknown name
    client.cookies.set("atlas_session", signin.create_session(engine, User("alice", "Alice")))
    refused = client.get(f"{E}/{draft}/report.pdf")
    assert refused.status_code == 404 and "not an edition" in refused.json()["detail"]
    assert client.get(f"{E}/{draft}/gaps").status_code == 200  # the editor reads the draft itself
