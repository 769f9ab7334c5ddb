"""The atlas's languages (English, Urdu, Sindhi) and their gettext catalogues.

UI text is written in English in the code and marked with ``_()`` / ``ngettext``;
the Urdu and Sindhi texts live in standard gettext catalogues,
``locales/<lang>/LC_MESSAGES/atlas.po``, made from the template ``locales/atlas.pot``
(``make catalogues``: Babel extracts the marked strings and the fixed vocabulary).

The ``.po`` files are read directly with Babel when first needed; no ``.mo`` is
compiled. Why: every translation written so far is a *draft* awaiting review
by a native speaker and carries gettext's ``fuzzy`` flag, which ``msgfmt`` and
``pybabel compile`` leave out by default (the atlas would fall back to English
everywhere); reading the ``.po`` uses the drafts while the flag keeps saying
"to review", and an ICCK correction to a ``.po`` shows on the next start with
no build step and no generated file to go stale.

A message that a catalogue lacks (or has empty) falls back to the English text
marked " [en]": visibly untranslated, never an empty label. English itself is
never marked.
"""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .issues import DataFileError, DataIssue

LANGUAGES: dict[str, str] = {"en": "English", "ur": "اردو", "sd": "سنڌي"}  # each named in itself
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ur", "sd"})
FALLBACK_MARK = "[en]"
DOMAIN = "atlas"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
# The first line of a catalogue's header comment while any of its translations is a
# draft (Babel keeps the header comment, but not custom header fields).
DRAFT_NOTE = "DRAFT translations: written without a native speaker, each flagged fuzzy until one reviews it."

# cluster_model.settings' default region and atlas name (marked for the catalogue in ui/i18n_columns.py).
SHIPPED_NAMES = frozenset({"Sindh", "Sindh Cluster Atlas"})
_SHOWN_VALUE = re.compile(r"[^A-Za-z0-9_-]")
# A keyword line or continuation line of a .po file: one complete quoted string.
_PO_STRING_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"$')


def parse_language(raw: object) -> tuple[str, str | None]:
    """The language a URL's ``lang=`` value asks for, and a notice when it is not offered.

    Missing or empty means English with no notice; anything else that is not
    ``en``, ``ur`` or ``sd`` (any case, surrounding spaces ignored) means English
    with a notice. The notice quotes at most 12 letters/digits of the value, so
    a long or crafted link cannot put its text on the page.
    """
    if isinstance(raw, (list, tuple)):
        raw = raw[0] if raw else None
    if raw is None or str(raw).strip() == "":
        return DEFAULT_LANGUAGE, None
    code = str(raw).strip().lower()
    if code in LANGUAGES:
        return code, None
    shown = _SHOWN_VALUE.sub("", str(raw))
    offered = ", ".join(LANGUAGES)
    if not shown:
        return (
            DEFAULT_LANGUAGE,
            f"The link's language value is not one the atlas offers ({offered}); showing English.",
        )
    if len(shown) > 12:
        shown = shown[:12] + "…"
    return (
        DEFAULT_LANGUAGE,
        f"The link asks for language “{shown}”, which the atlas does not offer ({offered}); showing English.",
    )


_LATIN = re.compile(r"[A-Za-z]")
_IDENTIFIER = re.compile(r"(?=.*[_0-9])[a-z0-9_-]+")


def mark_data(text, language: str):
    """Text from data (evidence, notes, citations, round and institution names) as a page or export shows it.

    Such text stays in the language it was written in; in Urdu or Sindhi, text with
    Latin letters (English) is marked " [en]" like an untranslated label, so a reader
    sees it is English on purpose. Anything else (numbers, Arabic script, non-text)
    is returned unchanged.
    """
    if language == DEFAULT_LANGUAGE or not isinstance(text, str) or not _LATIN.search(text):
        return text
    if _IDENTIFIER.fullmatch(text):  # an id (khairpur_sez, dialogue2019) is a code, not English words
        return text
    return text if text.rstrip().endswith(FALLBACK_MARK) else f"{text} {FALLBACK_MARK}"


