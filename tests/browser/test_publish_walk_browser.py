"""Issue #26's "done when", walked once in headless Chromium on the real server (``streamlit run serve.py``)
with a fresh store and two accounts made with the project's own admin script (scripts/add_user.py):

an editor (alice) starts a correction of the seed's edition on the Data page, edits one assessment in the
round's table and submits it; a reviewer (bob) publishes it; then a signed-out visitor, in a new browser
context, sees the new edition on the Atlas (its id, no draft mark), copies its citation and downloads its
BibTeX (edition id and checksum), downloads the data package and the edition report from Export (the
package valid under frictionless, the report the one the API gives), and opens the API's gaps link with the
page's filters in another new context: the figures of a district are those the page's ranking shows.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from browser_support import (
    ARTIFACTS,
    REPO,
    OfflinePage,
    settled,
    signed_in_data_page,
    start_server,
    stop_server,
    submit_for_review,
)
from frictionless import validate
from playwright.sync_api import expect
from pypdf import PdfReader

PASSWORD = "walk the whole path 26"
DISTRICT = "Thatta"  # fisheries' district: the value edited below moves its gap
CHANGED_ROW = 12  # fisheries × hrm_local_supervisory, "partial" in the seed (data/indicators.csv order)
STATUS_COLUMN = 3  # cluster, pillar, indicator, status, … (the ids are hidden)
WAIT = 120_000

# The Atlas's ranking as the grid's accessible table has it: {district: {header: text}}.
RANKING_ROWS = """() => {
  const grids = [...document.querySelectorAll("[data-testid='stDataFrame']")];
  for (const grid of grids) {
    const headers = [...grid.querySelectorAll("[role=columnheader]")].map(h => h.textContent.trim());
    if (!headers.includes("District") || !headers.includes("Gap")) continue;
    const rows = {};
    for (const row of grid.querySelectorAll("[role=row]")) {
      const cells = [...row.querySelectorAll("[role=gridcell]")].map(c => c.textContent.trim());
      if (cells.length !== headers.length) continue;
      const record = Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
      rows[record.District] = record;
    }
    return rows;
  }
  return null;
}"""


@pytest.fixture(scope="module")
def walk_server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    secrets = tmp_path_factory.mktemp("walk") / "secrets.toml"
    for username, role in (("alice", []), ("bob", ["--reviewer"])):
        subprocess.run(
            [sys.executable, str(REPO / "scripts" / "add_user.py"), username, "--name", username.title()]
            + ["--password-stdin", "--secrets", str(secrets), *role],
            input=PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
        )
    proc, base = start_server({"STREAMLIT_SECRETS_FILES": str(secrets)})  # a fresh store of its own
    yield base
    stop_server(proc)


def _edit_one_status(page, row: int, status: str) -> None:
    """Set the status of the round table's ``row`` as an editor does: select a cell, move to the row's
    status with the arrow keys, open its editor, type the status and take it, save."""
    # The round's editor flow drawn to its end (its save button), then its grid's cells.
    page.get_by_role("button", name="Save changes (none yet)").wait_for(timeout=WAIT)
    # Keys go to the grid that has the focus: act only once the run has ended, since a grid the run draws
    # again after the click loses the selection and the keys with it (CI pressed them into such a grid).
    settled(page)
    grid = page.locator("[data-testid='stDataFrame']").filter(has=page.locator("#glide-cell-0-0"))
    grid.locator("#glide-cell-0-0").wait_for(state="attached", timeout=WAIT)
    grid.evaluate("el => el.scrollIntoView({block: 'center'})")  # clear of the page's sticky header
    grid.locator(".dvn-scroller").click(position={"x": 40, "y": 54})  # the first row's first cell
    expect(grid.locator("#glide-cell-0-0")).to_have_attribute("aria-selected", "true", timeout=WAIT)
    for _ in range(STATUS_COLUMN):
        page.keyboard.press("ArrowRight")
    expect(grid.locator(f"#glide-cell-{STATUS_COLUMN}-0")).to_have_attribute("aria-selected", "true")
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    cell = page.locator(f"#glide-cell-{STATUS_COLUMN}-{row}")  # row 0 scrolled away: ``grid`` matches no more
    expect(cell).to_have_attribute("aria-selected", "true", timeout=WAIT)
    expect(cell).to_have_text("partial")
    page.keyboard.press("Enter")  # opens the cell's list of statuses, with a box to type in
    choice = page.get_by_role("option", name=status, exact=True)
    page.get_by_role("option", name="present", exact=True).wait_for(timeout=WAIT)
    page.keyboard.type(status)
    expect(page.get_by_role("option")).to_have_count(1, timeout=WAIT)  # typed: only that one is left
    choice.click()
    page.get_by_role("button", name="Save 1 change").click(timeout=WAIT)
    # Saved (a refused save keeps the edit waiting): the page reads the round again, nothing left to save.
    expect(page.get_by_role("button", name="Save changes (none yet)")).to_be_visible(timeout=WAIT)


def _download(page, click) -> bytes:
    # A deferred download's file belongs to the run that drew its button: click once that run has ended.
    settled(page)
    with page.expect_download(timeout=WAIT) as info:
        click()
    return open(info.value.path(), "rb").read()


def _pdf_text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_an_edit_is_reviewed_published_then_read_cited_downloaded_and_fetched(walk_server, browser, tmp_path):
    base = walk_server

    # 1. The editor: a correction of the seed's edition, one value changed in the table, submitted.
    alice = signed_in_data_page(browser, base, "alice", PASSWORD)
    page = alice.page
    page.get_by_role("button", name="Start a correction").click(timeout=WAIT)
    expect(page.get_by_text("Draft, not published").first).to_be_visible(timeout=WAIT)
    _edit_one_status(page, CHANGED_ROW, "absent")
    submit_for_review(alice)

    # 2. The reviewer, another account: publishes it, with the erratum a correction needs.
    bob = signed_in_data_page(browser, base, "bob", PASSWORD)
    try:
        page = bob.page
        page.get_by_role("textbox", name=re.compile("Erratum")).fill("Fisheries: local supervisors absent.")
        page.get_by_role("button", name="Publish", exact=True).click()
        published = page.get_by_text(re.compile(r"Edition \d{4}\.\d+, published"))
        published.wait_for(timeout=WAIT)
        edition = re.search(r"Edition (\d{4}\.\d+)", published.inner_text()).group(1)
        assert edition.endswith(".2") and not bob.refused
    finally:
        bob.close()

    # 3. A visitor, signed out, in a new context: the Atlas shows the new edition, and how to cite it.
    visitor = OfflinePage(browser, width=1920, height=1080)  # the ranking's every column drawn (and read)
    try:
        page = visitor.page
        visitor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page.goto(base + "/?pillars=hrm", wait_until="domcontentloaded")
        cite = page.get_by_text(f"Cite edition {edition}")
        cite.wait_for(timeout=WAIT)
        expect(page.get_by_text("Draft, not published")).to_have_count(0)
        page.wait_for_function(
            f"(() => {{ const r = ({RANKING_ROWS})(); return r && r[{DISTRICT!r}]; }})()", timeout=WAIT
        )
        shown = page.evaluate(RANKING_ROWS)[DISTRICT]
        assert {"Gap", "Assessed", "Indicators with a gap", "Indicators assessed"} <= set(shown), shown
        filters = {
            k: v for k, v in parse_qsl(urlsplit(page.url).query) if k in ("pillars", "districts", "sectors")
        }
        assert filters == {"pillars": "hrm"}, page.url

        cite.click()
        code = page.locator("[data-testid='stCode']").filter(has_text="SHA-256")
        expect(code).to_contain_text(f"edition {edition}", timeout=WAIT)
        citation = code.inner_text().strip()
        checksum = re.search(r"SHA-256: ([0-9a-f]{64})", citation).group(1)
        code.hover()
        code.get_by_role("button").first.click()  # the code box's copy button
        page.wait_for_function(
            "async (id) => (await navigator.clipboard.readText()).includes(id)", arg=f"edition {edition}"
        )
        assert checksum in page.evaluate("navigator.clipboard.readText()")
        bibtex = _download(
            page, lambda: page.get_by_role("button", name="Citation as BibTeX").click()
        ).decode()
        assert f"edition = {{{edition}}}" in bibtex and checksum in bibtex

        # Export: the data package (valid) and the edition report, both of this edition.
        page.get_by_role("link", name="Export").first.click()
        package_button = page.get_by_role("button", name="Data package (Frictionless, ZIP)")
        package_button.wait_for(timeout=WAIT)  # the Export page's run has begun: _download waits for its end
        package = _download(page, package_button.click)
        zipfile.ZipFile(io.BytesIO(package)).extractall(tmp_path / "package")
        descriptor = json.loads((tmp_path / "package" / "datapackage.json").read_text(encoding="utf-8"))
        assert (descriptor["edition"], descriptor["checksum"]["value"]) == (edition, checksum)
        assert edition in descriptor["citation"] and not descriptor["draft"]
        report = validate(str(tmp_path / "package" / "datapackage.json"))
        assert report.valid, [e.message for task in report.tasks for e in task.errors]
        pdf = _download(page, lambda: page.locator(".st-key-export_edition_report button").click())
        assert f"edition {edition}" in _pdf_text(pdf) and checksum in _pdf_text(pdf)
        assert not visitor.refused
    finally:
        visitor.close()

    # 4. The API, opened as a link in a new context with the page's filters: the page's figures.
    reader = OfflinePage(browser)
    try:
        answer = reader.page.goto(f"{base}/api/v1/editions/latest/gaps?{urlencode(filters)}", timeout=WAIT)
        assert answer.ok, answer.status
        gaps = answer.json()
        assert (gaps["edition"], gaps["checksum"], gaps["state"]) == (edition, checksum, "published")
        row = {r["district"]: r for r in gaps["gaps"]}[DISTRICT]
        assert row["gap"] is not None
        assert shown["Gap"].startswith(f"{row['gap']:.2f}"), (shown, row)
        assert ("low coverage" in shown["Gap"]) == row["low_coverage"], (shown, row)
        assert shown["Indicators assessed"] == f"{row['n_assessed']} of {row['n_indicators']}", (shown, row)
        assert shown["Assessed"] == f"{row['coverage']:.0%}", (shown, row)
        assert shown["Indicators with a gap"] == str(row["n_gaps"]), (shown, row)
        editions = reader.page.goto(f"{base}/api/v1/editions", timeout=WAIT).json()["editions"]
        [corrected] = [e["edition"] for e in editions if e["state"] == "superseded"]
        first = reader.page.goto(
            f"{base}/api/v1/editions/{corrected}/gaps?{urlencode(filters)}", timeout=WAIT
        )
        before = {r["district"]: r for r in first.json()["gaps"]}[DISTRICT]
        assert row["gap"] > before["gap"]  # the edit (partial → absent) is in the new edition's figure
        published = reader.page.goto(f"{base}/api/v1/editions/{edition}", timeout=WAIT).json()
        assert [
            (c["cluster_id"], c["indicator_id"], c["before"], c["after"]) for c in published["changes"]
        ] == [("fisheries", "hrm_local_supervisory", "partial", "absent")]
        api_report = reader.context.request.get(f"{base}/api/v1/editions/{edition}/report.pdf", timeout=WAIT)
        assert api_report.ok and api_report.body() == pdf  # one report per edition, wherever it is read
        assert not reader.refused
    finally:
        reader.close()
