"""The window on a decision imported at version 2 or later: its banner and its history say
that the earlier versions are not held here, never that it amends one with no reason."""

from __future__ import annotations

import re

import pytest

from desktop.ui.lifecycle.history_view import HistoryView
from tests.helpers.imported import CASES, later_version_bundle

NOTICE = re.compile(r"Version (\d+)\. Earlier versions are not held in this register: it was "
                    r"imported from a bundle on \d{1,2} [A-Z][a-z]+ \d{4}\.")


@pytest.fixture(params=CASES, ids=[f"v{v}-{'signed' if s else 'draft'}" for v, s in CASES])
def imported(request, service, fresh):
    """(a register that imported the decision, its id, version, signed?)."""
    version, signed = request.param
    text, did = later_version_bundle(service, version, signed)
    here = fresh()
    here.import_bundle(text, source="elsewhere.json")
    return here, did, version, signed


def test_the_banner_says_what_is_known(qtbot, make_window, imported):
    here, did, version, signed = imported
    window = make_window(here)
    window.open_decision(did)
    assert window.showing_editor() and window.editor.decision.version == version
    banner = window.editor.banner.text.text()
    assert "amends" not in banner
    if signed:
        assert f"Version {version} is signed off and locked" in banner
    else:
        found = NOTICE.search(banner)
        assert found and found.group(1) == str(version)


def test_amended_here_the_banner_names_the_imported_version_and_the_reason(
        qtbot, make_window, imported):
    here, did, version, signed = imported
    if not signed:
        pytest.skip("only a signed-off version can be amended")
    here.lifecycle.amend(did, "New costs from the trust")
    window = make_window(here)
    window.open_decision(did)
    banner = window.editor.banner.text.text()
    assert (f"Version {version + 1} amends signed-off version {version}: New costs from the "
            "trust") in banner
    assert not NOTICE.search(banner)
    view = HistoryView(here, did)
    qtbot.addWidget(view)
    assert [view.compare.itemData(i) for i in range(view.compare.count())] == [version]
    assert view.tabs.tabText(view._redline_tab) == f"Changes since version {version}"


def test_the_history_names_the_versions_not_held(qtbot, imported):
    here, did, version, _signed = imported
    view = HistoryView(here, did)
    qtbot.addWidget(view)
    which = "Version 1 is" if version == 2 else f"Versions 1 to {version - 1} are"
    assert view.missing.text().startswith(
        f"{which} not held in this register: version {version} was imported from a bundle on ")
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == ["Changes"]
    assert view._redline_tab is None


def test_the_history_shows_imported_sign_offs_as_recorded_elsewhere(qtbot, imported):
    here, did, _version, signed = imported
    view = HistoryView(here, did)
    qtbot.addWidget(view)
    model = view.model
    rows = {model.text(r, 3): model.text(r, 5) for r in range(model.rowCount())}
    if not signed:  # a record without sign-offs brought none: no import row to word
        assert "recorded elsewhere" not in " ".join(rows.values())
        return
    assert rows["Imported"] == (
        "elsewhere.json, with the sign-offs by Proposing Director, Section 151 Officer, "
        "Monitoring Officer and Chair or Portfolio Holder, recorded elsewhere")
    assert rows["Sign-off: Monitoring Officer"].endswith(
        "(recorded elsewhere, imported from elsewhere.json)")


def test_the_summary_says_which_sign_offs_were_recorded_elsewhere(make_window, imported):
    from tests.helpers.shipped import SUMMARY_PAGE

    here, did, _version, signed = imported
    window = make_window(here)
    window.open_decision(did, SUMMARY_PAGE)
    label = window.editor.summary.sign_offs_label
    text = label.text() if label is not None else ""
    if not signed:
        assert "elsewhere" not in text
        return
    assert "✓ Monitoring Officer: signed by Signer for Monitoring Officer on " in text
    assert text.count("(recorded elsewhere)") == 4
    assert ("The sign-offs by Proposing Director, Section 151 Officer, Monitoring Officer and "
            "Chair or Portfolio Holder were recorded elsewhere and imported on ") in text
    assert "from elsewhere.json" in text
