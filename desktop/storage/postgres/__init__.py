"""The shared register on a PostgreSQL server: its schema, roles and migrations. No Qt.

Nothing here is imported at start-up: psycopg is loaded only when `--db` is a
postgresql:// URI (uri.py needs no psycopg and says which kind a `--db` is).
"""
