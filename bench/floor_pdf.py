"""PDF floor: plain ReportLab building the same content as one assurance record.

The same text, the same DejaVu fonts (embedded), the same sections in the same order (cover
with details table and QR code, proposal, reasons, options table, a summary table on its own
page, then the principles flowing on, each opening with a rule and kept together with its
questions and rating box, then response, evidence and actions, open actions, and the sign-off
blocks kept on one page), a footer and the record's status mark (DRAFT, FOR SIGNATURE — NOT
YET SIGNED, ...) on every page, in the same size and place: what a competent script would write
with Paragraphs and Tables, without the app's glyph checks, outline, anchors or "Page X of Y",
and with the mark as plain text (which leaks into the copied text; the app draws outlines).
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from desktop import paths

REGULAR, BOLD, ITALIC = "FloorSans", "FloorSans-Bold", "FloorSans-Oblique"
GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1"))])


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """Fonts registered once per process, as any script would."""
    for name, file in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"),
                       (ITALIC, "DejaVuSans-Oblique.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(paths.resource("fonts", file))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD)
    body = ParagraphStyle("Body", fontName=REGULAR, fontSize=10.5, leading=14.5, spaceAfter=6)
    return {
        "Body": body,
        "Title": ParagraphStyle("Title", parent=body, fontName=BOLD, fontSize=20, leading=25),
        "H1": ParagraphStyle("H1", parent=body, fontName=BOLD, fontSize=16, leading=20),
        "H2": ParagraphStyle("H2", parent=body, fontName=BOLD, fontSize=13, leading=17),
        "Quote": ParagraphStyle("Quote", parent=body, fontName=ITALIC, leftIndent=10),
        "Cell": ParagraphStyle("Cell", parent=body, fontSize=9.5, leading=12.5, spaceAfter=0),
        "CellBold": ParagraphStyle("CellBold", parent=body, fontName=BOLD, fontSize=9.5,
                                   leading=12.5, spaceAfter=0),
    }


def _p(text: str | None, style: str = "Body") -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), styles()[style])


def _paras(text: str | None) -> list[Paragraph]:
    blocks = [b for b in (text or "").split("\n\n") if b.strip()]
    return [_p(b) for b in blocks] or [_p("Not recorded.")]


def _grid(rows: list[list], widths: list[float]) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(GRID)
    return t


def _qr(text: str, size: float) -> Drawing:
    widget = QrCodeWidget(text)
    x0, y0, x1, y1 = widget.getBounds()
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(widget)
    return d


def story(decision, checklist, code: str) -> list:
    d = decision
    out: list = [_p("Decision assurance record", "H2"), _p(d.title, "Title")]
    details = [[_p(k, "CellBold"), _p(v, "Cell")] for k, v in (
        ("Reference", d.reference), ("Organisation", d.organisation),
        ("Decision maker", d.decision_maker), ("Meeting date", d.meeting_date),
        ("Key decision", "Yes" if d.key_decision else "No"), ("Proposer", d.proposer),
        ("Recommended model", d.delivery_model), ("Review date", d.review_date),
        ("Version", str(d.version)), ("Status", d.status.label), ("Verification code", code))]
    out.append(Table([[Table(details, colWidths=[38 * mm, 72 * mm]), _qr(code, 34 * mm)]],
                     colWidths=[114 * mm, 56 * mm]))
    for heading, text in (("Proposal", d.proposal), ("Reasons for the recommendation", d.reasons)):
        out += [CondPageBreak(28 * mm), _p(heading, "H2"), *_paras(text)]
    rows = [[_p(h, "CellBold") for h in ("Option", "Model", "Outcome", "Reason")]]
    rows += [[_p(o.name, "Cell"), _p(o.delivery_model or "–", "Cell"),
              _p(o.status.capitalize(), "Cell"), _p(o.reason, "Cell")] for o in d.options]
    out += [_p("Options considered", "H2"), _grid(rows, [46 * mm, 28 * mm, 28 * mm, 68 * mm])]
    out += [_p("Conflicts of interest and dispensations", "H2"),
            *_paras(d.conflicts_of_interest or "None declared.")]
    out += [PageBreak(), _p("Summary of the ten principles", "H1")]
    rows = [[_p(h, "CellBold") for h in ("", "Principle", "Rating", "Open actions")]]
    for p in checklist.principles:
        a = d.answer(p.slug)
        rows.append([_p(str(p.number), "CellBold"), [_p(p.title, "CellBold"), _p(p.wording, "Cell")],
                     _p(a.rating.label if a.rating else "Not rated", "Cell"),
                     _p(str(sum(1 for x in a.actions if not x.done)), "Cell")])
    out.append(_grid(rows, [8 * mm, 100 * mm, 32 * mm, 30 * mm]))
    out.append(PageBreak())
    for i, p in enumerate(checklist.principles):
        a = d.answer(p.slug)
        head = [HRFlowable(width="100%", thickness=0.8, spaceBefore=7 * mm, spaceAfter=3 * mm,
                           color=colors.HexColor("#b1b4b6"))] if i else []
        head += [_p(f"Principle {p.number} of 10", "H2"), _p(p.title, "H1"),
                 _p(f"“{p.wording}”", "Quote"), _p("Guidance questions", "H2")]
        head += [Paragraph(escape(q), styles()["Body"], bulletText="•") for q in p.questions]
        box = Table([[_p("Rating", "CellBold")], [_p(a.rating.label if a.rating else "Not rated")]],
                    colWidths=[120 * mm], hAlign="LEFT")
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black)]))
        out += [KeepTogether([*head, box]), CondPageBreak(28 * mm),
                _p("How the proposal meets this principle", "H2"), *_paras(a.response),
                CondPageBreak(28 * mm), _p("Evidence", "H2"), *_paras(a.evidence),
                CondPageBreak(28 * mm), _p("Actions", "H2")]
        if a.actions:
            rows = [[_p(h, "CellBold") for h in ("Action", "Owner", "Due", "State")]]
            rows += [[_p(x.action, "Cell"), _p(x.owner, "Cell"), _p(x.due, "Cell"),
                      _p("Done" if x.done else "Open", "Cell")] for x in a.actions]
            out.append(_grid(rows, [88 * mm, 40 * mm, 26 * mm, 16 * mm]))
        else:
            out.append(_p("No actions recorded."))
    out += [CondPageBreak(60 * mm), _p("Open actions", "H1")]
    rows = [[_p(h, "CellBold") for h in ("Principle", "Action", "Owner", "Due")]]
    for p in checklist.principles:
        rows += [[_p(p.title, "Cell"), _p(x.action, "Cell"), _p(x.owner, "Cell"), _p(x.due, "Cell")]
                 for x in d.answer(p.slug).actions if not x.done]
    out.append(_grid(rows, [36 * mm, 78 * mm, 32 * mm, 24 * mm]))
    sign_off = [_p("Sign-off", "H1")]
    for role in checklist.sign_off_roles:
        block = Table([[_p(role.name, "CellBold"), "", ""], ["", "", ""],
                       [f"Signed on behalf of the {role.name}", "", "Date"], ["", "", ""],
                       ["Printed name", "", "Post held"]],
                      colWidths=[108 * mm, 8 * mm, 54 * mm],
                      rowHeights=[None, 18 * mm, None, 10 * mm, None])
        block.setStyle(TableStyle([("LINEBELOW", (0, 1), (0, 1), 0.8, colors.black),
                                   ("LINEBELOW", (2, 1), (2, 1), 0.8, colors.black),
                                   ("LINEBELOW", (0, 3), (0, 3), 0.8, colors.black),
                                   ("LINEBELOW", (2, 3), (2, 3), 0.8, colors.black)]))
        sign_off.append(KeepTogether([block, Spacer(0, 7 * mm)]))
    return [*out, KeepTogether(sign_off)]


def build(decision, checklist, code: str, mark: tuple[str, ...] = ("DRAFT",)) -> bytes:
    """The PDF bytes of one record, built with plain ReportLab; mark: the lines of its status
    mark (the app's, so that both draw the same)."""
    footer = f"{decision.reference} · Version {decision.version}"
    styles()
    # The app's size: the rotated block fits 25 mm inside the page, 110 pt at most.
    a = math.radians(50)
    widest = max((pdfmetrics.stringWidth(line, BOLD, 1) for line in mark), default=0)
    tall = (len(mark) - 1) * 1.2 + 0.73
    size = min(110, (A4[0] - 50 * mm) / (widest * math.cos(a) + tall * math.sin(a)),
               (A4[1] - 50 * mm) / (widest * math.sin(a) + tall * math.cos(a))) if mark else 0

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#d8d8d8"))
        canvas.setFont(BOLD, size or 1)
        canvas.translate(A4[0] / 2, A4[1] / 2)
        canvas.rotate(50)
        top = (len(mark) - 1) * 1.2 * size / 2 - 0.73 * size / 2
        for i, line in enumerate(mark):
            canvas.drawCentredString(0, top - i * 1.2 * size, line)
        canvas.restoreState()
        canvas.setFont(REGULAR, 8.5)
        canvas.drawString(20 * mm, 11 * mm, f"{footer} · Page {doc.page}")
        canvas.drawRightString(A4[0] - 20 * mm, 11 * mm, f"Verification code {code}")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=20 * mm, title=decision.title,
                            pageCompression=1)
    doc.build(story(decision, checklist, code), onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
