"""Fonts, colours, the named stylesheet and safe text for the PDF renderer. No Qt.

Fonts are registered with ReportLab once per process (its font registry is process-wide);
each document then embeds one subset of each face it uses.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from desktop import paths

if TYPE_CHECKING:
    from reportlab.lib.colors import Color
    from reportlab.lib.styles import StyleSheet1

    from desktop.domain.decision import Decision, Rating

def escape_markup(text: str) -> str:
    """&, < and > as entities, as xml.sax.saxutils.escape gives them: that module imports
    urllib.request (http.client, email: ~20 ms of a pack's start) for functions not used here."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


REGULAR, BOLD, OBLIQUE = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
FAMILY = "DejaVuSans"

# GOV.UK palette (UI.md): every colour meets contrast rules on white.
TEXT = "#0b0c0c"
SECONDARY = "#505a5f"
BORDER = "#b1b4b6"
LIGHT_FILL = "#f3f2f1"
LINK = "#1d70b8"
RATING_COLOURS = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c",
                  "not-applicable": "#505a5f"}
# Amber text on white is too faint for small type; print amber symbols a shade darker.
RATING_TEXT_COLOURS = {**RATING_COLOURS, "amber": "#b4570f"}

@lru_cache(maxsize=64)
def colour(value: str) -> Color:
    """A '#rrggbb' constant as a ReportLab Color (a string is parsed again at every use)."""
    from reportlab.lib.colors import HexColor

    return HexColor(value)


_lock = threading.Lock()
_printable: frozenset[int] | None = None


def register_fonts() -> frozenset[int]:
    """Register DejaVu Sans with ReportLab (once per process); return the printable code points."""
    global _printable
    with _lock:
        if _printable is None:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            faces = []
            for name in (REGULAR, BOLD, OBLIQUE):
                font = TTFont(name, str(paths.resource("fonts", f"{name}.ttf")))
                pdfmetrics.registerFont(font)
                faces.append(font)
            pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=OBLIQUE,
                                          boldItalic=BOLD)
            addMapping(FAMILY, 0, 0, REGULAR)
            # User text prints in the regular and bold faces; a character must be in both.
            regular, bold = (set(f.face.charToGlyph) for f in faces[:2])
            _printable = frozenset(regular & bold)
        return _printable


def unprintable(text: str, printable: frozenset[int] | None = None) -> set[str]:
    """The characters of `text` that no shipped font can draw (the PDF prints them as [U+XXXX]
    placeholders): the one check behind the PDF's warnings and the editor's hint."""
    if text.isascii() and text.isprintable():
        return set()  # plain ASCII text: nothing to look up (and no fonts to load)
    ok = register_fonts() if printable is None else printable
    return {c for c in set(text) if ord(c) not in ok and c not in "\n\t"}


# ---- safe text ---------------------------------------------------------------------------
_NEWLINES = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")


_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
@lru_cache(maxsize=1)
def _reshaper() -> Any:  # arabic_reshaper ships no types
    from arabic_reshaper import ArabicReshaper

    return ArabicReshaper(configuration={"support_ligatures": False, "delete_harakat": False})


def _shaped(text: str, printable: frozenset[int] | None) -> str:
    """Arabic-script letters in their joined forms (initial, medial, final), which the font
    holds as presentation forms: ReportLab draws each code point as it is, so without this
    every letter printed in its isolated form. Ligatures stay off: DejaVu Sans lacks most."""
    if not _ARABIC.search(text):
        return text
    reshape: Callable[[str], str] = _reshaper().reshape
    if printable is None:
        return reshape(text)
    # A joined form the font lacks would print as a placeholder: keep that word unjoined.
    words = []
    for word in text.split(" "):
        joined = reshape(word)
        words.append(joined if all(ord(c) in printable for c in joined) else word)
    return " ".join(words)


def _display_lines(line: str, fits: Callable[[str], bool]) -> list[str]:
    """A logical line (already shaped) cut into the lines it will print on, in reading order:
    words are added while `fits` says the line still fits."""
    out: list[str] = []
    current: list[str] = []
    for word in line.split(" "):
        if current and not fits(" ".join([*current, word])):
            out.append(" ".join(current))
            current = []
        current.append(word)
    out.append(" ".join(current))
    return out


