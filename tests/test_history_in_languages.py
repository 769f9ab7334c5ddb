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


def _link_history():
    return pd.DataFrame(
        [
            {
                "change_id": 1,
                "round_id": "r1",
                "institution_id": "sindh-tevta",
                "target": "cluster:mango",
                "link_type": "training",
                "action": "update",
                "via": "workshop",
                "old_status": None,
                "old_source_id": None,
                "old_note": None,
                "new_status": "weak",
                "new_source_id": "hrd",
                "new_note": "two courses a year",
                "old_version": None,
                "new_version": 1,
                "changed_by": "ayesha",
                "changed_at": datetime(2026, 1, 2, tzinfo=UTC),
            }
        ]
    )


def test_the_linkage_editors_tables_are_read_by_key_not_by_english(monkeypatch, dataset):
    """The Linkage page's history and import preview (#25): the last tables read back from English."""
    from ui import i18n as ui_i18n
    from ui.linkage_editing import import_preview_table, institution_history_table, link_history_table

    monkeypatch.setattr(ui_i18n, "current_language", lambda: "ur")
    links = ui_i18n.shown_table(*link_history_table(dataset, _link_history()))
    assert all(ARABIC.search(c) for c in links.columns), list(links.columns)
    row = [v for v in links.iloc[0] if isinstance(v, str)]
    assert ui_i18n.name("cluster", "mango") in row  # the link's cluster by id, not "cluster:mango"
    assert not any(
        "[en]" in v
        and v.split(" [en]")[0].strip("\u2068\u2069") in ("Training", "updated", "the workshop", "weak")
        for v in row
    ), row
    assert (
        any("two courses a year [en]" in v for v in row) and "—" in row
    )  # a note is data; no earlier status

    institutions = pd.DataFrame(
        [
            {
                "change_id": 1,
                "institution_id": "sindh-tevta",
                "action": "create",
                "via": "import",
                "old_value": None,
                "new_value": '{"name": "Sindh TEVTA"}',
                "old_version": None,
                "new_version": 1,
                "changed_by": "ayesha",
                "changed_at": datetime(2026, 1, 2, tzinfo=UTC),
            }
        ]
    )
    shown = ui_i18n.shown_table(*institution_history_table(institutions))
    assert all(ARABIC.search(c) for c in shown.columns) and (shown == "—").any().any()

    preview = pd.DataFrame(
        [
            {
                "what": "link",
                "line": 3,
                "item": "sindh-tevta → cluster:mango (training)",
                "change": "changed link",
                "old_status": "weak",
                "status": "active",
            },
            {
                "what": "institution",
                "line": 2,
                "item": "sindh-tevta: Sindh TEVTA",
                "change": "new institution",
                "old_status": "",
                "status": "",
            },
        ]
    )
    shown = ui_i18n.shown_table(*import_preview_table(preview))
    assert all(ARABIC.search(c) for c in shown.columns), list(shown.columns)
    words = [v for v in shown.iloc[:, [0, 3, 4, 5]].to_numpy().ravel() if isinstance(v, str)]
    assert words and all(ARABIC.search(v) or v == "—" for v in words), words


def test_the_change_labels_of_many_rows_are_each_row_s_label():
    """``row_change_labels`` (the Atlas's ranking and tooltips, one read of the table) words each row as
    ``row_change_label`` does, a key not in the table included."""
    from cluster_model.history import row_change_label, row_change_labels

    changes = pd.DataFrame(
        {
            "district": ["A", "B", "C", "D", "E"],
            "gap_before": [0.5, 0.2, 0.4, float("nan"), 0.3],
            "gap_now": [0.25, 0.45, 0.4, 0.6, float("nan")],
            "gap_delta": [-0.25, 0.25, 0.0, float("nan"), float("nan")],
        }
    ).set_index("district")
    keys = ["A", "B", "C", "D", "E", "missing"]
    assert row_change_labels(changes, keys) == [
        "gap down 0.25",
        "gap up 0.25",
        "no change",
        "newly assessed",
        "no comparison (not assessed in one of the rounds)",
        "no comparison (not assessed in one of the rounds)",
    ]
    assert row_change_labels(changes, keys) == [row_change_label(changes, k) for k in keys]
