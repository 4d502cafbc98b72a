"""The shipped checklist's section slugs, read from resources/checklist.json: test data for
records answered against it (the code itself assumes no slugs)."""

from __future__ import annotations

from desktop.application.bootstrap import load_shipped_checklist

SLUGS: tuple[str, ...] = load_shipped_checklist().slugs
SUMMARY_PAGE = len(SLUGS) + 1  # the editor's "Check your answers" for such a record
