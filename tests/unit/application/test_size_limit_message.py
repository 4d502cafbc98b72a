"""A file over a size limit is refused with two sizes that differ: "larger than 64 MB (it is
64.4 MB)", never "(it is 64 MB)" for a file 1 byte or 400 kB over. Driven through read_bytes
on sparse files of the real sizes (truncate writes none of their bytes)."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.application import userfiles
from desktop.domain.errors import InvalidInput

MB = 1024 * 1024
_SIZE = re.compile(r"([\d,]+(?:\.\d)?) (MB|bytes)")


def _bytes(text: str, unit: str) -> float:
    number = float(text.replace(",", ""))
    return number * MB if unit == "MB" else number


def _refusal(tmp_path, size: int, limit: int) -> str:
    path = tmp_path / "big.json"
    with path.open("wb") as fh:
        fh.truncate(size)
    with pytest.raises(InvalidInput) as caught:
        userfiles.read_bytes(path, limit=limit)
    return str(caught.value)


limits = st.one_of(st.sampled_from([userfiles.MAX_INPUT_BYTES, userfiles.MAX_BUNDLE_BYTES,
                                    MB, 10 * MB + MB // 20]),
                   st.integers(1, 2 * userfiles.MAX_BUNDLE_BYTES))
excess = st.one_of(st.integers(1, 4096), st.integers(1, 2 * MB))


@given(limit=limits, over=excess)
def test_the_two_sizes_in_the_message_differ_and_are_near_the_truth(tmp_path, limit, over):
    message = _refusal(tmp_path, limit + over, limit)
    assert message.startswith(f"{tmp_path / 'big.json'}: is larger than ")
    assert message.endswith("), the most this program reads")
    (limit_text, limit_unit), (size_text, size_unit) = _SIZE.findall(message)
    shown_limit, shown_size = _bytes(limit_text, limit_unit), _bytes(size_text, size_unit)
    assert shown_size > shown_limit
    assert abs(shown_limit - limit) < MB / 10  # a limit is shown rounded down
    assert shown_limit <= limit
    # the size is shown to the nearest tenth of a MB, or just above the limit shown
    assert abs(shown_size - (limit + over)) <= MB / 10 + 1


def test_a_file_a_little_over_64_mb_says_how_much_over(tmp_path):
    assert _refusal(tmp_path, 67_532_291, userfiles.MAX_INPUT_BYTES).endswith(
        ": is larger than 64 MB (it is 64.4 MB), the most this program reads")
    assert _refusal(tmp_path, userfiles.MAX_INPUT_BYTES + 1, userfiles.MAX_INPUT_BYTES).endswith(
        ": is larger than 64 MB (it is 64.1 MB), the most this program reads")


def test_a_small_limit_is_shown_in_bytes(tmp_path):
    assert _refusal(tmp_path, 10, 5).endswith(
        ": is larger than 5 bytes (it is 10 bytes), the most this program reads")


def test_a_file_exactly_at_its_limit_is_read(tmp_path):
    path = tmp_path / "at.json"
    path.write_bytes(b"x" * 1000)
    assert userfiles.read_bytes(path, limit=1000) == b"x" * 1000


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="Linux /proc only")
def test_a_file_whose_stat_says_0_bytes_is_read_whole():
    """/proc files say 0 bytes: what is read past the fstat's size is read on, to the limit."""
    assert os.stat("/proc/self/status").st_size == 0
    text = userfiles.read_bytes("/proc/self/status", limit=4 * MB)
    assert text.startswith(b"Name:") and b"\nVmRSS:" in text
    with pytest.raises(InvalidInput, match=r"is larger than 10 bytes, the most"):
        userfiles.read_bytes("/proc/self/status", limit=10)
