"""PDF floor: plain ReportLab laying out the same assurance record as the app, page for page.

What a competent script would write with Paragraphs and Tables for the same document: the same
text (the app's own labels, dates and rating words), the same paragraph styles and fonts (the
app's stylesheet: ParagraphStyle data, registered once per process, as any script would), the
same page size, margins and frame, the same sections in the same order with the same tables,
column widths and paddings (cover with details and verification box, proposal, reasons,
options, conflicts; the summary table on its own page; the principles flowing on, each opening
with a rule and kept together with its questions and rating box, then response, evidence and
actions; open actions; the sign-off blocks kept on one page), a footer, a running header and
the record's status mark on every page.

Drawn as the app draws: the QR code as one filled path of horizontal runs and the section
rules (the app's own two small flowables, desktop/export/pdf/parts.py QrCode and SectionRule:
the same drawing, not one shape per module), and compressed page streams stored as binary
(rl_config.useA85 = 0 for the build, as desktop/export/pdf/base.py does), so the floor pays
for no more bytes than the app writes. Nothing else of the app's PDF code is used: no
paragraph cache, no shared line-breaking, no cut tables, no numbered canvas.

Left out, as plain ReportLab does not do them: the app's glyph checks and placeholders, its
outline and anchors, "Page X of Y" (this prints "Page X"), "…, continued" in the header,
cutting long text into pieces, and the status mark as filled outlines (here plain text, drawn
on each page). Headings are kept with their content by a conditional page break.

bench/pdf.py checks that the floor and the app lay out the same number of pages.

Why the app is faster than this floor (0.77x for the record, issue 18, profiled side by side):
plain ReportLab parses every Paragraph it is given and breaks its lines again at every wrap (a
table wraps each cell to measure it and again to draw it, KeepTogether and a split wrap once
more). Per record the floor parses 416 paragraphs and breaks lines 932 times; the app, whose
ParaCache parses each distinct text and style once and whose SharedParagraph keeps each wrap
(and the drawing) per width, parses 246 and breaks lines 284 times. The fonts, the QR path,
the stream encoding (the app compresses at zlib's level 9, a little more work than the
floor's default), the page count and the page breaks are the same, and the
bytes within 5% (the app adds the outline, anchors and "of Y", and writes its page
dictionaries once for pages alike: desktop/export/pdf/page_tree.py). Given the app's paragraph
cache (a diagnostic, not this floor), this floor takes 42.6-44.0 ms against the app's
45.0-46.4 ms: the whole gap is that cache, which plain ReportLab does not have.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.domain.appraisal import (
    KIND_LABELS,
    NOT_ROBUST_WITHIN,
    SCORE_WORDS,
    ranking,
    recommended_index,
    sensitivity,
)
from desktop.domain.appraisal_text import (
    disagreement_messages,
    long_list_line,
    option_label,
    rejected_options_text,
    score_label,
    sensitivity_line,
    total_label,
)
from desktop.domain.checklist import number_words
from desktop.domain.dates import long_date
from desktop.domain.decision import (
    DELIVERY_MODEL_LABELS,
    answer_state,
    completeness,
    open_actions,
    overall_rating,
)
from desktop.domain.timeline import URGENCY_LABELS, decision_timeline
from desktop.export.pdf.appraisal import (
    CRITERION_WIDTH,
    MATRIX_OPTIONS,
    MATRIX_WIDTH,
    NARROW_CRITERION_WIDTH,
    WEIGHT_WIDTH,
    chunks,
    moment_words,
    short_moment,
)
from desktop.export.pdf.parts import QrCode, SectionRule
from desktop.export.pdf.record import SIGN_SPACE, WRITE_SPACE, rating_key
from desktop.export.pdf.styles import (
    BOLD,
    BORDER,
    LIGHT_FILL,
    REGULAR,
    SECONDARY,
    TEXT,
    colour,
    rating_markup,
    stylesheet,
)

# A heading is kept with its content's first lines: about what the app's KeepWithStart asks
# for a heading and three lines of text or a table's header and first row.
KEEP_WITH_START = 28 * mm


@lru_cache(maxsize=1)
def styles():
    """The app's named paragraph styles (and its fonts), made once per process."""
    return stylesheet()


