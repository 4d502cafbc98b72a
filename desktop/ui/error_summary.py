"""GOV.UK's error summary: "There is a problem" and a link per problem to its field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from desktop.ui.widgets import RING_PROPERTY, LinkButton, text_label


class ErrorSummary(QFrame):
    """'There is a problem' and one link per problem; a link moves focus to its field.

    As in GOV.UK's pattern the box takes the focus when it appears, shown by the yellow focus
    ring; Tab then goes through its links, and from the last one to the first field in error
    (see FormDialog)."""

    activated = Signal(str)  # the field the chosen problem is about

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemBox")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setProperty(RING_PROPERTY, True)
        self.first_field: QWidget | None = None  # the first input in error, after the links
        self._layout = QVBoxLayout(self)
        self._layout.setSpacing(4)
        self.heading = text_label("There is a problem", "h2")
        self._layout.addWidget(self.heading)
        self.links: list[LinkButton] = []
        self.hide()

    def show_problems(self, problems: list[tuple[str, str]],
                      first_field: QWidget | None = None) -> None:
        """(field, message) pairs; an empty list hides the box. `first_field`: the input the
        first problem is about, where Tab goes after the last link."""
        for link in self.links:
            self._layout.removeWidget(link)
            link.hide()  # not painted under the new links until it is deleted
            link.deleteLater()
        self.links = []
        for field, message in problems:
            link = LinkButton(message, wrap=True)  # a long message wraps, never cut off
            link.setAccessibleName(message)
            link.clicked.connect(lambda _=False, f=field: self.activated.emit(f))
            # No alignment flag: an aligned item loses height-for-width and wrapped text is cut.
            self._layout.addWidget(link)
            link.show()  # now, not from the event loop: Tab may reach it at once
            # Links made now would come last in the Tab order: they follow the box instead.
            QWidget.setTabOrder(self.links[-1] if self.links else self, link)
            self.links.append(link)
        self.first_field = first_field
        self.setAccessibleName("There is a problem: " + "; ".join(m for _, m in problems))
        self.setVisible(bool(problems))

    def tab_after(self, focused: QWidget | None) -> QWidget | None:
        """Where Tab goes from `focused` if the box decides it: from its last stop (the last
        link, or the box itself) to the first field in error; None to follow the Tab order."""
        last = self.links[-1] if self.links else self
        field = self.first_field
        if (focused is last and self.isVisible() and field is not None
                and field.isVisible() and field.isEnabled()):
            return field
        return None
