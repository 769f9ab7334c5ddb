"""A shared link opened as the first request of a fresh server shows the real app."""

from __future__ import annotations

from browser_support import OfflinePage, start_server, stop_server


def test_first_request_deep_link_goes_through_app_navigation(browser):
    proc, url = start_server()
    page = OfflinePage(browser)
    try:
        page.page.goto(f"{url}/clusters?cluster=mango&pillars=technology", wait_until="domcontentloaded")
        page.page.get_by_role("heading", name="Mango").wait_for(timeout=120_000)
        nav = page.page.locator("[data-testid='stSidebarNav']").inner_text()
        # app.py's page titles, not file names from the pages/ folder
        assert "Methods & sources" in nav and "Clusters" in nav
        assert "app" not in nav.split()
        assert page.refused == []
    finally:
        page.close()
        stop_server(proc)


def test_copied_link_reopens_district_context_its_figure_and_the_institutions_layer(server, browser):
    """#24 item 7: the copied link reopened Cluster gaps, without the figure or the institutions layer."""
    from test_ux_browser import share_link
    from ux_support import map_frame

    source = OfflinePage(browser, 1280, 720)
    try:
        page = source.page
        page.goto(server, wait_until="domcontentloaded")
        map_frame(page)
        page.locator("label").filter(has_text="Institutions layer").click()
        page.wait_for_function("() => new URL(location.href).searchParams.get('institutions') === '1'")
        page.get_by_text("District context", exact=True).click()
        page.get_by_text("Districts ranked by adult literacy (25+), 2014").wait_for(timeout=120_000)
        page.get_by_label("District figure (grouped by the pillar it informs)").click()
        page.get_by_role("option", name="Poverty rate (2018").first.click()
        page.get_by_text("Districts ranked by poverty rate (2018").first.wait_for(timeout=120_000)
        link = share_link(page)
    finally:
        source.close()
    assert "layer=context" in link and "institutions=1" in link and "figure=poverty_rate_2018" in link

    recipient = OfflinePage(browser, 1280, 720)  # a new browser context: the way a recipient opens it
    try:
        page = recipient.page
        page.goto(link if link.startswith("http") else server + link, wait_until="domcontentloaded")
        page.get_by_text("Districts ranked by poverty rate (2018").first.wait_for(timeout=120_000)
        assert page.get_by_role("radio", name="District context").is_checked()
        page.get_by_text("Cluster gaps", exact=True).click()
        toggle = page.locator("label").filter(has_text="Institutions layer").locator("input")
        toggle.wait_for(state="attached", timeout=120_000)
        assert toggle.is_checked()
        assert recipient.refused == []
    finally:
        recipient.close()
