"""The committee pack: a cover, contents, a decisions x principles grid, every record, then
an annex of the checklists' guidance questions.

One document build, so each font is embedded once and "Page X of Y" runs through the pack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak

from desktop.domain.appraisal_text import recommended_model, robustness
from desktop.domain.checklist import Checklist, number_words
from desktop.domain.dates import long_date
from desktop.domain.decision import settled_rating
from desktop.export.pdf.base import CODE_MARKER, PageContext, PrintRecord, Renderer
from desktop.export.pdf.parts import (
    Anchor,
    PageRef,
    Progress,
    Row,
    SetContext,
    Spacer,
    grid_table,
)
from desktop.export.pdf.record import RecordStory, overall_markup, question_list, rating_key
from desktop.export.pdf.styles import (
    BOLD,
    LIGHT_FILL,
    SECONDARY,
    TEXT,
    rating_markup,
    warning_scope,
)

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from desktop.domain.decision import Rating

# In the summary grid a Red is a dark cell with a heavy black box and a white bold cross,
# an Amber a mid-tone cell: in black and white one Red among a hundred decisions stands out,
# where a red symbol printed as light a grey as a green tick did not.
RED_FILL = "#8e2410"
AMBER_FILL = "#f5a46a"
# The grid's widths: the page's text width, a section's column at most, the overall column,
# and the least the decision column keeps however many sections there are.
GRID_WIDTH, GRID_CELL, GRID_OVERALL, GRID_DECISION_MIN = 170 * mm, 8.2 * mm, 26 * mm, 44 * mm


def grid_mark(rating: Rating | None, *, word: bool = False) -> str:
    """A rating in the summary grid: its symbol (and word), white on the dark Red fill."""
    if rating is None:
        return "" if not word else rating_markup(None)
    if rating.value == "red":
        text = f"{rating.symbol}&nbsp;RED" if word else rating.symbol
        return f'<font name="{BOLD}" color="#ffffff">{text}</font>'
    if rating.value == "amber":
        text = f"{rating.symbol}&nbsp;&nbsp;{rating.label}" if word else rating.symbol
        return f'<font name="{BOLD}" color="{TEXT}">{text}</font>'
    return rating_markup(rating, word=word)


def grid_fill(rating: Rating | None, col: int, row: int) -> list[tuple[Any, ...]]:
    """The table commands that fill (and, for Red, box) one rated cell."""
    if rating is None or rating.value not in ("red", "amber"):
        return []
    if rating.value == "amber":
        return [("BACKGROUND", (col, row), (col, row), AMBER_FILL)]
    return [("BACKGROUND", (col, row), (col, row), RED_FILL),
            ("BOX", (col, row), (col, row), 1.6, TEXT)]


class PackRenderer(Renderer):
    """Many records in one PDF with continuous page numbers."""

    def __init__(self, records: list[PrintRecord], title: str = "Committee pack",
                 prepared: dt.date | None = None,
                 progress: Callable[[int, int], object] | None = None) -> None:
        """progress(done, total) is called as each record starts; it may raise to cancel."""
        super().__init__()
        self.progress = progress
        if not records:
            raise ValueError("a committee pack needs at least one record")
        self.records = records
        self.title = title
        self.prepared = prepared or dt.date.today()
        self.pack_context = PageContext(footer_left=self.guard.plain(title, "pack title"))
        self.context = self.pack_context
        # Each checklist's guidance questions are the same in every record: printed once, in
        # the annex, they no longer take a page of each record (a sixth of a pack's size).
        self.questions_annexed = True

    def metadata(self) -> dict[str, str]:
        orgs = sorted({r.decision.organisation for r in self.records if r.decision.organisation})
        return {
            "title": self.title,
            "author": "; ".join(orgs),
            "subject": f"Committee pack of {len(self.records)} decision assurance record(s)",
            "keywords": " ".join(f"{CODE_MARKER}{r.code}" for r in self.records),
        }

    def story(self) -> list[Flowable]:
        out = self.cover()
        out += [PageBreak(), *self.contents()]
        out += [PageBreak(), *self.grid()]
        total = len(self.records)
        for i, rec in enumerate(self.records):
            if self.progress:
                out.append(Progress(self.progress, i, total))
            out += RecordStory(self, rec, key=f"record-{i + 1}").flowables()
        if self.progress:
            out.append(Progress(self.progress, total, total))
        return [*out, SetContext(self, self.pack_context), PageBreak(), *self.questions_annex()]

    def questions_annex(self) -> list[Flowable]:
        """Each checklist's guidance questions once, section by section, for every record in
        the pack answered against it (each record's sections point here)."""
        s, g = self.styles, self.guard
        groups = self.checklist_groups()
        out: list[Flowable] = [Anchor("pack-questions", "Annex: guidance questions", 0),
                               self.para(ANNEX_TITLE, s["H1"])]
        for checklist, records in groups:
            numbers = ", ".join(str(i) for i, _rec in records)
            if len(groups) > 1:
                out.append(self.para(f"{g.markup(checklist.title, 'checklist')} (version "
                                     f"{checklist.version})", s["H2"]))
            which = ("every decision in this pack" if len(groups) == 1 else
                     f"{'decision' if len(records) == 1 else 'decisions'} {numbers} of the "
                     "contents")
            out.append(self.para(
                f"The questions that test a proposal against {checklist.sections_phrase}, "
                f"printed once here for {which}: each record's pages give its answers.",
                s["Body"]))
            for p in checklist.principles:
                out.append(KeepTogether([
                    self.para(f"{p.number}. {g.markup(p.title, 'checklist')}", s["H3"]),
                    self.para(f"“{g.markup(p.wording, 'checklist')}”", s["Quote"]),
                    *question_list(self, p)]))
        return out

    def cover(self) -> list[Flowable]:
        s, g = self.styles, self.guard
        orgs = sorted({r.decision.organisation for r in self.records if r.decision.organisation})
        meetings = sorted({r.decision.meeting_date for r in self.records if r.decision.meeting_date})
        makers = sorted({r.decision.decision_maker for r in self.records
                         if r.decision.decision_maker})
        out: list[Flowable] = [
            Anchor("pack-cover", "Cover", 0),
            Spacer(0, 40 * mm),
            self.para("Committee pack", s["Kicker"]),
            self.para(g.markup(self.title, "pack title"), s["PackTitle"]),
        ]
        facts = [
            ("Organisation", _listed([g.markup(o, "organisation") for o in orgs],
                                     "organisations")),
            ("Decision maker", _listed([g.markup(m, "decision_maker") for m in makers],
                                       "decision makers")),
            ("Meeting date", _dates(meetings)),
            ("Decisions", str(len(self.records))),
            ("Prepared", long_date(self.prepared.isoformat())),
        ]
        rows = [[self.para(k, s["CellHead"]), self.para(v or "–", s["Cell"])] for k, v in facts]
        out.append(grid_table(rows, [40 * mm, 130 * mm], header=False))
        groups = self.checklist_groups()
        against = (groups[0][0].sections_phrase if len(groups) == 1
                   else "the sections of its own checklist")
        out += [Spacer(0, 10 * mm), self.para(
            f"Each decision record in this pack tests the proposal against {against}. "
            "Every page carries the record's reference, version and verification "
            "code; the code identifies exactly which recorded version was printed. Anyone can "
            "check a copy with <b>decision-checklist verify CODE</b>.", s["Body"])]
        return out

    def contents(self) -> list[Flowable]:
        s, g = self.styles, self.guard
        out: list[Flowable] = [Anchor("pack-contents", "Contents", 0), self.para("Contents", s["H1"])]
        rows: list[Row] = [[self.para(h, s["CellHead"]) for h in ("", "Decision", "Overall", "Page")]]
        rows.append(["", self.para(self.grid_title(), s["Cell"]),
                     "", PageRef("pack-grid")])
        for i, rec in enumerate(self.records, start=1):
            d = rec.decision
            g.scope = warning_scope(d)
            ref = g.markup(d.reference, "reference")
            detail = " · ".join(x for x in (ref, f"version {d.version}", rec.status) if x)
            rows.append([
                self.para(str(i), s["Cell"]),
                [self.para(f'<a href="#record-{i}">{g.markup(d.title, "title")}</a>', s["CellBold"]),
                 self.para(detail, s["Secondary"])],
                self.para(overall_markup(d, counted=False), s["Cell"]),
                PageRef(f"record-{i}"),
            ])
        g.scope = ""
        rows.append(["", self.para(ANNEX_TITLE, s["Cell"]), "", PageRef("pack-questions")])
        out.append(grid_table(rows, [10 * mm, 112 * mm, 32 * mm, 16 * mm],
                              extra=[("ALIGN", (3, 0), (3, -1), "RIGHT")]))
        return out

    def checklist_groups(self) -> list[tuple[Checklist, list[tuple[int, PrintRecord]]]]:
        """The records by the checklist they are answered against (numbered as in the
        contents), each checklist where its first record comes."""
        groups: dict[str, tuple[Checklist, list[tuple[int, PrintRecord]]]] = {}
        for i, rec in enumerate(self.records, start=1):
            groups.setdefault(rec.checklist.sha256, (rec.checklist, []))[1].append((i, rec))
        return list(groups.values())

    def grid_title(self) -> str:
        groups = self.checklist_groups()
        if len(groups) == 1:
            return f"Summary of decisions against {groups[0][0].sections_phrase}"
        return "Summary of decisions"

    def grid(self) -> list[Flowable]:
        """One grid of decisions x sections per checklist the records are answered against:
        records answered against different checklists never share columns."""
        s = self.styles
        groups = self.checklist_groups()
        out: list[Flowable] = [Anchor("pack-grid", "Summary of decisions", 0),
                     self.para(self.grid_title(), s["H1"])]
        if len(groups) > 1:
            out.append(self.para(
                f"The decisions in this pack are answered against {number_words(len(groups))} "
                "checklists: each has its own grid, with its own sections.", s["Body"]))
        for checklist, records in groups:
            out += self.checklist_grid(checklist, records, titled=len(groups) > 1)
        kinds = {checklist.kind for checklist, _records in groups}
        kind = kinds.pop() if len(kinds) == 1 else "section"
        out.append(self.para(rating_key(kind) + f' <font color="{SECONDARY}">A blank cell: not yet '
                             "rated.</font>", s["Secondary"]))
        return out

    def checklist_grid(self, checklist: Checklist, records: list[tuple[int, PrintRecord]],
                       *, titled: bool) -> list[Flowable]:
        s, g = self.styles, self.guard
        principles = checklist.principles
        n = len(principles)
        out: list[Flowable] = []
        if titled:
            out.append(self.para(f"{g.markup(checklist.title, 'checklist')} (version "
                                 f"{checklist.version}): {checklist.sections_counted}",
                                 s["H2"]))
        out.append(self.para(f"Each column is one {checklist.kind} (see the key below); the last "
                             f"column is the overall rating, the worst of the {number_words(n)}, "
                             f"once all {number_words(n)} are complete.", s["Body"]))
        head: Row = [self.para("Decision", s["CellHead"])]
        head += [self.para(str(p.number), s["CellCentre"]) for p in principles]
        head.append(self.para("Overall", s["CellHead"]))
        rows = [head]
        marks: list[tuple[Any, ...]] = []  # each rated cell's fill and box: Red must survive black and white
        for row, (i, rec) in enumerate(records, start=1):
            d = rec.decision
            g.scope = warning_scope(d)
            ref = g.markup(d.reference, "reference")
            label = f"{i}. {g.markup(d.title, 'title')}"
            # the recommended model, and whether the appraisal's ranking of it is robust
            model = recommended_model(d)
            appraised = " · ".join(x for x in (f"Recommended: {model}" if model else "",
                                               robustness(d)) if x)
            cells: Row = [[self.para(label, s["Cell"])]
                           + ([self.para(ref, s["Secondary"])] if ref else [])
                           + ([self.para(appraised, s["Secondary"])] if appraised else [])]
            for col, p in enumerate(principles, start=1):
                rating = d.answer(p.slug).rating
                cells.append(self.para(grid_mark(rating), s["CellCentre"]))
                marks += grid_fill(rating, col, row)
            overall = settled_rating(d)  # an incomplete record is not yet rated
            cells.append(self.para(grid_mark(overall, word=True) if overall else
                                   overall_markup(d, counted=False), s["Cell"]))
            marks += grid_fill(overall, n + 1, row)
            rows.append(cells)
        g.scope = ""
        # The full width is kept: many sections narrow the section columns and the decision
        # column gives way first (ten leave it its 62 mm).
        cell = min(GRID_CELL, (GRID_WIDTH - GRID_OVERALL - GRID_DECISION_MIN) / n)
        widths = [GRID_WIDTH - GRID_OVERALL - cell * n] + [cell] * n + [GRID_OVERALL]
        out.append(grid_table(rows, widths, extra=[
            ("ALIGN", (1, 0), (-2, -1), "CENTER"),
            ("LEFTPADDING", (1, 0), (-2, -1), 1), ("RIGHTPADDING", (1, 0), (-2, -1), 1),
            ("BACKGROUND", (1, 1), (-2, -1), LIGHT_FILL),
            ("LINEAFTER", (1, 0), (-3, -1), 0.5, "white"),
            *marks,
        ]))
        mixed = checklist.kind == "section"  # principles and duties: each says which it is
        key = "; ".join(f"<b>{p.number}</b> {g.markup(p.title, 'checklist')}"
                        + (f" ({p.kind})" if mixed else "") for p in principles)
        out += [Spacer(0, 4 * mm),
                self.para(f"{checklist.noun.capitalize()}: {key}.", s["Secondary"])]
        return out


ANNEX_TITLE = "Annex: guidance questions"
COVER_LIST = 6  # more than this on the cover is summarised: the cell must fit one page


def _listed(items: list[str], noun: str) -> str:
    """Items for one cover cell, summarised when there are many (each decision's own page
    names its own)."""
    if len(items) <= COVER_LIST:
        return "; ".join(items)
    return f"{'; '.join(items[:3])} and {len(items) - 3:,} other {noun}"


def _dates(dates: list[str]) -> str:
    """Meeting dates for the cover: each one, or the range when there are many."""
    if len(dates) <= COVER_LIST:
        return "; ".join(long_date(d) for d in dates)
    return f"{len(dates):,} meetings, from {long_date(dates[0])} to {long_date(dates[-1])}"
