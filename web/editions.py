"""What the API serves as an edition: a published edition, an illustrative round, or (signed-in editors
only) a draft round.

The editions themselves are owned by ``cluster_model.publishing`` (issue #26 item 1): their ids,
checksums, citations and states. This module only resolves a name in a URL (an edition id, ``latest``,
a round id) into what a route reads, and says who may read it. Until that module exists in this
worktree it falls back to a thin adapter: every round served as its own edition, checksummed here.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import pandas as pd

from cluster_model.issues import N_, AtlasError
from cluster_model.loading import Dataset

try:  # item 1's module (branch `publish`); the adapter below stands in until it is merged
    from cluster_model import publishing
except ImportError:  # pragma: no cover - depends on the merge
    publishing = None

LATEST = "latest"
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
    edition: object = field(default=None, compare=False)  # publishing's Edition, when it is one

    @property
    def public(self) -> bool:
        """May a shared cache keep it (nothing a draft, which only an editor may read)."""
        return self.state != DRAFT


def _canonical_csv(frame: pd.DataFrame) -> bytes:
    ordered = frame.reindex(sorted(frame.columns), axis=1)
    ordered = ordered.sort_values(list(ordered.columns), kind="stable") if len(ordered) else ordered
    buf = io.StringIO()
    ordered.astype(str).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def round_tables(ds: Dataset, round_id: str) -> dict[str, pd.DataFrame]:
    """The content of a round as served: publishing's canonical tables when there, else the round's
    assessments as of the round (values carried forward) with the framework they refer to."""
    if publishing is not None:
        return publishing.edition_tables(ds, round_id)
    from cluster_model.scoring import assessment_matrix

    return {
        "assessments": assessment_matrix(ds, round_id),
        "clusters": ds.clusters,
        "indicators": ds.indicators,
        "sites": ds.sites,
        "sources": ds.sources,
    }


def checksum_of(ds: Dataset, round_id: str) -> str:
    """SHA-256 of the round's content (publishing's ``content_checksum`` when there)."""
    tables = round_tables(ds, round_id)
    if publishing is not None:
        return publishing.content_checksum(tables)
    digest = hashlib.sha256()
    for name in sorted(tables):
        digest.update(name.encode() + b"\n" + _canonical_csv(tables[name]))
    return digest.hexdigest()


def _round_row(ds: Dataset, round_id: str) -> pd.Series | None:
    rows = ds.rounds[ds.rounds["round_id"] == round_id]
    return None if rows.empty else rows.iloc[0]


def _round_meta(ds: Dataset, round_id: str) -> dict:
    row = _round_row(ds, round_id)
    return {"round_name": str(row["name"]), "round_date": str(row["date"]), "round_kind": str(row["kind"])}


def _edition_served(ds: Dataset, ed) -> Served:
    state = SUPERSEDED if getattr(ed, "superseded_by", None) else PUBLISHED
    meta = {
        "edition_id": ed.edition_id,
        "published_on": str(ed.published_on),
        "reviewer": ed.reviewer,
        "supersedes": ed.supersedes,
        "superseded_by": ed.superseded_by,
        "erratum": ed.erratum,
        "changes": ed.changes,
    }
    meta.update(_round_meta(ds, ed.round_id))
    illustrative = bool(_round_row(ds, ed.round_id)["illustrative"])
    return Served(ed.edition_id, ed.round_id, state, ed.checksum, illustrative, meta, ed)


def _round_served(ds: Dataset, round_id: str, state: str, checksum) -> Served:
    illustrative = bool(_round_row(ds, round_id)["illustrative"])
    meta = {"edition_id": None, **_round_meta(ds, round_id)}
    return Served(round_id, round_id, state, checksum(round_id), illustrative, meta)


def listed(engine, ds: Dataset, checksum) -> list[Served]:
    """Every edition anyone may read, newest first; then the illustrative rounds (marked so).

    ``checksum(round_id)``: the round's checksum (a caller keeps them per store revision)."""
    if publishing is None:
        real = [r for r in reversed(ds.round_order()) if not bool(_round_row(ds, r)["illustrative"])]
        editions = [_round_served(ds, r, PUBLISHED, checksum) for r in real]
    else:
        editions = [_edition_served(ds, ed) for ed in publishing.editions(engine)]
    known = {e.round_id for e in editions}
    made_up = [
        _round_served(ds, r, ILLUSTRATIVE, checksum)
        for r in reversed(ds.round_order())
        if bool(_round_row(ds, r)["illustrative"]) and r not in known
    ]
    return editions + made_up


def _draft(engine, ds: Dataset, name: str, checksum) -> Served | None:
    """The round ``name`` when it is not published (a draft or in review), else None."""
    if publishing is None or _round_row(ds, name) is None:
        return None
    state = publishing.round_state(engine, name)
    return None if str(state) == PUBLISHED else _round_served(ds, name, DRAFT, checksum)


def resolve(engine, ds: Dataset, name: str, checksum, *, editor: bool) -> Served:
    """The edition a URL names: an edition id, ``latest`` (the newest published), an illustrative
    round's id, or — for a signed-in editor only — a draft round's id. Anything else: AtlasError
    (a draft named by someone not signed in is refused exactly like an unknown name)."""
    everything = listed(engine, ds, checksum)
    readable = [e for e in everything if e.state in (PUBLISHED, SUPERSEDED)]
    if name == LATEST:
        current = [e for e in readable if e.state == PUBLISHED]
        if current:
            return current[0]
        raise AtlasError(
            N_("No edition has been published yet."), fix=N_("Ask a reviewer to publish a round.")
        )
    for e in everything:
        if e.name == name:
            return e
    if editor:
        draft = _draft(engine, ds, name, checksum)
        if draft is not None:
            return draft
    raise AtlasError(
        N_("There is no edition '{name}'."), name=name, fix=N_("See /api/v1/editions for the editions.")
    )


def citation(served: Served, url: str) -> dict:
    """How to cite what is served: text, BibTeX and RIS (publishing's ``citation`` for an edition)."""
    if publishing is not None and served.edition is not None:
        cited = publishing.citation(served.edition, url)
        return {"text": cited.text, "bibtex": cited.bibtex(), "ris": cited.ris()}
    # The adapter's (and a draft's or an illustrative round's) own: what it is, where, its checksum.
    from cluster_model.identity import atlas_name

    date = served.meta.get("published_on") or served.meta.get("round_date") or ""
    title = f"{atlas_name()}: indicators of industrial cluster development, {served.state} {served.name}"
    publisher = "Industrial Cluster Centre of Knowledge (ICCK), MUET"
    text = f"{publisher} ({date[:4]}). {title}. {url}. SHA-256 {served.checksum}."
    bibtex = (
        f"@misc{{icck_{served.name.replace('.', '_').replace('-', '_')},\n  title = {{{title}}},\n"
        f"  publisher = {{{publisher}}},\n  year = {{{date[:4]}}},\n  url = {{{url}}},\n"
        f"  note = {{SHA-256 {served.checksum}}}\n}}"
    )
    ris = "\n".join(
        [
            "TY  - DATA",
            f"TI  - {title}",
            f"PB  - {publisher}",
            f"DA  - {date}",
            f"UR  - {url}",
            f"N1  - SHA-256 {served.checksum}",
            "ER  - ",
        ]
    )
    return {"text": text, "bibtex": bibtex, "ris": ris}
