"""Issue 13's foundation: the Urdu and Sindhi catalogues, the language in the URL, the English fallback."""

from __future__ import annotations

import io
import sys
import unicodedata
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from support import REPO

from cluster_model import i18n
from cluster_model.issues import DataFileError

sys.path.insert(0, str(REPO / "scripts"))
import update_catalogues

TRANSLATED = ["ur", "sd"]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog: Catalog) -> set[str]:
    return update_catalogues.message_ids(catalog)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(i18n.TEMPLATE)


@pytest.fixture(scope="module", params=TRANSLATED)
def catalogue(request) -> tuple[str, Catalog]:
    return request.param, _read(i18n.catalogue_path(request.param), request.param)


# --- catalogues ---------------------------------------------------------------------------


def test_every_template_message_is_translated_in_urdu_and_sindhi(template, catalogue):
    language, catalog = catalogue
    wanted = _ids(template)
    assert len(wanted) > 40  # the vocabulary, the page titles, the sidebar
    have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(wanted - set(have))
    empty = sorted(k for k in wanted & set(have) if not i18n._filled(have[k].string))
    assert missing == [], f"{language}: not in the catalogue: {missing}"
    assert empty == [], f"{language}: empty translation: {empty}"


def test_drafts_are_marked_as_drafts(catalogue):
    language, catalog = catalogue
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    says_draft = (catalog.header_comment or "").splitlines()[0].lstrip("# ") == i18n.DRAFT_NOTE
    # While any entry awaits review the header says so, and the other way round.
    assert says_draft == bool(fuzzy), language
    assert "Draft" in catalog.last_translator or not fuzzy
    translator = i18n.translator(language)
    assert translator.drafts == len(fuzzy) and translator.reviewed == (not fuzzy)


def test_vocabulary_labels_are_in_the_template(template):
    from cluster_model.vocabulary import PILLARS, STAKEHOLDERS, Status

    ids = _ids(template)
    for label in [
        *PILLARS.values(),
        *STAKEHOLDERS.values(),
        *(s.label for s in Status),
        "functional cluster",
        "potential cluster",
        "agglomeration",
        "insufficient evidence",
        "Atlas",
        "Methods & sources",
        "Pillars",
    ]:
        assert label in ids


def test_template_is_what_the_code_marks():
    """A string passed to _() (or ngettext, N_) anywhere in the code base must be in the catalogues."""
    extracted = update_catalogues.extract()
    missing_from_template = sorted(_ids(extracted) - _ids(_read(i18n.TEMPLATE)))
    assert missing_from_template == [], f"run `make catalogues`, then translate: {missing_from_template}"
    for language in TRANSLATED:
        translator = i18n.translator(language)
        untranslated = sorted(m for m in _ids(extracted) if not translator.has(m))
        assert untranslated == [], f"{language}: {untranslated}"


def test_a_new_marked_string_is_caught(tmp_path):
    """The check above can fail: a page that calls _() with a new string is found by the same extraction."""
    (tmp_path / "babel.cfg").write_text((REPO / "babel.cfg").read_text())
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "new.py").write_text(
        'from ui.i18n import _\nst.title(_("A brand new heading"))\n'
        'st.caption(ngettext("{n} site", "{n} sites", 3))\n'
    )
    (tmp_path / "cluster_model").mkdir()
    (tmp_path / "cluster_model" / "vocabulary.py").write_text(
        (REPO / "cluster_model" / "vocabulary.py").read_text()
    )
    extracted = _ids(update_catalogues.extract(tmp_path))
    assert {"A brand new heading", "{n} site", "Technology"} <= extracted
    assert not i18n.translator("ur").has("A brand new heading")
    assert not i18n.translator("sd").has("{n} site")


