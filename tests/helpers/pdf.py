"""Reading back what a PDF draws (not a test module)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def squash(text: str) -> str:
    """Text with every run of white space made one space (PDF text breaks lines anywhere)."""
    return " ".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, squashed."""
    return [squash(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def page_forms(pdf: bytes) -> list[list[bytes]]:
    """For each page, the content streams of the form XObjects it draws."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        out.append([x.get_object().get_data() for x in xobjects.values()
                    if x.get_object()["/Subtype"] == "/Form"])
    return out


def mark_streams(pdf: bytes) -> list[bytes | None]:
    """For each page, its mark: the one form made only of filled paths (None if none)."""
    out = []
    for forms in page_forms(pdf):
        paths = [f for f in forms
                 if b"BT" not in f and b" c " in f and re.search(rb"\sf\s", f)]
        assert len(paths) <= 1
        out.append(paths[0] if paths else None)
    return out
