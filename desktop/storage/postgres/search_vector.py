"""A text's search words as a tsvector in PostgreSQL's binary form, sent as the parameter.

The tsvector literal (repository.tsvector_text, one 'word':position entry a word) costs the
server ~200 us to parse for a decision's ~500 words (tsvector_in's state machine, then the
sort and merge of the entries), about one eighth of an autosave's server time. The binary
form is the tsvector itself: each lexeme once, in the server's order (its UTF-8 bytes), with
its sorted positions, which tsvectorrecv copies in (~10 us). It is what the literal reads
as: the same words (search_tokens, line by line), the same positions (from 1, none past
16383), a word cut to its first _MAX_LEXEME bytes, and at most 256 positions a word, the
lowest, as tsvector_in keeps them (tests/unit/storage/test_pg_search_vector.py compares the
two on the server).
"""

from __future__ import annotations

import struct
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from desktop.storage.search_words import search_tokens

if TYPE_CHECKING:
    import psycopg

MAX_POSITION = 16383  # a tsvector's highest word position: later words all have this one
MAX_LEXEME = 500  # bytes are limited to 2047 a lexeme; a prefix of a longer word still finds it
_MAX_POSITIONS = 256  # a lexeme's positions kept (PostgreSQL's MAXNUMPOS)
TSVECTOR_OID = 3614  # pg_type's oid of tsvector: a built-in type, the same on every server


class SearchVector(bytes):
    """A tsvector in its binary form (sent as one, by the dumper register_dumper adds)."""


@lru_cache(maxsize=8192)  # a record's words repeat: each is cut and encoded once
def lexeme_bytes(word: str) -> bytes:
    """The lexeme a word is stored as: its UTF-8, cut to MAX_LEXEME bytes at a character."""
    return word.encode("utf-8")[:MAX_LEXEME].decode("utf-8", "ignore").encode("utf-8")


@lru_cache(maxsize=2048)
def _line_positions(line: str, start: int) -> tuple[dict[bytes, tuple[int, ...]], int]:
    """One line's lexemes, each with its positions (its words numbered from `start`), and
    how many words it has. Kept: an autosave's record holds the lines of the one before."""
    found: dict[bytes, list[int]] = {}
    words = search_tokens(line)
    for i, word in enumerate(words, start):
        found.setdefault(lexeme_bytes(word), []).append(i)
    return {lexeme: tuple(p) for lexeme, p in found.items()}, len(words)


def search_vector(text: str) -> SearchVector:
    """The tsvector of a text's words (what tsvector_text(text) reads as), in binary form.

    Line by line (no word spans a line break), each line's part kept with the position it
    starts at: an autosave works out again only the lines typed in, and those after them
    whose words moved, as tsvector_text does."""
    positions: dict[bytes, tuple[int, ...]] = {}
    start = 1
    for line in text.split("\n"):
        found, count = _line_positions(line, start)
        for lexeme, at in found.items():
            held = positions.get(lexeme)
            positions[lexeme] = at if held is None else held + at
        start += count
    pack = struct.pack
    out = [pack(">i", len(positions))]
    for lexeme in sorted(positions):  # the server's order: memcmp, then the shorter first
        at = positions[lexeme]  # rising; only the clamped last position repeats
        if at[-1] > MAX_POSITION:
            at = tuple(sorted({min(p, MAX_POSITION) for p in at}))
        at = at[:_MAX_POSITIONS]
        out.append(lexeme + b"\0" + pack(f">{len(at) + 1}H", len(at), *at))
    return SearchVector(b"".join(out))


def register_dumper(conn: psycopg.Connection[Any]) -> None:
    """Send a SearchVector as a binary tsvector on this connection."""
    from psycopg.adapt import Dumper
    from psycopg.pq import Format

    class SearchVectorDumper(Dumper):
        format = Format.BINARY
        oid = TSVECTOR_OID

        def dump(self, obj: Any) -> bytes:
            return bytes(obj)

    conn.adapters.register_dumper(SearchVector, SearchVectorDumper)
