"""The record's "Options appraisal" section and its evidence annex (desktop/domain/appraisal.py).

The matrix prints criteria down and options across, at most MATRIX_OPTIONS options to a
table (the criterion column repeated), so six options make two tables of three. A score is
its number and word ("3 good"), never a colour; a must-pass criterion is marked in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.units import mm

from desktop.domain.appraisal import (
    KIND_LABELS,
    MAX_SCORE,
    NOT_ROBUST_WITHIN,
    SCORE_WORDS,
    Appraisal,
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
from desktop.domain.dates import long_date, short_date
from desktop.export.pdf.parts import (
    Anchor,
    KeepWithStart,
    PartMark,
    Row,
    SectionRule,
    Spacer,
    grid_table,
)

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from desktop.export.pdf.record import RecordStory

MATRIX_OPTIONS = 4  # option columns per table; more options continue in another table
CRITERION_WIDTH, NARROW_CRITERION_WIDTH, WEIGHT_WIDTH = 48 * mm, 38 * mm, 16 * mm
MATRIX_WIDTH = 170 * mm
MUST_PASS = "must pass"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def moment_words(stamp: str | None) -> str:
    """A stored UTC moment as printed: "1 December 2026 at 14:05 UTC"."""
    if not stamp:
        return ""
    day, _, time = stamp.partition("T")
    return f"{long_date(day)} at {time[:5]} UTC" if time else long_date(day)


def short_moment(stamp: str | None) -> str:
    """A stored UTC moment in a narrow column: "1 Dec 2026, 14:05"."""
    if not stamp:
        return ""
    day, _, time = stamp.partition("T")
    return f"{short_date(day)}, {time[:5]}" if time else short_date(day)


def chunks(count: int, size: int = MATRIX_OPTIONS) -> list[range]:
    """Option indexes split into tables of at most `size`, as evenly as they go (six: 3 + 3)."""
    if count <= size:
        return [range(count)]
    tables = -(-count // size)
    per = -(-count // tables)
    return [range(start, min(start + per, count)) for start in range(0, count, per)]


class AppraisalSection:
    """The appraisal's flowables for one record story."""

    def __init__(self, story: RecordStory, appraisal: Appraisal) -> None:
        self.st, self.a = story, appraisal
        self.d = story.d
        self.n = len(self.d.options)
        self.ranked = {r.option: r for r in ranking(appraisal, self.n)}
        self.chosen = recommended_index(self.d.options)

    def title(self, criterion_id: str) -> str:
        c = self.a.criterion(criterion_id)
        return self.st.line(c.title or c.id, "appraisal.criteria.title")

    def option_name(self, i: int) -> str:
        return self.st.line(option_label(self.d.options, i), f"options[{i}].name")

    def flowables(self) -> list[Flowable]:
        st, s, a = self.st, self.st.s, self.a
        para = st.P
        if not a.criteria:
            return [para("The appraisal has no criteria yet.", s["Secondary"])]
        locked = (f"The weights were locked on {moment_words(a.weights_locked_at)}"
                  + (f" by {st.line(a.weights_locked_by, 'appraisal.weights_locked_by')}"
                     if a.weights_locked_by else "") + ", before any option was scored."
                  if a.weights_locked_at else
                  "<b>The weights are not locked yet</b>, so no option has been scored.")
        out: list[Flowable] = [
            para("Each option is scored against each criterion from 0 to 4: "
              + ", ".join(f"{k} {w}" for k, w in SCORE_WORDS.items())
              + ". An option's weighted total is the share of the most it could score: "
              f"100 × the sum of weight × score, divided by the sum of weight × {MAX_SCORE}. "
              f"A criterion marked “{MUST_PASS}” cannot be bought out: an option scoring 0 "
              "against it fails, whatever its total, and cannot be recommended.", s["Body"]),
            para(locked, s["Body"]),
        ]
        if a.long_list:
            out.append(para(st.line(long_list_line(a), "appraisal.long_list"), s["Body"]))
        for part, options in enumerate(chunks(self.n)):
            if part:
                out.append(Spacer(0, 3 * mm))
            out.append(self.matrix(options))
        out += st.section("Must-pass criteria", [para(self.fails_text(), s["Body"])], "H3")
        out += st.section("Sensitivity", self.sensitivity(), "H3")
        out += st.section("Weights changed after the lock", self.weight_changes(), "H3")
        disagreements = disagreement_messages(self.d, {
            p.slug: f"{p.number}. {p.title}" for p in st.rec.checklist.principles})
        if disagreements:
            out += st.section("Where the principle pages and the appraisal disagree",
                              [para(st.line(m, "appraisal"), s["Body"], bulletText="•")
                               for m in disagreements], "H3")
        edited = bool(a.rejected_text.strip())
        note = ("Worded by the author." if edited else
                "Generated from the appraisal and each option's reason.")
        # The heading and the note on whose words these are, kept with the words' start.
        head = [para("Alternative options considered and rejected, and why", s["H3"]),
                para(note, s["Secondary"])]
        words = st.text(rejected_options_text(self.d), "appraisal.rejected_options")
        out += [KeepWithStart(head, words[0] if words else None), *head, *words]
        if a.scores:
            out.append(para("The evidence for each score is in the annex at the end of this "
                         "record.", s["Secondary"]))
        return out

    def matrix(self, options: range) -> Flowable:
        st, s, a = self.st, self.st.s, self.a
        para = st.P
        # Four options across: the criterion column gives up room, so that no option's
        # name (nor "Recommended") is broken inside a word.
        first = CRITERION_WIDTH if len(options) < MATRIX_OPTIONS else NARROW_CRITERION_WIDTH
        width = (MATRIX_WIDTH - first - WEIGHT_WIDTH) / max(1, len(options))
        head: Row = [para("Criterion", s["CellHead"]), para("Weight", s["CellHead"])]
        for i in options:
            name = para(f"{i + 1}. {self.option_name(i)}", s["CellHead"])
            head.append([name, para("Recommended", s["Secondary"])] if i == self.chosen
                        else name)
        rows: list[Row] = [head]
        for c in a.criteria:
            label = [para(f"<b>{self.title(c.id)}</b>", s["Cell"]),
                     para(KIND_LABELS[c.kind] + (f" · <b>{MUST_PASS}</b>" if c.must_pass else ""),
                       s["Secondary"])]
            row: Row = [label, para(str(c.weight), s["Cell"])]
            for i in options:
                score = a.score(i, c.id)
                if score is None:
                    row.append(para("– not scored", s["Secondary"]))
                elif c.must_pass and score.score == 0:
                    row.append(para(f"<b>{score_label(0)}</b> ✕ fails a must-pass", s["Cell"]))
                else:
                    row.append(para(score_label(score.score), s["Cell"]))
            rows.append(row)
        totals: Row = [para("<b>Weighted total</b>", s["Cell"]), para("", s["Cell"])]
        ranks: Row = [para("<b>Rank</b>", s["Cell"]), para("", s["Cell"])]
        for i in options:
            r = self.ranked[i]
            if not any(x.option == i for x in a.scores):  # nothing to total or rank yet
                totals.append(para("–", s["Cell"]))
                ranks.append(para("–", s["Cell"]))
                continue
            gaps = sum(1 for c in a.criteria if a.score(i, c.id) is None)
            totals.append([para(f"<b>{total_label(r.total)}</b>", s["Cell"])]
                          + ([para(f"{gaps} not scored", s["Secondary"])] if gaps else []))
            rank = f"{_ordinal(r.rank)} of {self.n}"
            ranks.append(para(f"{rank}, failed" if r.failed else rank, s["CellBold"]))
        rows += [totals, ranks]
        return grid_table(rows, [first, WEIGHT_WIDTH, *([width] * len(options))],
                          continued_style=s["Secondary"],
                          extra=[("LINEABOVE", (0, len(rows) - 2), (-1, len(rows) - 2), 1.2,
                                  "#0b0c0c")])

    def fails_text(self) -> str:
        failed = [r for r in self.ranked.values() if r.failed]
        if not any(c.must_pass for c in self.a.criteria):
            return "No criterion is marked must pass."
        if not failed:
            return "No option scores 0 against a must-pass criterion."
        parts = [f"{self.option_name(r.option)} fails {', '.join(self.title(f) for f in r.fails)}"
                 for r in sorted(failed, key=lambda r: r.option)]
        return ("; ".join(parts) + ". A failed option ranks after every option that passes and "
                "cannot be recommended.")

    def sensitivity(self) -> list[Flowable]:
        st, s = self.st, self.st.s
        para = st.P
        line = sensitivity_line(self.d)
        out: list[Flowable] = [para(st.line(line, "appraisal"), s["Body"]),
                               para(f"A ranking is labelled not robust when a change of "
                                 f"{NOT_ROBUST_WITHIN} points or fewer to any one weight puts "
                                 "another option first.", s["Secondary"])]
        sens = sensitivity(self.a, self.n)
        if sens.leader is None or len(self.a.criteria) < 2:
            return out
        full = tuple(r.option for r in ranking(self.a, self.n))
        order_text = ", ".join(str(i + 1) for i in full)
        # Criteria whose leaving out keeps the whole order are named in one sentence; a row
        # of the table each for the rest (twenty identical rows would hide the one that moves).
        same = [cid for cid, order in sens.left_out if order == full]
        moved = [(cid, order) for cid, order in sens.left_out if order != full]
        out.append(para(f"The ranking with each criterion left out in turn. The full order is "
                        f"{order_text} (options by number).", s["Body"]))
        if same:
            out.append(para(("Leaving out any one of these keeps that order: " if moved else
                             "Leaving out any one criterion keeps that order: ")
                            + ", ".join(self.title(c) for c in same) + ".", s["Body"]))
        if not moved:
            return out
        rows: list[Row] = [[para(h, s["CellHead"]) for h in ("Criterion left out", "Ranks first",
                                                          "Order")]]
        for cid, order in moved:
            first = order[0] if order else None
            changed = "" if first == sens.leader else " (changes)"
            rows.append([para(self.title(cid), s["Cell"]),
                         para(f"{self.option_name(first)}{changed}" if first is not None else "–",
                           s["CellBold"] if changed else s["Cell"]),
                         para(", ".join(str(i + 1) for i in order), s["Cell"])])
        out.append(grid_table(rows, [70 * mm, 70 * mm, 30 * mm], continued_style=s["Secondary"]))
        return out

    def weight_changes(self) -> list[Flowable]:
        st, s = self.st, self.st.s
        para = st.P
        if not self.a.weight_changes:
            return [para("No weight was changed after the weights were locked.", s["Body"])]
        rows: list[Row] = [[para(h, s["CellHead"]) for h in ("Criterion", "From", "To", "When",
                                                          "By")]]
        for w in self.a.weight_changes:
            rows.append([para(self.title(w.criterion), s["Cell"]), para(str(w.old), s["Cell"]),
                         para(str(w.new), s["CellBold"]), para(moment_words(w.changed_at), s["Cell"]),
                         st.cell(w.changed_by, "appraisal.weight_changes.by")])
        return [para("Each of these was recorded in the audit log when it was made.", s["Body"]),
                grid_table(rows, [52 * mm, 16 * mm, 16 * mm, 50 * mm, 36 * mm],
                           continued_style=s["Secondary"])]

    def annex(self) -> list[Flowable]:
        """Annex: every scored cell's evidence, criterion by criterion (its options below it,
        the evidence given most of the width)."""
        st, s, a = self.st, self.st.s, self.a
        para = st.P
        title = "Annex: evidence for the options appraisal"
        head: list[Flowable] = [PartMark(st.r, title), SectionRule(),
                                Anchor(f"{st.key}-appraisal-annex", title, level=1),
                                para(title, s["H1Kept"])]
        out: list[Flowable] = []
        for c in a.criteria:
            rows: list[Row] = [[para(h, s["CellHead"]) for h in ("Option", "Score", "Evidence",
                                                                 "Scored")]]
            for i in range(self.n):
                score = a.score(i, c.id)
                if score is None:
                    continue
                who = "<br/>".join(x for x in (st.line(score.scored_by, "appraisal.scored_by"),
                                               short_moment(score.scored_at)) if x)
                evidence = (st.cell(score.evidence, f"appraisal.scores.{i}.{c.id}.evidence")
                            if score.evidence.strip()
                            else para("No evidence recorded.", s["Secondary"]))
                rows.append([para(f"{i + 1}. {self.option_name(i)}", s["Cell"]),
                             para(score_label(score.score), s["CellBold"]), evidence,
                             para(who or "–", s["Secondary"])])
            if len(rows) > 1:
                weight = f"weight {c.weight}" + (f", {MUST_PASS}" if c.must_pass else "")
                out += st.section(f"{self.title(c.id)} ({weight})", [grid_table(
                    rows, [36 * mm, 18 * mm, 82 * mm, 34 * mm],
                    continued_style=s["Secondary"])], "H3")
        return [KeepWithStart(head, out[0] if out else None), *head, *out]
