"""The story of one PDF assurance record: cover, proposal, summary, principles, actions, sign-off."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph

from desktop.domain.appraisal_text import disagreement_messages
from desktop.domain.checklist import number_words
from desktop.domain.dates import long_date
from desktop.domain.decision import (
    DELIVERY_MODEL_LABELS,
    Decision,
    Document,
    Rating,
    answer_state,
    background_papers,
    completed_slugs,
    completeness,
    open_actions,
    settled_rating,
)
from desktop.domain.fields import EXEMPT_PARAGRAPH_LABELS, IMPLICATIONS
from desktop.domain.timeline import URGENCY_LABELS, decision_timeline
from desktop.domain.visible import visible_controls
from desktop.export.pdf.appraisal import AppraisalSection
from desktop.export.pdf.base import (
    BODY_WIDTH,
    CODE_MARKER,
    PageContext,
    PrintRecord,
    Renderer,
)
from desktop.export.pdf.parts import (
    Anchor,
    KeepWithStart,
    PartMark,
    Pieces,
    SectionRule,
    SetContext,
    Spacer,
    grid_table,
    line_pieces,
    qr_drawing,
    table,
)
from desktop.export.pdf.styles import (
    BORDER,
    LIGHT_FILL,
    SECONDARY,
    TEXT,
    rating_markup,
    warning_scope,
)

if TYPE_CHECKING:
    from reportlab.lib.styles import PropertySet
    from reportlab.platypus import Flowable

    from desktop.domain.checklist import Principle
    from desktop.domain.decision import SignOff
    from desktop.export.pdf.parts import Row

# The redline shows unchanged text around each change, and at most REDLINE_MAX characters of
# any one removal or addition: the full new text is printed in its own section anyway.
REDLINE_CONTEXT = 200
REDLINE_MAX = 1500

# A body paragraph longer than this is cut into pieces of BODY_LINES printed lines; a cell's
# text longer than CELL_PIECE_CHARS is cut into table rows (parts.CELL_LINES lines).
BODY_PIECE_CHARS = 2400
# A record in a pack: where its sections' guidance questions are (printed once per pack).
ANNEX_POINTER = ("The guidance questions of each of these {noun} are printed once, in the "
                 "annex at the end of this pack.")
# The sign-off block: clear room to sign above the signature line, and to write a name,
# a post or a date above the other lines.
SIGN_SPACE = 18 * mm
WRITE_SPACE = 10 * mm
BODY_LINES = 24
CELL_PIECE_CHARS = 240

_UPHOLDS = {"principle": "upholds the principle", "duty": "meets the duty",
            "section": "upholds the principle or meets the duty"}


def rating_key(kind: str) -> str:
    """What each rating means, for sections of this kind (Checklist.kind)."""
    return (f"✓ Green: the proposal clearly {_UPHOLDS[kind]}. "
            "! Amber: partly; gaps are being addressed. "
            "✕ Red: it does not; a serious concern. "
            "– Not applicable: the response says why.")


def overall_markup(decision: Decision, *, counted: bool = True) -> str:
    """A record's overall rating as printed: symbol and word once every principle is
    complete; until then "Not yet rated", with how many are done when `counted` (the window's
    register says the same)."""
    rating = settled_rating(decision)
    if rating is not None:
        return rating_markup(rating)
    done = (f" ({completeness(decision)} of {len(decision.sections)} sections completed)"
            if counted else "")
    return f'<font color="{SECONDARY}">Not yet rated{done}</font>'


def record_context(r: Renderer, rec: PrintRecord) -> PageContext:
    d = rec.decision
    r.guard.scope = warning_scope(d)
    reference = r.guard.plain(visible_controls(d.reference), "reference") or "No reference"
    return PageContext(
        footer_left=reference,
        footer_keep=f" · Version {d.version}",
        code=rec.code,
        header=r.guard.plain(visible_controls(d.title), "title"),
        mark=rec.mark or (),
    )


def keep(head: Sequence[Flowable], content: Sequence[Flowable]) -> list[Flowable]:
    """Headings followed by their content, the headings kept with the content's start."""
    return [KeepWithStart(head, content[0] if content else None), *head, *content]


