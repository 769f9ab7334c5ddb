"""Gaps & poverty when a district's number of poor is unknown: it stays on the chart, drawn as unknown
(a fixed-size hollow marker, "unknown" in its tooltip and the table), never as a bubble sized for none."""

from __future__ import annotations

import io
import json
import re
import shutil
from types import SimpleNamespace

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest
from support import REPO

from cluster_model import context as cx

pytestmark = pytest.mark.skipif(
    not cx.context_dir().is_dir(), reason="context files missing: run `make setup`"
)
MISSING = "Tharparkar"


def _context_without_poor_for(tmp_path, district):
    folder = tmp_path / "context"
    shutil.copytree(cx.context_dir(), folder)
    path = folder / "poverty_headcount_2018.csv"
    frame = pd.read_csv(path)
    frame.loc[frame["District"] == district, "povertyheadcount"] = None
    frame.to_csv(path, index=False)
    return folder


def _holds(expression: str, row: dict) -> bool:
    """A Vega-Lite filter of the page's kind (``datum.a && !datum.b``) evaluated for one row."""
    python = re.sub(r"datum\.(\w+)", r"row['\1']", expression).replace("&&", " and ").replace("||", " or ")
    return bool(eval(python.replace("!", " not "), {}, {"row": row}))  # the page's own spec, not user input


def _marks_drawing(chart, unit):
    spec = json.loads(chart.proto.spec)
    data = {
        d.name: pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().to_pandas()
        for d in chart.proto.datasets
    }
    for layer in spec["layer"]:
        mark = layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}
        if mark["type"] not in {"point", "circle", "square"} or "data" not in layer:
            continue
        rows = data[layer["data"]["name"]]
        row = rows[rows["label"] == unit].iloc[0].to_dict()
        filters = [t["filter"] for t in layer.get("transform", [])]
        if all(_holds(f, row) for f in filters):
            yield SimpleNamespace(mark=mark, encoding=layer["encoding"], row=row)


def test_a_district_whose_number_of_poor_is_unknown_is_drawn_as_unknown(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_CONTEXT", str(_context_without_poor_for(tmp_path, MISSING)))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/poverty.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    drawn = list(_marks_drawing(at.get("vega_lite_chart")[0], MISSING))
    assert len(drawn) == 1, drawn  # on the chart once: not dropped for a null size
    marker = drawn[0]
    assert "size" not in marker.encoding and marker.mark.get("size") and marker.mark.get("filled") is False
    tooltip = {t["title"]: marker.row[t["field"]] for t in marker.encoding["tooltip"]}
    assert tooltip["Poor (1,000s)"] == "unknown", tooltip
    table = at.dataframe[-1].value
    thar = table[table["District (survey unit)"] == MISSING].iloc[0]
    assert thar["Number of poor (1,000s)"] == "unknown"
    # A known count still sizes its point.
    sized = list(_marks_drawing(at.get("vega_lite_chart")[0], "Sanghar"))
    assert len(sized) == 1 and "size" in sized[0].encoding
