"""What the API serves as an edition: a published edition, an illustrative round, or (signed-in editors
only) a draft round.

The editions are owned by ``cluster_model.publishing`` (issue #26 item 1): their ids, checksums,
citations, states and content. This module only resolves a name in a URL (an edition id, ``latest``, a
round id) into what a route reads, and says who may read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cluster_model import publishing
from cluster_model.issues import N_, AtlasError
from cluster_model.loading import Dataset

LATEST = publishing.LATEST
PUBLISHED, SUPERSEDED, DRAFT, ILLUSTRATIVE = "published", "superseded", "draft", "illustrative"


@dataclass(frozen=True)
class Served:
    """One edition (or round) as a route serves it."""

    name: str  # the id in URLs: the edition id, or the round id of an illustrative round or a draft
    round_id: str
    state: str  # PUBLISHED / SUPERSEDED / DRAFT / ILLUSTRATIVE
    checksum: str
    illustrative: bool
    meta: dict = field(default_factory=dict, compare=False)  # the edition's metadata for its JSON
    edition: publishing.Edition | None = field(default=None, compare=False)

    @property
    def public(self) -> bool:
        """May a shared cache keep it (not a draft, which only an editor may read)."""
        return self.state != DRAFT


def _round_row(ds: Dataset, round_id: str):
    rows = ds.rounds[ds.rounds["round_id"] == round_id]
    return None if rows.empty else rows.iloc[0]


def _illustrative(ds: Dataset, round_id: str) -> bool:
    row = _round_row(ds, round_id)
    return row is not None and bool(row["illustrative"])


def _edition_served(ds: Dataset, ed: publishing.Edition) -> Served:
    state = PUBLISHED if ed.current else SUPERSEDED
    return Served(
        ed.edition_id, ed.round_id, state, ed.checksum, _illustrative(ds, ed.round_id), ed.as_dict(), ed
    )


def _round_served(ds: Dataset, round_id: str, state: str, checksum) -> Served:
    row = _round_row(ds, round_id)
    meta = {"round_id": round_id, "round_name": str(row["name"]), "round_date": str(row["date"])}
    return Served(round_id, round_id, state, checksum(round_id), bool(row["illustrative"]), meta)


def listed(engine, ds: Dataset, checksum) -> list[Served]:
    """Every edition anyone may read, newest first; then the illustrative rounds (marked so).

    ``checksum(round_id)``: a round's content checksum (the caller keeps them per store revision)."""
    editions = [_edition_served(ds, ed) for ed in publishing.editions(engine)]
    known = {e.round_id for e in editions}
    made_up = [
        _round_served(ds, r, ILLUSTRATIVE, checksum)
        for r in reversed(ds.round_order())
        if _illustrative(ds, r) and r not in known
    ]
    return editions + made_up


def resolve(engine, ds: Dataset, name: str, checksum, *, editor: bool) -> Served:
    """The edition a URL names: an edition id, ``latest`` (publishing's newest current edition), an
    illustrative round's id, or — for a signed-in editor only — an unpublished round's id. Anything
    else: AtlasError (a draft named by someone not signed in is refused exactly like an unknown name)."""
    if name == LATEST:
        latest = publishing.latest_edition(engine)
        if latest is None:
            raise AtlasError(N_("No edition has been published yet."))
        return _edition_served(ds, latest)
    for served in listed(engine, ds, checksum):
        if served.name == name:
            return served
    if editor and _round_row(ds, name) is not None and publishing.round_state(engine, name) != PUBLISHED:
        return _round_served(ds, name, DRAFT, checksum)
    raise AtlasError(
        N_("There is no edition '{name}'."), name=name, fix=N_("See /api/v1/editions for the editions.")
    )


def citation(served: Served, url: str) -> dict | None:
    """How to cite an edition (publishing's citation): text, BibTeX and RIS; None for a round that is
    not an edition (illustrative, or a draft), which is not to be cited."""
    if served.edition is None:
        return None
    cited = publishing.citation(served.edition, url)
    return {"text": cited.text, "bibtex": cited.bibtex(), "ris": cited.ris()}
