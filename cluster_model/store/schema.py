"""The evidence store's tables (SQLAlchemy Core).

Reference tables mirror the CSV files in ``data/`` (same column names), so a
``Dataset`` can be read back without renaming. Assessments carry a ``version``
(optimistic concurrency) and who changed them when; every change to an
assessment is appended to ``assessment_history`` and never updated or deleted.

Changing a table here needs a new Alembic revision (a schema step) with the same
change as explicit DDL: see :mod:`cluster_model.store.migrations`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

ID = 100  # max length of an id column

# A single row. ``revision`` goes up by one in every write transaction, so a
# cache keyed on it sees every change, from any process. Updating it first in
# a write transaction also makes writers take turns (on PostgreSQL, a row lock).
store_revision = Table(
    "store_revision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("revision", Integer, nullable=False),
    Column("seeded_at", DateTime(timezone=True)),
)

sources = Table(
    "sources",
    metadata,
    Column("source_id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("citation", Text, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("kind", Text, nullable=False, default=""),
    Column("date", String(10), nullable=False, default=""),
    Column("location", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
)

indicators = Table(
    "indicators",
    metadata,
    Column("indicator_id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),  # framework order
    Column("pillar", String(50), nullable=False),
    Column("name", Text, nullable=False),
    Column("how_assessed", Text, nullable=False, default=""),
    Column("weight", Float, nullable=False),
    Column("cluster_defining", Boolean, nullable=False),
    Column("reference", Text, nullable=False, default=""),
)

clusters = Table(
    "clusters",
    metadata,
    Column("cluster_id", String(ID), primary_key=True),
    Column("number", String(20), nullable=False),
    Column("name", Text, nullable=False),
    Column("source_id", String(ID), ForeignKey("sources.source_id"), nullable=False),
)

sites = Table(
    "sites",
    metadata,
    Column("site_pk", Integer, primary_key=True, autoincrement=True),
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), nullable=False),
    Column("place", Text, nullable=False),
    Column("district", Text, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("location_note", Text, nullable=False, default=""),
    Column("source_id", String(ID), ForeignKey("sources.source_id"), nullable=False),
)

rounds = Table(
    "rounds",
    metadata,
    Column("round_id", String(ID), primary_key=True),
    Column("name", Text, nullable=False),
    Column("date", String(10), nullable=False),  # YYYY-MM-DD, as in rounds.csv
    Column("kind", String(20), nullable=False),  # survey / dialogue / desk review
    Column("illustrative", Boolean, nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), primary_key=True),
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), primary_key=True),
    Column("indicator_id", String(ID), ForeignKey("indicators.indicator_id"), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("source_id", String(ID), ForeignKey("sources.source_id"), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),  # 1 on creation, +1 on every change
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Append-only. old_* are NULL when the row was created.
assessment_history = Table(
    "assessment_history",
    metadata,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", String(ID), nullable=False, index=True),
    Column("cluster_id", String(ID), nullable=False),
    Column("indicator_id", String(ID), nullable=False),
    Column("action", String(20), nullable=False),  # seed / create / update
    Column("via", String(20), nullable=False),  # seed / editor / import
    Column("old_status", String(20)),
    Column("old_source_id", String(ID)),
    Column("old_note", Text),
    Column("new_status", String(20), nullable=False),
    Column("new_source_id", String(ID), nullable=False),
    Column("new_note", Text, nullable=False),
    Column("old_version", Integer),
    Column("new_version", Integer, nullable=False),
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

participation = Table(
    "participation",
    metadata,
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), primary_key=True),
    Column("dimension", String(30), primary_key=True),
    Column("level", String(30), primary_key=True),
    Column("local_share_pct", Float, nullable=True),  # NULL = unknown, never 0
    Column("source_id", String(ID), ForeignKey("sources.source_id"), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

evidence = Table(
    "evidence",
    metadata,
    Column("evidence_id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("statement", Text, nullable=False),
    Column("speaker", Text, nullable=False, default=""),
    Column("stakeholder_group", String(30), nullable=False, default=""),
    Column("pillars", Text, nullable=False, default=""),  # ';'-separated, as in evidence.csv
    Column("clusters", Text, nullable=False, default=""),
    Column("source_id", String(ID), ForeignKey("sources.source_id"), nullable=False),
)

published_classification = Table(
    "published_classification",
    metadata,
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), primary_key=True),
    Column("classification", String(40), nullable=False),
    Column("source_id", String(ID), ForeignKey("sources.source_id"), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

# Tables in load (foreign-key) order; the reverse is a safe drop order.
DATA_TABLES = [
    sources,
    indicators,
    clusters,
    sites,
    rounds,
    assessments,
    assessment_history,
    participation,
    evidence,
    published_classification,
]

# --------------------------------------------------------------------------- workshop (dialogue) capture
# Added by schema step 2. A dialogue round (rounds.kind = "dialogue") gets one
# session row (where, when, who facilitated, the agenda and where the room is in
# it); the room's rating per cluster × pillar × stakeholder group; the quotes and
# recommendations; and an append-only history of every entry. These are the
# room's view, kept apart from indicator assessments.

dialogue_sessions = Table(
    "dialogue_sessions",
    metadata,
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), primary_key=True),
    Column("venue", Text, nullable=False),
    Column("date", String(10), nullable=False),  # YYYY-MM-DD, the same as the round's date
    Column("facilitator", Text, nullable=False),
    Column("agenda", Text, nullable=False),  # cluster_model.workshop.Agenda.to_string()
    Column("position", Integer, nullable=False),  # 0-based index of the agenda item on screen
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

dialogue_ratings = Table(
    "dialogue_ratings",
    metadata,
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), primary_key=True),
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), primary_key=True),
    Column("pillar", String(50), primary_key=True),
    Column("stakeholder_group", String(30), primary_key=True),
    Column("rating", String(20), nullable=False),  # present / partial / absent / not rated
    Column("author", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),  # 1 on creation, +1 on every change
)

dialogue_quotes = Table(
    "dialogue_quotes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), nullable=False, index=True),
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), nullable=False),
    Column("pillar", String(50), nullable=False),
    Column("stakeholder_group", String(30), nullable=False),
    Column("speaker_name", Text, nullable=True),  # optional: NULL = not given
    Column("text", Text, nullable=False),
    Column("kind", String(20), nullable=False),  # quote / recommendation
    Column("author", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column(
        "withdrawn_by", String(200), nullable=True
    ),  # set (never deleted) when a mistaken entry is withdrawn
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
)

# Append-only: every session change, rating and quote, with who and when.
dialogue_history = Table(
    "dialogue_history",
    metadata,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", String(ID), nullable=False, index=True),
    Column("entity", String(20), nullable=False),  # session / agenda / position / rating / quote
    Column("action", String(20), nullable=False),  # create / update / withdraw
    Column("cluster_id", String(ID)),
    Column("pillar", String(50)),
    Column("stakeholder_group", String(30)),
    Column("quote_id", Integer),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

DIALOGUE_TABLES = [dialogue_sessions, dialogue_ratings, dialogue_quotes, dialogue_history]

# --------------------------------------------------------------------------- field surveys (ODK Collect / KoboToolbox)
# Added by schema step 5. Every submission imported into a survey round
# (rounds.kind = "survey") is kept as exported (``raw``: every column as JSON),
# with its answers per indicator; the round's assessments are aggregated from
# the counted submissions (cluster_model.survey.aggregate). A submission
# re-exported with changed answers replaces the old one, which is kept with
# ``replaced_at`` set. Nothing is deleted.

survey_submissions = Table(
    "survey_submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), nullable=False, index=True),
    Column("submission_id", String(200), nullable=False),  # meta/instanceID, KEY or _uuid, without "uuid:"
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), nullable=False),
    Column("district", Text, nullable=False, default=""),
    Column("stakeholder_group", String(30), nullable=False, default=""),
    Column("enumerator", Text, nullable=False, default=""),
    Column("survey_date", String(10), nullable=False, default=""),
    Column("submitted_at", String(40), nullable=False, default=""),  # as the exporter wrote it
    Column(
        "counted", Boolean, nullable=False
    ),  # False: rejected in ODK Central / not approved in KoboToolbox
    Column("excluded_reason", Text, nullable=False, default=""),
    Column("raw", Text, nullable=False),
    Column("file", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("imported_by", String(200), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("replaced_at", DateTime(timezone=True), nullable=True),
)

survey_answers = Table(
    "survey_answers",
    metadata,
    Column("submission_pk", Integer, ForeignKey("survey_submissions.id"), primary_key=True),
    Column("indicator_id", String(ID), ForeignKey("indicators.indicator_id"), primary_key=True),
    Column("answer", String(20), nullable=False),  # present / partial / absent / dont_know
)

SURVEY_TABLES = [survey_submissions, survey_answers]

# --------------------------------------------------------------------------- institutions and linkages
# Added by schema step 6 (issue 17: the ICCK's second objective, "identification
# and assessment of institutes and linkages"). Institutions are kept as entities
# with a version and an append-only history; links are kept per round like
# assessments (a real round carries earlier real links forward until relinked).
# ``target`` is "cluster:<cluster_id>" or "institution:<institution_id>"; an
# institution <-> institution link is stored once, the smaller id first.

institutions = Table(
    "institutions",
    metadata,
    Column("institution_id", String(ID), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("stakeholder_group", String(30), nullable=False, default=""),  # IGCA, "" = not stated
    Column("district", Text, nullable=False, default=""),  # "" = not known
    Column("lat", Float, nullable=True),  # NULL = location not known
    Column("lon", Float, nullable=True),
    Column("location_note", Text, nullable=False, default=""),
    Column("location_source_id", String(ID), ForeignKey("sources.source_id"), nullable=True),
    Column("source_id", String(ID), ForeignKey("sources.source_id"), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Append-only; old_value / new_value are the row as JSON (NULL old_value on creation).
institution_history = Table(
    "institution_history",
    metadata,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("institution_id", String(ID), nullable=False, index=True),
    Column("action", String(20), nullable=False),  # seed / create / update
    Column("via", String(20), nullable=False),  # seed / editor / import / workshop
    Column("old_value", Text),
    Column("new_value", Text, nullable=False),
    Column("old_version", Integer),
    Column("new_version", Integer, nullable=False),
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

links = Table(
    "links",
    metadata,
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), primary_key=True),
    Column("institution_id", String(ID), ForeignKey("institutions.institution_id"), primary_key=True),
    Column("target", String(2 * ID), primary_key=True),
    Column("link_type", String(40), primary_key=True),
    Column("status", String(30), nullable=False),  # active / weak / needed but absent
    Column("source_id", String(ID), ForeignKey("sources.source_id"), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

link_history = Table(
    "link_history",
    metadata,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", String(ID), nullable=False, index=True),
    Column("institution_id", String(ID), nullable=False),
    Column("target", String(2 * ID), nullable=False),
    Column("link_type", String(40), nullable=False),
    Column("action", String(20), nullable=False),  # seed / create / update
    Column("via", String(20), nullable=False),  # seed / editor / import / workshop
    Column("old_status", String(30)),
    Column("old_source_id", String(ID)),
    Column("old_note", Text),
    Column("new_status", String(30), nullable=False),
    Column("new_source_id", String(ID), nullable=False),
    Column("new_note", Text, nullable=False),
    Column("old_version", Integer),
    Column("new_version", Integer, nullable=False),
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

LINKAGE_TABLES = [institutions, institution_history, links, link_history]

# --------------------------------------------------------------------------- sign-in
# Added by schema step 3. Failed sign-ins counted per account and per client
# address (so throttling holds across browser sessions, restarts and servers),
# with a temporary lock; editors' sign-in sessions (a random token kept by the
# browser; only its SHA-256 is stored); accounts created in the browser with the
# one-time setup code (salted hashes, as in secrets.toml).

signin_throttle = Table(
    "signin_throttle",
    metadata,
    Column("kind", String(10), primary_key=True),  # account / address
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

editor_sessions = Table(
    "editor_sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

editor_accounts = Table(
    "editor_accounts",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("admin", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

SIGNIN_TABLES = [signin_throttle, editor_sessions, editor_accounts]

# --------------------------------------------------------------------------- the room votes from phones
# Added by schema step 4. Votes from participants' phones on a dialogue's agenda
# items: every raw vote (append-only; a device's latest vote on an item is the
# one that counts), which items are closed, the tallies a facilitator accepted
# into the round (n per group and the split), and the secret that signs the
# anonymous device passes (in the store, so every app server shares it).

room_votes = Table(
    "room_votes",
    metadata,
    Column("vote_id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), nullable=False),
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), nullable=False),
    Column("pillar", String(50), nullable=False),
    Column("device", String(64), nullable=False),  # random id from the device pass; no personal data
    Column("stakeholder_group", String(30), nullable=False),
    Column("choice", String(20), nullable=False),  # present / partial / absent / dont_know
    Column("comment", Text, nullable=True),
    Column("cast_at", DateTime(timezone=True), nullable=False),
    Index("ix_room_votes_item", "round_id", "cluster_id", "pillar", "device"),
    Index("ix_room_votes_device_time", "device", "cast_at"),
)

room_vote_items = Table(
    "room_vote_items",
    metadata,
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), primary_key=True),
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), primary_key=True),
    Column("pillar", String(50), primary_key=True),
    Column("state", String(10), nullable=False),  # open / closed (no row = open)
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

room_tallies = Table(
    "room_tallies",
    metadata,
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), primary_key=True),
    Column("cluster_id", String(ID), ForeignKey("clusters.cluster_id"), primary_key=True),
    Column("pillar", String(50), primary_key=True),
    Column("stakeholder_group", String(30), primary_key=True),
    Column("n_present", Integer, nullable=False),
    Column("n_partial", Integer, nullable=False),
    Column("n_absent", Integer, nullable=False),
    Column("n_dont_know", Integer, nullable=False),
    Column(
        "rating", String(20), nullable=False
    ),  # the group's rating from the tally (cluster_model.voting.group_rating)
    Column("last_vote_id", Integer, nullable=False),  # the votes counted: every vote up to this id
    Column("accepted_by", String(200), nullable=False),
    Column("accepted_at", DateTime(timezone=True), nullable=False),
)

room_secret = Table(
    "room_secret",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("secret", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

VOTE_TABLES = [room_votes, room_vote_items, room_tallies, room_secret]

# --------------------------------------------------------------------------- publishing (issue 26)
# Added by schema step 7. A round's life is the append-only list of its review steps (submit, send
# back with a note, publish): no step = a draft. Publishing makes an edition, a row never changed
# afterwards (a correction is a new edition naming the one it supersedes); ``checksum`` is the
# SHA-256 of the edition's content (cluster_model.publishing.content_checksum), NULL only for an
# edition recorded by the schema step itself, summed as the app opens the store (publishing.sum_pending).

round_reviews = Table(
    "round_reviews",
    metadata,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), nullable=False, index=True),
    Column("action", String(20), nullable=False),  # submit / send_back / publish
    Column("note", Text, nullable=False, default=""),
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

editions = Table(
    "editions",
    metadata,
    Column("edition_id", String(20), primary_key=True),  # "<year>.<n>", e.g. 2026.1
    Column("sequence", Integer, nullable=False, unique=True),  # 1, 2, … in publishing order
    Column("round_id", String(ID), ForeignKey("rounds.round_id"), nullable=False, unique=True),
    Column("published_on", String(10), nullable=False),  # YYYY-MM-DD
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("self_reviewed", Boolean, nullable=False),  # the reviewer made the round's last changes
    Column("checksum", String(64), nullable=True),
    Column("supersedes", String(20), nullable=True),  # the edition this one corrects
    Column("erratum", Text, nullable=False, default=""),
    Column(
        "changes", Text, nullable=False, default="[]"
    ),  # JSON: the values changed since the previous edition
)

# Added by schema step 8: an edition's report (outputs/edition_report.py), one PDF per language, made
# when the edition is published (or, for an edition published before, the first time it is asked for)
# and kept, so the same edition always gives the same bytes. Never changed once written.
edition_reports = Table(
    "edition_reports",
    metadata,
    Column("edition_id", String(20), ForeignKey("editions.edition_id"), primary_key=True),
    Column("language", String(8), primary_key=True),  # en / ur / sd
    Column("pdf", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),  # of ``pdf``
    Column("made_at", DateTime(timezone=True), nullable=False),
)

PUBLISHING_TABLES = [round_reviews, editions, edition_reports]
