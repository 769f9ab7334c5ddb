"""One way to translate (#25): text is looked up once, by message id or by the data's own key, at the edge
that renders it; every user-facing string has a catalogue entry."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest
from support import REPO

ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")


def test_a_links_dropped_values_are_reported_in_the_pages_language():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["lang"] = "ur"
    at.query_params["district"] = "Atlantis"
    at.query_params["sectors"] = ",".join(f"bad{i}" for i in range(8))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [w.value for w in at.warning if "Atlantis" in w.value or "bad0" in w.value]
    assert len(notices) == 2, [w.value for w in at.warning]
    for notice in notices:
        assert ARABIC.search(notice) and "does not exist" not in notice and "[en]" not in notice, notice
