"""A round's change history shown in the page's language: headers and the change's words by message id,
clusters and indicators named by id from data/names.csv, notes and sources as data (#25)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timezone

import pandas as pd

ARABIC = re.compile(r"[\u0600-\u06FF]")


def _history():
    return pd.DataFrame(
        [
            {
                "change_id": 2,
                "round_id": "r1",
                "cluster_id": "mango",
                "indicator_id": "tech_equipment",
                "action": "update",
                "via": "editor",
                "old_status": "absent",
                "old_source_id": "hrd",
                "old_note": "Mango",
                "new_status": "present",
                "new_source_id": "hrd",
                "new_note": "seen at the market",
                "old_version": 1,
                "new_version": 2,
                "changed_by": "ayesha",
                "changed_at": datetime(2026, 1, 2, tzinfo=UTC),
            },
            {
                "change_id": 1,
                "round_id": "r1",
                "cluster_id": "mango",
                "indicator_id": "tech_equipment",
                "action": "seed",
                "via": "seed",
                "old_status": None,
                "old_source_id": None,
                "old_note": None,
                "new_status": "absent",
                "new_source_id": "hrd",
                "new_note": "Mango",
                "old_version": None,
                "new_version": 1,
                "changed_by": "seed",
                "changed_at": datetime(2026, 1, 1, tzinfo=UTC),
            },
        ]
    )


def test_a_rounds_history_names_by_id_and_words_by_message_id(monkeypatch, dataset):
    from ui import i18n as ui_i18n
    from ui.data_editing import history_table

    monkeypatch.setattr(ui_i18n, "current_language", lambda: "ur")
    shown = ui_i18n.shown_table(*history_table(dataset, _history()))
    assert all(ARABIC.search(c) for c in shown.columns), list(shown.columns)
    first = shown.iloc[0]
    cluster = ui_i18n.name("cluster", "mango")
    assert cluster == "آم" and (shown == cluster).any().any()  # by id, not "mango" marked [en]
    texts = [v for v in first if isinstance(v, str)]
    assert not any("[en]" in v and ("present" in v or "absent" in v or "update" in v) for v in texts), texts
    assert any("seen at the market [en]" in v for v in texts)  # a note is data
    assert (shown.iloc[1] == "—").any()  # a seeded value had no earlier status: said, not blank