def is_rtl(language: str) -> bool:
    return language in RTL_LANGUAGES


def catalogue_path(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path, language: str):
    """The Babel ``Catalog`` of one ``.po`` file; a clear error when it is missing or broken."""
    from babel.messages.pofile import PoFileError, read_po

    if not path.is_file():
        raise DataFileError(
            DataIssue(
                str(path),
                "translation catalogue is missing",
                "restore it from git, or run `make catalogues` to start a new one",
            )
        )
    _check_quotes(path)
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=language, domain=DOMAIN, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as exc:
        raise DataFileError(
            DataIssue(
                str(path),
                f"translation catalogue cannot be read ({exc})",
                "fix the line named (check quotes and msgid/msgstr pairs), e.g. with Poedit",
            )
        ) from None


def _check_quotes(path: Path) -> None:
    """Refuse a line that is neither a comment nor a complete msgid/msgstr string, naming it.

    (Babel reads an unclosed quote by dropping the string's last letter.)
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise DataFileError(
            DataIssue(str(path), "translation catalogue is not UTF-8", "save it as UTF-8 (Poedit does)")
        ) from None
    for number, line in enumerate(lines, 1):
        text = line.strip().removeprefix("#~").strip()
        if text and not text.startswith("#") and not _PO_STRING_LINE.match(text):
            raise DataFileError(
                DataIssue(
                    str(path),
                    "translation catalogue cannot be read: not a msgid/msgstr line, "
                    "or a quoted string is not closed",
                    'close the string with a " and escape quotes inside as \\"',
                    row=number,
                    value=line,
                )
            )


def _filled(string) -> bool:
    if isinstance(string, (list, tuple)):
        return bool(string) and all(s for s in string)
    return bool(string)


class Translator:
    """``gettext`` / ``ngettext`` for one language, English fallback marked " [en]"."""

    def __init__(self, language: str, catalog=None):
        self.language = language
        self._singular: set[str] = set()
        self._plural: set[str] = set()
        self._drafts: set[str] = set()
        self._gnu = gettext.NullTranslations()
        if catalog is None:
            return
        from babel.messages.mofile import write_mo

        for message in catalog:
            if not message.id or not _filled(message.string):
                continue
            key = message.id[0] if message.pluralizable else message.id
            (self._plural if message.pluralizable else self._singular).add(key)
            if message.fuzzy:
                self._drafts.add(key)
        # The drafts are fuzzy: include them (use_fuzzy) in the in-memory .mo that gives
        # gettext's own plural rules for the language (from the catalogue header).
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=True)
        buffer.seek(0)
        self._gnu = gettext.GNUTranslations(buffer)

    def gettext(self, message: str) -> str:
        if self.language == DEFAULT_LANGUAGE or not message:
            return message
        if message in self._singular:
            return self._gnu.gettext(message)
        return f"{message} {FALLBACK_MARK}"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.language == DEFAULT_LANGUAGE:
            return singular if n == 1 else plural
        if singular in self._plural:
            return self._gnu.ngettext(singular, plural, n)
        return f"{singular if n == 1 else plural} {FALLBACK_MARK}"

    def data(self, text):
        """Text from data, marked " [en]" when English on an Urdu or Sindhi page (see :func:`mark_data`)."""
        return mark_data(text, self.language)

    def has(self, message: str) -> bool:
        """A translation exists (draft or reviewed); English has every message."""
        return self.language == DEFAULT_LANGUAGE or message in self._singular or message in self._plural

    def is_draft(self, message: str) -> bool:
        return message in self._drafts

    @property
    def drafts(self) -> int:
        """How many translations still await review (fuzzy)."""
        return len(self._drafts)

    @property
    def reviewed(self) -> bool:
        """No translation awaits review: the Methods page may stop saying they are drafts."""
        return self.language == DEFAULT_LANGUAGE or not self._drafts

    def configured_name(self, text: str) -> str:
        """A name the deployment may configure (the atlas's, its region's: cluster_model.identity): the
        shipped default is a message id, translated; a deployment's own name is data, as written."""
        return self.gettext(text) if text in SHIPPED_NAMES else self.data(text)

    def group(self, group_id: str) -> str:
        """A stakeholder group by id; an item that names none is "not stated"."""
        from .vocabulary import STAKEHOLDERS

        return self.gettext(STAKEHOLDERS.get(group_id) or "not stated")

    def pillar_list(self, pillar_ids) -> str:
        """An evidence item's pillars, by id; an item tagged with none is about the whole cluster."""
        return ", ".join(self.pillar(p) for p in pillar_ids) or self.gettext("whole cluster")

    # The fixed vocabulary of cluster_model.vocabulary, by id.
    def pillar(self, pillar_id: str) -> str:
        from .vocabulary import pillar_label

        return self.gettext(pillar_label(pillar_id))

    def stakeholder(self, group_id: str) -> str:
        from .vocabulary import STAKEHOLDERS

        return self.gettext(STAKEHOLDERS.get(group_id, group_id))

    def status_label(self, status: str) -> str:
        from .vocabulary import Status

        return self.gettext(Status(status).label)


