"""The background integrity check's verdict reaches the GUI thread: a dialog, no more writes."""

from __future__ import annotations

import threading

import pytest

from desktop.domain.errors import StorageError
from desktop.ui.start_up import StartUpChecks


def test_a_damaged_verdict_from_the_worker_thread_warns_and_stops_writes(qtbot, window, service,
                                                                        dialogs):
    checks = StartUpChecks(dialogs)
    checks.attach(window, service)
    problem = "/tmp/x.db is damaged (page 7 is malformed). It has been left untouched; restore it."
    worker = threading.Thread(target=checks.report, args=(problem,))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: any(c[0] == "error" for c in dialogs.calls), timeout=5000)
    kind, title, text = next(c for c in dialogs.calls if c[0] == "error")[:3]
    assert title == "This database is damaged" and problem in text
    assert service.db.refused == problem
    with pytest.raises(StorageError, match="damaged"):
        service.create("Not saved")


def test_a_clean_verdict_changes_nothing(qtbot, window, service, dialogs):
    checks = StartUpChecks(dialogs)
    checks.attach(window, service)
    checks.report(None)
    qtbot.wait(50)
    assert not dialogs.calls and service.db.refused is None
    assert service.create("Saved").title == "Saved"
