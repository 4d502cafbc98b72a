"""The one date input of the window: typed UK dates, a calendar from the keyboard, one display form.

Every date a user enters (the meeting and review dates, an action's due date, the date a
sign-off was signed) is a DateField, so they all read typed dates the same way
(desktop.domain.typed_dates) and all show them as "15 Sep 2027".
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QToolButton, QWidget

from desktop import paths
from desktop.domain.dates import shown_date
from desktop.domain.typed_dates import parse_typed_date

CALENDAR_KEYS = "Alt+Down or F4"


class DateField(QLineEdit):
    """A line edit for one date. Type 15/09/2027, 15 Sep 2027 or 2027-09-15; leaving the field
    shows it as 15 Sep 2027. Alt+Down or F4 (or the arrow at its end) opens a calendar; Enter
    or a click there chooses, Esc closes it. A choice from the calendar is reported through
    textEdited, like typing, so the pages save it the same way."""

    date_chosen = Signal(str)  # ISO date picked from the calendar

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._latest: dt.date | None = None
        self._calendar: QCalendarWidget | None = None
        self.setText(text)
        self.setPlaceholderText("")  # the field's hint says what to type: placeholders vanish
        self.setToolTip(f"Type a date such as 15/09/2027, or press {CALENDAR_KEYS} for a calendar")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("30 Sep 2027") + 64)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("30 Sep 2027") + 96)
        self.opener = self.addAction(QIcon(str(paths.resource("icons", "down-arrow.svg"))),
                                     QLineEdit.ActionPosition.TrailingPosition)
        self.opener.setToolTip(f"Choose from a calendar ({CALENDAR_KEYS})")
        self.opener.triggered.connect(self.open_calendar)
        for button in self.findChildren(QToolButton):  # the arrow the action is drawn as
            button.setAccessibleName("Choose from a calendar")
        self.editingFinished.connect(self.tidy)

    # ---- value --------------------------------------------------------------------------
    def setText(self, text: str | None) -> None:  # noqa: N802 - Qt name
        super().setText(shown_date(text or ""))
        self.setCursorPosition(0)

    def iso(self) -> str | None:
        """The date as YYYY-MM-DD, or None when the field is blank or not a date."""
        return parse_typed_date(self.text())

    def set_latest(self, iso: str | None) -> None:
        """The calendar offers no later day than this (a sign-off cannot be in the future)."""
        self._latest = dt.date.fromisoformat(iso) if iso else None

    def tidy(self) -> None:
        """A typed date is shown in the one UK form; something that is not a date stays."""
        shown = shown_date(self.text())
        if shown != self.text():
            super().setText(shown)
            self.setCursorPosition(len(shown))

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802 - Qt name
        super().setReadOnly(read_only)
        self.opener.setVisible(not read_only)

    # ---- calendar -----------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        alt_down = (event.key() == Qt.Key.Key_Down
                    and event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if alt_down or (event.key() == Qt.Key.Key_F4 and not event.modifiers()):
            self.open_calendar()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        if not self.calendar_open():
            self.tidy()

    def calendar_open(self) -> bool:
        return self._calendar is not None and self._calendar.isVisible()

    def open_calendar(self) -> None:
        if self.isReadOnly() or not self.isEnabled():
            return
        if self._calendar is None:
            cal = QCalendarWidget(self)
            cal.setWindowFlags(Qt.WindowType.Popup)
            cal.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
            cal.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            cal.setGridVisible(True)
            cal.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
            cal.setAccessibleName("Calendar: arrow keys move, Enter chooses, Esc closes")
            cal.activated.connect(self._chosen)
            cal.clicked.connect(self._chosen)
            self._calendar = cal
        cal = self._calendar
        if self._latest is not None:
            cal.setMaximumDate(QDate(self._latest.year, self._latest.month, self._latest.day))
        iso = self.iso()
        start = dt.date.fromisoformat(iso) if iso else (self._latest or dt.date.today())
        cal.setSelectedDate(QDate(start.year, start.month, start.day))
        cal.adjustSize()
        cal.move(self.mapToGlobal(self.rect().bottomLeft()))
        cal.show()
        cal.setFocus(Qt.FocusReason.PopupFocusReason)

    def _chosen(self, day: QDate) -> None:
        iso = day.toString("yyyy-MM-dd")
        if self._calendar is not None:
            self._calendar.hide()
        self.setText(iso)
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self.textEdited.emit(self.text())
        self.date_chosen.emit(iso)
