"""Two app servers on different ports sharing one PostgreSQL (issue 12: more than one machine).

A phone votes through server A; the projector open on server B (never reloaded)
shows the vote. The device pass A issued is accepted by B (the signing secret
is in the shared database), and the same phone voting again through B still
counts once. Runs wherever ``ATLAS_TEST_PG_URL`` is set (CI: ``make test``
starts a throwaway PostgreSQL with scripts/start_test_postgres.sh).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from browser_support import ARTIFACTS, OfflinePage, start_server, stop_server
from store_support import skip_or_fail_without_pg

from cluster_model.store import dialogue as dl
from cluster_model.store import votes as vt
from cluster_model.store.testing import temp_store

ROUND = "dlg-two-servers"


def _pg_url_with_schema(url: str, schema: str) -> str:
    # The servers' own engines read ATLAS_DB_URL; libpq's "options" puts them in the test's schema.
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def test_a_vote_through_one_server_appears_on_the_other_servers_projector(browser, tmp_path):
    skip_or_fail_without_pg("postgresql")
    with temp_store("postgresql", tmp_path) as (engine, url, schema):
        dl.create_dialogue(
            engine,
            round_id=ROUND,
            name="Two servers",
            date="2027-04-01",
            venue="MUET",
            facilitator="F",
            agenda="rice:TS",
            author="test setup",
        )
        shared = {"ATLAS_DB_URL": _pg_url_with_schema(url, schema)}
        proc_a, base_a = start_server(shared)
        proc_b, base_b = start_server(shared)
        assert base_a != base_b
        projector = OfflinePage(browser, width=1280, height=720)
        phone = OfflinePage(browser, width=390, height=844)
        try:
            proj = projector.page
            proj.goto(f"{base_b}/workshop?round={ROUND}&mode=present", wait_until="domcontentloaded")
            proj.locator(".ws-tally").wait_for(timeout=120_000)
            assert proj.locator(".ws-tally").get_attribute("data-voted") == "0"

            p = phone.page
            p.goto(f"{base_a}/v?r={ROUND}", wait_until="domcontentloaded")
            p.get_by_role("button", name="Government", exact=True).click(timeout=120_000)
            p.get_by_role("button", name=re.compile("^. Absent$")).click(timeout=120_000)
            p.locator("#vote-mine").wait_for(timeout=120_000)

            # Server B's projector shows the vote made through server A, without a reload.
            proj.wait_for_function(
                "() => document.querySelector('.ws-tally')?.dataset.voted === '1'", timeout=120_000
            )
            assert (
                proj.locator(".ws-tally tr[data-group='government'] td[data-choice='absent']").inner_text()
                == "1"
            )

            # The same phone (its pass from A) votes again through B: accepted, and still one vote.
            token = parse_qs(urlparse(p.url).query)["t"][0]
            p.goto(f"{base_b}/v?r={ROUND}&g=government&t={token}", wait_until="domcontentloaded")
            p.get_by_role("button", name=re.compile("^. Present$")).click(timeout=120_000)
            p.get_by_text("Your vote: ● Present").wait_for(timeout=120_000)
            proj.wait_for_function(
                "() => document.querySelector(\".ws-tally tr[data-group='government'] td[data-choice='present']\")?.textContent === '1'",
                timeout=120_000,
            )
            assert proj.locator(".ws-tally").get_attribute("data-voted") == "1"
            assert vt.tally(engine, ROUND, "rice", "technology").n == 1
            assert len(vt.raw_votes(engine, ROUND)) == 2
            assert projector.refused == [] and phone.refused == []
        except Exception:
            projector.page.screenshot(
                path=str(ARTIFACTS / "two-servers-failure-projector.png"), full_page=True
            )
            phone.page.screenshot(path=str(ARTIFACTS / "two-servers-failure-phone.png"), full_page=True)
            raise
        finally:
            projector.close()
            phone.close()
            stop_server(proc_a)
            stop_server(proc_b)
