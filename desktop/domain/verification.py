"""The verification code: a short, typeable digest of one version's content."""

from __future__ import annotations

import json
import re
from typing import Any

# Crockford base32: no I, L, O or U, so codes are hard to mistype.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_CHARS = 12
CODE_PATTERN = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")


_EXCLUDED = frozenset({"status", "sign_offs", "created_at", "updated_at", "verification_code"})
# One encoder for every code (json.dumps with these options builds a new one each call).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_content(record: dict[str, Any]) -> bytes:
    """Canonical UTF-8 JSON of a bundle record, without the keys that change at sign-off."""
    content = {k: v for k, v in record.items() if k not in _EXCLUDED}
    return _CANONICAL.encode(content).encode("utf-8")


def verification_code(record: dict[str, Any]) -> str:
    """SHA-256 over the canonical content, shown as 12 Crockford base32 characters."""
    return code_of(canonical_content(record))


def code_of(content: bytes) -> str:
    """The verification code of canonical content (canonical_content's bytes)."""
    import hashlib  # OpenSSL: not before the window's first paint (desktop/app.py)

    digest = hashlib.sha256(content).digest()
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * _CODE_CHARS)
    chars = []
    for _ in range(_CODE_CHARS):
        chars.append(_ALPHABET[number & 31])
        number >>= 5
    code = "".join(reversed(chars))
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
