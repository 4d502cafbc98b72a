"""Verify a printed record: which decision and version a code, a PDF or a scan matches. No Qt.

Only what is printed is trusted: the codes in the pages' footers ("Verification code
XXXX-XXXX-XXXX", read with pypdf) or, for a scan (PNG, JPEG or a PDF of page images), the QR
code (read with zxing-cpp from pixels that Pillow or pypdf decode). A PDF's metadata names its
codes too, but a forger edits that first: metadata that names other codes than the pages makes
the answer ALTERED, and metadata alone never makes a match.

The stored record is re-derived, never taken on trust (`version_problems`). The answer is one
`Finding` per code found, printed by `format_findings` for the command line and the window
alike, or as JSON by `as_json`. pypdf, Pillow and zxing-cpp are imported only when a file is
read, so checking a typed code stays fast.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.domain.decision import Decision, Status
from desktop.domain.errors import InvalidInput
from desktop.domain.record import code_for
from desktop.domain.verification import CODE_PATTERN, normalise_code

if TYPE_CHECKING:  # pypdf, Pillow and zxing-cpp are imported when a file is read
    from PIL.Image import Image
    from pypdf import PageObject, PdfReader

    from desktop.application.decisions import DecisionService
    from desktop.domain.imported_sign_offs import ImportedSignOffs

MATCH, SUPERSEDED, WITHDRAWN, NO_MATCH, ALTERED = (
    "match", "superseded", "withdrawn", "no-match", "altered")
_HEADS = {MATCH: "MATCH", SUPERSEDED: "SUPERSEDED", WITHDRAWN: "WITHDRAWN",
          NO_MATCH: "NO MATCH", ALTERED: "ALTERED"}
EXIT_FOR = {MATCH: 0, SUPERSEDED: 3, WITHDRAWN: 3, NO_MATCH: 1, ALTERED: 1}
_WORST = {0: 0, 3: 1, 1: 2}  # exit status -> how bad: 1 (no match, altered) > 3 > 0
# What the window's heading says for the answer's exit status.
HEADINGS = {0: "This copy matches the register",
            3: "This copy is of an earlier or withdrawn version",
            1: "This copy does not match the register"}

CODE_MARKER = "decision-checklist-code:"  # desktop.export.pdf writes it into the Keywords
_MARKED = re.compile(re.escape(CODE_MARKER).encode("ascii")
                     + rb"([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")
_FOOTER = re.compile(r"^\s*Verification code\s+(" + CODE_PATTERN.pattern + r")\s*$")
_FOOTER_TOP = 15 * 72 / 25.4  # the footer sits under the rule 15 mm above the page's bottom
# Files by their first bytes, not their names.
_PDF, _PNG, _JPEG = b"%PDF", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"
_FILE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg")


# ---- the answer -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    """A recorded version whose stored code is the code."""

    code: str
    decision: Decision
    current_version: int


@dataclass(frozen=True)
class Finding:
    """What one code (or a file that prints none) turned out to be."""

    result: str  # MATCH, SUPERSEDED, WITHDRAWN, NO_MATCH or ALTERED
    code: str | None
    headline: str  # the first line after "MATCH: " etc.
    problems: tuple[str, ...] = ()  # what disagrees, for ALTERED
    decision: Decision | None = None
    current_version: int | None = None
    sections: tuple[tuple[str, str, str | None], ...] = ()  # (slug, "1. Title", rating label)
    amended: tuple[int, str, str] | None = None  # (next version, its date, its reason)
    imported: ImportedSignOffs | None = None  # the sign-offs that came in a bundle, if any
    caution: str | None = None  # why the register's audit trail cannot be authenticated here
    earlier_versions: str = ""  # HeldVersions.notice: the versions before it are not held here

    @property
    def exit_status(self) -> int:
        return EXIT_FOR[self.result]


def exit_status(findings: list[Finding]) -> int:
    """The worst of the findings' exit statuses: 1 > 3 > 0."""
    return max((f.exit_status for f in findings), key=_WORST.__getitem__, default=1)


