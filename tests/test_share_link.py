"""Shareable links: a link opened in the app restores the same filters; share_url round-trips."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from streamlit.testing.v1 import AppTest

from cluster_model.vocabulary import PILLARS
from ui.share import share_url
from ui.state import ViewState, Vocabulary, parse_query

REPO = Path(__file__).resolve().parent.parent
VOCAB = Vocabulary(
    clusters=("fisheries", "coal", "jute"),
    districts=("Thatta", "Tharparkar", "Hyderabad"),
    rounds=("desk-2026",),
    default_round="desk-2026",
)


def test_share_url_round_trips_through_parse_query():
    state = ViewState(
        pillars=["hrm"],
        sectors=["fisheries", "coal"],
        districts=["Thatta", "Tharparkar"],
        round="desk-2026",
        district="Thatta",
        basemap=True,
    )
    url = share_url(state, "atlas", "https://atlas.example.org/app/")
    parts = urlsplit(url)
    assert (
        parts.scheme == "https" and parts.netloc == "atlas.example.org" and parts.path == "/app/"
    )  # the default page is the root
    back, notices = parse_query(dict(parse_qsl(parts.query)), VOCAB)
    assert back == state and notices == []


def test_share_url_relative_and_default_state():
    url = share_url(ViewState(round="desk-2026"), "export")
    assert url == "/export?round=desk-2026"
    back, _ = parse_query(dict(parse_qsl(urlsplit(url).query)), VOCAB)
    assert back.pillars == list(PILLARS) and back.districts == []


def test_district_names_with_spaces_survive():
    vocab = Vocabulary(
        clusters=(), districts=("Mirpur Khas", "Shaheed Benazirabad"), rounds=("r",), default_round="r"
    )
    state = ViewState(districts=["Mirpur Khas", "Shaheed Benazirabad"], round="r")
    back, _ = parse_query(dict(parse_qsl(urlsplit(share_url(state, "atlas")).query)), vocab)
    assert back.districts == state.districts


def test_link_opened_in_app_restores_filters():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    state = ViewState(pillars=["hrm"], districts=["Thatta", "Tharparkar"], round="desk-2026")
    for k, v in parse_qsl(urlsplit(share_url(state, "atlas")).query):
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.multiselect(key="w_pillars").value == ["hrm"]
    assert at.sidebar.multiselect(key="w_districts").value == ["Thatta", "Tharparkar"]
    assert at.sidebar.selectbox(key="w_round").value == "desk-2026"
    restored = at.session_state["atlas_view"]
    assert restored.pillars == ["hrm"] and restored.districts == ["Thatta", "Tharparkar"]


def test_export_page_runs_for_the_three_click_view():
    """The Export page renders the snapshot and the downloads for 'HRM gaps in Thatta and Tharparkar'."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    at.query_params["pillars"] = "hrm"
    at.query_params["districts"] = "Thatta,Tharparkar"
    at.run()
    at.switch_page("pages/export.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Export"
    text = " ".join(m.value for m in at.markdown)
    assert "Capabilities & HRM" in text and "Thatta, Tharparkar" in text
    assert not at.error, [e.value for e in at.error]
    codes = [c.value for c in at.code]
    assert any("pillars=hrm" in c and "districts=Thatta,Tharparkar" in c for c in codes)


def test_the_same_pillars_chosen_in_another_order_are_the_same_view():
    """Pillars are kept in the dialogue's order, from a link and from the sidebar, so one choice gives
    one link and one set of page messages (which Streamlit can then send again as cache references)."""
    back, notices = parse_query({"pillars": "incentive,technology,incentive"}, VOCAB)
    assert back.pillars == ["technology", "incentive"] and notices == []

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.sidebar.multiselect(key="w_pillars").set_value(["incentive", "hrm"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["atlas_view"].pillars == ["hrm", "incentive"]
    assert at.sidebar.multiselect(key="w_pillars").value == ["hrm", "incentive"]
    assert at.query_params["pillars"] == "hrm,incentive"


def test_the_share_box_draws_its_link_only_when_opened():
    """A closed "Share this view" draws nothing inside: its code box would make every first screen
    fetch Streamlit's 1.5 MB syntax highlighter (#14). Opened, it shows this view's link."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["pillars"] = "hrm"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.label for e in at.sidebar.expander] == ["Share this view"]
    assert list(at.sidebar.code) == []
    at.session_state["share_open"] = True  # what the browser reports when the box is opened
    at.run()
    (link,) = [c.value for c in at.sidebar.code]
    assert link.startswith("/?pillars=hrm&round=")


def test_layer_context_figure_and_institutions_round_trip_through_the_link():
    """#24 item 7: the link carries the District context layer, its figure and the institutions layer."""
    state = ViewState(round="desk-2026", layer="context", figure="poverty_rate_2018", institutions=True)
    query = dict(parse_qsl(urlsplit(share_url(state, "atlas")).query))
    assert (
        query["layer"] == "context"
        and query["figure"] == "poverty_rate_2018"
        and query["institutions"] == "1"
    )
    back, notices = parse_query(query, VOCAB)
    assert back == state and notices == []
    back, notices = parse_query({"layer": "elsewhere"}, VOCAB)
    assert back.layer == "gaps" and notices and "'elsewhere'" in notices[0]


def test_a_link_to_district_context_reopens_it_with_its_figure():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    for k, v in {"round": "desk-2026", "layer": "context", "figure": "poverty_rate_2018"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="w_atlas_layer").value == "District context"
    assert at.selectbox(key="w_context_indicator").value == "poverty_rate_2018"
    assert at.query_params["layer"] == "context" and at.query_params["figure"] == "poverty_rate_2018"
    # A figure the files do not have opens the default one, and says so.
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["layer"] = "context"
    at.query_params["figure"] = "no_such_figure"
    at.run()
    assert at.selectbox(key="w_context_indicator").value == "adult_literacy"
    assert any("'no_such_figure'" in w.value for w in at.warning)


def test_a_link_with_the_institutions_layer_reopens_it_and_the_toggle_writes_the_link():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["institutions"] = "1"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="w_institutions_layer").value is True
    at.toggle(key="w_institutions_layer").set_value(False).run()
    assert "institutions" not in at.query_params
    at.toggle(key="w_institutions_layer").set_value(True).run()
    assert at.query_params["institutions"] == "1"
