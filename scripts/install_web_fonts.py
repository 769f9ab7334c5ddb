"""Install the Arabic-script web font (Noto Naskh Arabic, for Urdu and Sindhi) into static/fonts/.

    python scripts/install_web_fonts.py [--force]

The font comes from PyPI with the runtime group of pyproject.toml: the ``pylopdf-fonts-ar`` wheel
ships Google's Noto Naskh Arabic (SIL Open Font License 1.1) as one variable
TTF, which covers every letter Urdu and Sindhi use. This copies that file,
checked against its pinned SHA-256, and its licence into
``static/fonts/noto-naskh-arabic/`` (served by Streamlit at
``/app/static/fonts/…``, git-ignored like static/vendor/), so no page asks a
font server for anything. Idempotent: does nothing when the copy is in place.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from verified_download import matches, write_atomic

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET = REPO_ROOT / "static" / "fonts" / "noto-naskh-arabic"
FONT_FILE = "NotoNaskhArabic-Variable.ttf"
PACKAGE = "pylopdf-fonts-ar"
# Noto Naskh Arabic 2.021 as shipped by pylopdf-fonts-ar 0.1.1.
FONT_SHA256 = "67b5a525a661b607971fbd3f96a81b89d3a768e74534fca84f18ac97e6fab72f"


class InstallError(Exception):
    pass


def source_font() -> Path:
    try:
        import pylopdf_fonts_ar
    except ImportError:
        raise InstallError(
            f"the {PACKAGE} package is not installed: run `make setup` (pip install --group runtime)."
        ) from None
    path = pylopdf_fonts_ar.serif_path()
    if not path.is_file():
        raise InstallError(
            f"{path} is missing from the {PACKAGE} package; reinstall it (pip install --force-reinstall {PACKAGE})."
        )
    if not matches(path.read_bytes(), FONT_SHA256):
        raise InstallError(
            f"{path} is not the pinned Noto Naskh Arabic (SHA-256 differs); "
            f"check the {PACKAGE} version in pyproject.toml and update FONT_SHA256 only after checking the new file."
        )
    return path


def installed_ok(target: Path = TARGET) -> bool:
    font = target / FONT_FILE
    return font.is_file() and matches(font.read_bytes(), FONT_SHA256) and (target / "OFL.txt").is_file()


def _licence_text() -> str:
    dist = metadata.distribution(PACKAGE)
    for file in dist.files or []:
        if file.name.upper().startswith("LICENSE"):
            return Path(dist.locate_file(file)).read_text(encoding="utf-8")
    raise InstallError(
        f"the {PACKAGE} package has no licence file; the font cannot be served without its OFL text."
    )


def install(target: Path = TARGET, force: bool = False) -> bool:
    """Copy the font and its licence; returns False when they were already there."""
    if not force and installed_ok(target):
        return False
    font = source_font()
    write_atomic(target / "OFL.txt", _licence_text().encode("utf-8"))
    write_atomic(target / FONT_FILE, font.read_bytes())
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=Path, default=TARGET)
    parser.add_argument("--force", action="store_true", help="copy again even if present")
    args = parser.parse_args(argv)
    try:
        changed = install(args.target, args.force)
    except InstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{'installed' if changed else 'already installed'}: Noto Naskh Arabic in {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
