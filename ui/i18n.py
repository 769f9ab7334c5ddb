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

Not wired into the pages yet (issue 13, next step): the pages call ``_()``, the
sidebar offers :func:`language_switch`, and ``ui.state.publish`` keeps ``lang``
in the URL through :func:`with_language`.
"""

from __future__ import annotations

import streamlit as st

from cluster_model import i18n

LANG_PARAM = "lang"
_LANG_KEY = "atlas_lang"
_NOTICE_KEY = "atlas_lang_notice"


def N_(message: str) -> str:  # noqa: N802 - gettext's marker name
    """Mark a string for the catalogue without translating it here (translate where it is shown)."""
    return message


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


def ngettext(singular: str, plural: str, n: int) -> str:
    return translator().ngettext(singular, plural, n)


def untranslated_notice() -> str | None:
    """The key to the " [en]" mark, for pages in Urdu or Sindhi."""
    if current_language() == i18n.DEFAULT_LANGUAGE:
        return None
    return _("Words marked [en] have no translation yet and are shown in English.")


def draft_notice(names_drafts: int) -> str | None:
    """What the Methods page says (in every language) while any Urdu/Sindhi text or name is a draft.

    ``names_drafts``: draft rows of data/names.csv (``cluster_model.local_names.LocalNames.drafts``).
    """
    texts_drafts = sum(i18n.translator(code).drafts for code in i18n.LANGUAGES)
    if not texts_drafts and not names_drafts:
        return None
    return _("The Urdu and Sindhi texts and names are drafts awaiting review by a native speaker.")


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
    chosen = container.selectbox(
        "Language · زبان · ٻولي",
        codes,
        index=codes.index(current_language()),
        format_func=i18n.LANGUAGES.get,
        key="w_lang",
    )
    if chosen != current_language():
        set_language(chosen)
    return chosen