def test_update_merges_a_new_string_as_untranslated(tmp_path):
    template = _read(i18n.TEMPLATE)
    template.add("A brand new heading")
    for language in TRANSLATED:
        target = tmp_path / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "atlas.po").write_bytes(i18n.catalogue_path(language).read_bytes())
        update_catalogues.update(template, language, tmp_path)
        catalog = _read(i18n.catalogue_path(language, tmp_path), language)
        assert catalog.get("A brand new heading").string == ""
        assert catalog.get("Technology").string and catalog.get("Technology").fuzzy  # drafts kept as drafts
        assert (catalog.header_comment or "").startswith(f"# {i18n.DRAFT_NOTE}")
        assert (
            i18n.translator(language, tmp_path).gettext("A brand new heading") == "A brand new heading [en]"
        )


# --- Arabic script ------------------------------------------------------------------------

# Letters of the other language that look alike but are different code points:
# Urdu writes ی ک ہ, Sindhi writes ي ڪ ه.
WRONG_LETTERS = {
    "ur": {"\u064a": "Arabic yeh ي", "\u06aa": "Sindhi kaf ڪ", "\u0643": "Arabic kaf ك"},
    "sd": {"\u06cc": "Farsi yeh ی", "\u06c1": "heh goal ہ", "\u0643": "Arabic kaf ك"},
}


def _strings(catalog: Catalog) -> list[str]:
    out = []
    for m in catalog:
        if m.id:
            out.extend(m.string if isinstance(m.string, (list, tuple)) else [m.string])
    return out


def test_translations_are_arabic_script_in_the_right_letters_and_normalised(catalogue):
    language, catalog = catalogue
    for text in _strings(catalog):
        assert unicodedata.is_normalized("NFC", text), text
        assert any(unicodedata.name(c, "").startswith("ARABIC") for c in text), text
        wrong = [name for ch, name in WRONG_LETTERS[language].items() if ch in text]
        assert wrong == [], f"{language} {text!r} uses {wrong}"


def test_arabic_script_round_trips_through_the_catalogue(tmp_path, catalogue):
    language, catalog = catalogue
    path = tmp_path / "atlas.po"
    with path.open("wb") as handle:
        write_po(handle, catalog)
    again = _read(path, language)
    assert _strings(again) == _strings(catalog)
    translator = i18n.Translator(language, again)
    for m in catalog:
        if m.id and isinstance(m.id, str):
            assert translator.gettext(m.id) == m.string
    # and Sindhi's own letters survive byte for byte
    sample = "ٻڀٺٽٿڄڃڇڊڌڍڏڙڦڪڳڱڻ۾"
    buffer = io.BytesIO()
    tiny = Catalog(locale="sd")
    tiny.add("letters", sample)
    write_po(buffer, tiny)
    buffer.seek(0)
    assert read_po(buffer, locale="sd").get("letters").string == sample


# --- fallback -----------------------------------------------------------------------------


def _catalogue_with(tmp_path: Path, entries: dict, language: str = "ur") -> Path:
    catalog = Catalog(locale=language, domain=i18n.DOMAIN)
    for msgid, string in entries.items():
        catalog.add(msgid, string, flags=("fuzzy",))
    path = i18n.catalogue_path(language, tmp_path)
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def test_missing_or_empty_entry_falls_back_to_english_visibly(tmp_path):
    _catalogue_with(
        tmp_path, {"Atlas": "اٹلس", "Filters": "", ("{n} site", "{n} sites"): ("{n} مقام", "{n} مقامات")}
    )
    ur = i18n.translator("ur", tmp_path)
    assert ur.gettext("Atlas") == "اٹلس"
    assert ur.gettext("Filters") == "Filters [en]"  # empty: never an empty label
    assert ur.gettext("Never translated") == "Never translated [en]"
    assert ur.ngettext("{n} site", "{n} sites", 1).format(n=1) == "1 مقام"
    assert ur.ngettext("{n} site", "{n} sites", 5).format(n=5) == "5 مقامات"
    assert ur.ngettext("{n} row", "{n} rows", 5) == "{n} rows [en]"
    assert ur.is_draft("Atlas") and not ur.has("Filters")
    en = i18n.translator("en", tmp_path)
    assert en.gettext("Never translated") == "Never translated"
    assert en.ngettext("{n} site", "{n} sites", 2) == "{n} sites"


