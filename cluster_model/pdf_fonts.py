"""The Unicode fonts every PDF and snapshot uses: Debian's fonts-dejavu-core.

fpdf2's built-in fonts cannot print names such as "Naushahro Feroze — ©", so the
PDFs embed DejaVu; a missing font is a clear error, not a crash deep in fpdf.
"""

from __future__ import annotations

from pathlib import Path

from .issues import DataFileError, DataIssue

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"


def font_paths() -> dict[str, Path]:
    """{fpdf style: font file}; raises DataFileError naming the missing files."""
    paths = {style: FONT_DIR / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise DataFileError(DataIssue(
            ", ".join(missing), "font needed for the PDF is missing",
            "install the fonts-dejavu-core package (see scripts/system_packages.sh)"))
    return paths


def add_fonts(pdf) -> None:
    """Register the DejaVu family (regular and bold) on an fpdf2 document."""
    for style, path in font_paths().items():
        pdf.add_font(FAMILY, style, str(path))