def _p(markup: str, style: str, bulletText: str | None = None) -> Paragraph:  # noqa: N803
    return Paragraph(markup, styles()[style], bulletText=bulletText)


def _text(value: str | None, style: str = "Body") -> list[Paragraph]:
    """User text: one paragraph per block between blank lines, line breaks kept."""
    blocks = [b for b in (value or "").strip("\n").split("\n\n") if b.strip()]
    return ([_p(escape(b).replace("\n", "<br/>"), style) for b in blocks]
            or [_p("Not recorded.", "Secondary")])


def _cell(value: str | None, style: str = "Cell") -> list[Paragraph] | Paragraph:
    paras = [_p(escape(b).replace("\n", "<br/>"), style)
             for b in (value or "").strip("\n").split("\n\n") if b.strip()]
    return paras[0] if len(paras) == 1 else (paras or _p("", style))


def _grid(rows: list[list], widths_mm: list[float], *, header: bool = True,
          padding: tuple[float, float] = (4, 4)) -> Table:
    """A ruled table that splits between rows, its header repeated on each page."""
    commands = [("FONT", (0, 0), (-1, -1), REGULAR, 9.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), padding[0]),
                ("RIGHTPADDING", (0, 0), (-1, -1), padding[1]),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("TEXTCOLOR", (0, 0), (-1, -1), colour(TEXT)),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colour(BORDER))]
    if header:
        commands += [("LINEBELOW", (0, 0), (-1, 0), 1.2, colour(TEXT)),
                     ("BACKGROUND", (0, 0), (-1, 0), colour(LIGHT_FILL))]
    return Table(rows, colWidths=[w * mm for w in widths_mm], repeatRows=1 if header else 0,
                 hAlign="LEFT", style=TableStyle(commands))


def _boxed(rows: list[list], widths_mm: list[float], commands: list, align: str = "LEFT"):
    return Table(rows, colWidths=[w * mm for w in widths_mm], hAlign=align,
                 style=TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 9.5), *commands]))


def _section(heading: str, content: list, style: str = "H2") -> list:
    return [CondPageBreak(KEEP_WITH_START), _p(heading, style), *content]


def _cover(rec) -> list:
    d = rec.decision
    kicker = "Decision assurance record" + (f" · {escape(d.organisation)}"
                                            if d.organisation else "")
    missing = f'<font color="{SECONDARY}">Not recorded</font>'
    values = {
        "Reference": escape(d.reference), "Organisation": escape(d.organisation),
        "Decision maker": escape(d.decision_maker), "Meeting date": long_date(d.meeting_date),
        "Key decision": "Yes" if d.key_decision else "No", "Proposer": escape(d.proposer),
        "Report of": escape(d.report_of), "Contact officer": escape(d.contact_officer),
        "Wards affected": escape(d.wards_affected),
        "Recommended model": DELIVERY_MODEL_LABELS.get(d.delivery_model or "", ""),
        "Review date": long_date(d.review_date), "Version": str(d.version),
        "Status": rec.status, "Overall rating": rating_markup(overall_rating(d)),
        f"{rec.checklist.noun.capitalize()} complete":
            f"{completeness(d)} of {len(rec.checklist.principles)}",
    }
    details = _grid([[_p(k, "CellHead"), _p(v.strip() or missing, "Cell")]
                     for k, v in values.items()], [38, 72], header=False, padding=(0, 4))
    verify = _boxed(
        [[QrCode(rec.code, 34 * mm)], [_p("Verification code", "CellHead")],
         [_p(rec.code, "Code")],
         [_p(f"Check this copy against the register: <b>decision-checklist verify {rec.code}</b>",
             "Secondary")]],
        [54], [("BOX", (0, 0), (-1, -1), 0.8, colour(BORDER)),
               ("BACKGROUND", (0, 1), (-1, -1), colour(LIGHT_FILL)),
               ("ALIGN", (0, 0), (0, 0), "CENTER")], align="RIGHT")
    out: list = [_p(kicker, "Kicker"), _p(escape(d.title), "Title"), *_notices(rec),
                 _boxed([[details, verify]], [114, 56],
                        [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                         ("RIGHTPADDING", (0, 0), (-1, -1), 0)])]
    out += _section("Proposal", _text(d.proposal))
    if d.recommendations:
        out += _section("Recommendations", [
            _p(escape(text) if text.strip() else "&nbsp;", "Question", bulletText=f"{n}.")
            for n, text in enumerate(d.recommendations, start=1)])
    out += _section("Reasons for the recommendation", _text(d.reasons))
    rows = [[_p(h, "CellHead") for h in ("Option", "Model", "Outcome", "Reason")]]
    for o in d.options:
        chosen = "CellBold" if o.status == "recommended" else "Cell"
        rows.append([_cell(o.name, chosen),
                     _p(DELIVERY_MODEL_LABELS.get(o.delivery_model or "", "–"), "Cell"),
                     _p("Recommended" if o.status == "recommended" else "Rejected", chosen),
                     _cell(o.reason)])
    out += _section("Options considered", [_grid(rows, [44, 28, 32, 66])] if d.options
                    else [_p("No options recorded.", "Secondary")])
    if d.appraisal is not None:
        out += _section("Options appraisal", _appraisal(rec))
    conflicts = (_text(d.conflicts_of_interest) if d.conflicts_of_interest.strip()
                 else [_p("None declared.", "Body")])
    out += _section("Conflicts of interest and dispensations", conflicts)
    return out + _section("Decision timeline", _timeline(rec))


