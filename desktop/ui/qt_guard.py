"""A guard against a reference-counting bug in PySide6 6.12.0 on CPython 3.11.

PySide6 6.12.0 drops one reference to None every time Python calls a Qt method that returns
nothing (QLineEdit.setText, QWidget.show, ...). On CPython 3.12+ None is immortal and nothing
happens, but on 3.11 its count (about 5,000 in a fresh process) reaches zero after a few
thousand such calls and the interpreter aborts with "Fatal Python error: none_dealloc"; opening
about fifteen decisions in a row was enough. PySide6 6.11.3 does not have the bug, but QtPdf
(PySide6-Pdf) exists only for 6.12.0, so we keep 6.12.0 and give None, True and False a
reference count so large that no session can exhaust it. tests/gui/startup/test_qt_guard.py checks
both that the bug is still there (so this can be deleted when it is fixed) and that the guard
holds.
"""

from __future__ import annotations

import sys

_MARGIN = 1 << 40  # a trillion calls before the count could reach zero again


def guard_singletons() -> bool:
    """Make None, True and False effectively immortal on CPython < 3.12. Returns True if applied."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    # ctypes' own C module, not the ctypes package (~1 ms before the first paint to define
    # every C type): one integer as wide as a Py_ssize_t, which sys.maxsize tells.
    import _ctypes

    class SsizeT(_ctypes._SimpleCData):
        _type_ = "q" if sys.maxsize > 2**32 else "i"

    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a standard (non-debug) CPython build.
        refcount = SsizeT.from_address(id(singleton))
        if refcount.value < _MARGIN:
            refcount.value += _MARGIN
    return True
