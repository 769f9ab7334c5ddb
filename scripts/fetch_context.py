"""Download the district context files from their public upstream, verify and convert them.

    python scripts/fetch_context.py [--out var/context] [--if-missing]

Source (see ../shared/context/PROVENANCE.md): the GitHub repository
``szhaider/PakIndicatorsApp`` at commit 49b8d7d, folder ``data-raw/rawdata/raw_indicators/``
(MIT licence; the figures are the World Bank's Data4Pakistan estimates from PBS surveys).
Steps: download the three files, check each one's SHA-256 against the pinned value,
convert as PROVENANCE.md says (Windows-1252 → UTF-8 and columns empty everywhere dropped;
the definitions' byte-order mark dropped; the 2018 poverty workbook to CSV), check the
SHA-256 of each converted file against the copy in ../shared/context, and only then write
all three (nothing half-written).

``--if-missing`` (used by ``make setup``): do nothing when the context folder the app will
read already holds the files; when the download fails, say what to do and exit 0 so the
atlas still starts (its District context layer then says the files are missing).

Output files are data, not code: never commit them (var/ is git-ignored).
"""

from __future__ import annotations

import argparse
import io
import sys
import urllib.parse
from pathlib import Path

import pandas as pd
from verified_download import DownloadError, setup_step, sha256_hex, verify, write_files
from verified_download import download as download_pinned

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared" / "context"
DEFAULT_OUT = REPO_ROOT / "var" / "context"

UPSTREAM_REPO = "szhaider/PakIndicatorsApp"
UPSTREAM_COMMIT = "49b8d7d97574c5fad54c481309142e83b46d5be9"
UPSTREAM_FOLDER = "data-raw/rawdata/raw_indicators"
UPSTREAM_BASE = f"https://raw.githubusercontent.com/{UPSTREAM_REPO}/{UPSTREAM_COMMIT}/{UPSTREAM_FOLDER}"

# upstream file -> (SHA-256 of the upstream bytes, converted file name, SHA-256 of the converted bytes)
FILES = {
    "pakistan_indicators.csv": (
        "ee0eefc70bfc55f63d1f4efd27fd889e3ee840ac69289da6390d587d5a87689e",
        "pakistan_district_indicators.csv",
        "60d64b9220983e6e45fc624ff33c4c811b55803f04205314c89e5aad392616c8",
    ),
    "domain_source_pak_indicators.csv": (
        "a9ca54ff2bbcd661c72c6a55d2dd56a97c57a70d2adddff930dd9df068418f16",
        "indicator_definitions.csv",
        "9436905f0b622da7e17d1433fb3512e8cc61870a970ca7456f56a6ec1c7b0856",
    ),
    "Povertyheadcount.xlsx": (
        "81579a95569cea5b6c9ecafc70f9a65c564bd7605dfbf5b673ad4161e35621a1",
        "poverty_headcount_2018.csv",
        "c25c4741602371651b0517757a327b82a3a9be96becd2e44bf5d44e4187dd25f",
    ),
}


FetchError = DownloadError  # the name the callers and tests know
OFFLINE_HINT = (
    "Without network: copy the folder shared/context/ (pakistan_district_indicators.csv, "
    f"indicator_definitions.csv, poverty_headcount_2018.csv) from another machine to {SHARED_DIR} "
    "or set ATLAS_CONTEXT to where you put it; then run `make setup` again"
)


def download(url: str) -> bytes:
    """The bytes at ``url``; FetchError saying what to do when there is no network."""
    return download_pinned(url, offline_hint=OFFLINE_HINT)


def convert(name: str, raw: bytes) -> bytes:
    """Upstream bytes -> the converted CSV bytes described in PROVENANCE.md."""
    if name == "pakistan_indicators.csv":
        frame = pd.read_csv(io.BytesIO(raw), encoding="cp1252").dropna(axis=1, how="all")
    elif name == "domain_source_pak_indicators.csv":
        frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    elif name == "Povertyheadcount.xlsx":
        frame = pd.read_excel(io.BytesIO(raw))
    else:
        raise FetchError(f"no conversion for {name}")
    return frame.to_csv(index=False).encode("utf-8")


def fetch(out_dir: Path = DEFAULT_OUT, base_url: str | None = None, files: dict | None = None) -> list[str]:
    """Download, verify, convert, verify, then write every file; FetchError on any mismatch."""
    base_url, files = base_url or UPSTREAM_BASE, files or FILES
    converted: dict[str, bytes] = {}
    notes = []
    for upstream, (raw_sha, target, target_sha) in files.items():
        raw = download(f"{base_url.rstrip('/')}/{urllib.parse.quote(upstream)}")
        verify(raw, raw_sha, upstream, pinned_in=" (PROVENANCE.md)")
        try:
            data = convert(upstream, raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FetchError(f"{upstream}: cannot be converted ({exc}); nothing was written") from None
        if sha256_hex(data) != target_sha:
            raise FetchError(
                f"{target}: converted file has SHA-256 {sha256_hex(data)}, expected {target_sha}: "
                "the conversion (pandas version?) differs from the shared copy; nothing was written"
            )
        converted[target] = data
        notes.append(f"{upstream}: SHA-256 verified; converted to {target} (SHA-256 matches the shared copy)")
    write_files(out_dir, converted)  # only now, all verified; each atomically
    return notes + [f"wrote {', '.join(converted)} to {out_dir}"]


def present(folder: Path) -> bool:
    return all((folder / target).is_file() for _, target, _ in FILES.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="target folder")
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="only when the app's context folder lacks the files; never fail the setup",
    )
    args = parser.parse_args(argv)

    def files_present() -> tuple[bool, str]:
        sys.path.insert(0, str(REPO_ROOT))
        from cluster_model.context import context_dir

        if present(context_dir()):
            return True, f"District context files present in {context_dir()}"
        return (
            False,
            f"District context files not found in {context_dir()}: downloading them from {UPSTREAM_REPO}…",
        )

    return setup_step(
        lambda: fetch(args.out),
        what="district context",
        if_missing=args.if_missing,
        present=files_present,
        still_starts="The atlas still starts; its District context layer says the files are missing.",
    )


if __name__ == "__main__":
    sys.exit(main())
