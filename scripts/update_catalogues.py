"""Extract the UI strings into locales/atlas.pot and bring the Urdu and Sindhi catalogues up to date.

    python scripts/update_catalogues.py          # make catalogues
    python scripts/update_catalogues.py --check  # exit 1 when the template is out of date

What is extracted is set in babel.cfg: strings marked ``_()``, ``ngettext()`` or
``N_()`` in app.py, cluster_model/, geo/, outputs/, ui/ and pages/, and the fixed
vocabulary. A new string arrives in each ``.po`` with an empty translation (the
catalogue test then names it until someone translates it); a string no longer
in the code is kept at the end as obsolete (``#~``) for reference. Locations
are written without line numbers so that moving code does not touch the catalogues.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from cluster_model.i18n import DEFAULT_LANGUAGE, DOMAIN, DRAFT_NOTE, LANGUAGES, LOCALES_DIR, catalogue_path

PROJECT = "Sindh Cluster Atlas"
COMMENT_TAGS = ("TRANSLATORS:",)


def extract(root: Path = REPO_ROOT) -> Catalog:
    """The template: every message babel.cfg finds under ``root``."""
    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, filename=str(root / "babel.cfg"))
    template = Catalog(project=PROJECT, domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=False)


def update(template: Catalog, language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    """Merge the template into one language's catalogue (created, marked draft, if missing)."""
    path = catalogue_path(language, locales_dir)
    if path.is_file():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    else:
        catalog = Catalog(
            locale=language,
            domain=DOMAIN,
            project=PROJECT,
            fuzzy=False,
            header_comment=f"# {DRAFT_NOTE}\n# {LANGUAGES[language]} catalogue of the {PROJECT}.",
        )
        catalog.update(template, no_fuzzy_matching=True)
    _write(catalog, path)
    return path


def message_ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only say whether locales/atlas.pot is up to date"
    )
    args = parser.parse_args(argv)
    template = extract()
    pot = LOCALES_DIR / f"{DOMAIN}.pot"
    if args.check:
        with pot.open("rb") as handle:
            current = message_ids(read_po(handle))
        new = message_ids(template)
        if current != new:
            print(
                f"{pot} is out of date: {len(new - current)} new, {len(current - new)} gone; run `make catalogues`.",
                file=sys.stderr,
            )
            return 1
        print(f"{pot} is up to date ({len(new)} messages)")
        return 0
    _write(template, pot)
    for language in LANGUAGES:
        if language != DEFAULT_LANGUAGE:
            print(f"updated {update(template, language).relative_to(REPO_ROOT)}")
    print(f"wrote {pot.relative_to(REPO_ROOT)} ({len(message_ids(template))} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
