"""A register file and its copies under the audit seal (storage/file_identity.py): the seal
catches an older copy of the register put back in place of the current one, and never fires
for a second, separate copy that has simply moved on.

The cases, each a test below:
1. `cp` then a write to the copy: the copy makes itself a file of its own (a new file id in the
   register, its own head, an audit row naming the original); the original is intact.
2. `cp` then a write to the original: the original moves on and is intact; the copy, left as
   it was beside it, is the register as it was, behind its seal (as a backup is) until its own
   first write makes it a file of its own, going on from where it was copied.
3. an older file copied by hand over the current one's path: behind its own audit seal.
4. `mv` of the file: intact where it now is, held to its head (an older copy put at the new
   path instead is caught), and its next write records the new path.
5. a backup put back through the app's own restore: intact, the restore on record.
"""

from __future__ import annotations

import os
import shutil

from desktop.application.bootstrap import open_service
from desktop.cli import main as cli
from tests.helpers.lifecycle import complete_decision


def _check(path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    status = cli.run(["--db", str(path), "audit", "--check"])
    out = capsys.readouterr()
    return status, out.out + out.err


def _write(path, clock, title: str = "A later decision") -> None:
    svc = open_service(path, user="tester", now=clock)
    try:
        svc.create(title, proposal="Written to this file")
    finally:
        svc.close()


def _copy(source, target) -> None:
    """What `cp` does: the file's bytes (closed first, so there is no -wal to leave out)."""
    shutil.copyfile(source, target)


def _register(tmp_path, clock):
    path = tmp_path / "register.db"
    svc = open_service(path, user="tester", now=clock)
    complete_decision(svc)
    svc.close()
    return path


def test_cp_then_a_write_to_the_copy_leaves_the_original_intact(tmp_path, clock, capsys):
    original = _register(tmp_path, clock)
    copy = tmp_path / "copy.db"
    _copy(original, copy)
    _write(copy, clock)
    assert _check(original, capsys)[0] == 0
    status, out = _check(copy, capsys)
    assert status == 0, out
    _write(copy, clock, "And another")  # the copy's own head moves on with it
    assert _check(copy, capsys)[0] == 0
    assert _check(original, capsys)[0] == 0
    svc = open_service(copy, user="tester", now=clock)
    try:
        rows = [e for e in svc.repo.audit_entries() if e.field == "file_copy"]
    finally:
        svc.close()
    assert len(rows) == 1
    assert f"is a copy of the register at {original.resolve()}" in rows[0].new_value


def test_cp_then_a_write_to_the_original_leaves_both_intact(tmp_path, clock, capsys):
    original = _register(tmp_path, clock)
    copy = tmp_path / "copy.db"
    _copy(original, copy)
    _write(original, clock)
    assert _check(original, capsys)[0] == 0
    status, out = _check(copy, capsys)  # the register as it was: behind, as a backup is
    assert status == 1 and "behind its own audit seal" in out
    _write(copy, clock, "The copy moves on too")
    assert _check(copy, capsys)[0] == 0
    assert _check(original, capsys)[0] == 0


def test_an_older_file_put_back_over_the_current_path_is_behind_its_seal(
        tmp_path, clock, capsys):
    original = _register(tmp_path, clock)
    older = tmp_path / "older.db"
    _copy(original, older)
    _write(original, clock)
    _copy(older, original)
    status, out = _check(original, capsys)
    assert status == 1
    assert "behind its own audit seal" in out


def test_an_older_copy_made_its_own_then_put_back_is_still_caught(tmp_path, clock, capsys):
    """An older copy written to first (so it has a head of its own), then put over the
    original's path, still falls short of the head of the file that stood there: by `cp`
    (the copy still where it was) and by `mv`; and a write there records it in the chain."""
    for how in ("cp", "mv"):
        folder = tmp_path / how
        folder.mkdir()
        original = _register(folder, clock)
        older = folder / "older.db"
        _copy(original, older)
        _write(original, clock, "Newer than the copy")
        _write(older, clock, "On the copy")
        if how == "cp":
            _copy(older, original)
        else:
            os.replace(older, original)
        status, out = _check(original, capsys)
        assert status == 1, (how, out)
        assert "the register's file that stood at" in out and "does not hold" in out
        _write(original, clock, "Written over the put-back copy")
        status, out = _check(original, capsys)
        assert status == 1 and "found behind its own audit seal" in out, (how, out)


def test_a_copy_made_its_own_and_moved_over_an_unchanged_original_is_intact(
        tmp_path, clock, capsys):
    """The copy holds every row the original had (nothing was written to it since): putting
    it in the original's place loses nothing."""
    original = _register(tmp_path, clock)
    copy = tmp_path / "copy.db"
    _copy(original, copy)
    _write(copy, clock, "Only on the copy")
    os.replace(copy, original)
    status, out = _check(original, capsys)
    assert status == 0, out


def test_mv_keeps_the_file_held_to_its_head(tmp_path, clock, capsys):
    original = _register(tmp_path, clock)
    older = tmp_path / "older.db"
    _copy(original, older)
    _write(original, clock)
    moved = tmp_path / "moved" / "register.db"
    moved.parent.mkdir()
    os.replace(original, moved)
    assert _check(moved, capsys)[0] == 0
    _write(moved, clock, "Written where it now is")
    assert _check(moved, capsys)[0] == 0
    shutil.copyfile(older, tmp_path / "stale.db")
    os.replace(tmp_path / "stale.db", moved)  # an older copy in the moved file's place
    status, out = _check(moved, capsys)
    assert status == 1 and "behind its own audit seal" in out


def test_an_older_copy_at_the_old_path_after_a_mv_is_caught(tmp_path, clock, capsys):
    original = _register(tmp_path, clock)
    older = tmp_path / "older.db"
    _copy(original, older)
    _write(original, clock)
    os.replace(original, tmp_path / "moved.db")  # moved, not yet written there
    _copy(older, original)  # and an older copy put where it was
    status, out = _check(original, capsys)
    assert status == 1 and "behind its own audit seal" in out


def test_a_restore_through_the_app_is_intact(tmp_path, clock, capsys):
    original = _register(tmp_path, clock)
    backup = tmp_path / "backup.db"
    assert cli.run(["--db", str(original), "backup", "--out", str(backup)]) == 0
    _write(original, clock)
    capsys.readouterr()
    assert cli.run(["--db", str(original), "restore", str(backup)]) == 0
    status, out = _check(original, capsys)
    assert status == 0, out
    _write(original, clock, "After the restore")
    assert _check(original, capsys)[0] == 0


def test_the_same_file_by_a_hard_link_is_not_a_copy(tmp_path, clock, capsys):
    original = _register(tmp_path, clock)
    link = tmp_path / "another-name.db"
    os.link(original, link)
    _write(link, clock)
    _write(original, clock, "By its first name")
    assert _check(original, capsys)[0] == 0
    svc = open_service(original, user="tester", now=clock)
    try:
        assert [e for e in svc.repo.audit_entries() if e.field == "file_copy"] == []
    finally:
        svc.close()
