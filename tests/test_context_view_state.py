"""District context and the shared view state (issue #24 items 6 and 7), through Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from support import REPO

from cluster_model import context as cx

APP = str(REPO / "app.py")

pytestmark = pytest.mark.skipif(
    not cx.context_dir().is_dir(), reason="context files missing: run `make setup`"
)


def ok(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_district_context_opens_no_district_when_none_is_chosen():
    at = ok(AppTest.from_file(APP, default_timeout=120))
    at.radio(key="w_atlas_layer").set_value("District context")
    ok(at)
    assert at.selectbox(key="w_district").value is None
    assert "district" not in at.query_params
    assert not [s.value for s in at.subheader if s.value == "Badin"] and "### Badin" not in [
        m.value for m in at.markdown
    ]
    at.radio(key="w_atlas_layer").set_value("Cluster gaps")
    ok(at)
    assert at.selectbox(key="w_district").value is None and "district" not in at.query_params