# ---- integrity ------------------------------------------------------------------------------
def version_problems(service: DecisionService, decision: Decision, code: str) -> list[str]:
    """Every way the stored version disagrees with the code it matched, or with its own audit
    log, re-derived from its content (empty when it agrees): the integrity check's own rule
    for one version (desktop/application/integrity.py)."""
    from desktop.application.integrity import decision_problems

    return decision_problems(service.repo, decision, code)


# ---- looking codes up -------------------------------------------------------------------------
def parse_code(text: str) -> str:
    """The canonical code of what a person typed; InvalidInput if it cannot be a code."""
    code = normalise_code(text)
    if code is None:
        shown = one_line(text.strip())
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        raise InvalidInput(f"{shown!r} is not a verification code (12 letters and digits, "
                           "like ABCD-EFGH-JKMN) nor a PDF, PNG or JPEG file")
    return code


def verify_code(service: DecisionService, text: str) -> list[Match]:
    """The recorded versions whose stored code is a typed code; InvalidInput if it cannot be
    a code."""
    return _matches(service, parse_code(text))


def check(service: DecisionService, target: str) -> list[Finding]:
    """The findings for a typed code or a file (PDF, PNG or JPEG)."""
    if is_file_target(target):
        return check_file(service, target)
    return check_code(service, target)


def is_file_target(target: str) -> bool:
    """True if `verify` should read `target` as a file rather than as a typed code."""
    if target.lower().endswith(_FILE_SUFFIXES):
        return True
    try:
        return Path(target).is_file()
    except (OSError, ValueError):
        return False


def check_code(service: DecisionService, text: str) -> list[Finding]:
    """The findings for a typed code."""
    code = parse_code(text)
    found = findings_for(service, code)
    if found:
        return found
    return [Finding(NO_MATCH, code, "no record has this code; check the characters")]


def findings_for(service: DecisionService, code: str, file_problems: tuple[str, ...] = ()) -> list[Finding]:
    """A finding for each recorded version with this code (none if nothing has it).

    A code no version holds any more, but which the audit log recorded when a version was
    signed off, is ALTERED: that record was changed or deleted outside the app. So is any
    code at all while the register is behind its own audit seal: rows, and perhaps the
    record, were removed, so "no match" cannot be vouched for."""
    caution = service.repo.unauthenticated()
    found = [_finding(service, m, file_problems) for m in _matches(service, code)]
    if caution:  # said on the first line: the answer rests on the file alone
        found = [replace(f, caution=caution, headline=f"{f.headline}; but this register's "
                         "audit trail cannot be authenticated on this computer") for f in found]
    if found:
        return found
    found = [Finding(ALTERED, code, f"the audit log records {code} as the code of decision "
                     f"{did} version {version} when it was signed off, but the register no "
                     "longer holds a version with that code (it was changed or deleted outside "
                     "the app)", (f"decision {did} version {version} no longer has code {code}",))
             for did, version in service.repo.audited_lock_code(code)]
    behind = service.repo.behind_seal()
    if not found and behind:
        found = [Finding(ALTERED, code, f"no record has this code, but the register's audit "
                         f"seal cannot vouch for it ({behind}), so a record may have been "
                         "changed or removed", (behind,))]
    if not found and caution:
        found = [Finding(NO_MATCH, code, "no record has this code, and this register's audit "
                         f"trail cannot be authenticated on this computer ({caution}), so the "
                         "register itself may have been changed", caution=caution)]
    return found


def _matches(service: DecisionService, code: str) -> list[Match]:
    matches = []
    for decision_id, version in service.repo.find_by_code(code):
        decision = service.get(decision_id, version)
        current = max(v for v, _ in service.repo.versions_of(decision_id))
        matches.append(Match(code, decision, current))
    return matches


