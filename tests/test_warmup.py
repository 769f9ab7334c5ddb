"""The warm start (serve.py, ui/warmup.py): the server prepares the Atlas's first screen as it starts."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import textwrap

from support import REPO

from cluster_model.settings import child_env


def test_warm_up_fills_the_caches_without_importing_a_component(tmp_path):
    """In a fresh interpreter, as in the server: after the warm-up the Atlas's data come from the caches
    it filled, and streamlit_folium was not imported (Streamlit registers a component only when its module
    is imported inside a script run: imported here, the map would be a 404)."""
    script = textwrap.dedent(
        """
        import sys
        from ui import warmup
        from ui import data_access

        warmup.prepare_first_screen()
        assert "streamlit_folium" not in sys.modules, "a component module was imported by the warm-up"
        calls = []
        original = data_access._read_store
        data_access._read_store = lambda *a: calls.append(a) or original(*a)
        atlas = data_access.get_atlas_data()
        assert calls == [], "the dataset was read again: the warm-up did not fill the cache the page uses"
        assert atlas.districts is not None and len(atlas.districts) == 30
        print("ok")
        """
    )
    env = child_env(db_url=f"sqlite:///{tmp_path / 'atlas.db'}")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def test_the_warm_up_leaves_what_it_loaded_to_the_collector_s_side_and_collection_on(tmp_path):
    """In a fresh interpreter, as in the server: the warm-up loads with collection off, then freezes what it
    loaded (a full collection no longer walks it) and turns collection back on, also when it fails."""
    script = textwrap.dedent(
        """
        import gc
        from ui import warmup

        warmup._run()
        assert gc.isenabled() and gc.get_freeze_count() > 100_000, gc.get_freeze_count()
        assert warmup._done.is_set()

        gc.unfreeze()
        warmup._done.clear()
        def fails():
            raise OSError("the store did not answer")
        warmup.prepare_first_screen = fails
        warmup._run()
        assert gc.isenabled() and warmup._done.is_set()
        print("ok")
        """
    )
    env = child_env(db_url=f"sqlite:///{tmp_path / 'atlas.db'}")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def test_without_serve_py_nothing_waits():
    """``streamlit run app.py`` and AppTest start no warm-up: app.py's wait returns at once."""
    from ui import warmup

    assert not warmup._started
    warmup.wait()  # would block up to WAIT_AT_MOST_S if a warm-up had been started and not finished


def test_after_the_warm_up_the_atlas_computes_no_figure_again_for_the_default_or_newest_round(tmp_path):
    """The warm-up prepares what the Atlas page computes: for the default round, and for the newest round
    when that is another (here an illustrative rehearsal after an earlier one, so with a change column).
    Opened at either, the page computes only the opened district's detail itself."""
    import pandas as pd

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    rounds = pd.read_csv(data / "rounds.csv", dtype=str, keep_default_na=False)
    extra = [
        {
            "round_id": rid,
            "name": f"Rehearsal {rid[-1]}",
            "date": date,
            "kind": "desk review",
            "illustrative": "yes",
            "notes": "test",
        }
        for rid, date in (("rehearsal-a", "2026-11-26"), ("rehearsal-b", "2026-11-27"))
    ]
    pd.concat([rounds, pd.DataFrame(extra)]).to_csv(data / "rounds.csv", index=False)
    assessments = pd.read_csv(data / "assessments.csv", dtype=str, keep_default_na=False)
    desk = assessments[assessments["round_id"] == "desk-2026"]
    later = [desk.assign(round_id=rid) for rid in ("rehearsal-a", "rehearsal-b")]
    later[1] = later[1].assign(status="absent")  # a change since rehearsal-a
    pd.concat([assessments, *later]).to_csv(data / "assessments.csv", index=False)
    script = textwrap.dedent(
        """
        from streamlit.testing.v1 import AppTest

        import cluster_model.view as views
        from ui import warmup

        warmup.prepare_first_screen()
        warmup.prepare_newest_round()
        computed = []
        keep = views.View._keep

        def logged(self, key, compute):  # compute is called only when the figure is not kept yet
            return keep(self, key, lambda: computed.append((self.round_id, key[0])) or compute())

        views.View._keep = logged
        for query in ({}, {"round": "rehearsal-b"}):
            computed.clear()
            at = AppTest.from_file("app.py", default_timeout=300)
            at.query_params.update(query)
            at.run()
            assert not at.exception, at.exception
            assert {k for _, k in computed} <= {"district_detail"}, (query, computed)
        print("ok")
        """
    )
    env = child_env(db_url=f"sqlite:///{tmp_path / 'atlas.db'}", data_dir=data)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def test_what_runs_before_the_server_answers_imports_no_data_stack():
    """serve.py is imported before the server answers the first browser: the data stack (pandas,
    geopandas, SQLAlchemy, folium) is the warm-up's to import, in its thread while the page loads
    (#28 item 1: importing it there for the API's and phones' routes added ~1.4 s to every start)."""
    script = (
        "import sys, serve; print(sorted({'pandas', 'geopandas', 'sqlalchemy', 'folium'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_api_and_phone_routes_answer_through_the_server_s_routes(tmp_path, monkeypatch):
    """The routes serve.py hands the server, loaded on their first request, answer as their modules do."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path / 'atlas.db'}")
    import serve

    # What reaches the server's log: the routes read cached data outside a script run, on purpose, and
    # Streamlit's "missing ScriptRunContext" warning at each such read is kept out of it.
    logged = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())
    warner = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    warner.addHandler(handler)
    try:
        with TestClient(Starlette(routes=serve.routes)) as client:
            assert client.get("/api/v1/editions").status_code == 200
            assert client.get("/v?r=no-such-round").status_code in (200, 404)
            assert client.get("/v/state?r=no-such-round").json() == {"key": ""}
            assert client.get("/vendor.js").status_code == 404  # not under the phones' path
    finally:
        warner.removeHandler(handler)
    assert not [m for m in logged if "missing ScriptRunContext" in m], logged[:3]


def test_the_atlas_s_first_screen_imports_no_spreadsheet_writer(tmp_path):
    """The first screen's path (warm-up, then the Atlas page's first run) never writes a spreadsheet:
    openpyxl (~0.3-0.5 s to import) came in through the publishing box's cache clearing, held the warm-up
    back and so the map's first paint (#28 item 1 A). The Export and Data pages import it when they need it."""
    script = textwrap.dedent(
        """
        import sys
        from streamlit.testing.v1 import AppTest
        from ui import warmup

        warmup.prepare_first_screen()
        at = AppTest.from_file("app.py", default_timeout=300)
        at.run()
        assert not at.exception, at.exception
        print(sorted({"openpyxl", "ui.data_editing", "outputs.tables"} & set(sys.modules)))
        """
    )
    env = child_env(db_url=f"sqlite:///{tmp_path / 'atlas.db'}")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