def _warning_box(warning: str) -> list:
    return [_boxed([[_p(f"<b>! Warning: short notice.</b> {warning}", "Notice")]], [170],
                   [("LINEBEFORE", (0, 0), (0, -1), 3, colour(TEXT)),
                    ("BACKGROUND", (0, 0), (-1, -1), colour(LIGHT_FILL)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3)])]


def _notices(rec) -> list:
    """A key decision's short notice, under the title (the bench's records are not exempt)."""
    warning = decision_timeline(rec.decision, rec.call_in_days).notice_warning
    return [*_warning_box(warning), Spacer(0, 3 * mm)] if warning else []


def _timeline(rec) -> list:
    d = rec.decision
    t = decision_timeline(d, rec.call_in_days)

    def day(value) -> str:
        return long_date(value.isoformat()) if value else ""

    days = f"{t.call_in_days} working day{'s' if t.call_in_days != 1 else ''}"
    notice = day(t.notice_date)
    if notice and t.notice_clear_days is not None:
        notice += f" ({max(t.notice_clear_days, 0)} clear days before the decision)"
    rows = [
        ("Key decision", "Yes" if d.key_decision else "No"),
        ("Forward plan notice", notice),
        ("Urgency route", URGENCY_LABELS[t.urgency_route] if t.urgency_route != "none"
         else "None"),
        ("Decision date", day(t.decision_date)),
        ("Decision notice published", day(t.publication_date)),
        (f"Call-in ends ({days} after publication)", day(t.call_in_end) or (
            "Exempt (special urgency)" if t.exempt_from_call_in else "")),
        ("Implementable from", day(t.implementable_from)),
        ("Legal challenge: three months end", day(t.challenge_end)),
    ]
    missing = f'<font color="{SECONDARY}">Not recorded</font>'
    out = [_grid([[_p(k, "CellHead"), _p(v or missing, "Cell")] for k, v in rows], [62, 108],
                 header=False, padding=(0, 4))]
    if t.notice_warning:
        out += [Spacer(0, 2 * mm), *_warning_box(t.notice_warning), Spacer(0, 2 * mm)]
    out.append(_p("Call-in counts working days after publication (weekends and England "
                  "and Wales bank holidays left out). A claim for judicial review must "
                  "be brought promptly, and in any case within three months (CPR 54.5).",
                  "Secondary"))
    return out


