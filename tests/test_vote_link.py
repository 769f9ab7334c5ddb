"""The projector's QR code and short link lead phones to the light vote page (web/vote.py), not to a
Streamlit session each (issue #28 item 2)."""

from __future__ import annotations

import re

import pytest
from signin_support import page_app, page_store

from cluster_model import voting as v
from cluster_model.store import dialogue as dl


@pytest.fixture
def db(tmp_path, monkeypatch):
    engine = page_store(tmp_path, monkeypatch, "workshop")
    yield engine
    engine.dispose()


@pytest.mark.parametrize("lang", [None, "ur"])
def test_the_projectors_short_link_is_the_light_vote_page(db, lang):
    dl.create_dialogue(
        db,
        round_id="dlg-link",
        name="Link test",
        date="2027-01-01",
        venue="MUET",
        facilitator="F",
        agenda="mango:TS",
        author="seed",
    )
    at = page_app("workshop")
    at.query_params.update({"round": "dlg-link", "mode": "present", **({"lang": lang} if lang else {})})
    at.run(timeout=120)
    assert not at.exception
    shown = next(m.value for m in at.markdown if "id='ws-link'" in m.value)
    link = re.search(r"id='ws-link'>([^<]+)<", shown).group(1).replace("&amp;", "&")
    expected = f"{v.PHONE_PATH}?r=dlg-link" + (f"&lang={lang}" if lang else "")
    assert link.endswith(expected), link
