"""Cells a spreadsheet would run as a formula, neutralised in every file the atlas writes.

OWASP's CSV-injection guidance: text starting with = + - @ tab or CR gets a
leading apostrophe, so Excel and LibreOffice show it as text. Numbers stay numbers.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Prefix a text value that a spreadsheet would run as a formula with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """Undo :func:`neutralise_formula` on uploaded text: the apostrophe protecting formula-looking text goes."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text
