"""The atlas's name and region, configurable so that a national atlas does not call itself "Sindh".

``ATLAS_NAME`` sets the name outright; otherwise it is "<region> Cluster Atlas", where the region
is ``ATLAS_REGION`` or else the province kept by ``ATLAS_PROVINCE`` (default Sindh; empty = all of
Pakistan, the national boundary file).
"""

from __future__ import annotations

import os

DEFAULT_PROVINCE = "Sindh"  # as geo.boundaries: the province kept when ATLAS_PROVINCE is unset


def region_name() -> str:
    region = os.environ.get("ATLAS_REGION", "").strip()
    if region:
        return region
    province = os.environ.get("ATLAS_PROVINCE", DEFAULT_PROVINCE).strip()
    return province or "Pakistan"


def atlas_name() -> str:
    return os.environ.get("ATLAS_NAME", "").strip() or f"{region_name()} Cluster Atlas"
