"""SHA-256 for what start-up hashes (the shipped checklists' digests, the window's lock name).

Python's own implementation where it has one, as the standard library's `random` takes its
SHA-512: importing hashlib loads OpenSSL, about 3.6 MiB resident that nothing needs before
the window's first paint. The digest is the same either way; hashlib (OpenSSL, faster on long
input) stays for the hashing that follows, imported where it is done.
"""

from __future__ import annotations

try:
    from _sha256 import sha256  # type: ignore[import-not-found]  # CPython 3.11
except ImportError:  # pragma: no cover - the Python the app ships with has one or the other
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # 3.12+
    except ImportError:
        from hashlib import sha256


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of data, as 64 lowercase hex digits."""
    return str(sha256(data).hexdigest())