def _summary(d, checklist) -> list:
    n = len(checklist.principles)
    out: list = [
        _p(f"Summary of {checklist.sections_phrase}", "H1"),
        _p(f"Overall rating: <b>{rating_markup(overall_rating(d))}</b>. The overall rating is "
           f"the worst of the {number_words(n)}, so a single red {checklist.kind} is never "
           "hidden.", "Body"),
        _p(f"{completeness(d)} of {n} {checklist.noun} complete.", "Body"), Spacer(0, 2 * mm)]
    rows = [[_p(h, "CellHead")
             for h in ("", checklist.kind_label, "Rating", "State", "Open actions")]]
    for p in checklist.principles:
        a = d.answer(p.slug)
        still_open = sum(1 for x in a.actions if not x.done)
        rows.append([_p(str(p.number), "CellBold"),
                     [_p(f"<b>{escape(p.title)}</b>", "Cell"), _p(escape(p.wording), "Secondary")],
                     _p(rating_markup(a.rating), "Cell"), _p(answer_state(a), "Cell"),
                     _p(str(still_open) if still_open else "–", "Cell")])
    return [*out, _grid(rows, [8, 84, 32, 24, 22]), Spacer(0, 3 * mm),
            _p(rating_key("principle"), "Secondary")]


def _principle(d, p, rule: bool, n: int = 10) -> list:
    a = d.answer(p.slug)
    # The rule's space before adds to the space after the text above it, as in the app
    # (whose principle opens with a zero-size part mark): a zero-size Spacer comes first.
    head = [*([Spacer(0, 0), SectionRule()] if rule else []),
            _p(f"{p.kind_label} {p.number} of {n}", "Kicker"),
            _p(escape(p.title), "H1"), _p(f"“{escape(p.wording)}”", "Quote"),
            _p("Guidance questions", "H3")]
    head += [Paragraph(escape(q), styles()["Question"], bulletText="•") for q in p.questions]
    box = _boxed([[_p("Rating", "CellHead"), _p("State", "CellHead")],
                  [_p(rating_markup(a.rating), "Rating"), _p(answer_state(a), "Cell")]],
                 [60, 60], [("BOX", (0, 0), (-1, -1), 1, colour(TEXT)),
                            ("BACKGROUND", (0, 0), (-1, -1), colour(LIGHT_FILL)),
                            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                            ("LEFTPADDING", (0, 0), (-1, -1), 8),
                            ("TOPPADDING", (0, 0), (-1, -1), 4),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 5)])
    out = [KeepTogether([*head, Spacer(0, 4 * mm), box])]
    out += _section(f"How the proposal meets this {p.kind}", _text(a.response))
    out += _section("Evidence", _text(a.evidence))
    if a.actions:
        rows = [[_p(h, "CellHead") for h in ("Action", "Owner", "Due", "State")]]
        rows += [[_cell(x.action), _cell(x.owner), _p(long_date(x.due) or "–", "Cell"),
                  _p("Done" if x.done else "Open", "Cell")] for x in a.actions]
        actions = [_grid(rows, [88, 40, 26, 16])]
    else:
        actions = [_p("No actions recorded.", "Secondary")]
    return out + _section("Actions", actions)


