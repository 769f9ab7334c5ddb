"""The District context view in Urdu: its text looked up by message id and by key, never by its English."""

from __future__ import annotations

import pytest
from test_pages import run_app

from cluster_model import context as cx
from cluster_model import linkages as L
from cluster_model.i18n import translator


def test_every_group_of_the_context_picker_is_named_in_urdu():
    """The picker names a figure's group by its id (a pillar, or the welfare context): none left in English."""
    if not cx.context_dir().is_dir():
        pytest.skip("context files missing: run `make setup`")
    ur = translator("ur")
    at = run_app(lang="ur")
    at.radio(key="w_atlas_layer").set_value(ur.gettext("District context")).run()
    assert not at.exception, [e.value for e in at.exception]
    options = at.selectbox(key="w_context_indicator").options
    groups = {o.split(" · ")[0] for o in options}
    assert ur.gettext("Welfare context (poverty)") in groups and ur.pillar("hrm") in groups
    assert not [g for g in groups if "[en]" in g or "Welfare" in g], groups


def test_the_missing_links_note_names_the_pillars_in_the_page_language():
    note = L.pillar_note(translator("sd"))
    assert translator("sd").pillar("support") in note and translator("sd").pillar("technology") in note
    assert "Support institutions" not in note and "Expected kinds" not in note
    assert L.pillar_note() == (
        "Expected kinds of support come from the Support institutions & infrastructure and "
        "Technology indicators (data/link_types.csv)."
    )


def test_the_district_panel_names_the_province_by_key_in_sindhi():
    """The rank sentence names the province from data/names.csv (kind "province"), not by its English."""
    if not cx.context_dir().is_dir():
        pytest.skip("context files missing: run `make setup`")
    sd = translator("sd")
    at = run_app(lang="sd")
    at.radio(key="w_atlas_layer").set_value(sd.gettext("District context")).run()
    at.selectbox(key="w_district").set_value("Tharparkar").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(m.value for m in at.markdown)
    assert "سنڌ" in shown and "Sindh" not in shown.replace("Sindh Cluster Atlas", "")