def visual_order(text: str, printable: frozenset[int] | None = None,
                 fits: Callable[[str], bool] | None = None) -> str:
    """Right-to-left runs (Hebrew, Arabic) shaped and reordered for display, line by line.

    ReportLab lays text out left to right (its own bidi support needs rlbidi, which is not
    published where this project installs from), and the document's base direction is left
    to right (en-GB). With `fits`, a right-to-left line longer than the column is cut into
    printed lines first, so that it reads from the top line down; lines stay left-aligned.
    """
    if not _RTL.search(text):
        return text
    from bidi import get_display

    out = []
    for line in text.split("\n"):
        if not _RTL.search(line):
            out.append(line)
            continue
        shaped = _shaped(line, printable)
        # Reordered line by line once it is cut into the lines it prints on, so that a
        # right-to-left paragraph longer than a line reads from its first line down. Without
        # `fits` (narrow table cells) the whole line is reordered and ReportLab wraps it.
        parts = _display_lines(shaped, fits) if fits is not None and not fits(shaped) else [shaped]
        out.extend(get_display(part, base_dir="L") for part in parts)
    return "\n".join(out)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def warning_scope(decision: Decision) -> str:
    """How warnings name a record ("EX/2026/014 version 2: "), printable on any terminal:
    a control character typed into a reference must not reach the user's console as one."""
    name = decision.reference or decision.title[:40]
    name = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name)
    return f"{name} version {decision.version}: "


@dataclass
class TextGuard:
    """Turns user text into safe Paragraph markup and collects a warning per unprintable character."""

    printable: frozenset[int]
    missing: dict[str, set[str]] = field(default_factory=dict)  # where -> code points
    scope: str = ""  # which record is being built, e.g. "EX/2026/014 version 2: "

    def _note(self, where: str, char: str) -> None:
        self.missing.setdefault(f"{self.scope}{where}", set()).add(f"U+{ord(char):04X}")

    def _bad(self, text: str) -> set[str]:
        return unprintable(text, self.printable)

    def markup(self, text: str | None, where: str,
               fits: Callable[[str], bool] | None = None) -> str:
        """Escaped markup of one block of user text: line breaks kept, unprintables marked.

        fits(text) -> bool, if given, says whether text fits on one printed line: right-to-left
        text is then cut into lines before it is reordered."""
        text = visual_order(_NEWLINES.sub("\n", text or "").replace("\t", "    "),
                            self.printable, fits)
        bad = self._bad(text)
        out = escape_markup(text)
        if bad:
            for c in bad:
                self._note(where, c)
            out = "".join(placeholder(c) if c in bad else c for c in out)
        return out.replace("\n", "<br/>")

    def blocks(self, text: str | None, where: str,
               fits: Callable[[str], bool] | None = None) -> list[str]:
        """The markup of each paragraph of user text (split at blank lines), whole: a long one
        is cut for speed later, at its printed lines (parts.line_pieces), so that the
        pieces read as one paragraph with only the author's line breaks."""
        text = _NEWLINES.sub("\n", text or "").strip("\n")
        # Python counts U+001C-U+001F as white space; they still print, as placeholders.
        if not text.strip() and not self._bad(text):
            return []
        return [self.markup(part, where, fits) for part in _BLANK_LINES.split(text)]

    def plain(self, text: str | None, where: str) -> str:
        """Text for drawing straight on the canvas (headers, footers): unprintables as [U+XXXX]."""
        text = visual_order(" ".join((text or "").split()), self.printable)
        bad = self._bad(text)
        for c in bad:
            self._note(where, c)
        return "".join(f"[U+{ord(c):04X}]" if c in bad else c for c in text)

    def warnings(self) -> list[str]:
        """One line per place where a character could not be printed."""
        return [
            f"{where}: {len(codes)} character(s) no shipped font can draw, printed as "
            f"[U+XXXX] placeholders ({', '.join(sorted(codes)[:8])}"
            f"{', ...' if len(codes) > 8 else ''})"
            for where, codes in self.missing.items()
        ]


def placeholder(char: str) -> str:
    """Visible stand-in for a character the font cannot draw: its code point, in another style."""
    return f'<font name="{OBLIQUE}" color="{RATING_COLOURS["red"]}">[U+{ord(char):04X}]</font>'