def _open_actions(d, checklist) -> list:
    # A zero-size Spacer keeps the heading's space before from merging into the rule's
    # space after, as the app's zero-size anchor there does.
    head = [CondPageBreak(KEEP_WITH_START), SectionRule(), Spacer(0, 0),
            _p("Open actions", "H1Kept")]
    items = open_actions(d)
    if not items:
        return [*head, _p("There are no open actions.", "Body")]
    titles = {p.slug: p for p in checklist.principles}
    rows = [[_p(h, "CellHead") for h in ("Principle", "Action", "Owner", "Due")]]
    for slug, x in items:
        p = titles.get(slug)
        rows.append([_p(f"{p.number}. {escape(p.title)}" if p else escape(slug), "Cell"),
                     _cell(x.action), _cell(x.owner), _p(long_date(x.due) or "–", "Cell")])
    return [*head, _grid(rows, [36, 78, 32, 24])]


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _appraisal(rec) -> list:
    """The options appraisal as the app prints it: the method, the lock, the matrix (at
    most four options a table), must-pass fails, sensitivity, weight changes, the paragraph."""
    d, a = rec.decision, rec.decision.appraisal
    n, chosen = len(d.options), recommended_index(d.options)
    ranked = {r.option: r for r in ranking(a, n)}
    titles = {c.id: escape(c.title or c.id) for c in a.criteria}
    names = [escape(option_label(d.options, i)) for i in range(n)]
    words = ", ".join(f"{k} {w}" for k, w in SCORE_WORDS.items())
    out: list = [
        _p(f"Each option is scored against each criterion from 0 to 4: {words}. An option's "
           "weighted total is the share of the most it could score: 100 × the sum of weight × "
           "score, divided by the sum of weight × 4. A criterion marked “must pass” cannot be "
           "bought out: an option scoring 0 against it fails, whatever its total, and cannot "
           "be recommended.", "Body"),
        _p(f"The weights were locked on {moment_words(a.weights_locked_at)} by "
           f"{escape(a.weights_locked_by)}, before any option was scored.", "Body")]
    if a.long_list:
        out.append(_p(escape(long_list_line(a)), "Body"))
    for part, options in enumerate(chunks(n)):
        if part:
            out.append(Spacer(0, 3 * mm))
        first = CRITERION_WIDTH if len(options) < MATRIX_OPTIONS else NARROW_CRITERION_WIDTH
        width = (MATRIX_WIDTH - first - WEIGHT_WIDTH) / mm / len(options)
        head = [_p("Criterion", "CellHead"), _p("Weight", "CellHead")]
        head += [[_p(f"{i + 1}. {names[i]}", "CellHead"), _p("Recommended", "Secondary")]
                 if i == chosen else _p(f"{i + 1}. {names[i]}", "CellHead") for i in options]
        rows = [head]
        for c in a.criteria:
            row = [[_p(f"<b>{titles[c.id]}</b>", "Cell"),
                    _p(KIND_LABELS[c.kind] + (" · <b>must pass</b>" if c.must_pass else ""),
                       "Secondary")], _p(str(c.weight), "Cell")]
            for i in options:
                x = a.score(i, c.id)
                row.append(_p(f"<b>{score_label(0)}</b> ✕ fails a must-pass", "Cell")
                           if c.must_pass and x.score == 0 else _p(score_label(x.score), "Cell"))
            rows.append(row)
        rows.append([_p("<b>Weighted total</b>", "Cell"), _p("", "Cell"),
                     *[[_p(f"<b>{total_label(ranked[i].total)}</b>", "Cell")]
                       for i in options]])
        rows.append([_p("<b>Rank</b>", "Cell"), _p("", "Cell"),
                     *[_p(f"{_ordinal(ranked[i].rank)} of {n}"
                          + (", failed" if ranked[i].failed else ""), "CellBold")
                       for i in options]])
        table = _grid(rows, [first / mm, WEIGHT_WIDTH / mm, *[width] * len(options)])
        table.setStyle(TableStyle([("LINEABOVE", (0, len(rows) - 2), (-1, len(rows) - 2), 1.2,
                                    colour(TEXT))]))
        out.append(table)
    failed = sorted((r for r in ranked.values() if r.failed), key=lambda r: r.option)
    fails = ("; ".join(f"{names[r.option]} fails {', '.join(titles[f] for f in r.fails)}"
                       for r in failed) + ". A failed option ranks after every option that "
             "passes and cannot be recommended.") if failed else (
             "No option scores 0 against a must-pass criterion.")
    out += _section("Must-pass criteria", [_p(fails, "Body")], "H3")
    sens = sensitivity(a, n)
    full = tuple(r.option for r in ranking(a, n))
    same = [cid for cid, order in sens.left_out if order == full]
    moved = [(cid, order) for cid, order in sens.left_out if order != full]
    rows = [[_p(h, "CellHead") for h in ("Criterion left out", "Ranks first", "Order")]]
    for cid, order in moved:
        changed = " (changes)" if order[0] != sens.leader else ""
        rows.append([_p(titles[cid], "Cell"),
                     _p(names[order[0]] + changed, "CellBold" if changed else "Cell"),
                     _p(", ".join(str(i + 1) for i in order), "Cell")])
    left_out = [_p("The ranking with each criterion left out in turn. The full order is "
                   f"{', '.join(str(i + 1) for i in full)} (options by number).", "Body")]
    if same:
        left_out.append(_p(("Leaving out any one of these keeps that order: " if moved else
                            "Leaving out any one criterion keeps that order: ")
                           + ", ".join(titles[c] for c in same) + ".", "Body"))
    if moved:
        left_out.append(_grid(rows, [70, 70, 30]))
    out += _section("Sensitivity", [
        _p(escape(sensitivity_line(d)), "Body"),
        _p(f"A ranking is labelled not robust when a change of {NOT_ROBUST_WITHIN} points or "
           "fewer to any one weight puts another option first.", "Secondary"),
        *(left_out if sens.leader is not None else [])], "H3")
    out += _section("Weights changed after the lock",
                    [_p("No weight was changed after the weights were locked.", "Body")], "H3")
    checklist_titles = {p.slug: f"{p.number}. {p.title}" for p in rec.checklist.principles}
    messages = disagreement_messages(d, checklist_titles)
    if messages:
        out += _section("Where the principle pages and the appraisal disagree",
                        [Paragraph(escape(m), styles()["Body"], bulletText="•")
                         for m in messages], "H3")
    out += _section("Alternative options considered and rejected, and why",
                    [_p("Generated from the appraisal and each option's reason.", "Secondary"),
                     *_text(rejected_options_text(d))], "H3")
    return [*out, _p("The evidence for each score is in the annex at the end of this record.",
                     "Secondary")]


