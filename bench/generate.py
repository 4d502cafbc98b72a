"""Seeded synthetic registers: bundle records with realistic text, and databases built from them.

The same seed always gives the same decisions, so figures from different runs compare like
with like. Registers are written through the real import path (service.import_bundle), in
chunks, and cached by seed, size and a hash of the code that decides what is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import shutil
import uuid
from pathlib import Path

from desktop.application.bootstrap import load_shipped_checklist

SLUGS = load_shipped_checklist().slugs  # the shipped checklist's sections

GENERATOR_VERSION = 2
CHUNK = 500

_WORD_TEXT = (
    "council service residents community outcomes budget contract provider staff partnership "
    "review consultation delivery savings evidence procurement voluntary sector charity social "
    "enterprise shared highways library waste collection depot fleet maintenance care adult "
    "children housing planning democratic accountable committee cabinet portfolio director "
    "officer finance legal risk resilience capacity demand pressure flexibility long-term "
    "short-term strategy options transition workforce union engagement survey satisfaction "
    "performance target quality standard equality impact assessment users families carers "
    "neighbourhood locality place-based prevention early help commissioning in-house "
    "outsourcing tender market testing cost benefit value money revenue capital year annual "
    "forecast assumption baseline benchmark governance scrutiny oversight monitoring report "
    "the the the the of of of and and and to to to a a in in for for with on by from that is "
    "will be are as this which their our its"
)
_WORDS = tuple(_WORD_TEXT.split())
_PLACES = ("Westmere", "Northbrook", "Eastfold", "Southmoor", "Ashby", "Kingsbridge", "Harrowdene")
_SERVICES = (
    "waste collection", "highways maintenance", "the library service", "leisure centres",
    "street cleansing", "parks and open spaces", "adult day services", "home care",
    "revenues and benefits", "ICT support", "building control", "school transport",
)
_VERBS = (
    "Outsource", "Bring back in-house", "Share", "Hand to a community trust", "Stop",
    "Co-produce with users", "Re-tender", "Join a partnership for",
)
_DELIVERY = ("in-house", "outsource", "shared-service", "social-sector", "co-production", "stop",
             "other")
_RATINGS = ("green", "green", "green", "amber", "amber", "red", "not-applicable")


def _text(rng: random.Random, low: int, high: int) -> str:
    """Sentences of plain words, between low and high characters long."""
    target = rng.randint(low, high)
    out: list[str] = []
    size = 0
    while size < target:
        n = rng.randint(8, 22)
        words = [rng.choice(_WORDS) for _ in range(n)]
        sentence = " ".join(words).capitalize() + "."
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out)[: max(target, 1)].rstrip() or "Text."


def _date(rng: random.Random, start: dt.date, span_days: int) -> str:
    return (start + dt.timedelta(days=rng.randint(0, span_days))).isoformat()


def _answer(rng: random.Random, scale: float) -> dict:
    rating = rng.choice(_RATINGS)
    answer: dict = {
        "rating": rating,
        "response": _text(rng, int(80 * scale), int(500 * scale)),
        "evidence": _text(rng, 0, int(180 * scale)),
    }
    if rating in ("amber", "red"):
        answer["actions"] = [
            {
                "action": _text(rng, 40, int(160 * scale)),
                "owner": rng.choice(("Director of Place", "Head of HR", "S151 Officer",
                                     "Head of Procurement", "Community Engagement Lead")),
                "due": _date(rng, dt.date(2025, 1, 1), 900),
            }
            for _ in range(rng.randint(1, 3))
        ]
    return answer


def decision_record(rng: random.Random, index: int, *, complete_share: float = 0.6,
                    scale: float = 1.0) -> dict:
    """One bundle DECISION; scale > 1 makes every text longer.

    Text lengths spread around those of the shipped example (resources/example-bundle.json,
    about 5.5 kB of JSON, responses of 160-230 characters): a fully answered decision averages
    about 8 kB (responses 80-500 characters, up to three actions where a rating is amber or red).
    """
    place = rng.choice(_PLACES)
    service = rng.choice(_SERVICES)
    title = f"{rng.choice(_VERBS)} {service} ({place})"
    if rng.random() < 0.5:
        title += " — " + _text(rng, 10, 70)
    options = [{"name": "Do nothing", "status": "rejected", "reason": _text(rng, 40, 250)}]
    for _ in range(rng.randint(1, 3)):
        options.append({
            "name": _text(rng, 15, 80),
            "delivery_model": rng.choice(_DELIVERY),
            "status": "rejected",
            "reason": _text(rng, int(40 * scale), int(250 * scale)),
        })
    options[-1]["status"] = "recommended"
    if rng.random() < complete_share:
        slugs = list(SLUGS)
    else:
        slugs = rng.sample(list(SLUGS), rng.randint(0, 9))
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "title": title[:200],
        "reference": f"EX/{2020 + index % 7}/{index:05d}",
        "proposal": _text(rng, int(150 * scale), int(800 * scale)),
        "reasons": _text(rng, int(100 * scale), int(500 * scale)),
        "organisation": f"{place} County Council",
        "decision_maker": rng.choice(("Cabinet", "Full Council", "Portfolio Holder",
                                      "Chief Executive", "Executive Director")),
        "proposer": rng.choice(("Director of Place", "Director of People", "Chief Executive")),
        "meeting_date": _date(rng, dt.date(2020, 1, 1), 2500),
        "review_date": _date(rng, dt.date(2021, 1, 1), 2900),
        "key_decision": rng.random() < 0.4,
        "delivery_model": rng.choice(_DELIVERY),
        "options": options,
        "conflicts_of_interest": _text(rng, 0, 200),
        "answers": {slug: _answer(rng, scale) for slug in slugs},
    }


def records(n: int, seed: int = 7, *, start: int = 0, complete_share: float = 0.6,
            distinct_dates: bool = False) -> list[dict]:
    """n decision records; the same (seed, start) always gives the same ones. distinct_dates:
    decision i meets on day i (from 1 January 2020), so no two share a meeting date."""
    rng = random.Random(f"{seed}:{start}")
    out = [decision_record(rng, start + i, complete_share=complete_share) for i in range(n)]
    if distinct_dates:
        for i, rec in enumerate(out, start=start):
            rec["meeting_date"] = (dt.date(2020, 1, 1) + dt.timedelta(days=i)).isoformat()
    return out


def long_record(seed: int = 7, scale: float = 2.2) -> dict:
    """One fully answered decision whose texts are long enough for a record of about 12 pages."""
    rng = random.Random(f"long:{seed}")
    return decision_record(rng, 1, complete_share=1.0, scale=scale)


def appraised_record(checklist, seed: int = 7, options: int = 6) -> dict:
    """One fully answered decision against `checklist` (the statutory one: seventeen
    sections) with an options appraisal of `options` options x every section and three
    critical success factors (twenty criteria), weights locked, every cell scored with
    evidence of 40-300 characters; the last option is recommended and passes the two
    must-pass criteria."""
    rng = random.Random(f"appraised:{seed}")
    rec = decision_record(rng, 1, complete_share=1.0)
    rec["answers"] = {slug: _answer(rng, 1.0) for slug in checklist.slugs}
    rec["checklist"] = {"id": checklist.id, "version": checklist.version}
    models = ("in-house", "outsource", "shared-service", "social-sector", "co-production",
              "stop")
    rec["options"] = [{"name": _text(rng, 15, 60), "delivery_model": models[i % len(models)],
                       "status": "recommended" if i == options - 1 else "rejected",
                       "reason": _text(rng, 40, 200)} for i in range(options)]
    criteria = [{"id": p.slug, "kind": p.kind, "weight": rng.randint(5, 20),
                 "must_pass": i < 2} for i, p in enumerate(checklist.principles)]
    criteria += [{"id": cid, "kind": "csf", "weight": rng.randint(5, 20)}
                 for cid in ("strategic-fit", "value-for-money", "affordability")]
    scores = [{"option": o, "criterion": c["id"],
               "score": rng.randint(2, 4) if o == options - 1 else rng.randint(0, 4)
               if not c.get("must_pass") else rng.randint(1, 4),
               "evidence": _text(rng, 40, 300)}
              for o in range(options) for c in criteria]
    rec["appraisal"] = {"criteria": criteria, "scores": scores}
    return rec


def bundle_text(recs: list[dict]) -> str:
    return json.dumps({"format": "decision-checklist/1", "decisions": recs}, ensure_ascii=False)


def _code_hash() -> str:
    """A hash of the code that decides what a generated database contains."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(str(GENERATOR_VERSION).encode())
    for rel in ("bench/generate.py", "desktop/storage/migrations.py",
                "desktop/storage/repository.py", "desktop/domain/record.py",
                "resources/checklist.json"):
        h.update((root / rel).read_bytes())
    return h.hexdigest()[:12]


