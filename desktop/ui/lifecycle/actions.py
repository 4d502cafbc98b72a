"""Menu items for the lifecycle: record sign-off, amend, history, check audit trail.

The dialogs are imported when first used, so they cost nothing at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from desktop.application import lifecycle
from desktop.application.integrity import IntegrityReport
from desktop.domain.dates import short_date
from desktop.domain.decision import Decision
from desktop.domain.errors import KnownError
from desktop.domain.rules import allowed

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QProgressBar

    from desktop.application.decisions import DecisionService
    from desktop.ui.lifecycle.audit_check import AuditCheckRunner


class LifecycleActions:
    """Owns the four actions and keeps them enabled only when they make sense."""

    def __init__(self, window, service: DecisionService, dialogs) -> None:
        self.window = window
        self.service = service
        self.dialogs = dialogs
        self.sign_off_action = QAction("Record &sign-off…", window)
        self.sign_off_action.setStatusTip("Record a sign-off from the signed paper copy")
        self.amend_action = QAction("A&mend…", window)
        self.amend_action.setStatusTip("Start a new version of a signed-off decision")
        self.history_action = QAction("&History", window)
        self.history_action.setStatusTip("Every change to this decision, and its versions")
        self.remove_sign_off_action = QAction("&Remove a recorded sign-off…", window)
        self.remove_sign_off_action.setStatusTip(
            "Take back a sign-off recorded by mistake, before the record locks")
        self.attach_action = QAction("Attach signed cop&y…", window)
        self.attach_action.setStatusTip("Keep the scanned, signed PDF with this version")
        self.check_action = QAction("Check audit &trail", window)
        self.check_action.setStatusTip("Check that nothing was changed outside the app")
        self.sign_off_action.triggered.connect(self.record_sign_off)
        self.amend_action.triggered.connect(self.amend)
        self.remove_sign_off_action.triggered.connect(self.remove_sign_off)
        self.history_action.triggered.connect(self.show_history)
        self.check_action.triggered.connect(self.check_audit_trail)
        self.attach_action.triggered.connect(self.attach_signed_copy)
        self.open_dialog: QDialog | None = None  # the dialog shown last, for tests and screenshots
        # decision id -> the date its last sign-off was recorded with, this session: the four
        # roles of one meeting usually sign on the same day.
        self.sign_off_dates: dict[str, str] = {}
        self.checker: AuditCheckRunner | None = None  # made on first use
        self.last_report: IntegrityReport | None = None
        self._busy: QProgressBar | None = None
        # (decision id, version) -> the held-versions notice of its banner (_show_state)
        self._held_notice: tuple[tuple[str, int], str] | None = None

    def current(self):
        decision_id = self.window.current_decision_id()
        if decision_id is None:
            return None
        try:
            return self.service.get(decision_id)
        except KnownError:
            return None

    def update_enabled(self, *_args) -> None:
        self._show_state(self.current())

    def record_changed(self, decision: Decision) -> None:
        """A record was saved or changed state: the one it carries is what is stored now."""
        if decision.id == self.window.current_decision_id():
            self._show_state(decision)
        else:
            self.update_enabled()

    def _show_state(self, d: Decision | None) -> None:
        """Enable the actions that make sense for the current record `d`."""
        rules = allowed(d) if d is not None else None
        self.sign_off_action.setEnabled(rules is not None and rules.sign_off)
        self.amend_action.setEnabled(rules is not None and rules.amend)
        self.attach_action.setEnabled(rules is not None and rules.attach_signed_copy)
        self.remove_sign_off_action.setEnabled(rules is not None and rules.remove_sign_off)
        self.history_action.setEnabled(d is not None)
        if (d is not None and d.version > 1 and not d.is_locked and not d.sign_offs
                and self.window.showing_editor()):
            # Imported at this version, it amends one made elsewhere, with a reason not known.
            # Read once a version, not at every autosave (record_changed): which versions a
            # register holds changes only with a new version, which is another key.
            key = (d.id, d.version)
            if self._held_notice is None or self._held_notice[0] != key:
                self._held_notice = (key, self.service.lifecycle.held_versions(d.id).notice(
                    d.version))
            notice = self._held_notice[1]
            self.window.editor.set_banner(notice or (
                f"Version {d.version} amends signed-off version {d.version - 1}: "
                f"{d.amendment_reason} — Decision ▸ History shows the changes."))

    def _changed(self, decision: Decision) -> None:
        """After a lifecycle change: `decision` is the record as the service wrote it."""
        self._held_notice = None
        self.window.refresh()
        self.window.record_changed.emit(decision)  # and so record_changed() above

    def record_sign_off(self) -> None:
        from desktop.ui.lifecycle.signoff_dialog import SignOffDialog

        d = self.current()
        if d is None:
            return
        self.window.editor.save_now()
        dialog = SignOffDialog(self.service, d.id, self.window,
                               last_date=self.sign_off_dates.get(d.id))
        dialog.signed.connect(lambda new: self._signed(new, dialog.request().date))
        went: list[str] = []  # an error summary link led to the editor, which has the focus
        before = QApplication.focusWidget()

        def go_to(field: str) -> None:
            went.append(field)
            self._go_to(d.id, field)

        def finished(_result: int) -> None:
            if not went:
                self._refocus(before)

        dialog.problem_outside.connect(go_to)
        dialog.finished.connect(finished)
        self.open_dialog = dialog
        dialog.open()

    def _refocus(self, before: QWidget | None) -> None:
        """After the sign-off dialog: the focus back where it was, or, if that went with the
        page it was on (the summary is rebuilt after a sign-off), on the record's next step:
        never on whatever control Qt finds next ("← All decisions"). The toolbar's buttons
        take no focus, so `before` is a control of the page."""
        window = self.window
        if (before is not None and isValid(before) and before.isVisible()
                and before.isEnabled() and before.window() is window):
            before.setFocus(Qt.FocusReason.OtherFocusReason)
        elif window.showing_editor():
            window.editor.focus_first_field()  # on the summary: its next step
        else:
            window.register.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _signed(self, decision: Decision, date: str) -> None:
        self.sign_off_dates[decision.id] = date
        self._changed(decision)

    def remove_sign_off(self) -> None:
        """Take back one sign-off recorded by mistake (the audit trail keeps it)."""
        d = self.current()
        if d is None or not d.sign_offs:
            return
        choices = [f"{s.role}: {s.name}, {short_date(s.date)}" for s in d.sign_offs]
        picked = self.dialogs.choose(self.window, "Remove a recorded sign-off",
                                     "Which sign-off was recorded by mistake?", choices)
        if picked is None:
            return
        s = d.sign_offs[choices.index(picked)]
        if not self.dialogs.confirm(
                self.window, "Remove this sign-off?",
                f"The sign-off by {s.name} as {s.role} will be removed from version "
                f"{d.version}. The audit trail keeps a record of it.", "Remove sign-off"):
            return
        try:
            changed = self.service.lifecycle.remove_sign_off(d.id, s.role)
        except KnownError as exc:
            self.dialogs.error(self.window, "Cannot remove the sign-off", str(exc))
            return
        self._changed(changed)  # the editor reloads: editable again once no sign-off is left
        self.window.statusBar().showMessage(f"Removed the sign-off by {s.name} as {s.role}.",
                                            8000)

    def _go_to(self, decision_id: str, field: str) -> None:
        """Open the editor at the page an error summary entry is about."""
        parts = field.split(".")
        page, key = 0, field
        sections = self.service.get(decision_id).sections
        if parts[0] == "answers" and len(parts) > 1 and parts[1] in sections:
            page, key = sections.index(parts[1]) + 1, "rating"
        self.window.open_decision(decision_id, page)
        self.window.editor.go_to(page, key)

    def amend(self) -> None:
        from desktop.ui.lifecycle.signoff_dialog import AmendDialog

        d = self.current()
        if d is None:
            return
        dialog = AmendDialog(self.service, d.id, self.window)

        def amended(new: Decision) -> None:
            self._changed(new)
            self.window.open_decision(new.id)

        dialog.amended.connect(amended)
        self.open_dialog = dialog
        dialog.open()

    def show_history(self) -> None:
        from desktop.ui.lifecycle.history_view import HistoryView

        d = self.current()
        if d is None:
            return
        self.window.editor.save_now()
        dialog = HistoryView(self.service, d.id, self.window)
        self.open_dialog = dialog
        dialog.show()

    def attach_signed_copy(self):
        """Store the scan of the signed paper record, with its SHA-256, on the current version."""
        from pathlib import Path

        d = self.current()
        if d is None:
            return None
        path = self.dialogs.open_file(self.window, "Attach the signed copy", "PDF files (*.pdf)")
        if not path:
            return None
        try:
            from desktop.application.userfiles import read_bytes

            # a regular file only (a FIFO would hang the window); the size is checked below
            data = read_bytes(path, limit=lifecycle.MAX_SIGNED_COPY)
            copy = self.service.lifecycle.attach_signed_copy(d.id, Path(path).name, data)
        except OSError as exc:
            self.dialogs.error(self.window, "Cannot attach the signed copy",
                               f"{path}: {exc.strerror}")
            return None
        except KnownError as exc:
            self.dialogs.error(self.window, "Cannot attach the signed copy", str(exc))
            return None
        self.dialogs.info(self.window, "Signed copy attached",
                          f"{copy.filename} is kept with version {d.version} "
                          f"(SHA-256 {copy.sha256}).")
        return copy

    def check_audit_trail(self) -> bool:
        """Start the check off the GUI thread; the result is shown when it is done."""
        if self.checker is None:
            from desktop.ui.lifecycle.audit_check import AuditCheckRunner

            self.checker = AuditCheckRunner(self.service, self.window)
            self.checker.started.connect(self._check_started)
            self.checker.finished.connect(self._check_finished)
        return self.checker.start()

    def _check_started(self) -> None:
        from PySide6.QtWidgets import QProgressBar

        self.check_action.setEnabled(False)
        if self._busy is None:
            self._busy = QProgressBar()
            self._busy.setRange(0, 0)  # busy: the length of the check is not known
            self._busy.setMaximumWidth(160)
            self._busy.setTextVisible(False)
            self._busy.setAccessibleName("Checking the audit trail")
            self.window.statusBar().addPermanentWidget(self._busy)
        self._busy.show()
        self.window.statusBar().showMessage("Checking the audit trail… you can keep working.")

    def _check_finished(self, result) -> None:
        self.check_action.setEnabled(True)
        if self._busy is not None:
            self._busy.hide()
        self.window.statusBar().clearMessage()
        self.last_report = result if isinstance(result, IntegrityReport) else None
        if self.last_report is None:
            self.dialogs.error(self.window, "Cannot check the audit trail", str(result))
        elif self.last_report.ok:
            self.dialogs.info(self.window, "Audit trail intact", self.last_report.summary())
        else:
            self.dialogs.error(self.window, "The audit trail has been tampered with",
                               self.last_report.summary() + "\n\n"
                               + "\n".join(self.last_report.lines()))


def install_lifecycle_actions(window, service: DecisionService, dialogs) -> LifecycleActions:
    """Add 'Record sign-off…', 'Amend…', 'History' and 'Check audit trail' to the window."""
    actions = LifecycleActions(window, service, dialogs)
    menu = window.menus["decision"]
    menu.addSeparator()
    window.add_record_actions("decision", [actions.sign_off_action, actions.amend_action],
                              toolbar=True)
    window.add_record_actions("decision", [actions.remove_sign_off_action])
    window.add_record_actions("decision", [actions.attach_action, actions.history_action])
    menu.addAction(actions.check_action)  # about the whole database: always available
    window.current_changed.connect(actions.update_enabled)
    window.record_changed.connect(actions.record_changed)
    actions.update_enabled()
    return actions
