"""The window: PySide6 widgets over the service layer."""

from desktop.ui.qt_guard import guard_singletons

# Must run before any Qt call: see qt_guard for the PySide6 6.12.0 bug it works around.
guard_singletons()
