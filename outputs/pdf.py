"""How every PDF the atlas writes is laid out: the fonts, the check that no letter is dropped, the
page with its footer, headings, tables and the illustrative watermark (the district brief in
``outputs/brief.py``, its linkage page, and the workshop summary use them).

fpdf2's built-in fonts cannot print names such as "Naushahro Feroze — ©", so the
PDFs embed Debian's DejaVu Sans (fonts-dejavu-core) for Latin text and SIL's
Lateef (fonts-sil-lateef, an Arabic-script font made for Sindhi and Urdu) as
the fallback for Arabic script, with HarfBuzz shaping (uharfbuzz) so letters
join and run right to left. A participant's quote in Urdu or Sindhi (ے U+06D2,
۾ U+06FE …) prints as written.

A character that none of the fonts has would be dropped silently by fpdf2 (a
log line at most). Instead, every text written to a PDF is checked first, and
a missing character raises :class:`DataFileError` naming it: the PDF is not
made rather than made wrong. A missing font file is the same kind of clear error.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import FontFace

from cluster_model.fonts import ARABIC_DIR, ARABIC_FAMILY, ARABIC_FILES, FAMILY, FONT_DIR, FONT_FILES
from cluster_model.issues import DataFileError, DataIssue
from cluster_model.vocabulary import ILLUSTRATIVE_MARK as WATERMARK

# Arabic script (Urdu, Sindhi) is drawn in Lateef: every character DejaVu lacks.
_HINT = "install the fonts-dejavu-core and fonts-sil-lateef packages (make system-packages, see scripts/system_packages.sh)"
# Not drawn, so no font needs them: controls, format marks (e.g. U+200F right-to-left mark), line breaks.
_NOT_DRAWN = {"Cc", "Cf", "Zl", "Zp"}


def font_paths() -> dict[str, Path]:
    """{fpdf style: font file} of the main family; raises DataFileError naming the missing files."""
    return _existing({style: FONT_DIR / name for style, name in FONT_FILES.items()})


def arabic_font_paths() -> dict[str, Path]:
    return _existing({style: ARABIC_DIR / name for style, name in ARABIC_FILES.items()})


def _existing(paths: dict[str, Path]) -> dict[str, Path]:
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise DataFileError(DataIssue(", ".join(missing), "font needed for the PDF is missing", _HINT))
    return paths


@lru_cache(maxsize=1)
def covered_characters() -> frozenset[int]:
    """Every code point some registered font can draw."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in [*font_paths().values(), *arabic_font_paths().values()]:
        with TTFont(str(path), lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def missing_characters(text: str) -> list[str]:
    """The characters of ``text`` (each once, in order) that no font can draw."""
    covered = covered_characters()
    out: list[str] = []
    for ch in str(text):
        if ord(ch) not in covered and unicodedata.category(ch) not in _NOT_DRAWN and ch not in out:
            out.append(ch)
    return out


def check_text(text: str) -> None:
    """Raise DataFileError when ``text`` has a character no font can draw (it would be dropped)."""
    missing = missing_characters(text)
    if missing:
        shown = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" for c in missing[:5])
        excerpt = str(text) if len(str(text)) <= 60 else str(text)[:60] + "…"
        raise DataFileError(
            DataIssue(
                "PDF",
                f"cannot print {shown} (in “{excerpt}”): no installed font has it, and the PDF would silently drop it",
                "edit that text (or withdraw the entry), or install a font that has the character; the CSV and XLSX downloads keep it",
            )
        )


def add_fonts(pdf, arabic_first: bool = False) -> None:
    """Register DejaVu (regular and bold) with Lateef as fallback, turn on shaping, and check every text written.

    ``arabic_first`` (a PDF in Urdu or Sindhi): Lateef is the main font, registered under the family
    name the code sets (``FAMILY``), and DejaVu the fallback. DejaVu has some Arabic letters (ہ, ے …)
    but not others: as the main font it would split a word between two fonts, which then cannot join.
    """
    main, fallback = (
        (arabic_font_paths(), font_paths()) if arabic_first else (font_paths(), arabic_font_paths())
    )
    for style, path in main.items():
        pdf.add_font(FAMILY, style, str(path))
    for style, path in fallback.items():
        pdf.add_font(ARABIC_FAMILY, style, str(path))
    pdf.set_fallback_fonts([ARABIC_FAMILY], exact_match=False)
    pdf.set_text_shaping(True)
    write = pdf.normalize_text  # every cell, multi_cell, text and table cell passes through it

    def checked(text: str) -> str:
        check_text(text)
        return write(text)

    pdf.normalize_text = checked


# --------------------------------------------------------------------------- layout

PAGE_W, PAGE_H, MARGIN = 210, 297, 14
BOTTOM_RESERVE = 8  # page-number line
GREY = (90, 90, 90)


class A4Pages(FPDF):
    """A4 (portrait, or ``landscape``), the fonts registered and checked, a footer line with the page number on every page.

    ``rtl`` (a PDF in Urdu or Sindhi): Lateef is the main font and text is right-aligned (``align``);
    the helpers below follow ``align``. ``page_word``: the footer's "page" in the PDF's language."""

    align = "L"  # "R" for a PDF in Urdu or Sindhi
    page_word = "page"
    # The round's mark (``cluster_model.exports.round_mark``: invented data, a draft), across every page.
    mark: str | None = None

    def __init__(self, footer_text: str, rtl: bool = False, landscape: bool = False, flowing: bool = False):
        super().__init__(orientation="L" if landscape else "P", format="A4", unit="mm")
        add_fonts(self, arabic_first=rtl)
        self.align = "R" if rtl else "L"
        self.set_margins(MARGIN, MARGIN, MARGIN)
        # The briefs place every block themselves; a ``flowing`` document (the workshop summary) runs on
        # to the next page by itself, above the footer.
        self.set_auto_page_break(flowing, margin=MARGIN if flowing else 0)
        self.footer_text = footer_text

    def footer(self):
        if self.mark:  # at each page's end: over what the page holds, on every page however it was added
            watermark(self, self.mark)
        self.set_y(-MARGIN + 2)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(*GREY)
        self.cell(0, 4, f"{self.footer_text} · {self.page_word} {self.page_no()}", align="C")


def text_height(pdf: FPDF, w: float, line_h: float, text: str) -> float:
    """The height ``text`` takes in a ``multi_cell`` of width ``w`` (measured, not drawn)."""
    return pdf.multi_cell(
        w, line_h, text, align=getattr(pdf, "align", "L"), dry_run=True, output=MethodReturnValue.HEIGHT
    )


def paragraph(pdf: FPDF, text: str, line_h: float, w: float = 0) -> None:
    """``text`` wrapped in a block of width ``w`` (0: to the right margin), on the PDF's side
    (``align``: right in Urdu and Sindhi), then the next line at the left margin."""
    pdf.multi_cell(w, line_h, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align=getattr(pdf, "align", "L"))


def heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.set_text_color(0, 0, 0)
    pdf.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align=getattr(pdf, "align", "L"))
    pdf.set_font("DejaVu", "", 8.5)


