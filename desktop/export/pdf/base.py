"""The PDF assurance record and the committee pack (ReportLab Platypus). No Qt.

The shape follows pretix's invoice renderer: fonts registered once, a named stylesheet, a page
template whose onPage callback draws the running header, footer and status mark, a story() of
flowables, a numbered canvas that writes "Page X of Y" (and the contents page's page numbers)
once the total is known, and generate() returning bytes. The renderer takes plain records,
so it can run on any thread.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.domain.checklist import Checklist
from desktop.domain.collector_pause import collector_paused
from desktop.domain.dates import short_date
from desktop.domain.decision import Decision, Status
from desktop.domain.redline import FieldChange
from desktop.domain.timeline import CALL_IN_DAYS
from desktop.export.pdf.styles import (
    BORDER,
    REGULAR,
    SECONDARY,
    TEXT,
    TextGuard,
    colour,
    register_fonts,
    stylesheet,
)

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle, PropertySet
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import BaseDocTemplate, Flowable

    from desktop.domain.imported_sign_offs import ImportedSignOffs

CODE_MARKER = "decision-checklist-code:"  # in the PDF's Keywords, so `verify FILE.pdf` finds it
PAGE_MARGIN_MM = 20
BODY_WIDTH = (210 - 2 * PAGE_MARGIN_MM) * 72 / 25.4  # A4's text column, in points


@dataclass(frozen=True)
class Superseded:
    """An earlier version printed again: the version that replaced it and the day that one
    was started (the amendment), as an ISO date."""

    by_version: int
    on: str


@dataclass(frozen=True)
class PrintRecord:
    """Everything one record needs to print: the version, its checklist and its code."""

    decision: Decision
    checklist: Checklist
    code: str
    # An amended version prints a redline of what changed since the version before it.
    changes: tuple[FieldChange, ...] = ()
    superseded: Superseded | None = None
    # What prints instead of the redline when the version before is not held here (a
    # bundle carries the current version only): HeldVersions.notice; "" when it is held.
    earlier_versions: str = ""
    # The status mark across every page, one entry a line; () for none. Left out, it is the
    # one for the decision's status (and `superseded`): see mark_for.
    mark: tuple[str, ...] | None = None
    call_in_days: int = CALL_IN_DAYS  # the council's call-in period, for the timeline
    # The sign-offs that came in a bundle, recorded elsewhere (None: all made here, or none).
    imported: ImportedSignOffs | None = None

    def __post_init__(self) -> None:
        if self.mark is None:
            object.__setattr__(self, "mark", mark_for(self.decision, self.superseded))

    @property
    def status(self) -> str:
        """The status as the cover and the pack's contents print it."""
        label = self.decision.status.label
        if self.superseded is None:
            return label
        s = self.superseded
        return (f"Superseded by version {s.by_version} on {short_date(s.on)} "
                f"(this version was {label.lower()})")


@dataclass(frozen=True)
class Rendered:
    """A finished PDF and the warnings raised while making it (e.g. unprintable characters)."""

    pdf: bytes
    warnings: tuple[str, ...]
    pages: int
    unprintable: frozenset[str] = frozenset()  # code points shown as placeholders, "U+4E2D"


@dataclass(frozen=True)
class PageContext:
    """What the header, footer and status mark say on the pages of one section."""

    footer_left: str
    footer_keep: str = ""  # printed whole after footer_left, which is shortened to make room
    code: str = ""
    header: str = ""
    mark: tuple[str, ...] = ()  # the status mark's lines (marks.py draws them)


MARKS = {
    Status.DRAFT: ("DRAFT",),
    Status.READY: ("FOR SIGNATURE —", "NOT YET SIGNED"),
    Status.SIGNED_OFF: (),
    Status.WITHDRAWN: ("WITHDRAWN",),
}
def mark_for(decision: Decision, superseded: Superseded | None = None) -> tuple[str, ...]:
    """The printed status mark, one entry a line: DRAFT; FOR SIGNATURE — NOT YET SIGNED once
    ready; none once signed off; WITHDRAWN; and, for an earlier version printed again,
    SUPERSEDED BY VERSION N with the day it was started (a withdrawn decision's earlier
    versions too: they were superseded before it was withdrawn)."""
    if superseded is not None:
        return (f"SUPERSEDED BY VERSION {superseded.by_version}", short_date(superseded.on))
    return MARKS[decision.status]