def _finding(service: DecisionService, match: Match, file_problems: tuple[str, ...]) -> Finding:
    d, code = match.decision, match.code
    problems = tuple(file_problems) + tuple(version_problems(service, d, code))
    checklist = service.checklist_for(d)
    sections = tuple(
        (p.slug, f"{p.number}. {p.title}",
         given.label if (given := d.answer(p.slug).rating) else None)
        for p in checklist.principles
    )
    imported = service.lifecycle.imported_sign_offs(d)
    current = service.get(d.id, match.current_version) if match.current_version != d.version \
        else d
    amended = None
    if d.version < match.current_version:
        following = service.get(d.id, d.version + 1)
        amended = (following.version, (following.created_at or "")[:10],
                   following.amendment_reason or "")
    what = f"version {d.version} of {_quoted(d.title)}"
    if d.reference:
        what += f" (reference {one_line(d.reference)})"
    if problems:
        result, headline = ALTERED, f"{problems[0]} ({code}: {what})"
    elif current.status == Status.WITHDRAWN:
        result = WITHDRAWN
        headline = f"{code} is {what}; the decision has been withdrawn"
        if d.version != current.version:
            headline += f" (its last version is {current.version})"
    elif amended:
        result = SUPERSEDED
        headline = f"{code} is {what}; version {match.current_version} is now current"
    elif d.status == Status.SIGNED_OFF and code != code_for(d):
        result = MATCH
        headline = (f"{code} is the copy for signature of {what}, the current version, "
                    "since signed off (the signed record prints the code "
                    f"{code_for(d)})")
    else:
        result, headline = MATCH, f"{code} is {what}, the current version"
    return Finding(result, code, headline, problems, d, match.current_version, sections,
                   amended, imported,
                   earlier_versions=service.lifecycle.held_versions(d.id).notice(d.version))


# ---- files ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileCodes:
    """The codes a file prints (in page order) and those its metadata names."""

    printed: tuple[str, ...]
    metadata: tuple[str, ...] = ()
    kind: str = "PDF"  # "PDF", "scanned PDF" or "image"


def check_file(service: DecisionService, path: str | Path) -> list[Finding]:
    """The findings for a PDF, a scanned PDF or a scan (PNG, JPEG)."""
    from desktop.application.userfiles import read_bytes

    codes = codes_in_file(read_bytes(path), str(path))
    if not codes.printed:
        what = ("no verification code could be read from this image's QR code"
                if codes.kind == "image" else "this file prints no verification code")
        if codes.metadata:
            what += " (only its metadata names one, which proves nothing)"
        return [Finding(NO_MATCH, None, what)]
    file_problems: tuple[str, ...] = ()
    if codes.metadata and set(codes.metadata) != set(codes.printed):
        file_problems = (
            f"the file's metadata names another code than its pages (metadata: "
            f"{', '.join(codes.metadata)}; pages: {', '.join(codes.printed)})",)
    findings: list[Finding] = []
    for code in codes.printed:
        found = findings_for(service, code, file_problems)
        if not found:
            if file_problems:
                found = [Finding(ALTERED, code, f"{file_problems[0]}; and no record has the "
                                                f"code {code}", file_problems)]
            else:
                found = [Finding(NO_MATCH, code, f"no record has the code this copy prints "
                                                 f"({code}); the copy may have been altered, "
                                                 "or it comes from another register")]
        findings += found
    return findings


def codes_in_file(data: bytes, name: str = "the file") -> FileCodes:
    """The codes a PDF or an image prints; InvalidInput if it is neither."""
    if data.startswith(_PDF):
        return pdf_codes(data)
    if data.startswith((_PNG, _JPEG)):
        return FileCodes(tuple(_unique(qr_codes_in_image(_open_image(data, name)))), (),
                         "image")
    raise InvalidInput(f"{name}: not a PDF, PNG or JPEG file")


def codes_in_pdf(data: bytes) -> list[str]:
    """The verification codes a PDF prints, in page order, without duplicates: the footers'
    text, or for a scanned PDF the QR codes in its page images."""
    return list(pdf_codes(data).printed)


