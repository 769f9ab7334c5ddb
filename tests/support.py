"""Helpers shared by the tests (imported by name: keep this module name unique)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def append_row(path: Path, line: str) -> int:
    """Append a CSV line; return its line number as a spreadsheet shows it."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return len((text + line).splitlines())


def record_deferred_downloads(monkeypatch) -> dict:
    """{file name: the callable a download button registered} for every button given a callable.

    Streamlit runs such a callable only when the button is clicked (``MediaFileManager.execute_deferred``);
    AppTest cannot click a download, so a test calls the recorded callable as that click would.
    """
    from streamlit.runtime.media_file_manager import MediaFileManager

    recorded: dict = {}
    real = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        recorded[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return recorded


def seed_coverage(pillars=None) -> tuple[int, int]:
    """(assessed, total) cluster × indicator values in data/ for the pillars (default: the four dialogue
    pillars): what the Atlas's coverage line says for the seed as it stands, so tests follow the data."""
    from cluster_model.loading import DATA_DIR, load_dataset
    from cluster_model.vocabulary import PILLARS

    ds = load_dataset(DATA_DIR)
    chosen = set(pillars or PILLARS)
    indicators = set(ds.indicators.loc[ds.indicators["pillar"].isin(chosen), "indicator_id"])
    known = ds.assessments[
        ds.assessments["indicator_id"].isin(indicators)
        & ds.assessments["status"].isin(["present", "partial", "absent"])
    ]
    assessed = len(known.drop_duplicates(["cluster_id", "indicator_id"]))
    return assessed, len(ds.clusters) * len(indicators)
