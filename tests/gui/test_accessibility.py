"""Every input has an accessible name; closing the window leaves no top-level widget behind."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tests.helpers.shipped import SUMMARY_PAGE

INPUTS = (QAbstractButton, QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox,
          QAbstractItemView)


def unnamed_inputs(root: QWidget) -> list[str]:
    """Inputs that assistive technology would announce without a name."""
    missing = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, INPUTS) or not w.isVisibleTo(root):
            continue
        if isinstance(w, QLineEdit) and isinstance(w.parentWidget(), QComboBox | QAbstractSpinBox):
            continue  # the combo box or spin box carries the name
        iface = QAccessible.queryAccessibleInterface(w)
        name = iface.text(QAccessible.Text.Name) if iface is not None else ""
        if not (name or "").strip():
            missing.append(f"{type(w).__name__} {w.objectName()!r} in {type(w.parentWidget()).__name__}")
    return missing


def test_the_walk_catches_an_unnamed_input(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    QLineEdit(root)
    named = QLineEdit(root)
    named.setAccessibleName("Named")
    assert len(unnamed_inputs(root)) == 1


def test_every_input_on_every_page_has_an_accessible_name(window, service):
    window.open_example()
    page = window.editor.principles[2]  # one with an action row
    assert page.actions.row_count() >= 1
    for index in range(SUMMARY_PAGE + 1):
        window.editor.go_to(index)
        problems = unnamed_inputs(window)
        assert not problems, f"page {index}: {problems}"
    window.show_register()
    assert not unnamed_inputs(window)


def test_empty_register_inputs_are_named(window):
    assert window.register.stack.currentIndex() == 1
    assert not unnamed_inputs(window)


def test_rating_labels_never_rely_on_colour(window):
    window.new_decision()
    texts = [row.text() for row in window.editor.principles[0].rating_rows.values()]
    assert [t.split(" – ")[0] for t in texts] == ["✓ Green", "! Amber", "✕ Red", "– Not applicable"]


def test_body_text_is_at_least_11pt_with_the_theme():
    from desktop.ui import theme

    app = QApplication.instance()
    before_font, before_sheet, before_style = app.font(), app.styleSheet(), app.style().name()
    try:
        theme.apply_theme(app)
        assert app.font().pointSizeF() >= 11
        assert theme.FOCUS in app.styleSheet()
    finally:
        app.setFont(before_font)
        app.setStyleSheet(before_sheet)
        app.setStyle(before_style)


@pytest.mark.parametrize("with_help", [False, True])
def test_no_leaked_top_level_widgets(service, settings, dialogs, qtbot, with_help):
    from PySide6.QtCore import Qt

    from desktop.ui.main_window import MainWindow

    before = set(QApplication.topLevelWidgets())
    window = MainWindow(service, settings, dialogs)  # not qtbot.addWidget: it must go by itself
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    window.open_example()
    window.editor.go_to(SUMMARY_PAGE)
    window.editor.go_to(3)
    window.editor.principles[2].actions.add_row()
    window.show_register()
    if with_help:
        window.show_help()
    window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(10)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    leaked = [w for w in QApplication.topLevelWidgets() if w not in before]
    assert not leaked, leaked


def test_no_two_items_of_a_menu_share_an_access_key(window):
    import re

    window.finish_start_up(build_editor=False)  # every menu item, the late ones included
    for name, menu in [*window.menus.items(), ("menu bar", window.menuBar())]:
        keys: dict[str, str] = {}
        for action in menu.actions():
            match = re.search(r"&([^&])", action.text())
            if action.isSeparator() or not match:
                continue
            key = match.group(1).casefold()
            assert key not in keys, f"{name}: {action.text()!r} and {keys[key]!r} share Alt+{key}"
            keys[key] = action.text()