def pdf_codes(data: bytes) -> FileCodes:
    reader = _pdf_reader(data)
    if reader is None:
        return FileCodes((), _metadata_codes(data, None))
    metadata = _metadata_codes(data, reader)
    printed = _footer_codes(reader)
    if printed:
        return FileCodes(tuple(_unique(printed)), metadata)
    return FileCodes(tuple(_unique(_qr_codes_in_pages(reader))), metadata, "scanned PDF")


def _pdf_reader(data: bytes) -> PdfReader | None:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs what it repairs ("EOF marker not found") to stderr; the command's own
    # answer is all the user should see.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        len(reader.pages)
        return reader
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError):
        return None


def _metadata_codes(data: bytes, reader: PdfReader | None) -> tuple[str, ...]:
    """The codes the document's metadata names: Keywords markers (also found in the raw
    bytes, as a hand-made file would carry them) and the Subject's 'verification code'."""
    found = [m.decode("ascii") for m in _MARKED.findall(data)]
    if reader is not None:
        try:
            meta: Mapping[str, object] = reader.metadata or {}
            keywords = str(meta.get("/Keywords") or "")
            subject = str(meta.get("/Subject") or "")
        except Exception:  # noqa: BLE001 - a damaged Info dictionary names nothing
            keywords = subject = ""
        found += re.findall(re.escape(CODE_MARKER) + "(" + CODE_PATTERN.pattern + ")",
                            keywords)
        found += re.findall(r"verification code (" + CODE_PATTERN.pattern + r")\s*$", subject)
    return tuple(_unique(found))


def _footer_codes(reader: PdfReader) -> list[str]:
    """The code in each page's footer line, 'Verification code XXXX-XXXX-XXXX' drawn under
    the rule at the page's foot; a code typed into a record's text is not a footer."""
    codes: list[str] = []
    for page in _pages(reader):
        try:
            bottom = float(page.mediabox.bottom)
            found: list[str] = []

            def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                      found: list[str] = found, bottom: float = bottom) -> None:
                m = _FOOTER.match(text or "")
                if m:
                    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                    if y - bottom <= _FOOTER_TOP:
                        found.append(m.group(1))

            text = page.extract_text(visitor_text=visit) or ""
            if not found:  # another tool wrote the text differently: a line of its own
                found = [m.group(1) for line in text.splitlines()
                         if (m := _FOOTER.match(line))][-1:]
            codes += found
        except Exception:  # noqa: BLE001 - a page pypdf cannot read prints nothing we trust
            continue
    return codes


def _pages(reader: PdfReader) -> Iterator[PageObject]:
    try:
        yield from reader.pages
    except Exception:  # noqa: BLE001 - a broken page tree ends the pages
        return


def _qr_codes_in_pages(reader: PdfReader) -> list[str]:
    """The QR codes in the page images of a scanned PDF, page by page."""
    codes: list[str] = []
    for page in _pages(reader):
        try:
            images = list(page.images)
        except Exception:  # noqa: BLE001 - images pypdf cannot decode hold no code we can read
            continue
        for image in images:
            try:
                picture = image.image
            except Exception:  # noqa: BLE001
                continue
            if picture is not None:
                codes += qr_codes_in_image(picture)
    return codes


def _open_image(data: bytes, name: str) -> Image:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
        return ImageOps.exif_transpose(picture)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError) as exc:
        raise InvalidInput(f"{name}: cannot read this image ({exc})") from None


def qr_codes_in_image(picture: Image) -> list[str]:
    """The verification codes in the QR codes of a Pillow image (its other QR codes and
    barcodes are ignored)."""
    import zxingcpp

    if picture.mode not in ("L", "RGB", "RGBA"):
        picture = picture.convert("RGB")
    # zxing-cpp takes a single format as well as a set of them; its stubs want the set.
    results = zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode)  # type: ignore[arg-type]
    if not results and max(picture.size) > 2500:  # a fine scan: its QR read at a coarser size
        smaller = picture.copy()
        smaller.thumbnail((2000, 2000))
        results = zxingcpp.read_barcodes(smaller, formats=zxingcpp.BarcodeFormat.QRCode)  # type: ignore[arg-type]
    codes = []
    for result in results:
        code = normalise_code(result.text) if len(result.text) <= 20 else None
        if code is not None:
            codes.append(code)
    return codes


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ---- printing ---------------------------------------------------------------------------------
def one_line(text: str) -> str:
    """User text on one line: every kind of line break becomes a space."""
    return " ".join(text.splitlines()) if text else ""


