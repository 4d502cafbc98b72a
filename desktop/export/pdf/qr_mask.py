"""The QR code's mask pattern, chosen exactly as ReportLab's qrencoder chooses it, faster.

ReportLab lays the code out with each of the eight masks and keeps the one with the fewest
penalty points, scoring in pure Python cell by cell: two thirds of the time a record's QR
code took (a pack draws one per decision). The same points are counted here on each row and
column as a string (and rows as bits for the 2 x 2 blocks), so the same mask is chosen and the
code is drawn module for module as before. The code is laid out once, not eight times: in
ReportLab's trial layouts (test=True) the masks differ only in the data modules, each the
unmasked bit XOR the mask's pattern there, so each trial is the unmasked rows XOR the mask's
rows, as bits.
"""

from __future__ import annotations

import functools
import re
from itertools import pairwise
from typing import Any

_RUN = re.compile(rb"0{5,}|1{5,}")  # five or more modules of one colour in a line
_FINDER = b"10111010000"  # dark, light, three dark, light, dark, then four light
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def module_rows(modules: list[list[bool]]) -> list[bytes]:
    """Each row of a laid-out code as b"0" (light) and b"1" (dark), one byte a module."""
    return [bytes(row).translate(_DIGITS) for row in modules]


def lost_points(modules: list[list[bool]]) -> int:
    """ReportLab's QRUtil.getLostPoint of a laid-out code: 3 + (length - 5) for each run of
    five or more in a row or column, 3 for each 2 x 2 block of one colour, 40 for each
    finder-like pattern in a row, and 10 for each 5% the dark share is away from half.

    As in ReportLab, finder-like patterns are looked for in rows only (it compares a column,
    a tuple, with a list, which never matches), and not at the last place in a row."""
    return _row_points(module_rows(modules))


def _row_points(rows: list[bytes]) -> int:
    """lost_points of a code given as module_rows."""
    n = len(rows)
    columns = [bytes(column) for column in zip(*rows, strict=True)]
    score = 0
    for line in rows + columns:
        runs = _RUN.findall(line)
        score += sum(map(len, runs)) - 2 * len(runs)
    for line in rows:
        j = line.find(_FINDER)
        while 0 <= j < n - len(_FINDER):
            score += 40
            j = line.find(_FINDER, j + len(_FINDER))
    bits = [int(row, 2) for row in rows]
    inside = (1 << (n - 1)) - 1  # a block's left column: any but the last
    for upper, lower in pairwise(bits):
        same_down = ~(upper ^ lower)
        blocks = same_down & (same_down >> 1) & ~(upper ^ (upper >> 1)) & inside
        score += 3 * bin(blocks).count("1")
    dark = sum(row.count(b"1") for row in rows)
    return score + 10 * (abs(100 * dark // (n * n) - 50) // 5)


def make(qr: Any) -> None:
    """qr.make() (ReportLab's QRCode, untyped), with the mask found by lost_points."""
    if qr.version is None:
        qr.version = qr.calculate_version()
    best, lowest = 0, -1
    for mask, rows in enumerate(trial_rows(qr)):
        points = _row_points(rows)
        if lowest < 0 or points < lowest:
            best, lowest = mask, points
    qr.makeImpl(False, best)


@functools.cache
def _mask_flips(n: int, positions: tuple[tuple[int, int], ...]) -> list[list[int]]:
    """Per mask, per row: the bits of the data modules the mask flips (column 0 the highest)."""
    from reportlab.graphics.barcode.qrencoder import QRUtil

    patterns = []
    for mask in range(8):
        dark = QRUtil.getMask(mask)  # type: ignore[no-untyped-call]  # untyped in the stubs
        flips = [0] * n
        for col, row in positions:
            if dark(row, col):
                flips[row] |= 1 << (n - 1 - col)
        patterns.append(flips)
    return patterns


def trial_rows(qr: Any) -> list[list[bytes]]:
    """module_rows of qr.makeImpl(True, mask) for each of the eight masks, from one layout."""
    qr.makeImpl(True, 0)
    n = len(qr.modules)
    # (column, row) of each data module: fixed by the version, so every code of a pack shares them
    patterns = _mask_flips(n, tuple(qr.dataPosIterator()))
    unmasked = [int(row, 2) ^ flip for row, flip in zip(module_rows(qr.modules), patterns[0], strict=True)]
    return [[format(bits ^ flip, f"0{n}b").encode() for bits, flip in zip(unmasked, flips, strict=True)]
            for flips in patterns]
