"""The API's gaps are the Atlas's gaps for the same filters (issue #26 item 3).

The Atlas page runs in Streamlit's AppTest with the filters in its URL, the API answers over HTTP from
the same store; the ranking the page shows and the rows the API gives must agree district by district:
order, gap, coverage, indicators assessed of those in scope, the low-coverage flag, unknown as unknown.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest
from support import REPO

from cluster_model import publishing, store
from web.api import api_routes

FILTERS = [
    {},
    {"pillars": "hrm,technology", "sectors": "fisheries,coal,jute,mango"},
    {"pillars": "support", "districts": "Thatta,Hyderabad,Jamshoro"},
]


@pytest.fixture
def published(tmp_path, monkeypatch):
    """A store with a second edition (values the seed does not have), the one both read."""
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'pages.db'}")
    engine = store.open_store()
    store.create_round(
        engine, round_id="r-2027", name="Round 2027", date="2027-01-10", kind="survey", author="ed"
    )
    edits = [
        store.Edit("automobile", "tech_equipment", "absent", "icck_desk"),
        store.Edit("jute", "support_association", "present", "icck_desk"),
        store.Edit("jute", "hrm_skills_programmes", "partial", "icck_desk"),
    ]
    store.save_assessments(engine, "r-2027", edits, author="ed")
    publishing.submit(engine, "r-2027", "ed")
    publishing.publish(engine, "r-2027", "rev")
    return engine


def atlas_ranking(query: dict):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    for key, value in {**query, "round": "r-2027"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.dataframe[-1].value


@pytest.mark.parametrize("query", FILTERS, ids=["no filter", "pillars+sectors", "pillar+districts"])
def test_api_gaps_equal_the_atlas_ranking_for_the_same_filters(published, query):
    with TestClient(Starlette(routes=api_routes(requests_per_minute=None))) as client:
        answer = client.get("/api/v1/editions/latest/gaps", params=query).json()
    assert answer["round_id"] == "r-2027"
    page = atlas_ranking(query)
    rows = answer["gaps"]
    assert list(page["District"]) == [r["district"] for r in rows]
    for shown, row in zip(page.to_dict("records"), rows):
        where = row["district"]
        if row["gap"] is None:
            assert shown["Gap"] == "not assessed" and row["gap_status"] == "not assessed", where
            assert row["low_coverage"] is None, where
        else:
            assert shown["Gap"].startswith(f"{row['gap']:.2f}"), where
            assert ("low coverage" in shown["Gap"]) == row["low_coverage"], where
        assert shown["Indicators assessed"] == f"{row['n_assessed']} of {row['n_indicators']}", where
        assert shown["Assessed"] == f"{row['coverage']:.0%}", where
        assert shown["Indicators with a gap"] == row["n_gaps"], where
    assert any(r["gap"] is not None for r in rows)
