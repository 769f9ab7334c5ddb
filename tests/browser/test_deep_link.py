"""A shared link opened as the first request of a fresh server shows the real app."""

from __future__ import annotations

from browser_support import OfflinePage, start_server, stop_server


def test_first_request_deep_link_goes_through_app_navigation(browser):
    proc, url = start_server()
    page = OfflinePage(browser)
    try:
        page.page.goto(f"{url}/clusters?cluster=mango&pillars=technology", wait_until="domcontentloaded")
        page.page.get_by_role("heading", name="Mango").wait_for(timeout=60_000)
        nav = page.page.locator("[data-testid='stSidebarNav']").inner_text()
        # app.py's page titles, not file names from the pages/ folder
        assert "Methods & sources" in nav and "Clusters" in nav
        assert "app" not in nav.split()
        assert page.refused == []
    finally:
        page.close()
        stop_server(proc)
