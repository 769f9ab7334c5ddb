"""The Export page's "Data package" download: the view's round as a Frictionless Data Package, the same
file the API serves at ``/api/v1/editions/{edition}/datapackage.zip`` (``outputs.datapackage``), built only
when the button is clicked and kept with the data bundle."""

from __future__ import annotations

from cluster_model import served as sv
from outputs.datapackage import package_file_name as _file_name
from outputs.datapackage import served_package
from ui.data_access import AtlasData, get_engine
from ui.share import app_base_url

API_DOCS = "/api/v1/docs"  # the API's own page describing every route (web/docs.py)


def _served(atlas: AtlasData, round_id: str) -> sv.Served:
    def checksum(r: str) -> str:
        return atlas.memo(("package_checksum", r), lambda: sv.checksum_of(atlas.dataset, r))

    return atlas.memo(
        ("package_served", round_id), lambda: sv.of_round(get_engine(), atlas.dataset, round_id, checksum)
    )


def package_file_name(atlas: AtlasData, round_id: str, marks) -> str:
    """``marks``: the round's view (draft, illustrative), which the file name says like every file's."""
    # Named without reading the round's content: the page shows the button on every run.
    name = atlas.memo(("package_name", round_id), lambda: sv.name_of_round(get_engine(), round_id))
    return _file_name(name, marks)


def package_bytes(atlas: AtlasData, round_id: str) -> bytes:
    """The zipped package of ``round_id``: its edition when published, else marked draft or illustrative."""

    def build() -> bytes:
        served = _served(atlas, round_id)
        url = (app_base_url() or "") + f"/api/v1/editions/{served.name}"
        return served_package(get_engine(), atlas.dataset, served, atlas.sites, atlas.districts, url)

    return atlas.memo(("package", round_id), build)
