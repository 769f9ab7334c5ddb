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
    "overview",
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
    "overview",
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


def _record_untranslated(monkeypatch) -> set[str]:
    """The messages that fall back to English marked [en] through gettext/ngettext while the page runs."""
    from cluster_model import i18n

    missed: set[str] = set()
    gettext, ngettext = i18n.Translator.gettext, i18n.Translator.ngettext

    def recording_gettext(self, message):
        out = gettext(self, message)
        if self.language != i18n.DEFAULT_LANGUAGE and message and not self.has(message):
            missed.add(message)
        return out

    def recording_ngettext(self, singular, plural, n):
        if self.language != i18n.DEFAULT_LANGUAGE and not self.has(singular):
            missed.add(singular)
        return ngettext(self, singular, plural, n)

    monkeypatch.setattr(i18n.Translator, "gettext", recording_gettext)
    monkeypatch.setattr(i18n.Translator, "ngettext", recording_ngettext)
    return missed


def _visible(at) -> str:
    parts = [text_of(at)]
    parts += [e.label for e in at.sidebar.selectbox] + [e.label for e in at.sidebar.multiselect]
    parts += [b.label for b in at.button] + [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["ur", "sd"])
@pytest.mark.parametrize("page", PAGES)
def test_page_in_language(page, lang, monkeypatch):
    missed = _record_untranslated(monkeypatch)
    at = run_app(lang=lang)
    if page != "atlas":
        at = to_page(at, page)
    text = _visible(at)
    assert not at.exception
    assert at.query_params.get("lang") in (lang, [lang])
    if page not in TRANSLATED:
        return
    # A UI string shown through _() that the catalogue lacks (data text is marked [en] on purpose,
    # through Translator.data / names.csv, never through gettext's fallback).
    assert not missed, sorted(missed)
    assert len(ARABIC.findall(text)) > 30, text[:500]
    # A UI string not marked for translation at all stays English: every heading, label and button
    # must have Arabic-script words (file formats and symbols aside).
    english = [label for label in _labels(at) if LATIN_WORD.search(label) and not ARABIC.search(label)]
    assert not [e for e in english if e not in NOT_WORDS], english
    # Data text (indicator names, evidence, notes, citations, round and institution names) is shown in
    # the page's language (data/names.csv) or, when English, visibly marked [en]: never English unmarked.
    unmarked = unmarked_english(at)
    assert not unmarked, unmarked[:10]


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


def test_atlas_district_context_view_in_sindhi(monkeypatch):
    missed = _record_untranslated(monkeypatch)
    at = run_app(lang="sd")
    at.radio[0].set_value("ضلعي پس منظر").run()  # "District context", as the switch names it in Sindhi
    assert not at.exception
    text = _visible(at)
    assert "هر ضلعي بابت مجموعي عوامي انگ" in text
    assert not missed, sorted(missed)
    assert not unmarked_english(at), unmarked_english(at)[:10]


# --- English left unmarked --------------------------------------------------------------------------

MARK = re.compile(r"\\?\[en\\?\]")
# Words that stay as they are in every language: names of formats, software and licences, the switch.
KEPT = {"OpenStreetMap", "contributors", "ODbL", "SQLite", "PostgreSQL", "GeoJSON", "English", "Language"}
KEPT |= {"KoboToolbox", "Kobo", "Collect", "Central", "XLSForm"}  # the survey tools, as they name themselves
_NOT_TEXT = [
    re.compile(r"<style>.*?</style>", re.S),  # the phone page's stylesheet
    re.compile(r"\]\([^)]*\)"),  # a markdown link's target
    re.compile(r"`[^`]*`"),  # code: file names, formulas
    re.compile(r"https?://\S+"),
]


# Codes, not words: ids (khairpur_sez, dialogue2019, desk-2026) and file names (link_types.csv, PROVENANCE.md).
_CODE = re.compile(
    r"[A-Za-z0-9_./-]*(?:[_0-9/][A-Za-z0-9_./-]*|\.(?:csv|md|geojson|yaml|xlsx|json|pdf|png|svg))\b"
)


def _english_words(text: str) -> list[str]:
    text = _CODE.sub(" ", text)
    words = re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", text)
    return [w for w in words if not w.isupper() and w not in KEPT and not w.split("-")[0].isupper()]


def _paragraphs(text: str) -> list[str]:
    for pattern in _NOT_TEXT:
        text = pattern.sub(" ", text)
    out = []
    for paragraph in re.split(r"\n\s*\n", text):
        if paragraph.startswith(("    ", "```")):
            continue  # a code block
        out.append(paragraph)
    return out


def _pieces(at) -> list[str]:
    """Every text a reader sees, one piece per paragraph, table cell or label."""
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    texts += [w.value for w in at.warning] + [e.value for e in at.error] + [s.value for s in at.success]
    texts += [str(m.value) for m in at.metric] + [str(m.label) for m in at.metric]
    pieces = [p for t in texts for p in _paragraphs(str(t))]
    for df in at.dataframe:
        if getattr(df, "editing_mode", "read_only") != "read_only":
            continue  # an editor's grid: its cells are the values being edited (ids, statuses, notes)
        frame = df.value
        pieces += [str(c) for c in frame.columns]
        pieces += [v for column in frame.columns for v in frame[column].tolist() if isinstance(v, str)]
    pieces += [label for label in _labels(at) if label not in NOT_WORDS]
    for kind in ("selectbox", "multiselect", "radio"):  # the choices, as the widget shows them
        for widget in getattr(at, kind):
            pieces += [str(o) for o in widget.options if str(o) not in NOT_WORDS]
    return pieces


