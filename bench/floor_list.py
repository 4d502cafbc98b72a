"""`list --json` floor: plain sqlite3 and json writing the same rows as the app, in the same order.

Run as a script (`python bench/floor_list.py DB`); it prints the register's current versions,
sorted by title (case-insensitive) then row, as the JSON array `decision-checklist list --json`
prints: json.dump with indent=2, one object per decision with the same keys.
"""

from __future__ import annotations

import json
import sqlite3
import sys

KEYS = ("id", "reference", "title", "status", "version", "complete", "sections", "overall_rating",
        "decision_maker", "meeting_date", "review_date", "verification_code")


def main(path: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT decision_id, reference, title, status, version, complete, (SELECT count(*) FROM "
        "checklist_sections s WHERE s.sha256 = checklist_sha256), overall_rating, "
        "decision_maker, meeting_date, review_date, verification_code FROM versions "
        "WHERE is_current = 1 ORDER BY title COLLATE NOCASE, id")
    json.dump([dict(zip(KEYS, r, strict=True)) for r in rows], sys.stdout, indent=2,
              ensure_ascii=False)
    sys.stdout.write("\n")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
