"""Alembic's entry point for the evidence store.

The atlas runs it through :func:`cluster_model.store.migrations.upgrade`, which
passes its own connection (already holding the migration lock) in
``config.attributes["connection"]``. The ``alembic`` command line opens the
store the atlas would open (``ATLAS_DB_URL``, else ``var/atlas.db``) under the
same lock. Never configures logging: the app owns it.
"""

from alembic import context

from cluster_model.store.db import is_sqlite, make_engine, resolve_url
from cluster_model.store.migrations import migration_lock
from cluster_model.store.schema import metadata


def _configure(**kw) -> None:
    # Batch mode on SQLite, so a later ALTER (issue 26) becomes SQLite's copy-and-rename.
    context.configure(target_metadata=metadata, compare_type=True, **kw)


def _run_on(connection) -> None:
    _configure(connection=connection, render_as_batch=is_sqlite(connection))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # alembic upgrade --sql: print the DDL, touch nothing
    url = resolve_url()
    _configure(url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
elif (given := context.config.attributes.get("connection")) is not None:
    _run_on(given)
else:
    engine = make_engine()
    try:
        with migration_lock(engine) as conn:
            _run_on(conn)
    finally:
        engine.dispose()
