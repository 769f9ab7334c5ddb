"""Shared by the store tests: one fixture parametrised over SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest

from cluster_model.store.testing import BACKENDS, pg_url, temp_store


def skip_or_fail_without_pg(backend: str) -> None:
    if backend == "postgresql" and not pg_url():
        if os.environ.get("ATLAS_REQUIRE_POSTGRES") == "1":
            pytest.fail(
                "ATLAS_REQUIRE_POSTGRES=1 but ATLAS_TEST_PG_URL is not set: run scripts/start_test_postgres.sh"
            )
        pytest.skip(
            'ATLAS_TEST_PG_URL not set (eval "$(bash scripts/start_test_postgres.sh)" to run against PostgreSQL)'
        )


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    skip_or_fail_without_pg(request.param)
    return request.param


@pytest.fixture
def store_env(backend, tmp_path):
    """(engine, url, schema) of a fresh seeded store."""
    with temp_store(backend, tmp_path) as env:
        yield env


@pytest.fixture
def engine(store_env):
    return store_env[0]


SEED_DRAFT = "desk-2026-draft"


@pytest.fixture
def seed_draft(engine) -> str:
    """A draft copy of the seed's desk review (the seed round itself is the first edition, never
    changed: issue 26), for tests that edit seeded values."""
    from cluster_model.publishing import start_correction

    return start_correction(engine, "latest", "seed copy", round_id=SEED_DRAFT)