def _appraisal_annex(rec) -> list:
    d, a = rec.decision, rec.decision.appraisal
    title = "Annex: evidence for the options appraisal"
    out: list = [SectionRule(), Spacer(0, 0), _p(title, "H1Kept")]
    for c in a.criteria:
        rows = [[_p(h, "CellHead") for h in ("Option", "Score", "Evidence", "Scored")]]
        for i in range(len(d.options)):
            x = a.score(i, c.id)
            rows.append([_p(f"{i + 1}. {escape(option_label(d.options, i))}", "Cell"),
                         _p(score_label(x.score), "CellBold"), _cell(x.evidence),
                         _p(f"{escape(x.scored_by)}<br/>{short_moment(x.scored_at)}",
                            "Secondary")])
        weight = f"weight {c.weight}" + (", must pass" if c.must_pass else "")
        out += _section(f"{escape(c.title or c.id)} ({weight})", [_grid(rows, [36, 18, 82, 34])],
                        "H3")
    return out


def _room(value: str, room: float) -> list:
    """Room to write by hand, a recorded value sitting at its foot."""
    if not value:
        return [Spacer(0, room)]
    para = _p(escape(value), "Cell")
    return [Spacer(0, max(0.0, room - para.wrap(100 * mm, 100 * mm)[1])), para]


