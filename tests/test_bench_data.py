"""The benchmark's synthetic all-Pakistan data is valid input for the app (not timed)."""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synth import PAKISTAN_ADM2, write_synthetic
from cluster_model.loading import load_dataset
from geo.boundaries import load_boundaries

pytestmark = pytest.mark.skipif(not PAKISTAN_ADM2.exists(), reason="shared boundary files not present")


def test_synthetic_data_loads_cleanly_and_matches_the_pakistan_file(tmp_path):
    ds = load_dataset(write_synthetic(tmp_path / "synthetic"))
    assert ds.issues == []
    assert len(ds.clusters) == 1000
    assert len(ds.rounds) == 5 and ds.rounds["illustrative"].all()
    districts = set(load_boundaries(PAKISTAN_ADM2, province=None)["district"])
    assert set(ds.sites["district"]) == districts  # every site in a real district, every district used
    assert set(ds.sites["cluster_id"]) == set(ds.clusters["cluster_id"])
