"""Shared fixtures: the real data folder, and a writable copy for bad-input tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import support

from cluster_model import settings
from cluster_model.loading import DATA_DIR, load_dataset


@pytest.fixture(autouse=True)
def fresh_settings():
    """Each test reads the environment as it sets it (cluster_model.settings reads it once per process)."""
    settings.reset()
    yield
    settings.reset()


@pytest.fixture
def monkeypatch(monkeypatch):
    """pytest's monkeypatch; setting or deleting an environment variable also makes
    cluster_model.settings read the environment again, as a new process would."""

    def rereading(change):
        def changed(*args, **kwargs):
            change(*args, **kwargs)
            settings.reset()

        return changed

    monkeypatch.setenv = rereading(monkeypatch.setenv)
    monkeypatch.delenv = rereading(monkeypatch.delenv)
    return monkeypatch


@pytest.fixture(scope="session")
def dataset():
    return load_dataset(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session", autouse=True)
def isolated_store(tmp_path_factory):
    """Every test reads a fresh store seeded from data/, never the developer's var/atlas.db."""
    import os

    path = tmp_path_factory.mktemp("store") / "atlas.db"
    old = os.environ.get("ATLAS_DB_URL")
    os.environ["ATLAS_DB_URL"] = f"sqlite:///{path}"
    yield os.environ["ATLAS_DB_URL"]
    if old is None:
        os.environ.pop("ATLAS_DB_URL", None)
    else:
        os.environ["ATLAS_DB_URL"] = old
