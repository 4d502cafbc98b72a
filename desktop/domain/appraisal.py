"""The options appraisal: criteria, weights, scores, totals, ranking, must-pass and sensitivity.

The HM Treasury Green Book's way of comparing a shortlist, made usable. The decision's options
are the shortlist (by index); its criteria are the checklist's sections, the five critical
success factors and up to three of the author's own; each has a weight 0-100 and may be
must-pass; each option scores 0-4 against each criterion.

Weights before scores: no score is accepted until the weights are locked
(`weights_locked_at`), and a weight changed after that is kept as a `WeightChange`, which the
record prints, so nobody weights after the fact to get the answer they wanted.

The weighted total of an option is the share of the most it could have scored:

    total = 100 * sum(weight * score) / sum(weight * 4)      over every criterion

an unscored cell counting 0 (an appraisal is complete only when every cell is scored). A 0 on
a must-pass criterion fails the option whatever its total: a failed option ranks after every
option that passes, and can neither rank first nor be recommended.

Pure: no I/O. Every change returns a new Appraisal or raises InvalidInput / Refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from desktop.domain.checklist import Checklist
from desktop.domain.errors import InvalidInput, Refused

KINDS: tuple[str, ...] = ("principle", "csf", "duty", "custom")
KIND_LABELS = {"principle": "Principle", "duty": "Duty", "csf": "Critical success factor",
               "custom": "Own criterion"}
SECTION_KINDS = ("principle", "duty")  # their ids are section slugs of the checklist

# The Green Book's five critical success factors, in its order: (id, title).
CRITICAL_SUCCESS_FACTORS: tuple[tuple[str, str], ...] = (
    ("strategic-fit", "Strategic fit"),
    ("value-for-money", "Value for money"),
    ("supplier-capacity", "Supplier capacity and capability"),
    ("affordability", "Affordability"),
    ("achievability", "Achievability"),
)
CSF_TITLES: Mapping[str, str] = dict(CRITICAL_SUCCESS_FACTORS)
MAX_CUSTOM = 3
MAX_WEIGHT = 100
MAX_SCORE = 4
SCORE_WORDS: Mapping[int, str] = {0: "fails", 1: "poor", 2: "partly", 3: "good", 4: "fully"}
# A ranking that one weight changed by this many points or fewer can flip is not robust.
NOT_ROBUST_WITHIN = 10
_CUSTOM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Criterion:
    """One row of the matrix. A principle or duty's id is a section slug of the checklist and
    its title is the section's; a critical success factor's id is one of the five."""

    id: str
    kind: str
    title: str = ""
    weight: int = 0
    must_pass: bool = False


@dataclass(frozen=True)
class Score:
    """One cell: how well option `option` (an index into the decision's options) meets one
    criterion, 0-4, with the evidence, who scored it and when."""

    option: int
    criterion: str
    score: int
    evidence: str = ""
    scored_by: str = ""
    scored_at: str = ""

    @property
    def word(self) -> str:
        return SCORE_WORDS[self.score]


@dataclass(frozen=True)
class WeightChange:
    """A weight changed after the weights were locked: kept, and printed with the record."""

    criterion: str
    old: int
    new: int
    changed_at: str
    changed_by: str = ""


@dataclass(frozen=True)
class LongListEntry:
    """One option of the long list (the Green Book's wider set of possible options, before
    the shortlist): kept for the shortlist or dropped, and why."""

    name: str
    kept: bool
    reason: str = ""


@dataclass(frozen=True)
class Appraisal:
    """The options appraisal of one version of a decision."""

    criteria: tuple[Criterion, ...] = ()
    scores: tuple[Score, ...] = ()
    weights_locked_at: str | None = None
    weights_locked_by: str = ""
    weight_changes: tuple[WeightChange, ...] = ()
    # The author's own wording of "alternative options considered and rejected, and why";
    # "" means the generated paragraph is used (appraisal_text.rejected_options_text).
    rejected_text: str = ""
    # The long list the shortlist came from, each option kept or dropped with its reason
    # (optional: empty when the author records none).
    long_list: tuple[LongListEntry, ...] = ()

    @property
    def weights_locked(self) -> bool:
        return self.weights_locked_at is not None

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def score(self, option: int, criterion_id: str) -> Score | None:
        """The cell's score, or None while it is unscored."""
        for s in self.scores:
            if s.option == option and s.criterion == criterion_id:
                return s
        return None


class OptionLike(Protocol):
    """What the appraisal needs of an option (desktop.domain.decision.Option)."""

    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def delivery_model(self) -> str | None: ...


# --- changing an appraisal -------------------------------------------------------------

def criterion_problems(criteria: Sequence[Criterion],
                       section_slugs: Sequence[str] | None = None) -> list[tuple[int, str, str]]:
    """(index, key, message) for each thing wrong with a list of criteria: the key is the
    criterion's field it is about. `section_slugs`, when given, are the checklist's sections
    a principle or duty criterion must name."""
    problems: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    custom = 0
    for i, c in enumerate(criteria):
        if c.kind not in KINDS:
            problems.append((i, "kind", f"Kind must be one of {', '.join(KINDS)}"))
        if c.id in seen:
            problems.append((i, "id", f"Criterion {c.id!r} is listed twice"))
        seen.add(c.id)
        if c.kind == "csf" and c.id not in CSF_TITLES:
            problems.append((i, "id", f"{c.id!r} is not a critical success factor: use one "
                             f"of {', '.join(CSF_TITLES)}"))
        if c.kind in SECTION_KINDS and section_slugs is not None and c.id not in section_slugs:
            problems.append((i, "id", f"{c.id!r} is not a section of the decision's checklist"))
        if c.kind == "custom":
            custom += 1
            if custom > MAX_CUSTOM:
                problems.append((i, "kind", f"At most {MAX_CUSTOM} own criteria"))
            if not _CUSTOM_ID.match(c.id):
                problems.append((i, "id", "An own criterion's id is lower-case letters, digits "
                                 "and single hyphens"))
            if c.id in CSF_TITLES:
                problems.append((i, "id", f"{c.id!r} is a critical success factor's id"))
            if not c.title.strip():
                problems.append((i, "title", "Give your own criterion a title"))
        if not 0 <= c.weight <= MAX_WEIGHT:
            problems.append((i, "weight", f"A weight is a whole number from 0 to {MAX_WEIGHT}"))
    return problems


def _check_criteria(criteria: Sequence[Criterion], section_slugs: Sequence[str] | None) -> None:
    problems = criterion_problems(criteria, section_slugs)
    if problems:
        i, key, message = problems[0]
        raise InvalidInput(f"Criterion {i + 1}: {message}.", field=key)


def csf_criterion(criterion_id: str, weight: int = 0, must_pass: bool = False) -> Criterion:
    """One of the five critical success factors, titled as the Green Book names it."""
    return Criterion(criterion_id, "csf", CSF_TITLES[criterion_id], weight, must_pass)


def default_criteria(checklist: Checklist) -> tuple[Criterion, ...]:
    """Where an appraisal starts: every section of the checklist, then the five critical
    success factors, each weighted 0 until the author weights it."""
    return (*(Criterion(p.slug, p.kind, p.title) for p in checklist.principles),
            *(csf_criterion(cid) for cid, _title in CRITICAL_SUCCESS_FACTORS))


def with_criteria(appraisal: Appraisal, criteria: Sequence[Criterion],
                  section_slugs: Sequence[str] | None = None) -> Appraisal:
    """The appraisal with these criteria (and their weights and must-pass marks). Only before
    the weights are locked; afterwards a weight changes through `change_weight`, recorded."""
    if appraisal.weights_locked:
        raise Refused("The weights are locked, so the criteria cannot be changed; change a "
                      "weight on its own, and the change is recorded.")
    _check_criteria(criteria, section_slugs)
    return replace(appraisal, criteria=tuple(criteria))


def lock_weights(appraisal: Appraisal, at: str, by: str = "") -> Appraisal:
    """Fix the weights, so that scoring may begin."""
    if appraisal.weights_locked:
        raise Refused(f"The weights were locked at {appraisal.weights_locked_at}.")
    if not appraisal.criteria:
        raise InvalidInput("Add at least one criterion before locking the weights.",
                           field="criteria")
    if not any(c.weight for c in appraisal.criteria):
        raise InvalidInput("Give at least one criterion a weight above 0 before locking the "
                           "weights.", field="weight")
    return replace(appraisal, weights_locked_at=at, weights_locked_by=by)


def change_weight(appraisal: Appraisal, criterion_id: str, weight: int, at: str,
                  by: str = "") -> Appraisal:
    """One criterion's new weight; after the lock the change is recorded as a WeightChange."""
    old = _known(appraisal, criterion_id)
    if not 0 <= weight <= MAX_WEIGHT:
        raise InvalidInput(f"A weight is a whole number from 0 to {MAX_WEIGHT}.", field="weight")
    if weight == old.weight:
        return appraisal
    if appraisal.weights_locked and not any(
            c.weight for c in appraisal.criteria if c.id != criterion_id) and weight == 0:
        raise InvalidInput("At least one criterion must keep a weight above 0.", field="weight")
    criteria = tuple(replace(c, weight=weight) if c.id == criterion_id else c
                     for c in appraisal.criteria)
    changes = appraisal.weight_changes
    if appraisal.weights_locked:
        changes = (*changes, WeightChange(criterion_id, old.weight, weight, at, by))
    return replace(appraisal, criteria=criteria, weight_changes=changes)


def with_score(appraisal: Appraisal, score: Score, option_count: int) -> Appraisal:
    """The appraisal with one cell scored (replacing any earlier score of that cell). Refused
    until the weights are locked."""
    if not appraisal.weights_locked:
        raise Refused("Lock the weights before scoring: they are fixed first, so that nobody "
                      "weights after the fact to get the answer they wanted.")
    _known(appraisal, score.criterion)
    if not 0 <= score.option < option_count:
        raise InvalidInput(f"There is no option {score.option + 1}: the decision has "
                           f"{option_count}.", field="option")
    if not 0 <= score.score <= MAX_SCORE:
        raise InvalidInput(f"A score is a whole number from 0 to {MAX_SCORE}.", field="score")
    kept = [s for s in appraisal.scores
            if (s.option, s.criterion) != (score.option, score.criterion)]
    return replace(appraisal, scores=in_order(appraisal.criteria, [*kept, score]))


def in_order(criteria: Sequence[Criterion], scores: Sequence[Score]) -> tuple[Score, ...]:
    """Scores in the matrix's reading order: by option, then by criterion as listed (the
    order they are stored, exported and coded in, whatever order they were scored in)."""
    place = {c.id: i for i, c in enumerate(criteria)}
    return tuple(sorted(scores, key=lambda s: (s.option, place.get(s.criterion, len(place)),
                                               s.criterion)))


def without_score(appraisal: Appraisal, option: int, criterion_id: str) -> Appraisal:
    """The appraisal with one cell unscored again."""
    return replace(appraisal, scores=tuple(
        s for s in appraisal.scores if (s.option, s.criterion) != (option, criterion_id)))


def with_rejected_text(appraisal: Appraisal, text: str) -> Appraisal:
    """The author's own wording of the rejected-options paragraph ("" = the generated one)."""
    return replace(appraisal, rejected_text=text)


def long_list_problems(entries: Sequence[LongListEntry]) -> list[tuple[int, str, str]]:
    """(index, key, message) for each long-list entry without a name."""
    return [(i, "name", "Give each option of the long list a name")
            for i, e in enumerate(entries) if not e.name.strip()]


def with_long_list(appraisal: Appraisal, entries: Sequence[LongListEntry]) -> Appraisal:
    """The appraisal with this long list (any time: it records how the shortlist was made,
    and weighs nothing)."""
    if problems := long_list_problems(entries):
        i, key, message = problems[0]
        raise InvalidInput(f"Long list, option {i + 1}: {message}.", field=key)
    return replace(appraisal, long_list=tuple(entries))


def with_options_renumbered(appraisal: Appraisal, new_index: Mapping[int, int]) -> Appraisal:
    """After the options list changed: each score moves to its option's new index, and the
    scores of options no longer listed (absent from `new_index`) are dropped."""
    return replace(appraisal, scores=in_order(appraisal.criteria, [
        replace(s, option=new_index[s.option]) for s in appraisal.scores
        if s.option in new_index]))


def option_renumbering(old: Sequence[OptionLike],
                       new: Sequence[OptionLike]) -> dict[int, int]:
    """Old option index -> new, after the options list was edited: each old option is found
    by its name in the new list (at its own place if it is still there, else the first place
    not yet taken), and one not found is gone, its scores dropped. An option renamed keeps its
    scores only when it is the one name changed and nothing moved (an edit in place): a
    removal and an addition, or a swap, never hands one option's scores to another."""
    def key(o: OptionLike) -> str:
        return o.name.strip().casefold()

    out = {i: i for i, o in enumerate(old) if i < len(new) and key(new[i]) == key(o)}
    taken = set(out.values())
    free: dict[str, list[int]] = {}
    for j, o in enumerate(new):
        if j not in taken:
            free.setdefault(key(o), []).append(j)
    for i, o in enumerate(old):
        if i not in out and (places := free.get(key(o))):
            out[i] = places.pop(0)
    lost = [i for i in range(len(old)) if i not in out]
    if (len(old) == len(new) and len(lost) == 1
            and all(i == j for i, j in out.items())):
        out[lost[0]] = lost[0]  # the one option renamed where it stands
    return out


def _known(appraisal: Appraisal, criterion_id: str) -> Criterion:
    try:
        return appraisal.criterion(criterion_id)
    except KeyError:
        raise InvalidInput(f"{criterion_id!r} is not a criterion of this appraisal.",
                           field="criterion") from None


# --- totals, ranking, must-pass --------------------------------------------------------

def _weights(appraisal: Appraisal) -> dict[str, int]:
    return {c.id: c.weight for c in appraisal.criteria}


def _points(appraisal: Appraisal, option: int, weights: Mapping[str, int]) -> int:
    """sum(weight * score) over the criteria in `weights`."""
    return sum(weights[s.criterion] * s.score for s in appraisal.scores
               if s.option == option and s.criterion in weights)


def weighted_total(appraisal: Appraisal, option: int,
                   weights: Mapping[str, int] | None = None) -> float | None:
    """100 * sum(weight * score) / sum(weight * 4), unscored cells counting 0; None when no
    criterion has a weight. `weights` (criterion id -> weight) replaces the appraisal's."""
    weights = _weights(appraisal) if weights is None else weights
    most = MAX_SCORE * sum(weights.values())
    if not most:
        return None
    return 100 * _points(appraisal, option, weights) / most


def must_pass_fails(appraisal: Appraisal, option: int,
                    leave_out: str | None = None) -> tuple[str, ...]:
    """The must-pass criteria (ids) on which this option scores 0."""
    return tuple(c.id for c in appraisal.criteria if c.must_pass and c.id != leave_out
                 and (s := appraisal.score(option, c.id)) is not None and s.score == 0)


@dataclass(frozen=True)
class Ranked:
    """One option's place: its total, its rank (1 = first; equal totals share a rank), and
    the must-pass criteria it fails (a failed option ranks after every one that passes)."""

    option: int
    total: float | None
    rank: int
    fails: tuple[str, ...]

    @property
    def failed(self) -> bool:
        return bool(self.fails)


def ranking(appraisal: Appraisal, option_count: int, weights: Mapping[str, int] | None = None,
            leave_out: str | None = None) -> tuple[Ranked, ...]:
    """The options best first: those that pass every must-pass criterion by total, then the
    failed ones by total; ties keep the options' order and share a rank. `leave_out` ranks
    as if that criterion were not there (its weight and its must-pass mark)."""
    weights = dict(_weights(appraisal) if weights is None else weights)
    if leave_out is not None:
        weights.pop(leave_out, None)
    rows = [(o, _points(appraisal, o, weights), must_pass_fails(appraisal, o, leave_out))
            for o in range(option_count)]
    rows.sort(key=lambda r: (bool(r[2]), -r[1]))
    most = MAX_SCORE * sum(weights.values())
    out: list[Ranked] = []
    for place, (option, points, fails) in enumerate(rows):
        rank = place + 1
        if place and (bool(rows[place - 1][2]), rows[place - 1][1]) == (bool(fails), points):
            rank = out[-1].rank
        out.append(Ranked(option, 100 * points / most if most else None, rank, fails))
    return tuple(out)


def leader(ranked: Sequence[Ranked]) -> int | None:
    """The option ranked first alone: None when none passes, no weight is set, or two or
    more share first place."""
    if not ranked or ranked[0].failed or ranked[0].total is None:
        return None
    if len(ranked) > 1 and ranked[1].rank == 1:
        return None
    return ranked[0].option


# --- sensitivity -----------------------------------------------------------------------

@dataclass(frozen=True)
class WeightFlip:
    """The smallest change to one weight that makes another option rank first."""

    criterion: str
    from_weight: int
    to_weight: int
    new_leader: int

    @property
    def size(self) -> int:
        return abs(self.to_weight - self.from_weight)


@dataclass(frozen=True)
class Sensitivity:
    """How firmly the first-ranked option holds: `flip` is the smallest single-weight change
    (within 0-100) that makes another option first, None when none does; `left_out` is the
    ranking (option indexes, best first) with each criterion left out in turn."""

    leader: int | None
    flip: WeightFlip | None
    left_out: tuple[tuple[str, tuple[int, ...]], ...]

    @property
    def robust(self) -> bool:
        """First alone, and no weight changed by NOT_ROBUST_WITHIN points or fewer unseats it."""
        return self.leader is not None and (self.flip is None
                                            or self.flip.size > NOT_ROBUST_WITHIN)


def smallest_flip(appraisal: Appraisal, option_count: int) -> WeightFlip | None:
    """Try every whole weight 0-100 of each criterion, all others as they are; the nearest
    to the present weight that puts another option first alone wins (ties: the criterion
    listed first, then raising before lowering)."""
    now = leader(ranking(appraisal, option_count))
    if now is None:
        return None
    weights = _weights(appraisal)
    best: WeightFlip | None = None
    for c in appraisal.criteria:
        for step in range(1, MAX_WEIGHT + 1):
            if best is not None and step >= best.size:
                break  # no nearer flip here; an equal one loses to the criterion listed first
            found = next((WeightFlip(c.id, c.weight, w, first) for w in (c.weight + step,
                                                                          c.weight - step)
                          if 0 <= w <= MAX_WEIGHT
                          and (first := leader(ranking(appraisal, option_count,
                                                       {**weights, c.id: w}))) is not None
                          and first != now), None)
            if found is not None:
                best = found
                break
    return best


def sensitivity(appraisal: Appraisal, option_count: int) -> Sensitivity:
    """The ranking's sensitivity to the weights (see Sensitivity)."""
    return Sensitivity(
        leader=leader(ranking(appraisal, option_count)),
        flip=smallest_flip(appraisal, option_count),
        left_out=tuple(
            (c.id, tuple(r.option for r in ranking(appraisal, option_count, leave_out=c.id)))
            for c in appraisal.criteria),
    )


# --- completeness and the shortlist ----------------------------------------------------

_DO_NOTHING = re.compile(r"\b(do nothing|do minimum|business as usual|status quo|"
                         r"as now|no change|keep (it )?in[- ]house|stop)\b", re.IGNORECASE)
BUSINESS_AS_USUAL_MODELS = ("in-house", "stop")


def is_business_as_usual(option: OptionLike) -> bool:
    """In-house (today's way, for most services) or "do nothing" / stop: by its delivery
    model, or by its name ("Do nothing", "Business as usual", "Status quo")."""
    return (option.delivery_model in BUSINESS_AS_USUAL_MODELS
            or bool(_DO_NOTHING.search(option.name)))


def shortlist_problems(options: Sequence[OptionLike]) -> list[str]:
    """What the shortlist lacks: business as usual, and at least one alternative to it."""
    problems: list[str] = []
    usual = [i for i, o in enumerate(options) if is_business_as_usual(o)]
    if not usual:
        problems.append("Add business as usual to the options: keeping the service in-house, "
                        "or doing nothing (stopping it)")
    if len(options) - (1 if usual else 0) < 1:
        problems.append("Add at least one alternative to business as usual to the options")
    return problems


def recommended_index(options: Sequence[OptionLike]) -> int | None:
    """The index of the recommended option (the first, if several are marked), or None."""
    return next(iter(recommended_indexes(options)), None)


def recommended_indexes(options: Sequence[OptionLike]) -> list[int]:
    """The index of every option marked recommended: an appraisal allows one."""
    return [i for i, o in enumerate(options) if o.status == "recommended"]


def too_many_recommended(options: Sequence[OptionLike]) -> str | None:
    """Why the options cannot stand with an appraisal, when more than one is recommended."""
    chosen = recommended_indexes(options)
    if len(chosen) < 2:
        return None
    names = ", ".join(options[i].name for i in chosen)
    return (f"Mark only one option as recommended: {len(chosen)} are ({names}), and the "
            "appraisal compares them to recommend one")


def unscored(appraisal: Appraisal, option_count: int) -> list[tuple[int, str]]:
    """(option, criterion id) of every cell not yet scored."""
    return [(o, c.id) for o in range(option_count) for c in appraisal.criteria
            if appraisal.score(o, c.id) is None]


def appraisal_problems(appraisal: Appraisal, options: Sequence[OptionLike]) -> list[str]:
    """What is still missing before the appraisal is complete (empty when complete): a
    shortlist with business as usual and an alternative, criteria with locked weights, every
    option scored on every criterion, and a recommended option that passes every must-pass
    criterion."""
    problems = shortlist_problems(options)
    if not appraisal.criteria:
        problems.append("Add the criteria the options are appraised against")
    elif not appraisal.weights_locked:
        problems.append("Lock the weights, then score the options")
    gaps = unscored(appraisal, len(options))
    if appraisal.criteria and gaps:
        problems.append(f"Score every option against every criterion ({len(gaps)} of "
                        f"{len(options) * len(appraisal.criteria)} cells not scored)")
    chosen = recommended_index(options)
    if chosen is None:
        problems.append("Mark one option as recommended")
    elif several := too_many_recommended(options):
        problems.append(several)
    elif fails := must_pass_fails(appraisal, chosen):
        titles = ", ".join(appraisal.criterion(f).title or f for f in fails)
        problems.append(f"The recommended option, {options[chosen].name}, fails the "
                        f"must-pass criterion {titles}: it cannot be recommended")
    return problems


def is_appraisal_complete(appraisal: Appraisal | None, options: Sequence[OptionLike]) -> bool:
    """No appraisal needs nothing; one that exists must have no problems."""
    return appraisal is None or not appraisal_problems(appraisal, options)


# --- consistency with the principle pages ----------------------------------------------

def disagreements(appraisal: Appraisal, ratings: Mapping[str, str | None],
                  recommended: int | None) -> list[tuple[str, str, int]]:
    """(criterion id, rating, score) where a section's rating on its page disagrees with the
    recommended option's score against it: rated green but scored 0 or 1, or rated red but
    scored 3 or 4. `ratings` maps section slug -> rating value ("green", "red"...)."""
    if recommended is None:
        return []
    out: list[tuple[str, str, int]] = []
    for c in appraisal.criteria:
        rating = ratings.get(c.id) if c.kind in SECTION_KINDS else None
        s = appraisal.score(recommended, c.id)
        if rating is None or s is None:
            continue
        if (rating == "green" and s.score <= 1) or (rating == "red" and s.score >= 3):
            out.append((c.id, rating, s.score))
    return out
