"""Where the fonts every export embeds are installed (Debian packages, `make system-packages`).

One place for both renderers: the PDFs (outputs/pdf.py, fpdf2) and the map snapshots
(geo/snapshot.py, vl-convert), so a PDF and the map inside it use the same letters.
"""

from pathlib import Path

# DejaVu: Latin and most symbols (fonts-dejavu-core).
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"
# Lateef: Arabic script for Urdu and Sindhi (fonts-sil-lateef).
ARABIC_DIR = Path("/usr/share/fonts/opentype/lateef")
ARABIC_FILES = {"": "Lateef-Regular.ttf", "B": "Lateef-Bold.ttf"}
ARABIC_FAMILY = "Lateef"
