"""The warm start (serve.py, ui/warmup.py): the server prepares the Atlas's first screen as it starts."""

from __future__ import annotations

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


def test_without_serve_py_nothing_waits():
    """``streamlit run app.py`` and AppTest start no warm-up: app.py's wait returns at once."""
    from ui import warmup

    assert not warmup._started
    warmup.wait()  # would block up to WAIT_AT_MOST_S if a warm-up had been started and not finished
