"""The District context trend chart (issue #24 item 2): both series, their values, and room to draw them."""

from __future__ import annotations

import pytest

from cluster_model import context as cx
from cluster_model.loading import DATA_DIR
from geo.boundaries import load_boundaries
from ui import context_view

pytestmark = pytest.mark.skipif(
    not cx.context_dir().is_dir(), reason="context files missing: run `make setup`"
)


@pytest.fixture(scope="module")
def ctx():
    return cx.ContextFigures(
        cx.load_context(
            cx.context_dir(), DATA_DIR, "Sindh", list(load_boundaries(province="Sindh")["district"])
        )
    )


def test_thatta_literacy_trend_holds_both_series_and_leaves_the_plot_its_height(ctx):
    spec = context_view.trend_chart(ctx, "adult_literacy", "Thatta", "Sindh").to_dict()
    (rows,) = spec["datasets"].values()
    by_series: dict[str, list[float]] = {}
    for row in rows:
        by_series.setdefault(row["series"], []).append(row["value"])
    assert set(by_series) == {"Thatta", "provincial average"}
    assert min(by_series["Thatta"]) == pytest.approx(27.93) and max(by_series["Thatta"]) == pytest.approx(
        35.61
    )
    assert min(by_series["provincial average"]) == pytest.approx(35.68, abs=0.01)
    assert max(by_series["provincial average"]) == pytest.approx(41.59, abs=0.01)
    assert spec["encoding"]["y"]["field"] == "value" and spec["encoding"]["y"]["type"] == "quantitative"
    # Streamlit's default autosize "fit" counts title, axis labels and legend inside the height, which
    # left the plot 0 px tall (a flat row of dots): the height must be the plot's, only the width fitted.
    assert spec["autosize"]["type"] == "fit-x"
    assert spec["height"] >= 120
