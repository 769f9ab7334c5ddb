"""The API on the real server (``streamlit run serve.py``, as ``make run``), the way a user reaches it
(issue #26 items 2 and 3): the Data page's link opens the API's docs in a new browser context, and the
routes answer there with the pages' figures and a data package frictionless accepts."""

from __future__ import annotations

import io
import json
import zipfile

from browser_support import OfflinePage
from frictionless import validate


def test_the_data_pages_api_link_opens_the_docs_in_a_new_context(server, browser, offline_page):
    page = offline_page.page
    page.goto(server + "/data", wait_until="domcontentloaded")
    link = page.get_by_role("link", name="its routes and parameters")
    link.wait_for(timeout=120_000)
    href = link.get_attribute("href")
    assert href.endswith("/api/v1/docs")
    other = OfflinePage(browser)
    try:
        other.page.goto(server + href if href.startswith("/") else href, wait_until="domcontentloaded")
        other.page.get_by_role("heading", name="Sindh Cluster Atlas API", level=1).wait_for(timeout=120_000)
        other.page.get_by_role("heading", name="GET /api/v1/editions/{edition}/gaps").wait_for(
            timeout=120_000
        )
        assert not other.refused and not offline_page.refused
    finally:
        other.close()


def test_the_real_server_answers_every_route_and_its_package_validates(server, offline_page, tmp_path):
    request = offline_page.context.request
    editions = request.get(server + "/api/v1/editions", timeout=120_000)
    assert editions.ok, editions.status
    first = editions.json()["editions"][0]
    gaps = request.get(server + "/api/v1/editions/latest/gaps?pillars=hrm", timeout=120_000)
    assert gaps.ok and gaps.headers["etag"] and gaps.headers["access-control-allow-origin"] == "*"
    assert gaps.json()["edition"] == first["edition"] and gaps.json()["gaps"]
    again = request.get(
        server + "/api/v1/editions/latest/gaps?pillars=hrm", headers={"If-None-Match": gaps.headers["etag"]}
    )
    assert again.status == 304
    assert request.get(server + "/api/v1/editions/latest/gaps?pillars=roads").status == 400
    for route in ("clusters", "clusters/fisheries", "indicators", "linkages", "districts.geojson"):
        assert request.get(f"{server}/api/v1/editions/latest/{route}", timeout=120_000).ok, route
    assert json.loads(request.get(server + "/api/v1/openapi.json").body())["openapi"] == "3.1.0"
    package = request.get(server + "/api/v1/editions/latest/datapackage.zip", timeout=120_000)
    assert package.ok and package.headers["content-type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(package.body())).extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, [e.message for task in report.tasks for e in task.errors]