def _quoted(text: str) -> str:
    return f"“{one_line(text)}”"


def format_finding(f: Finding) -> list[str]:
    """The lines that say what a finding is: the first starts 'MATCH:', 'SUPERSEDED:',
    'WITHDRAWN:', 'NO MATCH:' or 'ALTERED:'."""
    lines = [f"{_HEADS[f.result]}: {f.headline}"]
    if f.caution and f.decision is not None:
        lines.append(f"Caution: this register's audit trail cannot be authenticated on this "
                     f"computer ({f.caution}); this answer rests on the file alone")
    d = f.decision
    if d is None:
        if f.code and f.result == NO_MATCH and "check the characters" in f.headline:
            lines.append(f"Code: {f.code}")
        lines += [f"What disagrees: {p}" for p in f.problems[1:]]
        return lines
    lines.append(f"Status: {d.status.label}")
    if f.amended:
        version, date, reason = f.amended
        lines.append(f"Amended on {date or 'an unknown date'} (version {version}): "
                     f"{one_line(reason) or 'no reason recorded'}")
    if f.earlier_versions:
        lines.append(f.earlier_versions)
    lines += [f"What disagrees: {p}" for p in f.problems[1:]]
    from desktop.domain.decision import overall_rating

    rating = overall_rating(d)
    lines.append(f"Overall rating: {rating.label if rating else 'Not rated'}")
    lines.append("Ratings:")
    lines += [f"  {title}: {rating or 'Not rated'}" for _, title, rating in f.sections]
    if f.imported:
        lines.append(f"Sign-offs: signed elsewhere, imported on {f.imported.day} from "
                     f"{one_line(f.imported.source) or 'a bundle'}")
    if d.sign_offs:
        if not f.imported:
            lines.append("Sign-offs:")
        for s in d.sign_offs:
            minute = f", minute {one_line(s.minute_reference)}" if s.minute_reference else ""
            here = " (recorded in this register)" if f.imported and not f.imported.came_in(
                s.role) else ""
            lines.append(f"  {one_line(s.role)}: {one_line(s.name)}, {s.date}{minute}{here}")
    elif not f.imported:
        lines.append("Sign-offs: none recorded")
    lines.append(f"Decision: {d.id}")
    return lines


def format_findings(findings: list[Finding]) -> str:
    """The whole answer: one block per code, separated by a blank line."""
    return "\n\n".join("\n".join(format_finding(f)) for f in findings)


def as_json(findings: list[Finding]) -> list[dict[str, Any]]:
    """The `--json` array: one object per finding."""
    out = []
    for f in findings:
        d = f.decision
        rec: dict[str, Any] = {"result": f.result, "code": f.code, "message": f.headline,
                     "problems": list(f.problems), "authenticated": f.caution is None}
        if d is None:
            rec.update(dict.fromkeys(("decision_id", "version", "current_version", "title",
                                      "reference", "status", "overall_rating", "ratings",
                                      "sign_offs", "sign_offs_imported")))
        else:
            from desktop.domain.decision import overall_rating

            rating = overall_rating(d)
            rec.update({
                "decision_id": d.id,
                "version": d.version,
                "current_version": f.current_version,
                "title": d.title,
                "reference": d.reference,
                "status": d.status.value,
                "overall_rating": rating.value if rating else None,
                "ratings": {slug: (given.value if (given := d.answer(slug).rating)
                                   else None) for slug, _, _ in f.sections},
                "sign_offs": [{"role": s.role, "name": s.name, "date": s.date,
                               "minute_reference": s.minute_reference} for s in d.sign_offs],
                "sign_offs_imported": ({"date": f.imported.day, "file": f.imported.source}
                                       if f.imported else None),
            })
        out.append(rec)
    return out
