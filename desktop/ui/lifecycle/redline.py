"""'Changes since version N': a per-field redline of an amendment, drawn from FieldChange rows."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from desktop.domain.redline import FieldChange
from desktop.ui import theme


def _html_text(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def redline_html(changes: list[FieldChange], since: int, reason: str = "") -> str:
    """The redline as HTML: removed words struck through, added words underlined.

    Strike-through and underline carry the meaning; colour only repeats it (print, colour
    blindness), and each change also says 'Removed' or 'Added' where a whole field changed.
    """
    parts = [f"<h2>Changes since version {since}</h2>"]
    if reason:
        parts.append(f"<p><b>Reason for the amendment:</b> {_html_text(reason)}</p>")
    if not changes:
        parts.append(f"<p>Nothing has changed since version {since}.</p>")
        return "".join(parts)
    parts.append(f"<p style='color:{theme.SECONDARY}'>{len(changes)} field"
                 f"{'s' if len(changes) != 1 else ''} changed. Removed words are struck "
                 "through; added words are underlined.</p>")
    for c in changes:
        parts.append(f"<h3>{escape(c.label)}</h3><p>")
        if not c.old:
            parts.append(f"<i>Added:</i> <u style='color:{theme.GREEN}'>{_html_text(c.new)}</u>")
        elif not c.new:
            parts.append(f"<i>Removed:</i> <s style='color:{theme.RED}'>{_html_text(c.old)}</s>")
        else:
            previous = ""
            for kind, text in c.segments():
                if kind == "insert" and previous == "delete":
                    parts.append(" ")  # keep the removed and the added words apart
                previous = kind
                if kind == "equal":
                    parts.append(_html_text(text))
                elif kind == "delete":
                    parts.append(f"<s style='color:{theme.RED}'>{_html_text(text)}</s>")
                else:
                    parts.append(f"<u style='color:{theme.GREEN}'>{_html_text(text)}</u>")
        parts.append("</p>")
    return "".join(parts)


class RedlineView(QTextBrowser):
    """Read-only view of the changes between two versions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setAccessibleName("Changes since the previous version")
        self.changes: list[FieldChange] = []

    def show_changes(self, changes: list[FieldChange], since: int, reason: str = "") -> None:
        self.changes = list(changes)
        self.setHtml(redline_html(self.changes, since, reason))
