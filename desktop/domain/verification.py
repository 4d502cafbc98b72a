"""The verification code: a short, typeable digest of one version's content."""

from __future__ import annotations

import json
import re
from typing import Any

# Crockford base32: no I, L, O or U, so codes are hard to mistype.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_CHARS = 12
_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _ALPHABET.encode("ascii"))
CODE_PATTERN = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")


_EXCLUDED = frozenset({"status", "sign_offs", "created_at", "updated_at", "verification_code"})
# One encoder for every code (json.dumps with these options builds a new one each call).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_content(record: dict[str, Any]) -> bytes:
    """Canonical UTF-8 JSON of a bundle record, without the keys that change at sign-off.

    The bytes are json's (sort_keys, ensure_ascii=False, no spaces): every code ever printed
    depends on them. orjson writes the same bytes five times faster for what it writes as
    json does: objects with text keys, arrays, text, true/false/null and integers of 64 bits.
    Anything else (a float: orjson writes 1e-05 as 0.00001; a lone surrogate, which neither
    can write as UTF-8; any other type) takes json's own path, as do orjson's refusals."""
    import orjson

    # a content record holds none of them: no copy made for it
    content = record if _EXCLUDED.isdisjoint(record) else {
        k: v for k, v in record.items() if k not in _EXCLUDED}
    if _writes_alike(content):
        try:
            return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
        except (orjson.JSONEncodeError, TypeError):
            pass
    return _CANONICAL.encode(content).encode("utf-8")


def _writes_alike(value: Any) -> bool:
    """Whether orjson and json write `value` alike: only dicts, lists, tuples, text, None,
    booleans and integers of up to 64 bits in it (exactly those types, not subclasses).

    One walk over the containers, each child's type looked at in place (most are text):
    about half the time of putting every value on the stack."""
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        kind = type(item)
        children: Any
        if kind is dict:
            children = item.values()
        elif kind is list or kind is tuple:
            children = item
        else:
            children = (item,)  # only the value itself: a leaf
        for child in children:
            kind = type(child)
            if kind is str or child is None or kind is bool:
                continue
            if kind is dict or kind is list or kind is tuple:
                push(child)
            elif kind is not int or not -(2**63) <= child < 2**64:
                return False
    return True


def verification_code(record: dict[str, Any]) -> str:
    """SHA-256 over the canonical content, shown as 12 Crockford base32 characters."""
    return code_of(canonical_content(record))


def code_of(content: bytes) -> str:
    """The verification code of canonical content (canonical_content's bytes)."""
    import base64
    import hashlib  # OpenSSL: not before the window's first paint (desktop/app.py)

    # The first 60 bits of the digest, five at a time from the top: base32's first twelve
    # characters, in Crockford's alphabet.
    code = base64.b32encode(hashlib.sha256(content).digest()[:8])[:_CODE_CHARS].translate(
        _CROCKFORD).decode("ascii")
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def normalise_code(text: str) -> str | None:
    """Turn what a person typed into a canonical code, or None if it cannot be one.

    Forgives letter case, spaces, missing or extra hyphens (and the dashes a word processor
    puts in their place), O for 0 and I or L for 1."""
    cleaned = re.sub(r"[\s\-\u2010-\u2015\u2212]", "", text.upper())
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != _CODE_CHARS or any(c not in _ALPHABET for c in cleaned):
        return None
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}"
