"""The Urdu/Sindhi web font installed from PyPI into static/fonts/, and the right-to-left CSS."""

from __future__ import annotations

import re
import sys

import pandas as pd
import pytest
from babel.messages.pofile import read_po
from support import REPO

from cluster_model import i18n
from ui import rtl

sys.path.insert(0, str(REPO / "scripts"))
import install_web_fonts


def _in_font_range(ch: str) -> bool:
    for part in rtl.ARABIC_RANGE.split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        if int(low, 16) <= ord(ch) <= int(high or low, 16):
            return True
    return False


def _all_translated_text() -> str:
    texts = []
    for language in ("ur", "sd"):
        with i18n.catalogue_path(language).open("rb") as handle:
            texts += [m.string for m in read_po(handle) if m.id and isinstance(m.string, str)]
    names = pd.read_csv(REPO / "data" / "names.csv", dtype=str, keep_default_na=False)
    return "".join(texts + list(names["ur"]) + list(names["sd"]))


def test_font_installs_checked_with_its_licence_and_only_once(tmp_path):
    target = tmp_path / "fonts"
    assert install_web_fonts.install(target) is True
    assert install_web_fonts.installed_ok(target)
    assert "SIL Open Font License" in (target / "OFL.txt").read_text()
    assert install_web_fonts.install(target) is False
    (target / install_web_fonts.FONT_FILE).write_bytes(b"not a font")
    assert not install_web_fonts.installed_ok(target)
    assert install_web_fonts.install(target) is True and install_web_fonts.installed_ok(target)


def test_a_different_font_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(install_web_fonts, "FONT_SHA256", "0" * 64)
    with pytest.raises(install_web_fonts.InstallError, match="not the pinned"):
        install_web_fonts.install(tmp_path / "fonts")
    assert not (tmp_path / "fonts" / install_web_fonts.FONT_FILE).exists()


def test_the_font_draws_every_arabic_script_letter_we_show():
    from fontTools.ttLib import TTFont

    font = TTFont(str(install_web_fonts.source_font()))
    cmap = font.getBestCmap()
    letters = sorted({ch for ch in _all_translated_text() if _in_font_range(ch)})
    assert len(letters) > 40
    assert [f"U+{ord(c):04X}" for c in letters if ord(c) not in cmap] == []
    # Sindhi's own letters and Urdu's, beyond the Arabic alphabet
    assert all(ord(c) in cmap for c in "ٻڀٺٽٿڄڃڇڊڌڍڏڙڦڪڳڱڻ۾ٹڈڑںھہےۓ")


def test_page_style_font_always_rtl_only_for_urdu_and_sindhi():
    for language in ("ur", "sd"):
        css = rtl.page_style(language)
        assert "direction: rtl" in css and "row-reverse" in css
    english = rtl.page_style("en")
    assert "direction: rtl" not in english and "@font-face" in english
    urls = re.findall(r"url\('([^']+)'\)", rtl.page_style("ur"))
    assert urls == [rtl.FONT_URL] and urls[0].startswith("/app/static/fonts/")  # served by the app itself
    assert (REPO / "static" / "fonts" / "noto-naskh-arabic").resolve() == rtl.FONT_DIR.resolve()


def test_direction_script_only_carries_fixed_codes():
    assert "'rtl'" in rtl._script("sd") and "'sd'" in rtl._script("sd")
    hostile = rtl._script("ur'); alert(1); ('")
    assert "alert" not in hostile and "'en'" in hostile and "'ltr'" in hostile
