"""The store's Alembic migration scripts (``env.py``, ``versions/``); run by :mod:`..migrations`."""