def watermark(pdf: FPDF, text: str = WATERMARK) -> None:
    """A mark across the page: the illustrative-data mark, or ``DRAFT_MARK`` of a round that is not a
    published edition (``A4Pages.mark`` puts it on every page)."""
    with pdf.local_context(fill_opacity=0.22, text_color=(192, 0, 0)):
        pdf.set_font("DejaVu", "B", 34)
        with pdf.rotation(angle=40, x=PAGE_W / 2, y=PAGE_H / 2):
            w = pdf.get_string_width(text)
            pdf.text(PAGE_W / 2 - w / 2, PAGE_H / 2, text)


def table(pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
    """A bordered table, the header row bold on grey; rows wrap and run on to the next page.
    Mirrored (the first column on the right) when the PDF is right to left."""
    rtl = getattr(pdf, "align", "L") == "R"
    if rtl:
        header, rows, widths = header[::-1], [r[::-1] for r in rows], widths[::-1]
    pdf.set_font("DejaVu", "", 8.5)
    heading = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(
        col_widths=widths,
        text_align="RIGHT" if rtl else "LEFT",
        line_height=4.6,
        padding=1,
        headings_style=heading,
        first_row_as_headings=True,
        width=sum(widths),
    ) as table:
        head = table.row()
        for h in header:
            head.cell(h)
        for r in rows:
            row = table.row()
            for v in r:
                row.cell(v)
