"""Builders for records with an options appraisal (not a test module): the three real-world
decisions of issue 16, entered through the services as the window enters them."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.appraisal import Criterion, csf_criterion
from desktop.domain.decision import Option
from tests.helpers.lifecycle import complete_decision
from tests.helpers.shipped import SLUGS


@dataclass(frozen=True)
class Case:
    title: str
    options: tuple[Option, ...]
    scores: tuple[tuple[int, ...], ...]  # one row per criterion of CRITERIA, options across


# The appraisal's rows: two principles, the five critical success factors, one own criterion.
CRITERIA = (
    Criterion(SLUGS[0], "principle", weight=15, must_pass=True),
    Criterion(SLUGS[1], "principle", weight=10),
    csf_criterion("strategic-fit", 15),
    csf_criterion("value-for-money", 20, must_pass=True),
    csf_criterion("supplier-capacity", 10),
    csf_criterion("affordability", 15),
    csf_criterion("achievability", 10),
    Criterion("social-value", "custom", "Social value & local jobs", 5),
)

BARNET = Case(
    "Review of the Capita contracts (Barnet)",
    (Option("Continue the contracts as they are", "rejected", "outsource",
            "Savings have fallen short of the 2013 business case."),
     Option("Re-shape the contracts", "rejected", "outsource",
            "Keeps the council tied to one supplier for services it now wants back."),
     Option("End the contracts and bring services back in-house", "recommended", "in-house")),
    ((3, 3, 4), (2, 2, 3), (1, 2, 4), (1, 2, 3), (4, 3, 2), (2, 3, 3), (4, 3, 2), (1, 2, 4)),
)
LIBRARIES = Case(
    "The future of the library service",
    (Option("Keep in-house", "rejected", "in-house", "Cannot be afforded after 2027."),
     Option("Community trust", "recommended", "social-sector"),
     Option("Shared with a neighbouring council", "rejected", "shared-service",
            "The neighbour's timetable does not fit."),
     Option("Reduced service: close four branches", "rejected", "stop",
            "Fails the duty to provide a comprehensive service.")),
    ((4, 3, 3, 0), (3, 3, 3, 1), (3, 4, 3, 1), (2, 3, 3, 2), (4, 3, 2, 4), (1, 3, 3, 4),
     (4, 3, 2, 3), (3, 4, 2, 0)),
)
HIGHWAYS = Case(
    "Highways maintenance after 2027",
    (Option("Re-let the contract", "rejected", "outsource",
            "The market offered two bidders last time."),
     Option("Bring in-house", "recommended", "in-house")),
    ((3, 3), (2, 3), (2, 4), (2, 3), (4, 2), (3, 3), (3, 2), (1, 4)),
)
CASES = (BARNET, LIBRARIES, HIGHWAYS)


def appraised_decision(service, case: Case = LIBRARIES, *, lock: bool = True,
                       score: bool = True):
    """A complete record (every section answered) with the case's options and appraisal:
    criteria weighted, the weights locked, every cell scored with evidence."""
    d = complete_decision(service, case.title)
    d = service.update(d, options=case.options)
    d = service.appraisals.start(d, CRITERIA)
    if lock:
        d = service.appraisals.lock_weights(d)
    if lock and score:
        for row, criterion in zip(case.scores, CRITERIA, strict=True):
            for option, value in enumerate(row):
                d = service.appraisals.score(
                    d, option, criterion.id, value,
                    f"Evidence for {case.options[option].name} on {criterion.id}.")
    return d
