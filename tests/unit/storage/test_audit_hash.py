"""An audit row's chained hash (storage/repository.audit_hash) is SHA-256 of the row as json
writes it compactly (ensure_ascii=False): every row already in a register was hashed so, and
`audit --check` and the shared register's dc_audit_hash work it out again."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.storage.repository import audit_hash

TEXT = st.text(st.characters(blacklist_categories=("Cs",)))  # any character a person can type
MAYBE = st.none() | TEXT


def _as_json_hashes(*row: object) -> str:
    payload = json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@settings(max_examples=100, deadline=None)
@given(TEXT, TEXT, TEXT, TEXT, st.integers(-(2**70), 2**70), TEXT, MAYBE, MAYBE)
def test_the_hash_is_that_of_json_s_bytes(prev, at, user, decision_id, version, field, old, new):
    assert (audit_hash(prev, at, user, decision_id, version, field, old, new)
            == _as_json_hashes(prev, at, user, decision_id, version, field, old, new))


@pytest.mark.parametrize("text", [chr(c) for c in range(0x20)] + ["\x7f", "\u2028", '"\\/',
                                                                   "\U0001f600", "\ufeff"])
def test_control_and_odd_characters_hash_as_json_writes_them(text):
    row = ("0" * 64, "2026-01-01T00:00:00Z", "me", "d1", 1, f"f{text}", text, None)
    assert audit_hash(*row) == _as_json_hashes(*row)


def test_a_lone_surrogate_is_refused_as_before():
    with pytest.raises(UnicodeEncodeError):
        audit_hash("0" * 64, "at", "me", "d1", 1, "title", None, "\ud800")


def test_a_version_that_is_not_an_int_is_written_by_json():
    assert audit_hash("p", "at", "me", "d1", True, "f", None, None) == _as_json_hashes(  # type: ignore[arg-type]
        "p", "at", "me", "d1", True, "f", None, None)
