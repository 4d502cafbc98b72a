"""Damaged checklist rows, written behind the app (tester finding F8): one stored definition
that is not JSON and one that fails the checklist schema, on either engine."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.helpers.engines import tamper

# (checklist id, version, definition): what raw SQL or sqlite3 could leave in a register
DAMAGED = (("broken <b>&amp;", 1, '{"id": "broken", "version": 1, "title": "cut off'),
           ("invalid", 3, '{"id": "invalid", "version": 3}'))


def store_damaged(service: Any) -> None:
    for cid, version, text in DAMAGED:
        tamper(service, "INSERT INTO checklists (sha256, checklist_id, version, definition) "
                        "VALUES (?, ?, ?, ?)",
               [hashlib.sha256(text.encode()).hexdigest(), cid, version, text])
