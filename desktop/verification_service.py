"""Verify a printed record: which decision and version a code (or a PDF's code) matches. No Qt.

A PDF made by this app carries its codes in the document's Keywords
("decision-checklist-code:XXXX-XXXX-XXXX"), which sit uncompressed in the file's Info
dictionary, so reading them back needs no PDF library. A file that another tool has merged
or re-saved may have lost that dictionary; then the codes are read from the page footers
with pypdf (a pure-Python runtime dependency, imported only for that case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.decision import Decision
from desktop.domain.errors import InvalidInput, NotFound
from desktop.domain.verification import CODE_PATTERN, normalise_code
from desktop.export.pdf import CODE_MARKER

_MARKED = re.compile(re.escape(CODE_MARKER).encode("ascii") + rb"([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


@dataclass(frozen=True)
class Match:
    """A recorded version whose content has the code."""

    code: str
    decision: Decision
    current_version: int


def verify_code(service, text: str) -> list[Match]:
    """The recorded versions matching a typed code; InvalidInput if it cannot be a code."""
    code = normalise_code(text)
    if code is None:
        raise InvalidInput(
            f"{text.strip()!r} is not a verification code (12 letters and digits, "
            "like ABCD-EFGH-JKMN)"
        )
    matches = []
    for decision_id, version in service.repo.find_by_code(code):
        decision = service.get(decision_id, version)
        versions = service.repo.versions_of(decision_id)
        matches.append(Match(code, decision, max(v for v, _ in versions)))
    return matches


def codes_in_pdf(data: bytes) -> list[str]:
    """The verification codes a PDF carries, in order, without duplicates."""
    found = [m.decode("ascii") for m in _MARKED.findall(data)]
    if not found:
        found = _codes_in_page_text(data)
    return list(dict.fromkeys(found))


def _codes_in_page_text(data: bytes) -> list[str]:
    import io

    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - pypdf is a dependency; be graceful without it
        return []
    import logging

    # pypdf logs what it repairs ("EOF marker not found") to stderr; the command's own
    # one-line answer is all the user should see.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        codes: list[str] = []
        for page in reader.pages:
            text = page.extract_text() or ""
            for line in text.splitlines():
                if "Verification code" in line:
                    codes += CODE_PATTERN.findall(line)
        return codes
    except (PyPdfError, ValueError, KeyError, TypeError):
        return []


def read_pdf(path: str | Path) -> bytes:
    from desktop.userfiles import read_bytes

    data = read_bytes(path)
    if not data.startswith(b"%PDF"):
        raise InvalidInput(f"{path}: not a PDF file")
    return data


def verify_pdf(service, path: str | Path) -> list[tuple[str, list[Match]]]:
    """(code, matches) for each code found in the PDF; NotFound if it carries none."""
    codes = codes_in_pdf(read_pdf(path))
    if not codes:
        raise NotFound(f"{path}: no verification code found in this PDF")
    return [(code, verify_code(service, code)) for code in codes]


def describe(match: Match) -> list[str]:
    """Lines saying what was recorded for a matching version."""
    d = match.decision
    if d.version == match.current_version:
        version = f"{d.version} (the current version)"
    else:
        version = f"{d.version} (superseded: the current version is {match.current_version})"
    lines = [
        f"Matches: {d.title}",
        f"  Decision: {d.id}",
        f"  Reference: {d.reference or '-'}",
        f"  Version: {version}",
        f"  Status: {d.status.label}",
    ]
    if d.sign_offs:
        lines.append("  Sign-offs:")
        for s in d.sign_offs:
            minute = f", minute {s.minute_reference}" if s.minute_reference else ""
            lines.append(f"    {s.role}: {s.name}, {s.date}{minute}")
    else:
        lines.append("  Sign-offs: none recorded")
    return lines
