"""The QR code's mask pattern, chosen exactly as ReportLab's qrencoder chooses it, faster.

ReportLab lays the code out with each of the eight masks and keeps the one with the fewest
penalty points, scoring in pure Python cell by cell: two thirds of the time a record's QR
code took (a pack draws one per decision). The same points are counted here on each row and
column as a string (and rows as bits for the 2 x 2 blocks), so the same mask is chosen and the
code is drawn module for module as before.
"""

from __future__ import annotations

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
    rows = module_rows(modules)
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
    for mask in range(8):
        qr.makeImpl(True, mask)
        points = lost_points(qr.modules)
        if lowest < 0 or points < lowest:
            best, lowest = mask, points
    qr.makeImpl(False, best)
