"""Problems found in input data, reported to the user instead of being dropped.

Every loader in the project returns the rows it could use *and* a list of
``DataIssue`` for the rows it could not. The UI shows each issue with the file,
the row and what to do, and keeps working with the good rows.
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


class DataFileError(Exception):
    """A whole input file cannot be used (missing, unreadable, wrong columns)."""

    def __init__(self, issue: DataIssue):
        super().__init__(str(issue))
        self.issue = issue
