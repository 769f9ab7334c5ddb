"""Issue 26 item 1 in headless Chromium, on a real server with its own store: an editor submits a
draft round, a second account (a reviewer) publishes it, and a signed-out visitor then sees the new
edition by default, with its citation."""

from __future__ import annotations

import re

import pytest
from browser_support import (
    ARTIFACTS,
    OfflinePage,
    signed_in_data_page,
    start_server,
    stop_server,
    submit_for_review,
)
from playwright.sync_api import expect

from cluster_model import store
from cluster_model.auth import hash_password

PASSWORD = "publishing test password 7"
ROUND_NAME = "Survey 2027"


@pytest.fixture(scope="module")
def publishing_server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    folder = tmp_path_factory.mktemp("publishing")
    url = f"sqlite:///{folder}/atlas.db"
    engine = store.open_store(url)
    store.create_round(
        engine,
        round_id="survey-2027",
        name=ROUND_NAME,
        date="2027-03-01",
        kind="survey",
        author="Alice (alice)",
    )
    store.save_assessments(
        engine,
        "survey-2027",
        [store.Edit("rice", "tech_equipment", "absent", "icck_desk", "seen on a visit", base_version=0)],
        author="Alice (alice)",
    )
    engine.dispose()
    digest = hash_password(PASSWORD)
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f'[atlas_auth.users.alice]\nname = "Alice"\npassword_hash = "{digest}"\n'
        f'[atlas_auth.users.bob]\nname = "Bob"\npassword_hash = "{digest}"\nroles = ["reviewer"]\n'
    )
    proc, base = start_server({"ATLAS_DB_URL": url, "STREAMLIT_SECRETS_FILES": str(secrets)})
    yield base
    stop_server(proc)


def test_draft_review_publish_then_a_visitor_sees_and_cites_it(publishing_server, browser):
    base = publishing_server
    alice = signed_in_data_page(browser, base, "alice", PASSWORD)
    expect(alice.page.get_by_text("Draft, not published").first).to_be_visible(timeout=120_000)
    submit_for_review(alice)

    bob = signed_in_data_page(browser, base, "bob", PASSWORD)
    try:
        page = bob.page
        page.get_by_role("button", name="Publish").click()
        page.get_by_text(re.compile(r"Edition \d{4}\.2, published")).wait_for(timeout=120_000)
    finally:
        bob.close()

    visitor = OfflinePage(browser, width=1280, height=900)
    try:
        page = visitor.page
        page.goto(base + "/", wait_until="domcontentloaded")
        cite = page.get_by_text(re.compile(r"Cite edition \d{4}\.2"))
        cite.wait_for(timeout=120_000)
        expect(page.get_by_text(re.compile(ROUND_NAME)).first).to_be_visible(timeout=120_000)
        expect(page.get_by_text("Draft, not published")).to_have_count(0)
        cite.click()
        code = page.locator('[data-testid="stCode"]').filter(has_text="SHA-256")
        expect(code).to_contain_text(re.compile(r"edition \d{4}\.2"), timeout=120_000)
        assert not visitor.refused
    finally:
        visitor.close()
