"""The workshop, cluster, context and linkage tables name clusters by id and word their cells by message id
in the page's language (#25 two ways to translate): no English is looked up again, none shows as "[en]"."""

from __future__ import annotations

import re

import pandas as pd

from cluster_model import workshop as ws

ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")


def _urdu(monkeypatch):
    from ui import i18n as ui_i18n

    monkeypatch.setattr(ui_i18n, "current_language", lambda: "ur")


def test_the_rooms_matrix_names_clusters_by_id_and_words_its_cells_in_urdu(monkeypatch, dataset):
    from ui.workshop.room_view import room_matrix_shown

    _urdu(monkeypatch)
    ratings = pd.DataFrame(
        [{"cluster_id": "mango", "pillar": "hrm", "stakeholder_group": "community", "rating": "absent"}]
    )
    gaps = ws.room_gaps(ratings, dataset.rules, list(dataset.clusters["cluster_id"]))
    shown = room_matrix_shown(gaps, dataset)
    text = " ".join(map(str, [*shown.columns, *shown.values.ravel()]))
    assert "[en]" not in text and "low coverage" not in text, text
    mango = shown[shown.iloc[:, 0] == "آم"]
    assert len(mango) == 1, list(shown.iloc[:, 0])
    assert "1.00" in " ".join(mango.iloc[0, 1:]) and ARABIC.search(" ".join(mango.iloc[0, 1:]))
