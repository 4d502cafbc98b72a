"""Start-up's SHA-256 (Python's own, without OpenSSL) is hashlib's, digit for digit."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from desktop.application.instance import path_key
from desktop.domain.digest import sha256_hex


@given(st.binary(max_size=5000))
def test_the_digest_is_hashlibs(data):
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


@given(st.text(min_size=1, max_size=80).filter(lambda s: "\0" not in s and "/" not in s))
def test_a_lock_name_is_what_earlier_versions_called_it(tmp_path_factory, name):
    # A window of an earlier version, still running, holds its lock under this name: a newer
    # window must find it, not open the same register beside it.
    path = tmp_path_factory.getbasetemp() / name
    identity = str(path.expanduser().resolve())
    assert path_key(path) == ("decision-checklist-"
                              + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16])
