"""The options appraisal in words: scores, the sensitivity line, the rejected options, and
where the principle pages disagree with the appraisal. The window, the PDF and the CLI say
these the same way because they all take them from here."""

from __future__ import annotations

from desktop.domain.appraisal import (
    NOT_ROBUST_WITHIN,
    SCORE_WORDS,
    Appraisal,
    disagreements,
    must_pass_fails,
    ranking,
    recommended_index,
    sensitivity,
)
from desktop.domain.decision import DELIVERY_MODEL_LABELS, Decision, Option, Rating


def score_label(score: int) -> str:
    """"3 good": the number and its word, so a score never rests on colour."""
    return f"{score} {SCORE_WORDS[score]}"


def total_label(total: float | None) -> str:
    """A weighted total as printed: "72.5%", or "–" when no criterion has a weight."""
    return "–" if total is None else f"{total:.1f}%"


def criterion_title(appraisal: Appraisal, criterion_id: str) -> str:
    c = appraisal.criterion(criterion_id)
    return c.title or c.id


def option_label(options: tuple[Option, ...], index: int) -> str:
    """An option as a sentence names it: its name, or "option 3" when it has none."""
    name = options[index].name.strip() if 0 <= index < len(options) else ""
    return name or f"option {index + 1}"


def sensitivity_line(decision: Decision) -> str:
    """"Robust: ..." or "Not robust: raising X from 20 to 27 makes Y first"; "" without an
    appraisal."""
    a = decision.appraisal
    if a is None:
        return ""
    n = len(decision.options)
    s = sensitivity(a, n)
    if s.leader is None:
        top = ranking(a, n)
        if not top or top[0].total is None:
            return "Not robust: no option ranks first until the criteria are weighted."
        if top[0].failed:
            return "Not robust: every option fails a must-pass criterion."
        return "Not robust: two or more options share first place."
    first = option_label(decision.options, s.leader)
    if s.flip is None:
        return (f"Robust: no change to any one weight (0 to 100) makes another option rank "
                f"above {first}.")
    f = s.flip
    verb = "raising" if f.to_weight > f.from_weight else "lowering"
    move = f"{verb} {criterion_title(a, f.criterion)} from {f.from_weight} to {f.to_weight}"
    then = f"makes {option_label(decision.options, f.new_leader)} first"
    if s.robust:
        return (f"Robust: {first} stays first unless one weight moves more than "
                f"{NOT_ROBUST_WITHIN} points; the smallest change that unseats it: {move} "
                f"({f.size} points) {then}.")
    return f"Not robust: {move} {then}."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _named(option: Option, label: str) -> str:
    model = DELIVERY_MODEL_LABELS.get(option.delivery_model or "", "")
    return f"{label} ({model.lower() if model else 'no delivery model given'})"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def generated_rejected_paragraph(decision: Decision) -> str:
    """"Alternative options considered and rejected, and why", from the appraisal (rank,
    total, must-pass fails) and each rejected option's reason: the recommended option's place,
    then a paragraph for each rejected option (separated by blank lines)."""
    options = decision.options
    rejected = [i for i, o in enumerate(options) if o.status != "recommended"]
    if not rejected:
        return "No alternative options were considered."
    a = decision.appraisal
    n = len(options)
    places = {r.option: r for r in ranking(a, n)} if a is not None and a.criteria else {}
    blocks: list[str] = []
    chosen = recommended_index(options)
    if chosen is not None and chosen in places:
        r = places[chosen]
        blocks.append(f"The recommended option, {option_label(options, chosen)}, ranked "
                         f"{_ordinal(r.rank)} of {n} with {total_label(r.total)} of the "
                         "weighted criteria.")
    for i in rejected:
        o = options[i]
        text = f"{_named(o, option_label(options, i))} was considered and rejected"
        if i in places and a is not None:
            r = places[i]
            text += (f": it ranked {_ordinal(r.rank)} of {n} with {total_label(r.total)} of "
                     "the weighted criteria")
            if fails := must_pass_fails(a, i):
                titles = ", ".join(criterion_title(a, f) for f in fails)
                text += f", and failed the must-pass criterion {titles}"
        text += "."
        if o.reason.strip():
            text += " " + _sentence(o.reason)
        blocks.append(text)
    return "\n\n".join(blocks)  # a paragraph for each option


def long_list_line(appraisal: Appraisal) -> str:
    """The long list in one sentence: "Long list: 5 options considered; kept: A, B; dropped:
    C (it costs more), D." ("" when none is recorded). Each reason is printed as its author
    wrote it, in brackets (its closing full stop dropped), so no word of it is recased."""
    entries = appraisal.long_list
    if not entries:
        return ""
    kept = [e.name.strip() for e in entries if e.kept]
    dropped = [e.name.strip() + (f" ({e.reason.strip().rstrip('.')})" if e.reason.strip()
                                 else "") for e in entries if not e.kept]
    parts = [f"Long list: {len(entries)} option{'s' if len(entries) != 1 else ''} considered",
             "kept: " + (", ".join(kept) if kept else "none")]
    if dropped:
        parts.append("dropped: " + "; ".join(dropped))
    return _sentence("; ".join(parts))


def rejected_options_text(decision: Decision) -> str:
    """The paragraph as the record prints it: the author's edit, or the generated one."""
    a = decision.appraisal
    if a is not None and a.rejected_text.strip():
        return a.rejected_text
    return generated_rejected_paragraph(decision)


def disagreement_messages(decision: Decision, titles: dict[str, str] | None = None) -> list[str]:
    """Where a principle page's rating disagrees with the recommended option's score: "Value
    for money is rated Green, but the recommended option, X, scores 1 poor against it"."""
    a = decision.appraisal
    if a is None:
        return []
    ratings = {slug: (ans.rating.value if ans.rating else None)
               for slug, ans in decision.answers.items()}
    chosen = recommended_index(decision.options)
    out = []
    for cid, rating, score in disagreements(a, ratings, chosen):
        title = (titles or {}).get(cid) or criterion_title(a, cid)
        assert chosen is not None  # disagreements() is empty without a recommended option
        out.append(f"{title} is rated {Rating(rating).label} on its page, but the recommended "
                   f"option, {option_label(decision.options, chosen)}, scores "
                   f"{score_label(score)} against it in the options appraisal.")
    return out


def recommended_model(decision: Decision) -> str:
    """The recommended delivery model in words: the record's own, else the recommended
    option's; "" when neither says."""
    chosen = recommended_index(decision.options)
    model = decision.delivery_model or (
        decision.options[chosen].delivery_model if chosen is not None else None)
    return DELIVERY_MODEL_LABELS.get(model or "", "")


def robustness(decision: Decision) -> str:
    """"Ranking robust", "Ranking not robust", or "" without an appraisal (the pack's grid):
    about the recommended option when there is one, so one the appraisal does not rank first
    alone is said to be where it ranks ("Recommended ranks 3rd of 4")."""
    a = decision.appraisal
    if a is None or not a.criteria:
        return ""
    n = len(decision.options)
    found = sensitivity(a, n)
    chosen = recommended_index(decision.options)
    if chosen is not None and chosen != found.leader:
        ranks = ranking(a, n)
        rank = next(r.rank for r in ranks if r.option == chosen)
        joint = "joint " if sum(r.rank == rank for r in ranks) > 1 else ""
        return f"Recommended ranks {joint}{_ordinal(rank)} of {n}"
    return "Ranking robust" if found.robust else "Ranking not robust"