# ---- canvas and document -----------------------------------------------------------------
def _numbered_canvas_class() -> type[Canvas]:
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        """Keeps each page until save(), then writes what needs the total: "Page X of Y" and
        the page numbers of forward references (the pack's contents page)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self._later: list[tuple[int, float, float, str]] = []  # page, x, y, anchor key
            self.anchors: dict[str, int] = {}
            self._marks: dict[int, list[tuple[str, float, float, str, int]]] = {}
            # measurements and operators of the document's repeated tables (replay.py)
            self.kept_drawings: dict[Any, Any] = {}

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # ReportLab private, not in the stubs

        def anchor(self, key: str, outline: str = "", level: int = 0,
                   at: tuple[float, float] = (0, 0)) -> None:
            """A named destination at `at` (and an outline entry), made when the page is
            written: until then ReportLab's document is still on page 1, so a bookmark made
            now would point there."""
            self.anchors[key] = self.getPageNumber()
            x, y = self.absolutePosition(*at)
            self._marks.setdefault(self.getPageNumber(), []).append((key, x, y, outline, level))

        def page_number_of(self, key: str, x: float, y: float) -> None:
            """Draw, at save time, the page number where anchor `key` ends up (right-aligned)."""
            self._later.append((self.getPageNumber(), *self.absolutePosition(x, y), key))

        def save(self) -> None:
            total = len(self._pages)
            later: dict[int, list[tuple[float, float, str]]] = {}
            for page, x, y, key in self._later:
                later.setdefault(page, []).append((x, y, key))
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_page_label(number, total)
                for x, y, key in later.get(number, ()):
                    self.setFont(REGULAR, 10)
                    self.setFillColor(colour(TEXT))
                    self.drawRightString(x, y, str(self.anchors.get(key, "")))
                for key, x, y, outline, level in self._marks.get(number, ()):
                    self.bookmarkPage(key, fit="XYZ", left=x, top=y)
                    if outline:
                        self.addOutlineEntry(outline, key, level=level, closed=level == 0)
                super().showPage()
            from desktop.export.pdf.page_tree import share_page_objects

            share_page_objects(self._doc)  # type: ignore[attr-defined]  # ReportLab private
            super().save()

        def _draw_page_label(self, number: int, total: int) -> None:
            width, _ = self._pagesize  # type: ignore[attr-defined]  # ReportLab private
            self.saveState()
            self.setFont(REGULAR, 8.5)
            self.setFillColor(colour(SECONDARY))
            self.drawCentredString(width / 2, 11 * _MM, f"Page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


_MM = 72 / 25.4


class Renderer:
    """Base renderer: page layout, footer, status mark and metadata; subclasses supply story()."""

    title = "Decision assurance record"

    def __init__(self) -> None:
        self.printable = register_fonts()
        self.styles = stylesheet()
        self.guard = TextGuard(self.printable)
        self.context = PageContext(footer_left="")
        self._joined: dict[str, ParagraphStyle] = {}
        from desktop.export.pdf.parts import ParaCache

        self.para = ParaCache()
        from desktop.export.pdf.replay import MadeTables

        self.tables = MadeTables()  # the repeated tables, made once (parts.table's `made`)
        self.section_starts = True  # no running header on the first page of a section
        # The part of a record being laid out ("8. Long term and strategic"): a page that
        # starts inside one says so at its top (set by parts.PartMark).
        self.part = ""
        self._page_part = ""  # the part the page being laid out continues, if any
        self._page_header = ""  # the running header of that page ("" on a section's first)
        self.frame_top = 0.0
        self._forms: dict[tuple[str, ...], str] = {}  # a mark's lines -> its form's name
        self._drawn: dict[tuple[Any, ...], list[str]] = {}  # see _replay
        self._page_mark: tuple[str, ...] = ()  # the mark of the page being laid out
        self.pages = 0
        # Set by a renderer that prints each checklist's guidance questions once, in an annex
        # (the pack): a record's sections then point there instead of repeating them.
        self.questions_annexed = False

    def joined(self, style: PropertySet) -> ParagraphStyle:
        """The style without space after, for a piece of a paragraph cut for speed."""
        key = f"{style.name}-joined"
        if key not in self._joined:
            from reportlab.lib.styles import ParagraphStyle

            self._joined[key] = ParagraphStyle(key, parent=style, spaceAfter=0)
        return self._joined[key]

    # Override points -----------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        raise NotImplementedError

    def metadata(self) -> dict[str, str]:
        return {"title": self.title, "author": "", "subject": "", "keywords": ""}

    # Page decoration ------------------------------------------------------------------------
    def on_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """The footer of the page that is starting, and what its header and status mark will
        be (drawn at its end)."""
        ctx = self.context
        self._page_mark = ctx.mark  # the context may change before the page ends (a pack)
        self._replay(canvas, ("footer", ctx), lambda: self._draw_footer(canvas, doc, ctx))
        first_of_section, self.section_starts = self.section_starts, False
        self._page_header = "" if first_of_section else ctx.header
        self._page_part = self.part

    def _replay(self, canvas: Canvas, key: tuple[Any, ...], draw: Callable[[], None]) -> None:
        """draw() (which saves and restores the canvas state around what it draws), or the
        operators it wrote for the same key earlier in this document: every page of a record
        has the same footer, and drawing it afresh (fitting it, encoding its text for the
        font subsets) was a twentieth of a pack's build. The operators are positioned on the
        page and name fonts and colours document-wide, so they are right on any page; the
        characters they draw were added to the font subsets when they were first drawn."""
        code: list[str] = canvas._code  # type: ignore[attr-defined]  # ReportLab private
        ops = self._drawn.get(key)
        if ops is None:
            start = len(code)
            draw()
            self._drawn[key] = code[start:]
        else:
            code.extend(ops)

    def _draw_footer(self, canvas: Canvas, doc: BaseDocTemplate, ctx: PageContext) -> None:
        width, _height = doc.pagesize
        left, right = doc.leftMargin, width - doc.rightMargin
        canvas.saveState()
        canvas.setStrokeColor(colour(BORDER))
        canvas.setLineWidth(0.5)
        canvas.line(left, 15 * _MM, right, 15 * _MM)
        canvas.setFont(REGULAR, 8.5)
        canvas.setFillColor(colour(SECONDARY))
        from reportlab.pdfbase.pdfmetrics import stringWidth

        room = 62 * _MM - stringWidth(ctx.footer_keep, REGULAR, 8.5)
        canvas.drawString(left, 11 * _MM,
                          _fit(ctx.footer_left, REGULAR, 8.5, room) + ctx.footer_keep)
        if ctx.code:
            canvas.drawRightString(right, 11 * _MM, f"Verification code {ctx.code}")
        canvas.restoreState()

    def part_starts(self, label: str, y: float) -> None:
        """A part begins at height y of the page being laid out; at the top, the page does
        not continue the one before."""
        if y >= self.frame_top - 1:
            self._page_part = ""
        self.part = label

    def on_page_end(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """The running header, naming the part the page continues ("8. Long term and
        strategic, continued"), now that the page's content is known; then the status mark,
        over everything on the page, multiplied into it: it shows on the white page and on
        shaded table cells alike, and black text stays black."""
        width, height = doc.pagesize
        if self._page_header:
            header, part = self._page_header, self._page_part
            self._replay(canvas, ("header", header, part),
                         lambda: self._draw_header(canvas, doc, header, part))
        if self._page_mark:
            canvas.doForm(self._mark_form(canvas, self._page_mark, width, height))

    def _text(self, canvas: Canvas, draw: str, x: float, y: float, text: str) -> None:
        """canvas.drawString (or another of its `draw` methods) of text at x, y, replayed
        when drawn the same way before (a header's title on each page of its record, a
        part's name in every record): what it writes depends on the font set, nothing else."""
        from desktop.export.pdf.replay import font_state

        self._replay(canvas, ("text", draw, x, y, text, *font_state(canvas)),
                     lambda: getattr(canvas, draw)(x, y, text))

    def _draw_header(self, canvas: Canvas, doc: BaseDocTemplate, header: str, part: str) -> None:
        width, height = doc.pagesize
        from reportlab.pdfbase.pdfmetrics import stringWidth

        from desktop.export.pdf.styles import BOLD

        left, right = doc.leftMargin, width - doc.rightMargin
        canvas.saveState()
        canvas.setFont(REGULAR, 8.5)
        canvas.setFillColor(colour(SECONDARY))
        room = right - left
        if part:
            part = _fit(f"{part}, continued", BOLD, 8.5, (right - left) * 0.6)
            canvas.setFont(BOLD, 8.5)
            canvas.setFillColor(colour(TEXT))
            self._text(canvas, "drawRightString", right, height - 12 * _MM, part)
            room -= stringWidth(part, BOLD, 8.5) + 6 * _MM
            canvas.setFont(REGULAR, 8.5)
            canvas.setFillColor(colour(SECONDARY))
        self._text(canvas, "drawString", left, height - 12 * _MM, _fit(header, REGULAR, 8.5, room))
        canvas.setStrokeColor(colour(BORDER))
        canvas.setLineWidth(0.5)
        canvas.line(left, height - 13.5 * _MM, right, height - 13.5 * _MM)
        canvas.restoreState()

    def _mark_form(self, canvas: Canvas, lines: tuple[str, ...], width: float, height: float) -> str:
        """The status mark drawn once per document as a form XObject that every page refers
        to (drawn on each page, it was the same operators a thousand times over in a pack),
        as filled outlines, so that it never enters the text a reader copies. The form brings
        its own resources (its blend mode), so the pages' resources stay as they were."""
        from desktop.export.pdf.marks import draw_mark, form_resources

        name = self._forms.get(lines)
        if name is None:
            self._forms[lines] = name = f"mark{len(self._forms) + 1}"
            canvas.beginForm(name, lowerx=0, lowery=0, upperx=width, uppery=height)
            draw_mark(canvas, lines, width, height)
            canvas.endForm(Resources=form_resources())
        return name

    # Build ------------------------------------------------------------------------------------
    def generate(self) -> bytes:
        """Build the whole document in one pass and return the PDF bytes."""
        from reportlab.lib.pagesizes import A4
        from reportlab.platypus import BaseDocTemplate, PageTemplate

        from desktop.export.pdf.parts import BodyFrame

        buffer = io.BytesIO()
        meta = self.metadata()
        doc = BaseDocTemplate(
            buffer, pagesize=A4, leftMargin=PAGE_MARGIN_MM * _MM, rightMargin=PAGE_MARGIN_MM * _MM,
            topMargin=18 * _MM, bottomMargin=20 * _MM, title=meta["title"],
            author=meta["author"], subject=meta["subject"],
            keywords=meta["keywords"],  # type: ignore[arg-type]  # ReportLab takes a str too; the stubs say list
            creator="Decision Checklist", lang="en-GB", pageCompression=1,
            initialFontName=REGULAR, initialFontSize=10,
        )
        frame = BodyFrame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.frame_top = doc.bottomMargin + doc.height
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self.on_page,
                                                  onPageEnd=self.on_page_end)])
        from reportlab import rl_config

        # Compressed streams stored as binary, not re-encoded as ASCII85 text: 15% smaller
        # files and less work. Set for this build only (rl_config is process-wide).
        a85, rl_config.useA85 = rl_config.useA85, 0
        try:
            self._forms.clear()
            self._drawn.clear()
            # the build makes a few hundred thousand objects that all live until the end:
            # every collection in between scanned them for nothing (15% of a pack's time)
            with collector_paused():
                doc.build(self.story(), canvasmaker=_numbered_canvas_class())
        finally:
            rl_config.useA85 = a85
        self.pages = doc.page
        return buffer.getvalue()

    def render(self) -> Rendered:
        pdf = self.generate()
        missing = frozenset().union(*self.guard.missing.values())
        return Rendered(pdf, tuple(self.guard.warnings()), self.pages, missing)


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten text with an ellipsis so that it fits the width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[: max(1, int(len(text) * 0.9))] if len(text) > 60 else text[:-1]
    return text + "…"
