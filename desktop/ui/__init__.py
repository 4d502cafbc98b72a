"""The window: PySide6 widgets over the service layer."""

from desktop.ui.pyside_source_checks import spare_loaded_modules
from desktop.ui.qt_guard import guard_singletons

# Must run before any Qt call: see qt_guard for the PySide6 6.12.0 bug it works around.
guard_singletons()
# Before any other import once PySide6 is in: its import hook would read their sources.
spare_loaded_modules()