# ---- stylesheet --------------------------------------------------------------------------
def stylesheet() -> StyleSheet1:
    """The named paragraph styles used by the record and the pack."""
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle, StyleSheet1

    register_fonts()
    sheet = StyleSheet1()
    # Colour objects, not "#rrggbb" strings: ReportLab parses a string colour again every
    # time a line of text is drawn, which took a quarter of a record's rendering time.
    base = ParagraphStyle("Body", fontName=REGULAR, bulletFontName=REGULAR, fontSize=10.5,
                          leading=14.5, textColor=colour(TEXT),
                          alignment=TA_LEFT, spaceAfter=6, splitLongWords=True,
                          allowWidows=0, allowOrphans=0)
    sheet.add(base)
    add = sheet.add
    add(ParagraphStyle("Kicker", parent=base, fontSize=9.5, leading=12, textColor=colour(SECONDARY),
                       spaceAfter=4))
    add(ParagraphStyle("Title", parent=base, fontName=BOLD, fontSize=20, leading=25,
                       spaceAfter=10))
    add(ParagraphStyle("H1", parent=base, fontName=BOLD, fontSize=16, leading=20, spaceBefore=4,
                       spaceAfter=8, keepWithNext=1))
    # A heading that keep() holds with its content's start: keepWithNext would move it, and a
    # whole long table after it, to the next page, away from its anchor.
    add(ParagraphStyle("H1Kept", parent=sheet["H1"], keepWithNext=0))
    # H2/H3 are kept with what follows by heading() (a conditional page break), not by
    # keepWithNext, which would push a whole table to the next page with its heading.
    add(ParagraphStyle("H2", parent=base, fontName=BOLD, fontSize=12.5, leading=16,
                       spaceBefore=12, spaceAfter=5))
    add(ParagraphStyle("H3", parent=base, fontName=BOLD, fontSize=10.5, leading=14,
                       spaceBefore=8, spaceAfter=3))
    add(ParagraphStyle("Quote", parent=base, fontSize=11.5, leading=16, leftIndent=10,
                       # ReportLab takes a (top, right, bottom, left) padding; the stubs say float.
                       borderPadding=(2, 0, 2, 8),  # type: ignore[arg-type]
                       spaceBefore=2, spaceAfter=10))
    add(ParagraphStyle("Small", parent=base, fontSize=9, leading=12, spaceAfter=3))
    add(ParagraphStyle("Secondary", parent=base, fontSize=9, leading=12, textColor=colour(SECONDARY),
                       spaceAfter=3))
    add(ParagraphStyle("Question", parent=base, fontSize=9.5, leading=12.5, leftIndent=12,
                       bulletIndent=2, spaceAfter=2, textColor=colour(TEXT)))
    add(ParagraphStyle("Cell", parent=base, fontSize=9.5, leading=12.5, spaceAfter=0))
    add(ParagraphStyle("CellBold", parent=base, fontName=BOLD, fontSize=9.5, leading=12.5,
                       spaceAfter=0))
    add(ParagraphStyle("CellHead", parent=base, fontName=BOLD, fontSize=9, leading=11.5,
                       spaceAfter=0, textColor=colour(TEXT)))
    add(ParagraphStyle("CellCentre", parent=base, fontName=BOLD, fontSize=11, leading=13,
                       alignment=TA_CENTER, spaceAfter=0))
    add(ParagraphStyle("Rating", parent=base, fontName=BOLD, fontSize=13, leading=17,
                       spaceAfter=0))
    add(ParagraphStyle("Code", parent=base, fontName=BOLD, fontSize=12, leading=16, spaceAfter=2))
    add(ParagraphStyle("Notice", parent=base, fontSize=9.5, leading=13, spaceAfter=0))
    add(ParagraphStyle("PackTitle", parent=base, fontName=BOLD, fontSize=24, leading=30,
                       spaceAfter=12))
    return sheet


def rating_markup(rating: Rating | None, *, word: bool = True) -> str:
    """Symbol and word for a rating (never colour alone); 'Not rated' when there is none."""
    if rating is None:
        return f'<font color="{SECONDARY}">Not rated</font>'
    colour = RATING_TEXT_COLOURS[rating.value]
    symbol = f'<font name="{BOLD}" color="{colour}">{rating.symbol}</font>'
    return f"{symbol}&nbsp;&nbsp;{rating.label}" if word else symbol