def test_vocabulary_helpers_translate_by_id():
    ur, sd = i18n.translator("ur"), i18n.translator("sd")
    assert ur.pillar("technology") == "ٹیکنالوجی" and sd.pillar("technology") == "ٽيڪنالاجي"
    assert i18n.translator("en").pillar("hrm") == "Capabilities & HRM"
    assert ur.status_label("not assessed") == "جائزہ نہیں لیا گیا"
    assert sd.stakeholder("academia") == "تعليمي ادارا"


def test_a_broken_or_missing_catalogue_is_a_clear_error(tmp_path):
    with pytest.raises(DataFileError, match="missing"):
        i18n.translator("sd", tmp_path)
    path = i18n.catalogue_path("ur", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('msgid "Atlas"\nmsgstr "unterminated\n', encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        i18n.translator("ur", tmp_path)
    assert "atlas.po, line 2" in str(caught.value) and "not closed" in str(caught.value)
    path.write_text('msgid "Atlas"\nfoo bar\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="line 2"):
        i18n.translator("ur", tmp_path)


# --- the language in the URL --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, code",
    [(None, "en"), ("", "en"), ("en", "en"), ("ur", "ur"), ("sd", "sd"), (" SD ", "sd"), (["ur"], "ur")],
)
def test_offered_languages_are_read_without_notice(raw, code):
    assert i18n.parse_language(raw) == (code, None)


@pytest.mark.parametrize(
    "raw", ["xx", "urdu", "ur,sd", "<b>ur</b>", "x" * 5000, "**bold** [link](http://example.org)"]
)
def test_other_values_open_in_english_with_a_short_plain_notice(raw):
    code, notice = i18n.parse_language(raw)
    assert code == "en"
    assert notice and "showing English" in notice and "en, ur, sd" in notice
    assert len(notice) < 160
    for forbidden in "<>*[]()/:":
        assert forbidden not in notice.split("offer")[0].replace("The link", ""), notice


def test_rtl_languages():
    assert [c for c in i18n.LANGUAGES if i18n.is_rtl(c)] == ["ur", "sd"]


def test_the_session_language_comes_from_the_url():
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from ui.i18n import _, current_language, language_notice, with_language

        st.title(_("Atlas"))
        st.caption(current_language() + " " + str(with_language({"cluster": "mango", "lang": "zz"})))
        notice = language_notice()
        if notice:
            st.warning(notice)

    for lang, title in [("ur", "اٹلس"), ("sd", "ائٽلس"), ("en", "Atlas")]:
        at = AppTest.from_function(page, default_timeout=30)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception and at.title[0].value == title and not at.warning
        expected = {"cluster": "mango"} | ({} if lang == "en" else {"lang": lang})
        assert at.caption[0].value == f"{lang} {expected}"
    at = AppTest.from_function(page, default_timeout=30)
    at.query_params["lang"] = "xx" * 200
    at.run()
    assert at.title[0].value == "Atlas" and "showing English" in at.warning[0].value


def test_notices_for_the_methods_page_and_the_en_mark():
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from ui.i18n import draft_notice, untranslated_notice

        st.write(str(untranslated_notice()))
        st.write(str(draft_notice(names_drafts=0)))

    texts = {}
    for lang in ("en", "ur", "sd"):
        at = AppTest.from_function(page, default_timeout=30)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception
        texts[lang] = [m.value for m in at.markdown]
    assert texts["en"] == [
        "None",
        "The Urdu and Sindhi texts and names are drafts awaiting review by a native speaker.",
    ]
    assert texts["ur"][0].startswith("[en] سے") and "اہلِ زبان" in texts["ur"][1]
    assert "[en]" in texts["sd"][0] and "جائزو" in texts["sd"][1]


def test_the_language_switch_changes_the_session_language():
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from ui.i18n import _, language_switch

        language_switch(st.sidebar)
        st.title(_("Atlas"))

    at = AppTest.from_function(page, default_timeout=30)
    at.run()
    assert at.title[0].value == "Atlas"
    assert at.sidebar.selectbox[0].options == ["English", "اردو", "سنڌي"]
    at.sidebar.selectbox[0].set_value("sd").run()
    assert not at.exception and at.title[0].value == "ائٽلس"
