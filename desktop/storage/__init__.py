"""Storage: the SQLite schema, opening files safely, and rows <-> dataclasses. No Qt."""
