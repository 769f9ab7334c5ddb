"""The evidence store: indicator rounds in a database (SQLite by default, any SQLAlchemy URL).

Plain Python + pandas + SQLAlchemy; no Streamlit. Typical use::

    from cluster_model import store
    engine = store.open_store()              # ATLAS_DB_URL, else var/atlas.db; migrated; seeded from data/ once
    ds = store.load_dataset(engine)          # the same Dataset as cluster_model.loading.load_dataset
    store.create_round(engine, round_id="survey-2027", name="Survey 2027", date="2027-03-01", kind="survey", author="alice")
    plan = store.plan_import(engine, "survey-2027", data, "survey.xlsx")   # preview + issues, writes nothing
    store.commit_import(engine, plan, author="alice")                       # all or nothing
"""

from .db import default_url, make_engine, resolve_url, revision, safe_url, write_transaction
from .errors import Conflict, ConflictError, ValidationError
from .importer import ImportPlan, commit_import, import_file, plan_import, read_assessments
from .migrations import LATEST as SCHEMA_VERSION
from .migrations import current_version, upgrade
from .repository import (
    ILLUSTRATIVE_COLUMN,
    ILLUSTRATIVE_TEXT,
    TEMPLATE_STEM,
    Edit,
    SaveResult,
    TableRows,
    create_round,
    edits_from_grid,
    history,
    list_rounds,
    load_dataset,
    open_store,
    read_dataset,
    round_file_stem,
    round_grid,
    round_rows,
    save_assessments,
    template_rows,
)
from .seed import seed_if_empty

__all__ = [
    "Conflict",
    "ConflictError",
    "Edit",
    "ILLUSTRATIVE_COLUMN",
    "ILLUSTRATIVE_TEXT",
    "ImportPlan",
    "SCHEMA_VERSION",
    "SaveResult",
    "ValidationError",
    "commit_import",
    "create_round",
    "current_version",
    "default_url",
    "edits_from_grid",
    "TableRows",
    "history",
    "import_file",
    "round_rows",
    "round_file_stem",
    "TEMPLATE_STEM",
    "template_rows",
    "list_rounds",
    "load_dataset",
    "make_engine",
    "open_store",
    "plan_import",
    "read_dataset",
    "read_assessments",
    "resolve_url",
    "revision",
    "round_grid",
    "safe_url",
    "save_assessments",
    "seed_if_empty",
    "upgrade",
    "write_transaction",
]
