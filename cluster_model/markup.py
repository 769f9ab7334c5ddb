"""The one way a data value reaches the page: escaped for HTML, or made literal for Markdown.

Text from files, links, the store or a participant is never markup. Every value
put into HTML built in Python (``st.markdown(..., unsafe_allow_html=True)``, map
tooltips and legends, the network SVG) goes through :func:`esc`; every value put
into a Markdown string (``st.markdown``, ``st.write``, ``st.error``, captions …) goes
through :func:`md`, so ``![x](http://…)``, ``[link](…)``, ``<iframe>``, ``$math$`` or
``:red[…]`` in a value shows as those characters and never becomes an image, a link, a
frame or styling. It lives in ``cluster_model`` (no streamlit, no folium) so that every
layer above (``geo``, ``outputs``, ``ui``, ``pages``) can use it: nothing escapes on its own.
"""

from __future__ import annotations

import html
import json
import re

# Characters that make Markdown (or Streamlit's extensions) anywhere in a line: emphasis,
# code, links and images (``[``), HTML and ``<…>`` autolinks, tables, strikethrough,
# maths, entities (``&lt;``). CommonMark lets every ASCII punctuation character be
# backslash-escaped; '_' inside a word is not emphasis, so ``district_aliases`` stays as it is.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~$]|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_]))")
# Block syntax that only counts at the start of a line (lists, headings, quotes, rules).
_MD_LINE_START = re.compile(r"^(\s*)([-+=>#]|\d+(?=[.)]))", re.MULTILINE)
# GitHub-style autolinks (``https://…``, ``www.…``, ``a@b.org``, ``mailto:``) are found in
# the text *after* parsing, so escapes do not stop them: an invisible WORD JOINER (U+2060)
# breaks each pattern without changing what a reader sees.
WORD_JOINER = "\u2060"
_AUTOLINK = [
    re.compile(p)
    for p in (
        r"(?i)(?<=[a-z])(?=://)",
        r"(?i)(?<=\bmailto)(?=:)",
        r"(?i)(?<=\bxmpp)(?=:)",
        r"(?i)(?<=\bwww)(?=\.)",
        r"(?<=@)",
    )
]


def esc(value: object) -> str:
    """``value`` as text for HTML: element content, a quoted attribute, SVG, and the HTML that
    folium puts inside a JavaScript template literal (its tooltips and popups), where a backtick,
    ``$`` or ``\\`` would end or interpolate the literal; as entities they show the same."""
    text = html.escape("" if value is None else str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def js_json(value: object) -> str:
    """``value`` as JSON for a <script> block or a JSON data block: no "<" at all (it can only occur
    inside strings, where \\u003c means the same), so no value can end the script."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def shorten(value: object, limit: int = 80) -> str:
    """``value`` cut to ``limit`` characters (with '…' and how much was left out), for notices."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def md(value: object, limit: int | None = None) -> str:
    """``value`` as literal text inside Markdown: no link, image, HTML, maths or styling.

    Line breaks are kept as Markdown hard breaks; ``limit`` shortens long values first.
    """
    text = shorten(value, limit) if limit else ("" if value is None else str(value))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(
        lambda m: m.group(1) + ("\\" + m.group(2) if not m.group(2)[0].isdigit() else m.group(2) + "\\"), text
    )
    for pattern in _AUTOLINK:
        text = pattern.sub(WORD_JOINER, text)
    return "  \n".join(line.strip("\r") for line in text.split("\n"))
