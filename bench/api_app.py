"""The API's routes alone, for ``bench/api.py --bare``: the same ``web.api`` routes serve.py mounts, without
the per-address limit (the bench's 50 clients share one address) and without Streamlit's server around them
(what the default bench measures: ``streamlit run serve.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from starlette.applications import Starlette

from web.api import api_routes

app = Starlette(routes=api_routes(requests_per_minute=None))
