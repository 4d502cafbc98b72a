"""The empty register's first frame: nothing in it names PySide's `Qt` namespace (~15 ms).

PySide builds the ~95 enums of `Qt` the first time anything names it. The window defers what
needs it (the register table, the labels' plain-text format, the link's hand cursor, the
toolbar's style) until the first paint or until the register has rows; after that the window
is the same as one built without deferring.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.application.bootstrap import open_service
from desktop.ui.main_window import MainWindow
from desktop.ui.register.table import RegisterTable

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import sys
sys.argv = ["main.py", "--db", sys.argv[1]]
from desktop.ui.startup import first_paint
report = first_paint.report_and_quit

def probe(app):
    import PySide6.QtCore
    print("qt-namespace-built", "Qt" in PySide6.QtCore.__dict__, file=sys.stderr, flush=True)
    print("table-loaded", "desktop.ui.register.table" in sys.modules, file=sys.stderr, flush=True)
    report(app)

first_paint.report_and_quit = probe
from desktop.app import main
raise SystemExit(main())
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "DECISION_CHECKLIST_EXIT_AFTER_PAINT": "1"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp_path / var.lower())
    return env


def test_an_empty_register_paints_without_naming_qt(tmp_path):
    db = tmp_path / "empty.db"
    open_service(db, user="tester").db.close()
    # Twice: the first start has no saved geometry (fit_to_screen may maximise, which names Qt).
    for _ in range(2):
        run = subprocess.run([sys.executable, "-c", PROBE, str(db)], cwd=ROOT, env=_env(tmp_path),
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
    assert "qt-namespace-built False" in run.stderr, run.stderr
    # nor the table's module (PySide's item-view and header types: ~15 enums)
    assert "table-loaded False" in run.stderr, run.stderr


def test_deferred_window_matches_after_start_up(qtbot, service, dialogs, tmp_path):
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(service, settings, dialogs, defer_extras=True)
    qtbot.addWidget(window)
    register = window.register
    assert register._table is None  # an empty register: the greeting, no table yet
    assert register.stack.currentIndex() == 1
    assert window.current_decision_id() is None and register.selected_ids() == []
    window.finish_start_up(build_editor=False)
    assert isinstance(register._table, RegisterTable)
    assert register.stack.currentIndex() == 1 and register.stack.widget(0) is register.table
    assert register.table.model() is register.model
    for label in register.findChildren(QLabel):
        if label.property("role"):
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    assert register.example_button.cursor().shape() == Qt.CursorShape.PointingHandCursor
    assert register.clear_filters.cursor().shape() == Qt.CursorShape.PointingHandCursor
    # Rows arrive: the table shows and the toolbar (text only) appears.
    window.show()
    register.example_button.click()
    assert register.stack.currentIndex() == 0
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextOnly
    window.show_register()
    assert window.current_decision_id() is not None
