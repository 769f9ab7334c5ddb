"""The Linkage matrix says, above the matrix, how much of it is unknown and how links get recorded (#24 item 13)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from support import REPO

from ui.linkage_views import unknown_note


def test_the_note_is_computed_from_the_counts():
    note = unknown_note({"active": 1, "weak": 0, "absent": 0, "unknown": 111}, 112)
    assert note.startswith("**111 of 112** cells are unknown: no link is recorded for them")
    assert "Edit institutions and links" in note and "Workshop" in note
    assert unknown_note({"active": 2, "weak": 0, "absent": 0, "unknown": 0}, 2) is None


def test_the_linkage_matrix_page_says_it_above_the_matrix():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.switch_page("pages/linkages.py").run()
    assert not at.exception, [e.value for e in at.exception]
    notes = [m.value for m in at.markdown if "cells are unknown" in m.value]
    assert notes and notes[0].startswith("**111 of 112** cells are unknown"), notes
