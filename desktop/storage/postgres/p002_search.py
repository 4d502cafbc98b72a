"""The shared register's search index: what FTS5's `search_index` is in the SQLite register.

One row per version: its title's words and all its words (title, proposal, answers) as
tsvectors. The client tokenises (desktop.storage.repository.search_tokens: letters and
digits, case-folded, accents dropped, as FTS5's unicode61 tokenizer does), so the server
needs no text-search configuration or extension, and a word matches the same way on both
engines; a search is a prefix tsquery over them, answered from the GIN index.
"""

from __future__ import annotations

NAME = "p002_search"

SQL = r"""
CREATE TABLE search_index (
    version_id bigint PRIMARY KEY REFERENCES versions(id) DEFERRABLE INITIALLY DEFERRED,
    title tsvector NOT NULL,
    words tsvector NOT NULL
);
CREATE INDEX idx_search_title ON search_index USING gin (title);
CREATE INDEX idx_search_words ON search_index USING gin (words);
GRANT SELECT ON search_index TO dc_reader;
GRANT INSERT, UPDATE, DELETE ON search_index TO dc_author;
"""
