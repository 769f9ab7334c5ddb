"""The session's language for Streamlit pages: ``lang=`` in the URL, ``_()`` and ``ngettext`` bound to it.

    from ui.i18n import _, ngettext
    st.header(_("District context"))
    st.caption(ngettext("{n} district", "{n} districts", n).format(n=n))

The language is read from the URL (``lang=en|ur|sd``, default ``en``) on the
session's first run and kept in session state, like the view state in
ui/state.py; a value the atlas does not offer opens in English with a notice.
The catalogues and the fallback rules are in ``cluster_model.i18n``; domain
code that writes exports takes an explicit ``cluster_model.i18n.translator(lang)``
(get it here with :func:`translator`), never the Streamlit session.

The pages call ``_()``, ``ui.page.start`` draws :func:`language_switch` in the
sidebar, and ``ui.state.publish`` and the share link keep ``lang`` in the URL
through :func:`with_language`.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from cluster_model import i18n
from cluster_model.issues import N_  # noqa: F401 - the marker, for ui and pages

LANG_PARAM = "lang"
# First-strong isolate ... pop directional isolate: English data text inside right-to-left text keeps
# its own order ("World Bank ... estimate (PBS PSLM)", not "World .estimate"), in Markdown, widgets
# and table cells alike, where no <bdi> can be written.
FSI, PDI = "\u2068", "\u2069"
_LATIN = re.compile(r"[A-Za-z]")
_LANG_KEY = "atlas_lang"
_NOTICE_KEY = "atlas_lang_notice"


def current_language() -> str:
    """The session's language: the URL's ``lang`` on its first run, then what the switch chose."""
    if _LANG_KEY not in st.session_state:
        code, notice = i18n.parse_language(st.query_params.get(LANG_PARAM))
        st.session_state[_LANG_KEY] = code
        st.session_state[_NOTICE_KEY] = notice
    return st.session_state[_LANG_KEY]


def language_notice() -> str | None:
    """Why the link's language was not used (show it with st.warning), or None."""
    current_language()
    return st.session_state.get(_NOTICE_KEY)


def set_language(code: str) -> None:
    st.session_state[_LANG_KEY], st.session_state[_NOTICE_KEY] = i18n.parse_language(code)


def translator() -> i18n.Translator:
    return i18n.translator(current_language())


def _(message: str) -> str:
    return translator().gettext(message)


def isolated(text, language: str | None = None):
    """``text`` as a right-to-left page shows it: a run with Latin letters (English data, marked [en])
    wrapped in an isolate (FSI ... PDI) so the bidi algorithm keeps it whole; else unchanged."""
    language = language or current_language()
    if not isinstance(text, str) or not i18n.is_rtl(language) or not _LATIN.search(text):
        return text
    return text if text.startswith(FSI) else f"{FSI}{text}{PDI}"


def _data(tr: i18n.Translator, text):
    """Text from data for the page: marked [en] when English (``Translator.data``), isolated on an RTL page."""
    if isinstance(text, str) and text.startswith(FSI):  # already shown as data: marked and isolated
        return text
    return isolated(tr.data(text), tr.language)


def configured_name(text: str) -> str:
    """The atlas's or region's name (cluster_model.identity) for the page: the shipped default translated,
    a deployment's own name as written (``Translator.configured_name``)."""
    tr = translator()
    return isolated(tr.configured_name(text), tr.language)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translator().ngettext(singular, plural, n)


def untranslated_notice() -> str | None:
    """The key to the " [en]" mark, for pages in Urdu or Sindhi."""
    if current_language() == i18n.DEFAULT_LANGUAGE:
        return None
    return _("Words marked [en] have no translation yet and are shown in English.")


def english_paragraphs(markdown: str) -> str:
    """Markdown written in English only (a Methods section, a PROVENANCE.md) for the page: on an Urdu or
    Sindhi page each paragraph with English words is marked [en] (a table in its first header cell; a
    code block is left as it is)."""
    if current_language() == i18n.DEFAULT_LANGUAGE:
        return markdown
    out = []
    for paragraph in re.split(r"\n\s*\n", markdown.strip("\n")):
        if not re.search(r"[A-Za-z]", paragraph) or paragraph.startswith(("    ", "```")):
            out.append(paragraph)
        elif paragraph.lstrip().startswith("|"):
            out.append(paragraph.replace("|", "| " + i18n.FALLBACK_MARK, 1))
        else:
            out.append(f"{paragraph.rstrip()} {i18n.FALLBACK_MARK}")
    return "\n\n".join(out)


def draft_notice(names_drafts: int) -> str | None:
    """What the Methods page says (in every language) while any Urdu/Sindhi text or name is a draft.

    ``names_drafts``: draft rows of data/names.csv (``cluster_model.local_names.LocalNames.drafts``).
    """
    texts_drafts = sum(i18n.translator(code).drafts for code in i18n.LANGUAGES)
    if not texts_drafts and not names_drafts:
        return None
    return _("The Urdu and Sindhi texts and names are drafts awaiting review by a native speaker.")


