"""Problems found in input data, reported to the user instead of being dropped, and the one error type.

Every loader in the project returns the rows it could use *and* a list of
``DataIssue`` for the rows it could not. The UI shows each issue with the file,
the row and what to do, and keeps working with the good rows.

Everything the domain refuses is an :class:`AtlasError`: a catalogue message id (the English
template, marked ``N_()`` so Babel extracts it), its figures, the place and the fix. The UI
renders any of them one way (``ui.chrome.error_text``), in the page's language; ``str()`` is
the English text for logs and tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataIssue:
    """One problem in one input file.

    ``row`` is the 1-based line number in the file as a spreadsheet shows it
    (the header is line 1), or ``None`` when the problem concerns the whole file.
    """

    file: str
    message: str
    hint: str = ""
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "error"  # "error": row not used; "warning": row used, but check it

    def where(self) -> str:
        parts = [Path(self.file).name]
        if self.row is not None:
            parts.append(f"line {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


def N_(message: str) -> str:  # noqa: N802 - gettext's marker name
    """Mark a string for the catalogue without translating it here (translate where it is shown)."""
    return message


def fill(template: str, params: dict) -> str:
    """``template`` with its figures; a message without figures is used as written (it may hold braces)."""
    return template.format(**params) if params else template


class AtlasError(Exception):
    """A refusal the user reads: ``message`` is a catalogue id (a ``str.format`` template filled from
    ``params``), ``place`` says where (a file, line and column, or what was being done; data, never
    translated), ``fix`` what to do (a catalogue id too). ``issues`` are the data problems behind
    it, each naming its own file, line and fix."""

    def __init__(self, message: str, *, place: str = "", fix: str = "", issues=(), **params):
        self.message_id = message
        self.place = place
        self.fix = fix
        self.issues: list[DataIssue] = list(issues)
        self.params = params
        super().__init__(self.english())

    def english(self) -> str:
        text = fill(self.message_id, self.params)
        if self.place:
            text = f"{self.place}: {text}"
        if self.fix:
            text += f" — {fill(self.fix, self.params)}"
        return text


class DataFileError(AtlasError):
    """A whole input file cannot be used (missing, unreadable, wrong columns); ``issue`` says which and why."""

    def __init__(self, issue: DataIssue):
        # the issue's text comes from data checks (English); it is carried whole, not re-worded
        self.issue = issue
        super().__init__(issue.message, place=issue.where(), fix=issue.hint, issues=[issue])

    def english(self) -> str:
        return str(self.issue)


class Refused(AtlasError, ValueError):
    """A request refused before anything was written (no author, a bad name or password); a
    ``ValueError`` too, for the callers that catch one."""
