"""What a refused write tells the user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..issues import N_, AtlasError, DataIssue


class ValidationError(AtlasError):
    """Rows that cannot be stored; nothing was written. ``issues`` says which and why."""

    def __init__(self, issues: list[DataIssue]):
        issues = list(issues)
        super().__init__(
            N_("{n} problem(s): nothing was saved. Fix them and try again."), issues=issues, n=len(issues)
        )

    def english(self) -> str:
        return f"{len(self.issues)} problem(s), nothing was saved:\n" + "\n".join(str(i) for i in self.issues)


@dataclass(frozen=True)
class Conflict:
    """A value someone else changed after you loaded it."""

    round_id: str
    cluster_id: str
    indicator_id: str
    yours: tuple[str, str, str]  # status, source_id, note you tried to save
    current_status: str
    current_source_id: str
    current_note: str
    current_version: int
    changed_by: str
    changed_at: datetime | None

    def message(self) -> str:
        when = self.changed_at.strftime("%Y-%m-%d %H:%M UTC") if self.changed_at else "an unknown time"
        return (
            f"{self.cluster_id} × {self.indicator_id} (round {self.round_id}) was changed by {self.changed_by} at {when}: "
            f"it is now '{self.current_status}' (source {self.current_source_id}; note: {self.current_note or '—'}). "
            f"Your value '{self.yours[0]}' (source {self.yours[1]}) was not saved."
        )


class ConflictError(AtlasError):
    """The save was based on values that changed meanwhile; nothing was saved."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = list(conflicts)
        super().__init__(
            N_("{n} value(s) changed since you loaded them; nothing was saved."),
            fix=N_("Reload, check and save again."),
            n=len(self.conflicts),
        )

    def english(self) -> str:
        return super().english() + "\n" + "\n".join(c.message() for c in self.conflicts)