def _fits_body(style: PropertySet) -> Callable[[str], bool]:
    """Whether text fits on one line of the page's text column in this style (a little room
    kept for ReportLab's own measure)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = BODY_WIDTH * 0.97
    return lambda text: stringWidth(text, style.fontName, style.fontSize) <= width


class RecordStory:
    """Builds the flowables of one record for a renderer (alone or inside a pack)."""

    def __init__(self, renderer: Renderer, rec: PrintRecord, key: str = "record") -> None:
        self.r, self.rec, self.d, self.key = renderer, rec, rec.decision, key
        self.s = renderer.styles
        self.P = renderer.para

    @property
    def complete_label(self) -> str:
        """"Principles complete" (or "Sections complete", "Duties complete")."""
        return f"{self.rec.checklist.noun.capitalize()} complete"

    # text helpers -------------------------------------------------------------------------
    def paragraphs(self, value: str | None, where: str, style: str) -> list[Paragraph]:
        """User text as paragraphs. A long one is cut into pieces at its printed lines (for
        speed); its pieces join without a gap, so it reads as the author typed it."""
        base = self.s[style]
        fits = _fits_body(base) if style == "Body" else None
        out: list[Paragraph] = []
        for markup in self.r.guard.blocks(value, where, fits):
            para = self.P(markup, base)
            if style == "Body" and len(markup) > BODY_PIECE_CHARS:
                out += line_pieces(para, BODY_WIDTH, BODY_LINES, self.r.joined(base))
            else:
                out.append(para)
        return out

    def text(self, value: str | None, where: str, style: str = "Body") -> list[Paragraph]:
        return self.paragraphs(value, where, style) or [
            self.P("Not recorded.", self.s["Secondary"])]

    def cell(self, value: str | None, where: str, style: str = "Cell") -> Pieces | Paragraph:
        # Long cell text goes to grid_table as Pieces, which it cuts at their printed lines
        # into table rows, so that a table splits between rows.
        paras = self.paragraphs(value, where, style)
        if not paras:
            return self.P("", self.s[style])
        short = len(paras) == 1 and len(value or "") <= CELL_PIECE_CHARS
        return paras[0] if short else Pieces(paras)

    def section(self, text: str, content: Sequence[Flowable], style: str = "H2") -> list[Flowable]:
        """A heading and its content; the heading never ends a page."""
        return keep([self.P(text, self.s[style])], content)

    def part_section(self, text: str, content: Sequence[Flowable]) -> list[Flowable]:
        """A section of the cover: a page that starts inside it names it at its top."""
        return keep([PartMark(self.r, text), self.P(text, self.s["H2"])], content)

    def line(self, value: str | None, where: str) -> str:
        return self.r.guard.markup(value, where)

    def redline(self) -> list[Flowable]:
        """Each changed field: removed words struck through, added words underlined."""
        s = self.s
        out: list[Flowable] = [self.P("Removed words are struck through; added words are underlined.",
                            s["Secondary"])]
        for change in self.rec.changes:
            where = f"changes.{change.field}"
            parts = []
            previous = ""
            for kind, text in change.segments():
                if previous == "delete" and kind == "insert":
                    parts.append(" ")  # "Amber Green", not "AmberGreen"
                previous = kind
                if kind == "equal" and len(text) > 2 * REDLINE_CONTEXT:
                    text = f"{text[:REDLINE_CONTEXT]} … {text[-REDLINE_CONTEXT:]}"
                elif kind != "equal" and len(text) > REDLINE_MAX:
                    text = f"{text[:REDLINE_MAX]} … ({len(text) - REDLINE_MAX:,} more characters)"
                markup = self.line(text, where)
                parts.append({"equal": markup, "delete": f"<strike>{markup}</strike>",
                              "insert": f"<u>{markup}</u>"}[kind])
            if not change.old:
                parts.insert(0, "<i>Added:</i> ")
            elif not change.new:
                parts.insert(0, "<i>Removed:</i> ")
            out += keep([self.P(self.line(change.label, where), s["CellBold"])],
                        [self.P("".join(parts) or "&nbsp;", s["Body"])])
        return out

    # sections -------------------------------------------------------------------------------
    def flowables(self) -> list[Flowable]:
        """Everything, starting on a new page with this record's footer and status mark.

        The cover and the summary of the ten ratings each have their own page; the principles,
        the open actions and the sign-off then flow on, each principle opening with a rule and
        a heading kept with its content, like the sections of a committee paper."""
        out: list[Flowable] = [SetContext(self.r, record_context(self.r, self.rec)), PageBreak()]
        out += self.cover()
        out += [PageBreak(), *self.summary(), PageBreak()]
        for i, principle in enumerate(self.rec.checklist.principles):
            out += self.principle(principle, rule=i > 0)
        out += self.actions() + self.background_papers() + self.sign_off()
        if self.d.appraisal is not None and self.d.appraisal.scores:
            out += [PageBreak(), *AppraisalSection(self, self.d.appraisal).annex()]
        return out

    def cover(self) -> list[Flowable]:
        d, s = self.d, self.s
        org = self.line(d.organisation, "organisation") if len(d.organisation) <= 120 else ""
        kicker = "Decision assurance record" + (f" · {org}" if org else "")
        title = visible_controls(d.title)  # a bidi override shown, never obeyed
        out: list[Flowable] = [
            Anchor(self.key, self.r.guard.plain(title, "title"), level=0),
            self.P(kicker, s["Kicker"]),
            self.P(self.line(title, "title"), s["Title"]),
        ]
        out += self.notices()
        fixed = {
            "Meeting date": long_date(d.meeting_date),
            "Key decision": "Yes" if d.key_decision else "No",
            "Recommended model": DELIVERY_MODEL_LABELS.get(d.delivery_model or "", ""),
            "Review date": long_date(d.review_date),
            "Version": str(d.version),
            "Status": self.rec.status,
            "Overall rating": overall_markup(d),
            self.complete_label: f"{completeness(d)} of {len(self.rec.checklist.principles)}",
        }
        typed = {"Reference": "reference", "Organisation": "organisation",
                 "Decision maker": "decision_maker", "Proposer": "proposer",
                 "Report of": "report_of", "Contact officer": "contact_officer",
                 "Wards affected": "wards_affected"}
        order = ("Reference", "Organisation", "Decision maker", "Meeting date", "Key decision",
                 "Proposer", "Report of", "Contact officer", "Wards affected",
                 "Recommended model", "Review date", "Version", "Status",
                 "Overall rating", self.complete_label)
        not_recorded = self.P(f'<font color="{SECONDARY}">Not recorded</font>', s["Cell"])
        rows = []
        for label in order:
            if label in typed:
                value = visible_controls(getattr(d, typed[label])) or ""
                cell = self.cell(value, typed[label]) if value.strip() else not_recorded
            else:
                cell = self.P(fixed[label], s["Cell"]) if fixed[label] else not_recorded
            rows.append([self.P(label, s["CellHead"]), cell])
        # Typed details of ordinary length sit beside the verification box; very long ones
        # get the full width so that they can flow across pages.
        long_details = any(len(getattr(d, f)) > 300 for f in typed.values())
        details = grid_table(rows, [38 * mm, 132 * mm if long_details else 72 * mm],
                             header=False, padding=(0, 4))
        code = self.rec.code
        verify = table(
            [[qr_drawing(code, 34 * mm)],
             [self.P("Verification code", s["CellHead"])],
             [self.P(code, s["Code"])],
             [self.P("Check this copy against the register: "
                        f"<b>decision-checklist verify {code}</b>", s["Secondary"])]],
            colWidths=[54 * mm], hAlign="RIGHT",
            style=[("BOX", (0, 0), (-1, -1), 0.8, BORDER),
                   ("BACKGROUND", (0, 1), (-1, -1), LIGHT_FILL),
                   ("ALIGN", (0, 0), (0, 0), "CENTER"),
                   ("LEFTPADDING", (0, 0), (-1, -1), 6),
                   ("RIGHTPADDING", (0, 0), (-1, -1), 6)],
        )
        if long_details:
            out += [verify, Spacer(0, 4 * mm), details]  # the code stays on the cover
        else:
            out.append(table([[details, verify]], colWidths=[114 * mm, 56 * mm],
                             style=[("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        if d.version > 1 and d.amendment_reason.strip():
            out += self.part_section("Reason for this amendment",
                                self.text(d.amendment_reason, "amendment_reason"))
        if self.rec.changes:
            out += self.part_section(f"Changes since version {d.version - 1}", self.redline())
        elif self.rec.earlier_versions:
            out += self.part_section("Earlier versions",
                                     self.text(self.rec.earlier_versions, "earlier_versions"))
        out += self.part_section("Proposal", self.text(d.proposal, "proposal"))
        if d.recommendations:
            out += self.part_section("Recommendations", self.recommendations())
        out += self.part_section("Reasons for the recommendation", self.text(d.reasons, "reasons"))
        out += self.part_section("Options considered", self.options())
        if any(getattr(d, f"{kind}_implications").strip() or getattr(d, f"{kind}_officer").strip()
               for kind, _post in IMPLICATIONS):
            out += self.part_section("Implications", self.implications())
        if d.appraisal is not None:
            out += self.part_section("Options appraisal",
                                     AppraisalSection(self, d.appraisal).flowables())
        conflicts = (self.text(d.conflicts_of_interest, "conflicts_of_interest")
                     if d.conflicts_of_interest.strip() else [self.P("None declared.", s["Body"])])
        out += self.part_section("Conflicts of interest and dispensations", conflicts)
        out += self.part_section("Decision timeline", self.timeline())
        return out

    # the committee report -------------------------------------------------------------------
    def boxed(self, paragraphs: list[Flowable]) -> Flowable:
        """A notice ruled off on its left, as GOV.UK's inset and warning texts are."""
        return table([[p] for p in paragraphs], colWidths=[BODY_WIDTH],
                     style=[("LINEBEFORE", (0, 0), (0, -1), 3, TEXT),
                            ("BACKGROUND", (0, 0), (-1, -1), LIGHT_FILL),
                            ("LEFTPADDING", (0, 0), (-1, -1), 8),
                            ("TOPPADDING", (0, 0), (-1, -1), 3),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 3)], made=self.r.tables)

    def notices(self) -> list[Flowable]:
        """At the top of the record: exempt information, and a key decision's short notice."""
        d, s = self.d, self.s
        out: list[Flowable] = []
        if d.exempt_paragraph is not None or d.exempt_parts.strip():
            where = (f"paragraph {d.exempt_paragraph} of Part 1 of Schedule 12A to the Local "
                     f"Government Act 1972 ({EXEMPT_PARAGRAPH_LABELS[d.exempt_paragraph]})"
                     if d.exempt_paragraph is not None
                     else "Schedule 12A to the Local Government Act 1972 (paragraph not recorded)")
            paras: list[Flowable] = [self.P(f"<b>Exempt information: not for publication.</b> "
                                            f"Exempt under {where}.", s["Notice"])]
            if d.exempt_parts.strip():
                paras += [self.P("<b>Exempt parts:</b>", s["Notice"]),
                          *self.paragraphs(visible_controls(d.exempt_parts), "exempt_parts",
                                           "Notice")]
            out += [self.boxed(paras), Spacer(0, 3 * mm)]
        warning = decision_timeline(d, self.rec.call_in_days).notice_warning
        if warning:
            out += [self.boxed([self.P(f"<b>! Warning: short notice.</b> {warning}",
                                       s["Notice"])]), Spacer(0, 3 * mm)]
        return out

    def recommendations(self) -> list[Flowable]:
        s = self.s
        out: list[Flowable] = []
        for n, text in enumerate(self.d.recommendations, start=1):
            where = f"recommendations[{n - 1}]"
            markup = self.line(visible_controls(text), where) if text.strip() else "&nbsp;"
            out.append(self.P(markup, s["Question"], bulletText=f"{n}."))
        return out

    def implications(self) -> list[Flowable]:
        d, s = self.d, self.s
        out: list[Flowable] = []
        for kind, post in IMPLICATIONS:
            text = getattr(d, f"{kind}_implications")
            officer = getattr(d, f"{kind}_officer")
            if not (text.strip() or officer.strip()):
                continue
            name = self.line(visible_controls(officer), f"{kind}_officer") if officer.strip() else (
                f'<font color="{SECONDARY}">Name not recorded</font>')
            body = [*self.text(visible_controls(text), f"{kind}_implications"),
                    self.P(f"{name}, {post}", s["CellBold"])]
            out += keep([self.P(f"{kind.capitalize()} implications", s["H3"])], body)
        return out

    def timeline(self) -> list[Flowable]:
        d, s = self.d, self.s
        t = decision_timeline(d, self.rec.call_in_days)
        days = f"{t.call_in_days} working day{'s' if t.call_in_days != 1 else ''}"
        call_in = (long_date(t.call_in_end.isoformat()) if t.call_in_end
                   else "Exempt (special urgency)" if t.exempt_from_call_in else "")
        notice = long_date(t.notice_date.isoformat()) if t.notice_date else ""
        if notice and t.notice_clear_days is not None:
            notice += f" ({max(t.notice_clear_days, 0)} clear days before the decision)"
        rows = [
            ("Key decision", "Yes" if d.key_decision else "No"),
            ("Forward plan notice", notice),
            ("Urgency route", URGENCY_LABELS[t.urgency_route] if t.urgency_route != "none"
             else "None"),
            ("Decision date", long_date(t.decision_date.isoformat()) if t.decision_date else ""),
            ("Decision notice published",
             long_date(t.publication_date.isoformat()) if t.publication_date else ""),
            (f"Call-in ends ({days} after publication)", call_in),
            ("Implementable from",
             long_date(t.implementable_from.isoformat()) if t.implementable_from else ""),
            ("Legal challenge: three months end",
             long_date(t.challenge_end.isoformat()) if t.challenge_end else ""),
        ]
        not_recorded = f'<font color="{SECONDARY}">Not recorded</font>'
        out: list[Flowable] = [grid_table(
            [[self.P(label, s["CellHead"]), self.P(value or not_recorded, s["Cell"])]
             for label, value in rows], [62 * mm, 108 * mm], header=False, padding=(0, 4))]
        if t.notice_warning:
            out += [Spacer(0, 2 * mm),
                    self.boxed([self.P(f"<b>! Warning: short notice.</b> {t.notice_warning}",
                                       s["Notice"])]), Spacer(0, 2 * mm)]
        out.append(self.P("Call-in counts working days after publication (weekends and England "
                          "and Wales bank holidays left out). A claim for judicial review must "
                          "be brought promptly, and in any case within three months (CPR 54.5).",
                          s["Secondary"]))
        return out

    def options(self) -> list[Flowable]:
        s = self.s
        if not self.d.options:
            return [self.P("No options recorded.", s["Secondary"])]
        head: Row = [self.P(h, s["CellHead"]) for h in ("Option", "Model", "Outcome", "Reason")]
        rows = [head]
        for i, o in enumerate(self.d.options):
            where = f"options[{i}]"
            outcome = "Recommended" if o.status == "recommended" else "Rejected"
            rows.append([
                self.cell(o.name, f"{where}.name", "CellBold" if o.status == "recommended"
                          else "Cell"),
                self.P(DELIVERY_MODEL_LABELS.get(o.delivery_model or "", "–"), s["Cell"]),
                self.P(outcome, s["CellBold" if o.status == "recommended" else "Cell"]),
                self.cell(o.reason, f"{where}.reason"),
            ])
        return [grid_table(rows, [44 * mm, 28 * mm, 32 * mm, 66 * mm])]

    def summary(self) -> list[Flowable]:
        d, s = self.d, self.s
        checklist = self.rec.checklist
        title = f"Summary of {checklist.sections_phrase}"
        out: list[Flowable] = [
            PartMark(self.r, title),
            Anchor(f"{self.key}-summary", title, level=1),
            self.P(title, s["H1"]),
            self.P(f"Overall rating: <b>{overall_markup(d)}</b>. The overall rating is "
                   f"the worst of the {number_words(len(checklist.principles))}, so a single "
                   f"red {checklist.kind} is never hidden.", s["Body"]),
            self.P(f"{checklist.progress(completed_slugs(d))}.", s["Body"]),
            Spacer(0, 2 * mm),
        ]
        head: Row = [self.P(h, s["CellHead"])
                     for h in ("", checklist.kind_label, "Rating", "State", "Open actions")]
        rows = [head]
        for p in self.rec.checklist.principles:
            a = d.answer(p.slug)
            still_open = sum(1 for x in a.actions if not x.done)
            rows.append([
                self.P(str(p.number), s["CellBold"]),
                [self.P(f"<b>{self.line(p.title, 'checklist')}</b>", s["Cell"]),
                 self.P(self.line(p.wording, "checklist"), s["Secondary"])],
                self.P(rating_markup(a.rating), s["Cell"]),
                self.P(answer_state(a), s["Cell"]),
                self.P(str(still_open) if still_open else "–", s["Cell"]),
            ])
        out.append(grid_table(rows, [8 * mm, 84 * mm, 32 * mm, 24 * mm, 22 * mm]))
        out += [Spacer(0, 3 * mm), self.P(rating_key(checklist.kind), s["Secondary"])]
        # as the window's summary page warns: a rating its appraisal score contradicts
        disagree = disagreement_messages(d, {p.slug: f"{p.number}. {p.title}"
                                             for p in checklist.principles})
        if disagree:
            out += self.section("Where the principle pages and the appraisal disagree",
                                [self.P(self.line(m, "appraisal"), s["Body"], bulletText="•")
                                 for m in disagree], "H3")
        if self.r.questions_annexed:
            out += [Spacer(0, 3 * mm), self.P(ANNEX_POINTER.format(noun=checklist.noun),
                                              s["Secondary"])]
        return out

    def principle(self, p: Principle, rule: bool = True) -> list[Flowable]:
        d, s = self.d, self.s
        a = d.answer(p.slug)
        where = f"answers.{p.slug}"
        head: list[Flowable] = [
            Anchor(f"{self.key}-{p.slug}", f"{p.number}. {self.r.guard.plain(p.title, 'x')}", 1),
            self.P(self.rec.checklist.position(p), s["Kicker"]),
            self.P(self.line(p.title, "checklist"), s["H1"]),
            self.P(f"“{self.line(p.wording, 'checklist')}”", s["Quote"]),
        ]
        questions: list[Flowable] = []  # a pack prints them once, at its end (see summary)
        if not self.r.questions_annexed:
            head.append(self.P("Guidance questions", s["H3"]))
            questions = question_list(self.r, p)
        box = table(
            [[self.P("Rating", s["CellHead"]), self.P("State", s["CellHead"])],
             [self.P(rating_markup(a.rating), s["Rating"]),
              self.P(answer_state(a), s["Cell"])]],
            colWidths=[60 * mm, 60 * mm], hAlign="LEFT",
            style=[("BOX", (0, 0), (-1, -1), 1, TEXT), ("BACKGROUND", (0, 0), (-1, -1), LIGHT_FILL),
                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 8),
                   ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)],
            made=self.r.tables,
        )
        # The principle's heading, its questions and its rating stay together on one page.
        part = PartMark(self.r, f"{p.number}. {self.r.guard.plain(p.title, 'checklist')}")
        out: list[Flowable] = [KeepTogether([part, *([SectionRule()] if rule else []), *head,
                                             *questions, Spacer(0, 4 * mm), box])]
        heading = (f"Why this {p.noun} does not apply" if a.rating == Rating.NOT_APPLICABLE
                   else f"How the proposal meets this {p.noun}")
        out += self.section(heading, self.text(a.response, f"{where}.response"))
        evidence = (self.paragraphs(a.evidence, f"{where}.evidence", "Body")
                    or [self.P("Only the documents below." if a.documents else "Not recorded.",
                               s["Secondary"])])
        out += self.section("Evidence", evidence)
        if a.documents:
            first = self.paper_numbers[p.slug]
            out += self.section("Documents", [
                self.P(f"Background paper {first + i}: {self.document_line(x, f'{where}.documents[{i}]')}",
                       s["Body"]) for i, x in enumerate(a.documents)])
        if a.actions:
            rows: list[Row] = [[self.P(h, s["CellHead"]) for h in ("Action", "Owner", "Due", "State")]]
            for i, x in enumerate(a.actions):
                rows.append([self.cell(x.action, f"{where}.actions[{i}].action"),
                             self.cell(x.owner, f"{where}.actions[{i}].owner"),
                             self.P(long_date(x.due) or "–", s["Cell"]),
                             self.P("Done" if x.done else "Open", s["Cell"])])
            actions: list[Flowable] = [grid_table(rows, [88 * mm, 40 * mm, 26 * mm, 16 * mm],
                                  continued_style=s["Secondary"])]
        else:
            actions = [self.P("No actions recorded.", s["Secondary"])]
        return out + self.section("Actions", actions)

    @property
    def paper_numbers(self) -> dict[str, int]:
        """Each section's first background paper's number (papers run on in its order)."""
        numbers: dict[str, int] = {}
        for n, (slug, _doc) in enumerate(background_papers(self.d), start=1):
            numbers.setdefault(slug, n)
        return numbers

    def document_line(self, x: Document, where: str) -> str:
        """"<i>Title</i>, 3 March 2026, held at Democratic Services" (escaped)."""
        title, held_at = visible_controls(x.title), visible_controls(x.held_at) or ""
        bits = [f"<i>{self.line(title, f'{where}.title') or 'Untitled'}</i>",
                long_date(x.date) or "undated"]
        if held_at.strip():
            bits.append(f"held at {self.line(held_at, f'{where}.held_at')}")
        return ", ".join(bits)

    def background_papers(self) -> list[Flowable]:
        """Every document the answers name, numbered, with the section each supports, as a
        committee report lists its background papers (Local Government Act 1972 s100D).
        Nothing when there are none (records without documents print as before)."""
        papers = background_papers(self.d)
        if not papers:
            return []
        s = self.s
        head: list[Flowable] = [
            PartMark(self.r, "Background papers"), SectionRule(),
            Anchor(f"{self.key}-papers", "Background papers", level=1),
            self.P("Background papers", s["H1Kept"]),
            self.P("The documents relied on in this report and its assessment, listed as "
                   "background papers under section 100D of the Local Government Act 1972: "
                   "the report's own first, then those its answers name.", s["Body"])]
        sections = {p.slug: p for p in self.rec.checklist.principles}
        rows: list[Row] = [[self.P(h, s["CellHead"])
                            for h in ("No.", "Document", "Date", "Where it is held", "Supports")]]
        seen: dict[str, int] = {}
        for n, (slug, x) in enumerate(papers, start=1):
            i = seen[slug] = seen.get(slug, -1) + 1
            where = f"answers.{slug}.documents[{i}]" if slug else f"background_papers[{i}]"
            p = sections.get(slug)
            supports = (f"{p.number}. {self.line(p.title, 'checklist')}" if p
                        else self.line(slug, "checklist") if slug else "The report")
            rows.append([self.P(str(n), s["CellBold"]),
                         self.cell(visible_controls(x.title), f"{where}.title"),
                         self.P(long_date(x.date) or "Undated", s["Cell"]),
                         self.cell(visible_controls(x.held_at), f"{where}.held_at"),
                         self.P(supports, s["Cell"])])
        return keep(head, [grid_table(rows, [10 * mm, 47 * mm, 37 * mm, 42 * mm, 34 * mm],
                                      continued_style=s["Secondary"])])

    def actions(self) -> list[Flowable]:
        s = self.s
        head: list[Flowable] = [PartMark(self.r, "Open actions"), SectionRule(),
                      Anchor(f"{self.key}-actions", "Open actions and sign-off", level=1),
                      self.P("Open actions", s["H1Kept"])]
        items = open_actions(self.d)
        if not items:
            return keep(head, [self.P("There are no open actions.", s["Body"])])
        titles = {p.slug: p for p in self.rec.checklist.principles}
        rows: list[Row] = [[self.P(h, s["CellHead"]) for h in (self.rec.checklist.kind_label, "Action", "Owner", "Due")]]
        for slug, x in items:
            p = titles.get(slug)
            name = f"{p.number}. {self.line(p.title, 'checklist')}" if p else slug
            rows.append([self.P(name, s["Cell"]), self.cell(x.action, f"answers.{slug}.actions"),
                         self.cell(x.owner, f"answers.{slug}.actions"),
                         self.P(long_date(x.due) or "–", s["Cell"])])
        return keep(head, [grid_table(rows, [36 * mm, 78 * mm, 32 * mm, 24 * mm],
                                      continued_style=s["Secondary"])])

    def sign_off(self) -> list[Flowable]:
        d, s = self.d, self.s
        out: list[Flowable] = [PartMark(self.r, "Sign-off"), SectionRule(), self.P("Sign-off", s["H1"]), self.P(
            f"By signing, each person named confirms that they have read version {d.version} of "
            f"this record (verification code <b>{self.rec.code}</b>) and that it is a fair account "
            "of the assessment.", s["Body"]), Spacer(0, 2 * mm)]
        if self.rec.imported is not None:  # the file's name is user text: escaped, guarded
            out += [*self.text(self.rec.imported.notice(), "sign_offs.imported"),
                    Spacer(0, 2 * mm)]
        recorded = {x.role.casefold(): x for x in d.sign_offs}
        roles = [(r.name, r.required) for r in self.rec.checklist.sign_off_roles]
        known = {name.casefold() for name, _ in roles}
        roles += [(x.role, False) for x in d.sign_offs if x.role.casefold() not in known]
        for name, required in roles:
            out += self._signature_block(name, required, recorded.get(name.casefold()))
        # The whole block on one page (a new one if it does not fit below the actions);
        # if there are ever too many roles for a page, it breaks between roles.
        return [KeepTogether(out)]

    def _signature_block(self, role: str, required: bool, done: SignOff | None) -> list[Flowable]:
        """One role's block, to be signed with a pen: SIGN_SPACE clear above the signature
        line, then lines for the printed name, the post held and the date, each with room
        to write. A recorded sign-off prints its name and date on their lines."""
        s = self.s
        role_text = self.line(role, "sign_offs.role")
        label = role_text + ("" if required else f' <font color="{SECONDARY}">(optional)</font>')
        name = self.line(done.name, "sign_offs.name") if done else ""
        date = long_date(done.date) if done else ""
        minute = self.line(done.minute_reference, "sign_offs.minute_reference") if done else ""

        def written(value: str, room: float, width: float) -> list[Flowable]:
            """Room to write, a recorded value sitting on the line at its foot."""
            if not value:
                return [Spacer(0, room)]
            para = self.P(value, s["Cell"])
            return [Spacer(0, max(0.0, room - para.wrap(width, 100 * mm)[1])), para]

        wide, gap, narrow = 108 * mm, 8 * mm, 54 * mm
        rows: list[Row] = [
            [self.P(label, s["CellBold"]), "", ""],
            [written("", SIGN_SPACE, wide), "", written(date, SIGN_SPACE, narrow)],
            [self.P(f"Signed on behalf of the {role_text}", s["Secondary"]), "",
             self.P("Date", s["Secondary"])],
            [written(name, WRITE_SPACE, wide), "", written("", WRITE_SPACE, narrow)],
            [self.P("Printed name", s["Secondary"]), "", self.P("Post held", s["Secondary"])],
        ]
        block = table(
            rows, colWidths=[wide, gap, narrow], hAlign="LEFT",
            style=[("SPAN", (0, 0), (-1, 0)), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                   ("LINEBELOW", (0, 1), (0, 1), 0.8, TEXT),
                   ("LINEBELOW", (2, 1), (2, 1), 0.8, TEXT),
                   ("LINEBELOW", (0, 3), (0, 3), 0.8, TEXT),
                   ("LINEBELOW", (2, 3), (2, 3), 0.8, TEXT),
                   ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                   ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                   ("BOTTOMPADDING", (0, 2), (-1, 2), 0)],
            made=self.r.tables,
        )
        parts: list[Flowable] = [block]
        if done:
            elsewhere = self.rec.imported is not None and self.rec.imported.came_in(role)
            note = (f"{'Recorded elsewhere, imported' if elsewhere else 'Recorded in the register'}"
                    f": signed on {long_date(done.date)}")
            note += f", minute {minute}." if minute else "."
            parts += [Spacer(0, 2 * mm), self.P(note, s["Secondary"])]
        parts.append(Spacer(0, 7 * mm))
        return [KeepTogether(parts)]


class RecordRenderer(Renderer):
    """One record as its own document."""

    def __init__(self, rec: PrintRecord) -> None:
        super().__init__()
        self.rec = rec
        self.context = record_context(self, rec)

    def story(self) -> list[Flowable]:
        return RecordStory(self, self.rec).flowables()[2:]  # the first page needs no break

    def metadata(self) -> dict[str, str]:
        d = self.rec.decision
        ref = f"{d.reference} · " if d.reference else ""
        return {
            "title": d.title,
            "author": d.organisation or d.proposer,
            "subject": f"Decision assurance record · {ref}version {d.version} · "
                       f"{self.rec.status} · verification code {self.rec.code}",
            "keywords": f"{CODE_MARKER}{self.rec.code}",
        }



def question_list(renderer: Renderer, p: Principle) -> list[Flowable]:
    """A section's guidance questions, one bullet each."""
    style = renderer.styles["Question"]
    return [renderer.para(renderer.guard.markup(q, "checklist"), style, bulletText="•")
            for q in p.questions]
