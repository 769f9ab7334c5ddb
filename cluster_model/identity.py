"""The atlas's name and region, configurable so that a national atlas does not call itself "Sindh".

``ATLAS_NAME`` sets the name outright; otherwise it is "<region> Cluster Atlas", where the region
is ``ATLAS_REGION`` or else the province kept by ``ATLAS_PROVINCE`` (default Sindh; empty = all of
Pakistan, the national boundary file). The rule lives on :class:`cluster_model.settings.Settings`.
"""

from __future__ import annotations

from .settings import settings


def region_name() -> str:
    return settings().region_name


def atlas_name() -> str:
    return settings().atlas_name
