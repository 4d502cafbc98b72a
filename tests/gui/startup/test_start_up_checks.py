"""The background integrity check's verdict reaches the GUI thread: a dialog, no more writes."""

from __future__ import annotations

import threading

import pytest

from desktop.domain.errors import StorageError
from desktop.ui.startup.checks import StartUpChecks


def test_a_damaged_verdict_from_the_worker_thread_warns_and_stops_writes(qtbot, window, service,
                                                                        dialogs):
    checks = StartUpChecks(dialogs)
    checks.attach(window, service)
    problem = "/tmp/x.db is damaged (page 7 is malformed). It has been left untouched; restore it."
    worker = threading.Thread(target=checks.report, args=(problem,))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: any(c[0] == "error" for c in dialogs.calls), timeout=5000)
    _kind, title, text = next(c for c in dialogs.calls if c[0] == "error")[:3]
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


def test_a_damaged_register_at_start_up_offers_its_newest_backup(tmp_path, dialogs):
    from desktop.application.bootstrap import open_service
    from desktop.domain.errors import DamagedDatabase
    from desktop.storage import backup
    from desktop.storage.database import open_database
    from desktop.ui.startup.application import offer_newest_backup

    path = tmp_path / "register.db"
    svc = open_service(path, user="tester")
    kept = svc.create("Keep the libraries open").id
    svc.db.close()
    backup.make_backup(path)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # truncated
    damaged = path.read_bytes()
    try:
        open_database(path).close()
        raise AssertionError("a truncated file opened")
    except DamagedDatabase as exc:
        error = exc
    dialogs.confirm_answer = False  # the user says no: nothing changes
    assert not offer_newest_backup(path, error, dialogs)
    assert path.read_bytes() == damaged
    dialogs.confirm_answer = True
    assert offer_newest_backup(path, error, dialogs)
    title, text = dialogs.calls[-1][1:]
    assert title == "Restore from a backup?" and "is damaged" in text
    reopened = open_service(path, user="tester")
    try:
        assert reopened.get(kept).title == "Keep the libraries open"
    finally:
        reopened.db.close()
    assert any(p.read_bytes() == damaged for p in backup.backup_folder().iterdir()
               if p.is_file())


def test_no_backup_means_no_offer(tmp_path, dialogs):
    from desktop.domain.errors import DamagedDatabase
    from desktop.ui.startup.application import offer_newest_backup

    path = tmp_path / "never-backed-up.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert not offer_newest_backup(path, DamagedDatabase("damaged"), dialogs)
    assert dialogs.calls == []
