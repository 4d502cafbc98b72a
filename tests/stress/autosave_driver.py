"""A stand-in for the window's autosave, as its own process, for the crash tests.

    python autosave_driver.py DB START

Opens DB through desktop.application.bootstrap.open_service (as the window does), then edits one decision
for ever, the way autosave writes it: a title, a proposal, or one principle's answer, each a
committed service call. After each call returns it prints "ACK <n>" (n counts up from START),
so whatever prints ACK had been reported saved to the user. Every value written is
"edit <n> ..." so the test can find each acknowledged edit in the audit log and the record.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.application.bootstrap import open_service
from desktop.domain.decision import Answer, Rating
from tests.helpers.shipped import SLUGS

PADDING = " Résumé of what the officer typed — £640,000 a year, ✓ agreed. " * 4


def kind(n: int) -> str:
    """Which field edit n writes: title, proposal, or answers.<slug>.response."""
    if n % 3 == 0:
        return "title"
    if n % 3 == 1:
        return "proposal"
    return f"answers.{SLUGS[n % len(SLUGS)]}.response"


def value(n: int) -> str:
    return f"edit {n}" if kind(n) == "title" else f"edit {n}{PADDING}"


def main() -> int:
    db, start = sys.argv[1], int(sys.argv[2])
    service = open_service(db, user="driver")
    ids = service.repo.all_ids()  # the crash database holds this one decision only
    decision_id = ids[0] if ids else service.create("Crash test").id
    print("READY", flush=True)
    n = start
    while True:
        field = kind(n)
        if field == "title":
            service.update(decision_id, title=value(n))
        elif field == "proposal":
            service.update(decision_id, proposal=value(n))
        else:
            slug = field.split(".")[1]
            service.set_answer(decision_id, slug, Answer(rating=Rating.GREEN, response=value(n)))
        print(f"ACK {n}", flush=True)
        n += 1


if __name__ == "__main__":
    sys.exit(main())
