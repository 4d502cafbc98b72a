"""The canonical bytes of a verification code are json's, whichever library writes them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import verification
from desktop.domain.verification import canonical_content, verification_code

_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))

# Any text: non-BMP, control characters, U+2028, quotes, backslashes and lone surrogates.
_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF)) | st.sampled_from(
    ['"', "\\", "\u2028\u2029", "\x00\x1f\x7f", "\ud800", "a\udfffb", "\U0001f600", "\\u0000"])
_SCALAR = (st.none() | st.booleans() | st.integers() | st.integers(-(2**63), 2**64 - 1)
           | st.floats() | _TEXT)
_VALUE = st.recursive(_SCALAR, lambda inner: st.lists(inner, max_size=4)
                      | st.tuples(inner, inner)
                      | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=30)


def _json_bytes(record: dict) -> bytes | type[Exception]:
    content = {k: v for k, v in record.items() if k not in verification._EXCLUDED}
    try:
        return _JSON.encode(content).encode("utf-8")
    except (ValueError, TypeError) as exc:  # a lone surrogate cannot be UTF-8: json refuses
        return type(exc)


def _ours(record: dict) -> bytes | type[Exception]:
    try:
        return canonical_content(record)
    except (ValueError, TypeError) as exc:
        return type(exc)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(_TEXT, _VALUE, max_size=6))
def test_any_record_gives_json_s_bytes_or_json_s_refusal(record):
    assert _ours(record) == _json_bytes(record)


@pytest.mark.parametrize("value", [1e-05, 1e16, -0.0, float("nan"), float("inf"), 2**64,
                                   -(2**63) - 1, 2**200, "\ud800", ["\udc00"], {"k": 1.5}])
def test_what_orjson_writes_otherwise_takes_json_s_path(value):
    record = {"title": "x", "value": value}
    assert not verification._writes_alike({"value": value}) or isinstance(value, str | list)
    assert _ours(record) == _json_bytes(record)


def test_a_code_printed_before_still_matches():
    # A record and its code as json wrote them before orjson: any change here breaks every
    # printed copy.
    record = {"title": "Close the \u2028 depot \U0001f600", "proposal": 'say "no" \\ \x01',
              "options": [{"name": "a", "status": "rejected"}], "version": 2**63,
              "answers": {"b": {"rating": "green"}, "a": {"rating": None}}, "key": True}
    assert canonical_content(record) == _JSON.encode(record).encode("utf-8")
    assert verification_code(record) == "XNT4-TVEK-KD25"  # worked out by the json-only code


def _code_as_first_written(content: bytes) -> str:
    """code_of as it was first written: the digest's first 60 bits, five at a time."""
    import hashlib

    number = int.from_bytes(hashlib.sha256(content).digest()[:8], "big") >> 4
    chars = []
    for _ in range(12):
        chars.append("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[number & 31])
        number >>= 5
    code = "".join(reversed(chars))
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_a_code_is_the_digest_s_first_60_bits_in_crockford_s_alphabet(content):
    assert verification.code_of(content) == _code_as_first_written(content)
