"""File > Import goes through the same service and rules as the command line's `import`."""

from __future__ import annotations

import json
import os

import pytest

ROLES = ("Proposing Director", "Section 151 Officer", "Monitoring Officer",
         "Chair or Portfolio Holder")


def test_import_names_the_file_in_the_audit_log(window, service, dialogs, tmp_path,
                                                example_bundle_text):
    data = json.loads(example_bundle_text)
    [decision] = data["decisions"]
    decision["sign_offs"] = [{"role": ROLES[0], "name": "A Director", "date": "2026-11-20"}]
    bundle = tmp_path / "from-the-county.json"
    bundle.write_text(json.dumps(data), encoding="utf-8")
    dialogs.files.append(str(bundle))
    window.import_file()
    assert dialogs.calls[-1][0] == "info", dialogs.calls
    rows = [(e.user, e.field, e.new_value) for e in service.repo.audit_entries(decision["id"])
            if e.field == "imported" or e.field.startswith("sign_off.")]
    assert rows == [("tester", "sign_off.Proposing Director", "A Director, 2026-11-20"),
                    ("tester", "imported", "from-the-county.json")]


@pytest.mark.timeout(30)
def test_import_of_a_fifo_is_refused_at_once(window, dialogs, tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    dialogs.files.append(str(fifo))
    window.import_file()  # would block for ever if the FIFO were opened for reading
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("error", "Cannot import this file")
    assert "not a regular file" in text


def test_import_reads_a_bundle_up_to_the_bundle_cap_not_the_cap_on_other_files(
        window, service, dialogs, tmp_path, example_bundle_text, monkeypatch):
    from desktop.application import userfiles

    bundle = tmp_path / "large.json"
    bundle.write_text(example_bundle_text, encoding="utf-8")
    size = bundle.stat().st_size
    monkeypatch.setattr(userfiles, "MAX_INPUT_BYTES", size // 8)  # a PDF this size: refused
    monkeypatch.setattr(userfiles, "MAX_BUNDLE_BYTES", size)
    dialogs.files.append(str(bundle))
    window.import_file()
    assert dialogs.calls[-1][:2] == ("info", "Imported"), dialogs.calls
    assert len(service.repo.all_ids()) == 1

    monkeypatch.setattr(userfiles, "MAX_BUNDLE_BYTES", size - 1)
    dialogs.files.append(str(bundle))
    window.import_file()
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("error", "Cannot import this file")
    assert f"is larger than {size - 1:,} bytes (it is {size:,} bytes)" in text
    assert len(service.repo.all_ids()) == 1
