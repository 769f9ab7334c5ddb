"""Arabic-script font and right-to-left layout for Urdu and Sindhi pages (issue 13).

:func:`page_style` is the CSS and :func:`apply` draws it on a page; ``ui.page.start()``,
the Workshop and the phone vote page call ``apply(current_language())``.

* The font: Noto Naskh Arabic, served by Streamlit from ``static/fonts/`` (put
  there by ``scripts/install_web_fonts.py`` at ``make setup``, never from a
  CDN). Its ``unicode-range`` covers Arabic script only, so it is first in the
  font list on every page (an Urdu quote on an English page is drawn with it
  too) while Latin letters and digits keep Streamlit's own font; the browser
  fetches the file only when a page has Arabic-script text.
* Right to left (Urdu, Sindhi): the main content and the sidebar run right to
  left, the sidebar moves to the right (the reading side), and code, maps and
  charts keep their left-to-right drawing. The script sets ``dir="rtl"`` and
  ``lang`` on the main content so the browser also applies Urdu/Sindhi letter
  forms (``lang`` selects the font's locale-specific glyphs).
"""

from __future__ import annotations

import json
from pathlib import Path

from cluster_model.i18n import DEFAULT_LANGUAGE, LANGUAGES, is_rtl, translator
from geo.offline import STATIC_URL

FONT_FAMILY = "Noto Naskh Arabic"
FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "fonts" / "noto-naskh-arabic"
FONT_FILE = "NotoNaskhArabic-Variable.ttf"
FONT_URL = f"{STATIC_URL}/fonts/noto-naskh-arabic/{FONT_FILE}"
# Arabic, Arabic Supplement, Extended-B/A, presentation forms, and the joiners/marks Urdu and Sindhi use.
ARABIC_RANGE = "U+0600-06FF, U+0750-077F, U+0870-08FF, U+FB50-FDFF, U+FE70-FEFF, U+200C-200F, U+25CC"
# Streamlit's own fonts after ours; icons (Material Symbols ligatures) keep their font.
_TEXT = (
    ".stApp :is(p, li, h1, h2, h3, h4, h5, h6, label, td, th, input, textarea, button, summary, "
    "div, span):not([data-testid='stIconMaterial'])"
)
_RTL_TEXT = (
    ":is([data-testid='stMain'], [data-testid='stSidebar']) :is(p, li, h1, h2, h3, h4, h5, h6, label, "
    "[data-testid='stMarkdownContainer'], [data-testid='stCaptionContainer'], [data-testid='stHeading'])"
)
# Drawn left to right even on an RTL page.
_LTR = (
    "[data-testid='stMain'] :is(code, pre, iframe, canvas, svg, [data-testid='stVegaLiteChart'], "
    "[data-testid='stDeckGlJsonChart'], .leaflet-container)"
)


def font_css() -> str:
    return (
        f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{FONT_URL}') format('truetype'); "
        f"font-weight: 400 700; font-display: swap; unicode-range: {ARABIC_RANGE}; }}\n"
        f"{_TEXT} {{ font-family: '{FONT_FAMILY}', 'Source Sans', 'Source Sans Pro', sans-serif; }}\n"
    )


def rtl_css() -> str:
    return (
        "[data-testid='stAppViewContainer'] { flex-direction: row-reverse; }\n"
        "[data-testid='stMain'], [data-testid='stSidebar'] { direction: rtl; }\n"
        # Streamlit aligns text left explicitly; "start" is the right edge in RTL.
        f"{_RTL_TEXT} {{ text-align: start; }}\n"
        # A picker's value longer than its box (a round's English name) shows its start, cut at its
        # end, not "…me 2019 sources [en]"; the round's full name is under the round picker.
        "[data-testid='stSidebar'] input[role='combobox'] { unicode-bidi: plaintext; text-overflow: ellipsis; }\n"
        f"{_LTR} {{ direction: ltr; }}\n"
        # A chart wider than the column overflows at its end, never over its y-axis title (in a
        # right-to-left block it would run off the left edge); Arabic-script titles reach a few
        # pixels past the box Vega measures for them, so the box has room and does not clip them.
        "[data-testid='stMain'] :has(> [data-testid='stVegaLiteChart']) { direction: ltr; }\n"
        "[data-testid='stVegaLiteChart'] { padding-inline: 6px; }\n"
        "[data-testid='stVegaLiteChart'] svg { overflow: visible; }\n"
        # The Workshop's HTML tables (ui/workshop/presentation.py) align left explicitly.
        "[data-testid='stMain'] :is(.ws-panel th, .ws-panel td, table th, table td) { text-align: start !important; }\n"
    )


def page_style(language: str) -> str:
    """The CSS for a page in ``language``: the font always, the right-to-left rules for Urdu and Sindhi."""
    return font_css() + (rtl_css() if is_rtl(language) else "")


def _script(language: str) -> str:
    # A fixed code from LANGUAGES, never a value from the URL.
    code = language if language in LANGUAGES else DEFAULT_LANGUAGE
    direction = "rtl" if is_rtl(code) else "ltr"
    _ = translator(code).gettext
    # Streamlit's own "Skip to main content" link, in the page's language (a catalogue text, as JSON).
    skip = json.dumps(_("Skip to main content")).replace("<", "\\u003c")
    return (
        "<script>(() => { const d = window.document; const m = d.querySelector(\"[data-testid='stMain']\"); "
        f"if (m) {{ m.setAttribute('dir', '{direction}'); m.setAttribute('lang', '{code}'); }} "
        f"const s = d.querySelector(\"[data-testid='stSkipToContent']\"); if (s) {{ s.textContent = {skip}; }} }})();</script>"
    )


def table_layout(columns, language: str) -> dict:
    """``st.dataframe`` options that mirror a table on a right-to-left page: its first column on the
    right and its cells aligned right (the grid, drawn on a canvas, has no right-to-left mode of its
    own). ``columns``: the table's column names as shown. Nothing on a left-to-right page."""
    import streamlit as st

    if not is_rtl(language):
        return {}
    names = list(columns)
    return {
        "column_order": names[::-1],
        "column_config": {c: st.column_config.Column(alignment="right") for c in names},
    }


def apply(language: str) -> None:
    """Draw the page's font and direction rules (call once per run, before the content)."""
    import streamlit as st

    st.html(f"<style>{page_style(language)}</style>{_script(language)}", unsafe_allow_javascript=True)