def _sign_off(d, checklist, code: str) -> list:
    out: list = [SectionRule(), _p("Sign-off", "H1"), _p(
        f"By signing, each person named confirms that they have read version {d.version} of "
        f"this record (verification code <b>{code}</b>) and that it is a fair account "
        "of the assessment.", "Body"), Spacer(0, 2 * mm)]
    recorded = {x.role.casefold(): x for x in d.sign_offs}
    roles = [(r.name, r.required) for r in checklist.sign_off_roles]
    known = {name.casefold() for name, _ in roles}
    roles += [(x.role, False) for x in d.sign_offs if x.role.casefold() not in known]
    for role, required in roles:
        done = recorded.get(role.casefold())
        label = escape(role) + ("" if required else f' <font color="{SECONDARY}">(optional)</font>')
        rows = [[_p(label, "CellBold"), "", ""],
                [_room("", SIGN_SPACE), "",
                 _room(long_date(done.date) if done else "", SIGN_SPACE)],
                [_p(f"Signed on behalf of the {escape(role)}", "Secondary"), "",
                 _p("Date", "Secondary")],
                [_room(done.name if done else "", WRITE_SPACE), "", _room("", WRITE_SPACE)],
                [_p("Printed name", "Secondary"), "", _p("Post held", "Secondary")]]
        block = _boxed(rows, [108, 8, 54], [
            ("SPAN", (0, 0), (-1, 0)), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            *[("LINEBELOW", (c, r), (c, r), 0.8, colour(TEXT)) for r in (1, 3) for c in (0, 2)],
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 2), (-1, 2), 0)])
        parts: list = [block]
        if done:
            parts += [Spacer(0, 2 * mm),
                      _p(f"Recorded in the register: signed on {long_date(done.date)}.",
                         "Secondary")]
        out.append(KeepTogether([*parts, Spacer(0, 7 * mm)]))
    return [KeepTogether(out)]


def story(rec) -> list:
    d, checklist = rec.decision, rec.checklist
    out = [*_cover(rec), PageBreak(), *_summary(d, checklist), PageBreak()]
    for i, p in enumerate(checklist.principles):
        out += _principle(d, p, rule=i > 0, n=len(checklist.principles))
    out += _open_actions(d, checklist) + _sign_off(d, checklist, rec.code)
    if d.appraisal is not None and d.appraisal.scores:
        out += [PageBreak(), *_appraisal_annex(rec)]
    return out


def _mark_size(mark: tuple[str, ...]) -> float:
    """The app's size for the status mark: the rotated block fits 25 mm inside the page."""
    if not mark:
        return 0
    a = math.radians(50)
    widest = max(pdfmetrics.stringWidth(line, BOLD, 1) for line in mark)
    tall = (len(mark) - 1) * 1.2 + 0.73
    return min(110, (A4[0] - 50 * mm) / (widest * math.cos(a) + tall * math.sin(a)),
               (A4[1] - 50 * mm) / (widest * math.sin(a) + tall * math.cos(a)))


def build(rec) -> tuple[bytes, int]:
    """(the PDF bytes, the number of pages) of one PrintRecord, built with plain ReportLab."""
    d, code, mark = rec.decision, rec.code, tuple(rec.mark or ())
    styles()
    size = _mark_size(mark)
    footer = f"{d.reference or 'No reference'} · Version {d.version}"
    width, height = A4
    left, right = 20 * mm, width - 20 * mm

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        if mark:
            canvas.saveState()
            canvas.setFillColor(colour("#d8d8d8"))
            canvas.setFont(BOLD, size)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(50)
            top = (len(mark) - 1) * 1.2 * size / 2 - 0.73 * size / 2
            for i, line in enumerate(mark):
                canvas.drawCentredString(0, top - i * 1.2 * size, line)
            canvas.restoreState()
        canvas.setStrokeColor(colour(BORDER))
        canvas.setLineWidth(0.5)
        canvas.line(left, 15 * mm, right, 15 * mm)
        canvas.setFont(REGULAR, 8.5)
        canvas.setFillColor(colour(SECONDARY))
        canvas.drawString(left, 11 * mm, footer)
        canvas.drawCentredString(width / 2, 11 * mm, f"Page {doc.page}")
        canvas.drawRightString(right, 11 * mm, f"Verification code {code}")
        if doc.page > 1:
            canvas.drawString(left, height - 12 * mm, d.title)
            canvas.line(left, height - 13.5 * mm, right, height - 13.5 * mm)
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                          topMargin=18 * mm, bottomMargin=20 * mm, title=d.title,
                          author=d.organisation or d.proposer,
                          subject=f"Decision assurance record · {d.reference}",
                          keywords=f"decision-checklist-code:{code}", pageCompression=1,
                          initialFontName=REGULAR, initialFontSize=10)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(frames=[frame], onPage=on_page)])
    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(story(rec))
    finally:
        rl_config.useA85 = a85
    return buffer.getvalue(), doc.page