def fixed_clock():
    """A deterministic service clock (1 ms per call from 2026-01-05)."""
    moment = [dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)]

    def now() -> dt.datetime:
        moment[0] += dt.timedelta(milliseconds=1)
        return moment[0]

    return now


def build_register(path: Path, n: int, seed: int = 7, *, distinct_dates: bool = False) -> None:
    """Write a register of n decisions to a new database at path, via service.import_bundle."""
    from desktop.application.bootstrap import open_service

    service = open_service(path, user="bench", now=fixed_clock())
    try:
        for start in range(0, n, CHUNK):
            service.import_bundle(bundle_text(records(min(CHUNK, n - start), seed, start=start,
                                                      distinct_dates=distinct_dates)))
        service.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        service.db.close()


def register_db(cache_dir: Path, n: int, seed: int = 7, *, distinct_dates: bool = False) -> Path:
    """A cached register of n decisions (built on first use); copy it before writing to it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    stem = f"register-{n}{'-dated' if distinct_dates else ''}-s{seed}"
    path = cache_dir / f"{stem}-{_code_hash()}.db"
    if not path.exists():
        for stale in cache_dir.glob(f"{stem}-*.db"):  # made by older code
            stale.unlink(missing_ok=True)
        tmp = path.with_suffix(".tmp.db")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        build_register(tmp, n, seed, distinct_dates=distinct_dates)
        for p in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        tmp.rename(path)
    return path


def copy_db(source: Path, dest: Path) -> Path:
    """A private copy of a database file (the source is checkpointed, so one file suffices)."""
    for p in (dest, Path(f"{dest}-wal"), Path(f"{dest}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(source, dest)
    return dest
