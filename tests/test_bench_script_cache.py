"""The benchmark's server-only rows time what a server runs: AppTest, left alone, compiles the script anew
on every run (a new ScriptCache per run), which a server does once (bench/run.py ``share_script_cache``)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from bench.run import share_script_cache


def _two_runs_with_the_script_changed_between(path) -> tuple[str, str]:
    path.write_text('import streamlit as st\nst.write("first version")\n', encoding="utf-8")
    at = AppTest.from_file(str(path))
    at.run()
    first = at.markdown[0].value
    path.write_text('import streamlit as st\nst.write("second version")\n', encoding="utf-8")
    at.run()
    return first, at.markdown[0].value


def test_apptest_alone_compiles_the_script_on_every_run(tmp_path):
    # What the bench corrects: the edited file is read and compiled again by the next run.
    assert _two_runs_with_the_script_changed_between(tmp_path / "app.py") == (
        "first version",
        "second version",
    )


def test_with_one_shared_cache_the_script_is_compiled_once_as_on_a_server(tmp_path, monkeypatch):
    share_script_cache(monkeypatch.setattr)
    # The second run executes the bytecode compiled by the first (a server drops it only when a file changes).
    assert _two_runs_with_the_script_changed_between(tmp_path / "app.py") == (
        "first version",
        "first version",
    )
