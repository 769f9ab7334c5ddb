"""Every page in Urdu and Sindhi through AppTest: no error, Arabic-script text, no untranslated UI word.

A UI string shown through ``_()`` that the catalogue lacks appears marked " [en]"; this test
names every such string, so a new string without its translation fails here.
"""

from __future__ import annotations

import re

import pytest
from test_pages import run_app, text_of, to_page

PAGES = [
    "atlas",
    "clusters",
    "compare",
    "poverty",
    "linkages",
    "export",
    "methods",
    "data",
    "workshop",
    "vote",
]
# Pages whose own text is all translated (the others open without error, partly in English).
TRANSLATED = [
    "atlas",
    "clusters",
    "compare",
    "poverty",
    "linkages",
    "data",
    "methods",
    "workshop",
    "vote",
    "export",
]
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _visible(at) -> str:
    parts = [text_of(at)]
    parts += [e.label for e in at.sidebar.selectbox] + [e.label for e in at.sidebar.multiselect]
    parts += [b.label for b in at.button] + [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["ur", "sd"])
@pytest.mark.parametrize("page", PAGES)
def test_page_in_language(page, lang):
    at = run_app(lang=lang)
    if page != "atlas":
        at = to_page(at, page)
    text = _visible(at)
    assert not at.exception
    assert at.query_params.get("lang") in (lang, [lang])
    if page not in TRANSLATED:
        return
    untranslated = sorted({m for m in re.findall(r"([^\n.:]{0,60}) \[en\]", text) if LATIN_WORD.search(m)})
    # names missing from data/names.csv are data, flagged [en] on purpose; UI strings must all be translated
    assert not untranslated, untranslated
    assert len(ARABIC.findall(text)) > 30, text[:500]
    # A UI string not marked for translation at all stays English: every heading, label and button
    # must have Arabic-script words (file formats and symbols aside).
    english = [label for label in _labels(at) if LATIN_WORD.search(label) and not ARABIC.search(label)]
    assert not [e for e in english if e not in NOT_WORDS], english


# Shown as they are in every language: file formats, the switch (each language named in itself), and
# the titles of the two source documents (Methods page).
NOT_WORDS = {
    "CSV",
    "SVG",
    "PDF",
    "GeoJSON",
    "English",
    "Language · زبان · ٻولي",
    "Policy dialogue report, MUET, 2019",
    "HRD-cluster-poverty study (abstract)",
}


def _labels(at) -> list[str]:
    out = [t.value for t in at.title] + [h.value for h in at.header] + [h.value for h in at.subheader]
    out += [b.label for b in at.button] + [e.label for e in at.expander] + [t.label for t in at.tabs]
    for kind in ("selectbox", "multiselect", "radio", "toggle", "text_input", "checkbox"):
        out += [w.label for w in getattr(at, kind)]
    return [str(x) for x in out if x]


def test_atlas_district_context_view_in_sindhi():
    at = run_app(lang="sd")
    at.radio[0].set_value("ضلعي پس منظر").run()  # "District context", as the switch names it in Sindhi
    assert not at.exception
    text = _visible(at)
    assert "هر ضلعي بابت مجموعي عوامي انگ" in text
    assert not [m for m in re.findall(r"([^\n.:]{0,60}) \[en\]", text) if LATIN_WORD.search(m)]
