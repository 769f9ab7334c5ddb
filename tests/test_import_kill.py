"""A process killed in the middle of an import leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import func, select

from cluster_model import store
from cluster_model.store import schema as s
from tests.store_support import backend, engine, store_env

REPO = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent(
    """
    import sys, time
    from cluster_model import store
    url, schema, path = sys.argv[1], sys.argv[2] or None, sys.argv[3]
    engine = store.open_store(url, schema=schema, seed=False)
    plan = store.plan_import(engine, "survey-2027", open(path, "rb").read(), "big.csv")
    assert plan.ok, plan.issues
    def progress(done, total):
        if done == total // 2:
            print(f"INSIDE {done} {total}", flush=True)   # half the rows are written, uncommitted
            time.sleep(120)                               # the parent kills us here
    store.commit_import(engine, plan, author="killed", on_progress=progress)
    print("COMMITTED", flush=True)
    """
)


def _snapshot(engine) -> tuple:
    with engine.connect() as conn:
        count = lambda t: conn.execute(select(func.count()).select_from(t)).scalar_one()
        return count(s.assessments), count(s.assessment_history), store.revision(conn)


def test_sigkill_mid_import_changes_nothing(store_env, tmp_path):
    engine, url, schema = store_env
    store.create_round(
        engine, round_id="survey-2027", name="Survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    ds = store.load_dataset(engine)
    lines = ["round_id,cluster_id,indicator_id,status,source_id,note"]
    lines += [
        f",{c},{i},partial,icck_desk,bulk row {n}"
        for n, (c, i) in enumerate(
            (c, i) for c in ds.clusters["cluster_id"] for i in ds.indicators["indicator_id"]
        )
    ]
    big = tmp_path / "big.csv"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(lines) - 1 == 16 * 26
    before = _snapshot(engine)

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, schema or "", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    try:
        line = child.stdout.readline()
        assert line.startswith("INSIDE 208 416"), line + child.stderr.read() if not line else line
        # The child holds an open transaction with 208 rows written: none visible from outside.
        assert _snapshot(engine)[:2] == before[:2]
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    engine.dispose()  # fresh connections, as after a restart
    assert _snapshot(engine) == before
    assert store.round_grid(engine, "survey-2027")["version"].max() == 0
    assert "killed" not in set(store.history(engine)["changed_by"])
    # The store is usable at once: the killed writer's lock is gone.
    result = store.import_file(engine, "survey-2027", big.read_bytes(), "big.csv", author="alice")
    assert result.created == 416