def unmarked_english(at) -> list[str]:
    """The pieces with English words and no [en] mark."""
    return [p for p in _pieces(at) if _english_words(p) and not MARK.search(p)]


def test_indicator_names_in_sindhi_from_the_names_table_with_a_marked_fallback(tmp_path, monkeypatch):
    from cluster_model import local_names

    english = "Modern production equipment in common use"
    sindhi = "عام استعمال ۾ جديد پيداواري مشينري"  # data/names.csv, kind indicator, tech_equipment
    at = to_page(run_app(lang="sd"), "clusters")
    text = _visible(at)
    assert sindhi in text and english not in text
    # The row removed: the name shows in English, visibly marked, never empty.
    rows = local_names.NAMES_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [r for r in rows if not r.startswith("indicator,tech_equipment,")]
    assert len(kept) == len(rows) - 1
    table = tmp_path / "names.csv"
    table.write_text("".join(kept), encoding="utf-8")
    monkeypatch.setattr(local_names, "NAMES_FILE", table)
    at = to_page(run_app(lang="sd"), "clusters")
    text = _visible(at)
    assert sindhi not in text
    assert re.search(re.escape(english) + r" \\?\[en\\?\]", text), text[:2000]
    assert "عام استعمال ۾" not in text


@pytest.mark.parametrize("page", ["data", "linkages", "workshop"])
def test_editor_forms_in_sindhi(page, tmp_path, monkeypatch):
    """Signed in, the editors' forms (round editing and import, institutions and links, the workshop's
    setup) are in Sindhi: every label and message through the catalogue, data text marked [en]."""
    from signin_support import EDITOR, PASSWORD, page_app, page_store

    from cluster_model.i18n import translator

    page_store(tmp_path, monkeypatch).dispose()
    missed = _record_untranslated(monkeypatch)
    at = page_app(page, lang="sd")
    at.run()
    at.text_input(key="atlas_signin_user").input(EDITOR)
    at.text_input(key="atlas_signin_password").input(PASSWORD)
    next(b for b in at.button if b.label == translator("sd").gettext("Sign in")).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(ARABIC.search(str(t.label)) for t in at.tabs)  # signed in: the editors' tabs, named in Sindhi
    assert not missed, sorted(missed)
    english = [label for label in _labels(at) if LATIN_WORD.search(label) and not ARABIC.search(label)]
    assert not [e for e in english if e not in NOT_WORDS], english
    unmarked = unmarked_english(at)
    assert not unmarked, unmarked[:10]


def test_context_map_legend_in_sindhi():
    """The District context map's legend (drawn inside the map, out of AppTest's sight) in Sindhi:
    the figure's name from data/names.csv, the words from the catalogue, its source marked [en]."""
    import html

    from cluster_model import context as cx
    from cluster_model.i18n import translator
    from geo.context_map import legend_html

    if not cx.context_dir().is_dir():
        pytest.skip("context files not installed: run `make setup`")
    ctx = cx.load_context()
    legend = legend_html(ctx, "adult_literacy", [10.0, 20.0, 30.0], ["Karachi City"], translator("sd"))
    lines = [html.unescape(t) for t in re.split(r"<[^>]+>", legend) if t.strip()]
    assert "بالغن جي خواندگي (25+), 2014" in lines
    assert not [line for line in lines if _english_words(line) and not MARK.search(line)], lines


def test_clusters_sites_map_key_in_sindhi():
    """The Clusters page's small map (drawn inside the map frame): its key and notices in Sindhi."""
    import json

    from cluster_model.i18n import translator
    from cluster_model.loading import load_dataset
    from geo.atlas_map import build_sites_map
    from geo.boundaries import boundaries_path, load_boundaries

    if not boundaries_path().exists():
        pytest.skip("boundary file not available")
    ds = load_dataset()
    sites = ds.sites.assign(cluster_name="ٺٽو جو ڪلسٽر")
    cid = sites["cluster_id"].iloc[0]
    page = build_sites_map(load_boundaries(), sites, cid, tr=translator("sd")).get_root().render()
    assert "جنهن ضلعي ۾ جاءِ آهي" in page and "district with a site" not in page
    assert "هن ڪلسٽر جي جاءِ" in page and "site of this cluster" not in page
    # the map's options are written as JSON with \\u escapes
    assert json.dumps("ضلعن جا نالا")[1:-1] in page and "District names" not in page


def test_the_context_table_names_boundary_districts_from_the_names_table():
    """(#24 item 17) the District context ranking lists the boundary districts each survey unit covers
    by the names table (the map's Urdu names), never "Dadu [en]"."""
    from cluster_model import context as cx

    if not cx.context_dir().is_dir():
        pytest.skip("context files missing: run `make setup`")
    from cluster_model.i18n import translator

    at = run_app(lang="ur")
    at.radio(key="w_atlas_layer").set_value(translator("ur").gettext("District context")).run()
    assert not at.exception, [e.value for e in at.exception]
    ranking = at.dataframe[-1].value
    covered = ranking.iloc[:, 2].tolist()  # "Boundary districts covered", its header in Urdu
    assert "دادو" in covered and not [c for c in covered if "[en]" in c], covered