@st.cache_resource(show_spinner=False)
def _local_names(path: str, mtime: float):
    from pathlib import Path

    from cluster_model.local_names import load_names

    names, _issues = load_names(Path(path))  # its problems are listed on the Methods page
    return names


def phone_language_switch() -> str:
    """The phone vote page's own switch (it has no sidebar): one compact row of the three languages,
    each named in itself; the choice is kept in the page's address (``lang=``) with the pass and group."""
    by_label = {label: code for code, label in i18n.LANGUAGES.items()}
    if st.session_state.get("phone_lang") not in by_label:
        st.session_state["phone_lang"] = i18n.LANGUAGES[current_language()]
    st.radio(
        "Language · زبان · ٻولي",
        list(by_label),
        key="phone_lang",
        horizontal=True,
        label_visibility="collapsed",
        on_change=lambda: set_language(by_label[st.session_state["phone_lang"]]),
    )
    code = current_language()
    wanted = None if code == i18n.DEFAULT_LANGUAGE else code
    if st.query_params.get(LANG_PARAM) != wanted:  # touch the address only when it changes
        if wanted is None:
            del st.query_params[LANG_PARAM]
        else:
            st.query_params[LANG_PARAM] = wanted
    return code


def local_names():
    """data/names.csv, re-read when the file changes."""
    from cluster_model import local_names as ln

    path = ln.NAMES_FILE  # read at each call: a test points it at another table
    return _local_names(str(path), path.stat().st_mtime if path.is_file() else 0.0)


def name(kind: str, id_: str, english: str | None = None) -> str:
    """A cluster, district or place name in the session's language (English marked [en] when missing)."""
    return isolated(local_names().name(kind, id_, current_language(), english))


def names(kind: str, ids, english=None) -> dict[str, str]:
    """:func:`name` of each of ``ids``, the table and language looked up once (a picker's options, a
    national page's 156 districts: one cached look-up per name cost 0.2 s of a rerun with 1,000 clusters).

    ``english``: a function giving an id's English name (e.g. ``Dataset.cluster_name``)."""
    table, language = local_names(), current_language()
    return {
        id_: isolated(table.name(kind, id_, language, english(id_) if english else None), language)
        for id_ in ids
    }


def shown_table(frame, vocabulary=("Status", "Pillar")):
    """A table for the page, each text looked up once by its key: headers by message id (ui/i18n_columns.py
    marks them), the cells of the ``vocabulary`` columns by message id (their values are the vocabulary's
    words: a status, a pillar), every other text cell as data (marked [en] when English, isolated).
    Names arrive already in the page's language, looked up by id with :func:`names`; nothing is
    searched for by its English spelling."""
    tr = translator()
    if tr.language == i18n.DEFAULT_LANGUAGE:
        return frame
    out = frame.copy()

    def word(v):
        return tr.gettext(v) if isinstance(v, str) and _LATIN.search(v) else v

    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = (
                out[column].astype(object).map(word if column in vocabulary else lambda v: _data(tr, v))
            )
    return out.rename(columns=lambda c: tr.gettext(c) if isinstance(c, str) else c)


def indicator_name(indicator_id: str, english: str | None = None) -> str:
    """An indicator's name in the session's language (data/names.csv; English marked [en] when missing)."""
    return name("indicator", indicator_id, english)


def context_label(indicator_id: str, english: str | None = None) -> str:
    """A district context figure's label in the session's language (data/names.csv, kind ``context``)."""
    return name("context", indicator_id, english)


def data_text(text, tr: i18n.Translator | None = None):
    """Text from data (evidence, notes, citations, round names) shown as written: marked [en] when English
    on an Urdu or Sindhi page (``cluster_model.i18n.mark_data``), isolated from the right-to-left text around it."""
    return _data(tr or translator(), text)


def with_language(params: dict[str, str]) -> dict[str, str]:
    """URL parameters plus ``lang`` (left out for English, the default, to keep links short)."""
    code = current_language()
    out = {k: v for k, v in params.items() if k != LANG_PARAM}
    if code != i18n.DEFAULT_LANGUAGE:
        out[LANG_PARAM] = code
    return out


def language_switch(container=None) -> str:
    """A selectbox of the three languages, each named in itself; returns the chosen code."""
    container = container or st.sidebar
    codes = list(i18n.LANGUAGES)
    # Set before the rerun (a callback), so app.py's page titles already follow the choice.
    st.session_state["w_lang"] = current_language()
    return container.selectbox(
        "Language · زبان · ٻولي",
        codes,
        format_func=i18n.LANGUAGES.get,
        key="w_lang",
        on_change=lambda: set_language(st.session_state["w_lang"]),
    )
