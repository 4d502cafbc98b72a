"""The command line as the tests run it: in this process (run) or as a real process (main_py),
and the hand-written bundle they import (not a test module)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]
ALL_SLUGS = ["values", "outcomes", "staff", "users", "voluntary-sector", "collaboration",
             "challenge", "long-term", "radical", "perseverance"]


def answer(rating: str, response: str, **extra) -> dict:
    return {"rating": rating, "response": response, **extra}


def action(text: str, owner: str, due: str) -> dict:
    return {"action": text, "owner": owner, "due": due}


# Written by hand from PRODUCT.md's bundle table, as another program would write it.
HAND_WRITTEN = {
    "format": "decision-checklist/1",
    "decisions": [
        {
            "id": "0b5e7f44-3c1d-4a8e-9f2b-6d4c3a2b1e01",
            "title": "Hand the library service to a community trust",
            "proposal": "Transfer the eleven branch libraries to the Westmere Libraries Trust "
                        "from 1 April 2027 under a 25-year lease with a five-year grant.",
            "reference": "CAB/2026/031",
            "reasons": "Keeps all branches open; the trust can raise charitable income.",
            "organisation": "Westmere County Council",
            "decision_maker": "Cabinet",
            "proposer": "Director of Communities",
            "meeting_date": "2026-12-09",
            "review_date": "2028-04-01",
            "key_decision": True,
            "delivery_model": "social-sector",
            "options": [
                {"name": "Do nothing", "status": "rejected",
                 "reason": "A £1.2m gap by 2028 means closing four branches."},
                {"name": "Close four branches", "delivery_model": "stop", "status": "rejected",
                 "reason": "Loses service to the most deprived wards."},
                {"name": "Community trust", "delivery_model": "social-sector",
                 "status": "recommended"},
            ],
            "conflicts_of_interest": "Cllr Patel is a trustee; she left the room. No dispensation.",
            "answers": {
                "values": answer("green", "Free access and the stock policy stay in the lease."),
                "outcomes": answer("green", "The grant agreement measures reading outcomes.",
                                   evidence="Draft grant agreement, schedule 3"),
                "staff": answer("amber", "Staff transfer under TUPE; pensions not yet agreed.",
                                actions=[action("Agree admitted-body status with the pension "
                                                "fund", "Head of HR", "2027-01-31")]),
                "users": answer("green", "Two rounds of consultation; 3,100 responses."),
                "voluntary-sector": answer("green", "The trust is a local charity."),
                "collaboration": answer("not-applicable",
                                        "No neighbouring council runs libraries with us."),
                "challenge": answer("green", "Opening hours redesigned with users."),
                "long-term": answer("red", "A 25-year lease limits future choices.",
                                    actions=[action("Add a break clause at year 10",
                                                    "Monitoring Officer", "2026-12-01"),
                                             action("Model the lease's cost over 25 years",
                                                    "Section 151 Officer", "2026-11-30")]),
                "radical": answer("green", "Libraries become community hubs."),
                "perseverance": answer("amber", "The grant tapers after five years.",
                                       actions=[action("Agree a sustainability plan",
                                                       "Director of Communities",
                                                       "2027-06-30")]),
            },
        },
        {
            "title": "Bring highways maintenance back in-house",
            "proposal": "End the contract in 2027 and employ the workforce directly.",
            "delivery_model": "in-house",
            "answers": {slug: answer("green", f"Considered: {slug}.") for slug in ALL_SLUGS}
            | {"radical": answer("amber", "Only partly new.",
                                 actions=[action("Pilot a new model", "Head of Highways",
                                                 "2027-03-31")])},
        },
        {
            "title": "Join a shared legal service",
            "proposal": "Share legal services with two neighbours.",
            "answers": {slug: answer("not-applicable", "Does not apply here.")
                        for slug in ALL_SLUGS}
            | {"collaboration": answer("green", "Three councils share one team.")},
        },
    ],
}
EXPECTED = {  # title -> (complete, overall rating, status)
    "Hand the library service to a community trust": (10, "red", "ready"),
    "Bring highways maintenance back in-house": (10, "amber", "ready"),
    "Join a shared legal service": (10, "green", "ready"),
}


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    status = cli.run([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def write_bundle(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def main_py(*argv, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *map(str, argv)],
        cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