@lru_cache(maxsize=8)
def _cached(language: str, path: Path, mtime: float) -> Translator:
    return Translator(language, read_catalogue(path, language))


def translator(language: str, locales_dir: Path = LOCALES_DIR) -> Translator:
    """The translator for ``language`` (English needs no catalogue); re-read when its file changes."""
    language, _ = parse_language(language)
    if language == DEFAULT_LANGUAGE:
        return Translator(DEFAULT_LANGUAGE)
    path = catalogue_path(language, locales_dir)
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    return _cached(language, path, mtime)


# --- extraction (babel.cfg) -------------------------------------------------------------


@dataclass(frozen=True)
class VocabularyMessage:
    text: str
    note: str


def vocabulary_messages() -> list[VocabularyMessage]:
    """Every label of the fixed vocabulary that a page, export or brief shows."""
    from . import vocabulary as v

    out = [
        VocabularyMessage(label, f"pillar `{pid}`" if pid in v.PILLARS else f"indicator group `{pid}`")
        for pid, label in v.INDICATOR_GROUPS.items()
    ]
    out += [
        VocabularyMessage(label, f"IGCA stakeholder group `{gid}`") for gid, label in v.STAKEHOLDERS.items()
    ]
    out += [VocabularyMessage(s.label, f"status `{s.value}` as a label") for s in v.Status]
    out += [VocabularyMessage(s.value, f"status `{s.value}` in running text") for s in v.Status]
    out += [VocabularyMessage(c, "classification word") for c in [*v.CLASSES, v.INSUFFICIENT]]
    out += [VocabularyMessage(kind, "participation breakdown") for kind in v.PARTICIPATION_LEVELS]
    out += [
        VocabularyMessage(level, "participation level")
        for levels in v.PARTICIPATION_LEVELS.values()
        for level in levels
    ]
    out.append(VocabularyMessage(v.ILLUSTRATIVE_MARK, "mark on every view and export of invented data"))
    out.append(VocabularyMessage(v.DRAFT_MARK, "mark on every view and export of a round not yet published"))
    seen: set[str] = set()
    return [m for m in out if not (m.text in seen or seen.add(m.text))]


def extract_vocabulary(fileobj, keywords, comment_tags, options):
    """Babel extractor for ``cluster_model/vocabulary.py`` (see babel.cfg).

    The vocabulary's labels are dictionary values and enum values, shown through
    ``_(label)`` at run time, so no ``_("…")`` call names them in the code: this
    yields them from the module itself, each at the line that defines it.
    """
    source = fileobj.read().decode("utf-8").splitlines()
    for message in vocabulary_messages():
        quoted = (f'"{message.text}"', f"'{message.text}'", f'"{message.text.lower()}"')
        lineno = next(
            (i for i, line in enumerate(source, 1) if any(q.lower() in line.lower() for q in quoted)), 1
        )
        yield lineno, None, message.text, [message.note]
