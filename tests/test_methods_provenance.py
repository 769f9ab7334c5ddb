"""Methods & sources states the boundaries' and the district context's provenance in the atlas's own words
(source, licence, year, coverage, known limits), never the working notes of PROVENANCE.md (#24 item 19)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from support import REPO

WORKING_NOTES = (
    "not verified by me",
    "9.8 GB",
    "500 MB",
    "sha256",
    "Snapshot HEAD",
    "unverified",
    "spot check",
)


def methods_text(language: str | None = None) -> str:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    if language:
        at.query_params["lang"] = language
    at.run()
    at.switch_page("pages/methods.py").run()
    assert not at.exception, [e.value for e in at.exception]
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    parts += [str(t.value.to_dict("records")) for t in at.table] + [
        str(d.value.to_dict("records")) for d in at.dataframe
    ]
    return "\n".join(parts)


def test_methods_gives_source_licence_year_and_limits_without_working_notes():
    text = methods_text()
    for fact in (
        "OpenStreetMap",
        "ODbL 1.0",
        "2023 census",
        "30 districts",
        "coastline",
        "Data4Pakistan",
        "MIT licence",
        "2004–2014",
    ):
        assert fact in text, fact
    for note in WORKING_NOTES:
        assert note.lower() not in text.lower(), note
