"""What is served as an edition (the API's routes, the data package): a published edition, an
illustrative round, or (signed-in editors only) a draft round.

The editions are owned by ``cluster_model.publishing`` (issue #26 item 1): their ids, checksums,
citations, states and content. This module only resolves a name (an edition id, ``latest``, a round id)
or a round into what is served, says who may read it, and which rounds its figures are made of.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import publishing
from .issues import N_, AtlasError
from .loading import Dataset

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
        # publishing's AtlasError when none is published
        return _edition_served(ds, publishing.edition(engine, LATEST))
    for served in listed(engine, ds, checksum):
        if served.name == name:
            return served
    if editor and _round_row(ds, name) is not None and publishing.round_state(engine, name) != PUBLISHED:
        return _round_served(ds, name, DRAFT, checksum)
    known = ", ".join([LATEST, *(e.name for e in listed(engine, ds, checksum))])
    raise AtlasError(
        N_("there is no edition '{edition_id}'"), fix=N_("use one of: {known}"), edition_id=name, known=known
    )


def citation(served: Served, url: str) -> dict | None:
    """How to cite an edition (publishing's citation): text, BibTeX and RIS; None for a round that is
    not an edition (illustrative, or a draft), which is not to be cited."""
    if served.edition is None:
        return None
    cited = publishing.citation(served.edition, url)
    return {"text": cited.text, "bibtex": cited.bibtex(), "ris": cited.ris()}


def of_round(engine, ds: Dataset, round_id: str, checksum) -> Served:
    """What a round is served as: its edition when published (the current one first), else an
    illustrative round, else a draft."""
    mine = [e for e in listed(engine, ds, checksum) if e.round_id == round_id]
    if mine:
        return sorted(mine, key=lambda e: e.state != PUBLISHED)[0]
    return _round_served(ds, round_id, DRAFT, checksum)


def name_of_round(engine, round_id: str) -> str:
    """The name a round is served under (as :func:`of_round`, without reading its content): its
    current edition's id when published, else the round's id."""
    mine = [e for e in publishing.editions(engine) if e.round_id == round_id]
    mine = [e for e in mine if e.current] or mine
    return mine[0].edition_id if mine else round_id


def dataset_of(engine, ds: Dataset, served: Served) -> Dataset:
    """The dataset ``served``'s figures are made of: an edition's rounds published up to it (what its
    content and checksum cover, ``publishing.edition_round_ids``); a draft's or an illustrative round's
    dataset as it is."""
    if served.edition is None:
        return ds
    return publishing.restrict_rounds(ds, publishing.edition_round_ids(engine, served.edition))


def checksum_of(ds: Dataset, round_id: str) -> str:
    """A round's content checksum (for a draft or an illustrative round: an edition has its own)."""
    return publishing.content_checksum(publishing.edition_tables(ds, round_id))


def package_record(served: Served, url: str) -> dict:
    """What a data package says of its edition (``outputs.datapackage.descriptor``)."""
    cited = citation(served, url)
    return {
        "id": served.name,
        "checksum": served.checksum,
        "citation": cited["text"] if cited else "Not an edition: not to be cited.",
        "state": served.state,
        "date": served.meta.get("published_on") or served.meta.get("round_date"),
        "round_id": served.round_id,
    }
