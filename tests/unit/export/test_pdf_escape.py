"""User text is escaped for ReportLab's markup exactly as xml.sax.saxutils.escape does it."""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import given
from hypothesis import strategies as st

from desktop.export.pdf.styles import escape_markup


@given(st.lists(st.text() | st.sampled_from(["&", "<", ">", "&amp;", "&lt;", '"'])).map("".join))
def test_escape_markup_is_saxutils_escape(text):
    assert escape_markup(text) == escape(text)
