"""A search's words as both engines' indexes see them, and the LIKE pattern of text as typed:
what the register's queries (register_sql.py) and both search indexes are built from."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

_TOKEN = re.compile(r"[^\W_]+")


def search_tokens(text: str) -> list[str]:
    """Words as the full-text index's tokenizer (unicode61, remove_diacritics 2) sees them:
    runs of letters and digits, case-folded, accents dropped."""
    return _TOKEN.findall(_plain(text).casefold())


def _plain(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def prefix_finder(words: Iterable[str]) -> Callable[[str], bool]:
    """Whether any of the (tokenized) search words begins a word of a text, as the index's
    prefix search matches it (one regular expression, so a page of answers reads quickly)."""
    words = sorted(set(words), key=len, reverse=True)
    if not words:
        return lambda text: False
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, words)) + ")")

    def found(text: str) -> bool:
        plain = _plain(text).casefold()
        # A plain substring test first, in C: most texts without the word are passed over.
        return any(w in plain for w in words) and pattern.search(plain) is not None

    return found


def like_escaped(text: str) -> str:
    """`text` with LIKE's own characters (and the escape, a backslash) matched as themselves,
    for a pattern with ESCAPE '\\'."""
    return re.sub(r"([\\%_])", r"\\\1", text)


def containing(text: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') matching any text that contains `text` as typed."""
    return "%" + like_escaped(text) + "%"
