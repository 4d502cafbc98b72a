"""The main window: the register and the decision editor, menus, toolbar and status bar.

Other modules hook in through `add_record_actions(menu_name, actions)`, the menus kept as
attributes (`file_menu`, `decision_menu`, ...), `export_action`, `current_decision_id()`,
`selected_decision_ids()`, and the `current_changed` / `record_changed` signals.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from desktop.domain.decision import Decision
from desktop.domain.errors import KnownError, Unreachable
from desktop.domain.rules import allowed
from desktop.domain.visible import isolated
from desktop.ui.register.view import RegisterView
from desktop.ui.status_label import StatusLabel
from desktop.ui.status_line import StatusBar, StatusLine
from desktop.ui.widgets import LinkButton, activate_focused_button

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from desktop.application.decisions import DecisionService
    from desktop.domain.register_changes import RegisterChange
    from desktop.ui.checklists.window import ChecklistsWindow
    from desktop.ui.council_settings import CouncilSettingsDialog
    from desktop.ui.editor.decision_editor import DecisionEditor
    from desktop.ui.help_page import HelpDialog
    from desktop.ui.live_register import LiveRegister
    from desktop.ui.typed_ahead import TypedAhead

REGISTER, EDITOR, ACTIONS = 0, 1, 2
# A read the shared register's server was away for (it saves nothing, so no dialog).
READ_LATER = ("The shared register can't be reached just now: what is shown may be out of "
              "date, and is read again once it is back.")
# How often the window on a register file looks for changes another process (a window
# elsewhere, the command line) committed: one PRAGMA on its own connection, no file read. A
# window on a shared register does not look: the server tells it (desktop/ui/live_register.py).
WATCH_MS = 1500
# What the window says when the app is started again on its register.
ALREADY_OPEN = "This register is already open here, so no second window was opened."
ACTIONS_KEYS = "Ctrl+Shift+A"  # Open actions: no text field takes it
CHECKLISTS_KEYS = "Ctrl+Shift+L"  # Tools > Checklists: no text field takes it


class MainWindow(QMainWindow):
    """Register + editor over one DecisionService."""

    current_changed = Signal(object)  # the current decision id, or None
    record_changed = Signal(object)  # a Decision after it was saved, reloaded or changed state

    def __init__(self, service: DecisionService, settings, dialogs, *, autosave_ms: int | None = None,
                 parent: QWidget | None = None, defer_extras: bool = False,
                 watch_ms: int = WATCH_MS) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.dialogs = dialogs
        self._record_actions: list[QAction] = []
        # a file by its name; a shared register by its connection string (without a password:
        # db_path() is the repository's location), which no file name would fit
        where = service.db_path() if service.shared else Path(service.db_path()).name
        self.setWindowTitle(f"Decision Checklist — {where}")
        self.setMinimumSize(640, 440)

        self.stack = QStackedWidget()
        # PySide's `Qt` namespace (~15 ms of enums) is named only once the first frame needs it
        # or has been painted: see RegisterView's defer.
        self.register = RegisterView(service, defer=defer_extras)
        # The editor (twelve pages of widgets) is built on first use or right after the
        # first paint (see build_editor_when_idle): start-up shows the register sooner.
        self._editor: DecisionEditor | None = None
        self._help: HelpDialog | None = None  # the one "How to use" window, once opened
        self.council_settings_dialog: CouncilSettingsDialog | None = None  # Tools > Council settings
        self._actions_view = None  # the open actions page, built when first shown
        self._checklists_window: ChecklistsWindow | None = None  # Tools > Checklists, when first opened
        self._untouched = None  # the Decision as "New decision" made it, until the user leaves
        self._typed_ahead: TypedAhead | None = None  # keys typed ahead of a dialog, held for it
        self._autosave_ms = autosave_ms
        self._editor_settings = None
        self.stack.addWidget(self.register)
        self.setCentralWidget(self.stack)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        # The status bar's texts give way in a narrow window: cut short with "…", whole in
        # their tooltips and for a screen reader. The save status alone is never cut.
        self.count_label = StatusLabel(cut_first=True)
        # "51,984 overdue actions" leads to them: a link, reachable by Tab as well as the menu.
        self._link_later: list | None = [] if defer_extras else None  # its hand cursor
        self._started = False  # finish_start_up() has run
        self._closed_down = False  # closeEvent accepted: nothing more to read or save
        self.overdue_link = LinkButton("", later=self._link_later)
        self.overdue_link.setToolTip(f"List the open actions, overdue first ({ACTIONS_KEYS})")
        self.overdue_link.clicked.connect(self.show_actions)
        self.overdue_link.hide()
        self.saved_label = StatusLabel("Save status")
        # "Live updates paused: reconnecting…" (a shared register)
        self.live_label = StatusLabel("Live updates")
        self.live_label.hide()
        # In a narrow window the texts give way in order of need: the save status last.
        self.status_line = StatusLine(
            [self.count_label, self.overdue_link], [self.live_label, self.saved_label],
            need=[self.overdue_link, self.saved_label, self.live_label, self.count_label])
        self.setStatusBar(StatusBar(self))
        self.statusBar().setContentsMargins(16, 0, 16, 0)
        self.statusBar().addPermanentWidget(self.status_line, 1)
        self.statusBar().messageChanged.connect(self.status_line.show_message)

        self.register.open_requested.connect(self.open_decision)
        self.register.new_requested.connect(self.new_decision)
        self.register.example_requested.connect(self.open_example)
        self.register.counts_changed.connect(self.update_counts)
        self.register.current_row_changed.connect(self._current_changed)
        self.register.model.modelReset.connect(self._current_changed)
        self.record_changed.connect(self._update_state_actions)
        self.export_action.changed.connect(
            lambda: self._editor is not None
            and self._editor.summary.set_export_enabled(self.export_action.isEnabled()))
        self._current_changed()
        # Others' changes: on a shared register the server announces them (live, no
        # polling); a register file is looked at every watch_ms (one PRAGMA).
        self._watch: QTimer | None = None
        self.live: LiveRegister | None = None
        watcher = service.live_updates()
        if watcher is None:
            self._seen_version = service.data_version()  # as last looked at
            self._watch = QTimer(self)
            self._watch.setInterval(watch_ms)
            self._watch.timeout.connect(self.check_elsewhere)
            self._watch.start()
        else:
            from desktop.ui.live_register import LiveRegister
            from desktop.ui.ops import GuiThreadCall

            self.live = LiveRegister(watcher, self)
            # a lost connection is made again off the event loop; once it is, save at once
            service.reconnect_in_background(GuiThreadCall(self._reconnected, self))
            self.live.changed.connect(self._changed_live)
            self.live.paused.connect(self._live_paused)
            self.live.resumed.connect(self._live_resumed)
            if not self.live.listening:
                self._live_paused()
        self._started = False
        if defer_extras:  # the window's start-up: finish_start_up() after the first paint
            self.update_counts(overdue=False)
        else:
            self.finish_start_up(build_editor=False)

    def finish_start_up(self, *, build_editor: bool = True) -> None:
        """What the first painted register does not need: the overdue counts in the status
        bar, the sign-off, backup and PDF actions, sqlite-utils, and (when the event loop is
        next idle) the editor. Called once, right after the first paint."""
        if self._started:
            return
        self._started = True
        self.register.finish_start_up()
        for fn in self._link_later or ():
            fn()
        self.update_counts()
        from desktop.ui.lifecycle.actions import install_lifecycle_actions

        self.lifecycle = install_lifecycle_actions(self, self.service, self.dialogs)
        from desktop.ui.backup.restore_dialog import install_backup_actions

        self.backups = install_backup_actions(self, self.service, self.dialogs)
        from desktop.ui.pdf.actions import install_pdf_actions

        self.pdf = install_pdf_actions(self, self.service, self.dialogs)
        from desktop.ui.lifecycle.verify_dialog import install_verify_action

        self.verify_action = install_verify_action(self, self.service, self.dialogs)
        if build_editor:
            preload = getattr(self.service.db, "preload", None)
            if preload is not None:
                preload()  # import sqlite-utils now rather than at the first save
            self.build_editor_when_idle()

    def _forget_saved_at(self) -> None:
        """"Saved at …" promises saving: once the open record is read-only (signed off, signed
        here or elsewhere, withdrawn) it goes. What a failed save says stays."""
        if self._editor is not None and self._editor.read_only \
                and self.saved_label.text().startswith("Saved at "):
            self.saved_label.clear()

    @property
    def editor(self):
        """The decision editor, built the first time it is needed."""
        if self._editor is None:
            from desktop.ui.editor.decision_editor import AUTOSAVE_MS, DecisionEditor

            editor = DecisionEditor(self.service, self.dialogs,
                                    AUTOSAVE_MS if self._autosave_ms is None else self._autosave_ms)
            self._editor = editor
            self.stack.addWidget(editor)
            editor.close_requested.connect(self.show_register)
            editor.saved.connect(lambda t: self.saved_label.setText(f"Saved at {t}"))
            editor.saved.connect(lambda _t: self._server_answered())
            editor.save_failed.connect(self.saved_label.setText)
            editor.record_changed.connect(self.record_changed)
            editor.record_changed.connect(lambda _d: self._forget_saved_at())
            editor.record_gone.connect(lambda _id: self._others_changed())
            editor.export_requested.connect(self.export_action.trigger)
            editor.sign_off_requested.connect(lambda: self.lifecycle.sign_off_action.trigger())
            editor.summary.set_export_enabled(self.export_action.isEnabled())
            editor.page_changed.connect(lambda _p: self._update_nav())
            if self._editor_settings is not None:
                editor.restore_state(self._editor_settings)
        return self._editor

    @property
    def typed_ahead(self) -> TypedAhead:
        """What holds the keys typed ahead of a dialog the user asked for (built on first use,
        or after the first paint: its Qt names would build enums before it)."""
        if self._typed_ahead is None:
            from desktop.ui.typed_ahead import TypedAhead

            self._typed_ahead = TypedAhead(self)
        return self._typed_ahead

    @property
    def actions_view(self):
        """The open actions page, built the first time it is shown."""
        if self._actions_view is None:
            from desktop.ui.register.actions_view import ActionsView

            view = self._actions_view = ActionsView(self.service, self.dialogs)
            self.stack.addWidget(view)  # index ACTIONS: the editor is built before it
            view.open_requested.connect(
                lambda decision_id, page: self.open_decision(decision_id, page, "actions"))
            view.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        return self._actions_view

    def showing_actions(self) -> bool:
        return self._actions_view is not None and self.stack.currentWidget() is self._actions_view

    def show_actions(self) -> None:
        """Every open action across the register, overdue first (View ▸ Open actions)."""
        self.editor.save_now()  # built first, so the stack's indexes stay REGISTER, EDITOR, ...
        self._discard_untouched()
        view = self.actions_view
        view.refresh()
        self.stack.setCurrentWidget(view)
        self._show_toolbar(False)  # its record actions are about one decision, not a list
        view.focus_table()
        self._current_changed()

    def build_editor_when_idle(self) -> None:
        """Build the editor once the event loop is idle (called after the first paint)."""
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._build_when_idle)

    def _build_when_idle(self) -> None:
        """The editor, and what Ctrl+N's first use would otherwise load as its keys arrive."""
        self.editor  # noqa: B018 - built on first use
        self.typed_ahead  # noqa: B018
        import desktop.ui.editor.checklist_choice  # noqa: F401 - the "New decision" chooser

    # ---- actions and menus ------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            # setShortcuts([k]) is what setShortcut(k) does, but PySide resolves setShortcut's
            # overloads by naming `Qt` (~15 ms of enums before the first paint).
            key = QKeySequence(shortcut)
            act.setShortcuts([key] if not key.isEmpty() else [])
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.triggered.connect(slot)
        return act

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey  # noqa: N806
        self.new_action = self._action("&New decision", self.new_decision, "Ctrl+N",
                                       "Start a new decision")
        self.example_action = self._action("Open an e&xample", self.open_example)
        self.import_action = self._action("&Import decisions from a file…", self.import_file)
        # The PDF module connects to this action; until then it is disabled.
        self.export_action = QAction("&Export for committee…", self)
        self.export_action.setEnabled(False)
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.find_action = self._action("&Find decisions", self.find, K.Find)
        self.undo_action = self._action("&Undo\tCtrl+Z", lambda: self._edit_call("undo"))
        self.redo_action = self._action("&Redo\tCtrl+Shift+Z", lambda: self._edit_call("redo"))
        # Shortcuts that work with the cursor in a text field: none a text field takes for
        # itself (Ctrl+Home is its start of text). WindowShortcut, QAction's default: a dialog
        # is a window of its own and keeps its own keys (Escape closes it).
        self.register_action = self._action("&All decisions", self.show_register, "Alt+Home",
                                            "Back to the register of decisions")
        self.back_action = self._action("Go &back", self.go_back, "Alt+Left",
                                        "The previous page; from the first, all decisions")
        self.back_action.setShortcuts([QKeySequence("Alt+Left"), QKeySequence("Esc")])
        self.duplicate_action = self._action("&Duplicate", self.duplicate_decision,
                                             tip="Make a new draft copying this decision")
        self.withdraw_action = self._action("&Withdraw…", self.withdraw_decision,
                                            tip="Withdraw a decision that has not been signed off")
        # Draft or ready for sign-off: a first version nobody has signed (rules._delete).
        self.delete_action = self._action("De&lete decision…", self.delete_decision,
                                          tip="Delete a first version that nobody has signed")
        self.next_action = self._action("&Next page", lambda: self.editor.next_page(),
                                        "Ctrl+PgDown")
        self.previous_action = self._action("&Previous page", lambda: self.editor.previous_page(),
                                            "Ctrl+PgUp")
        self.summary_action = self._action("&Check your answers", self.show_summary)
        self.actions_action = self._action("Open &actions", self.show_actions, ACTIONS_KEYS,
                                           "Every open action across the register, "
                                           "overdue first")
        self.help_action = self._action("&How to use", self.show_help, K.HelpContents)
        if self.help_action.shortcut().isEmpty():
            self.help_action.setShortcuts([QKeySequence("F1")])
        self.checklists_action = self._action("&Checklists…", self.show_checklists,
                                              CHECKLISTS_KEYS,
                                              "Copy, edit, import and export the register's "
                                              "checklists")
        self.council_action = self._action("Council &settings…", self.show_council_settings,
                                           tip="The council's call-in period, which every "
                                               "decision timeline follows")
        self.about_action = self._action("&About Decision Checklist", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        # next/previous page: Qt.ShortcutContext.WindowShortcut, QAction's default
        self._record_actions = [self.duplicate_action, self.withdraw_action, self.delete_action]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu: QMenu = bar.addMenu("&File")
        self.file_menu.addActions([self.new_action, self.example_action, self.import_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.export_action)
        self._file_tail = self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu: QMenu = bar.addMenu("&Edit")
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.edit_menu.aboutToShow.connect(self._update_edit_menu)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.find_action)
        self.view_menu: QMenu = bar.addMenu("&View")
        self.view_menu.addAction(self.actions_action)
        self.decision_menu: QMenu = bar.addMenu("&Decision")
        self.decision_menu.addActions([self.register_action, self.back_action, self.next_action,
                                       self.previous_action, self.summary_action])
        self.decision_menu.addSeparator()
        self.decision_menu.addActions(self._record_actions)
        self.tools_menu: QMenu = bar.addMenu("&Tools")
        self.tools_menu.addActions([self.checklists_action, self.council_action])
        self.help_menu: QMenu = bar.addMenu("&Help")
        self.help_menu.addActions([self.help_action, self.about_action])
        self.menus = {"file": self.file_menu, "edit": self.edit_menu, "view": self.view_menu,
                      "decision": self.decision_menu, "tools": self.tools_menu,
                      "help": self.help_menu}

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Decision")
        self.toolbar.setObjectName("decisionToolbar")
        self.toolbar.setMovable(False)
        self._toolbar_styled = False  # text only, set when first shown (see _show_toolbar)
        self.toolbar.addActions(self._record_actions)
        self.addToolBar(self.toolbar)

    def _show_toolbar(self, visible: bool) -> None:
        if visible and not self._toolbar_styled:
            self._toolbar_styled = True
            if self._link_later is not None and not self._started:
                # Before the first paint: its buttons have no icons, so Qt draws them as text
                # only already; naming `Qt` for the style would build ~95 enums (~15 ms).
                self._link_later.append(self._text_only_toolbar)
            else:
                self._text_only_toolbar()
        self.toolbar.setVisible(visible)

    def _text_only_toolbar(self) -> None:
        from PySide6.QtCore import Qt

        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

    def add_file_actions(self, actions: list[QAction]) -> None:
        """Add actions that do not need a current decision (Print committee pack…, Actions)
        to the File menu, above Quit."""
        for act in actions:
            self.file_menu.insertAction(self._file_tail, act)

    def add_record_actions(self, menu_name: str, actions: list[QAction], *,
                           toolbar: bool = False) -> None:
        """Add actions about the current decision to a menu ('file', 'decision', ...).

        They are enabled only while a decision is open or selected.
        """
        menu = self.menus[menu_name]
        if menu is self.file_menu:
            for act in actions:
                self.file_menu.insertAction(self._file_tail, act)
        else:
            menu.addActions(actions)
        if toolbar:
            self.toolbar.addActions(actions)
        self._record_actions.extend(actions)
        self._current_changed()

    # ---- what is current -------------------------------------------------------------------
    def showing_editor(self) -> bool:
        return self.stack.currentIndex() == EDITOR

    def current_decision_id(self) -> str | None:
        if self.showing_editor():  # None: the record was deleted elsewhere
            return self.editor.decision.id if self.editor.decision is not None else None
        if self.showing_actions():
            return None  # a list of actions, not of decisions: nothing to withdraw or print
        return self.register.current_id()

    def selected_decision_ids(self) -> list[str]:
        if self.showing_editor():
            current = self.current_decision_id()
            return [current] if current else []
        ids = self.register.selected_ids()
        current = self.register.current_id()
        return ids or ([current] if current else [])

    def _current_changed(self) -> None:
        current = self.current_decision_id()
        for act in self._record_actions:
            act.setEnabled(current is not None)
        self._update_state_actions(self._load(current))
        self._update_nav()
        self.current_changed.emit(current)

    def _load(self, decision_id: str | None):
        if decision_id is None:
            return None
        if self.showing_editor() and self.editor.decision is not None \
                and self.editor.decision.id == decision_id:
            return self.editor.decision
        try:
            return self.service.get(decision_id)
        except KnownError:
            return None

    def _update_state_actions(self, decision) -> None:
        """Withdraw only before sign-off; delete only a first-version draft."""
        if decision is not None and decision.id != self.current_decision_id():
            return
        rules = allowed(decision) if decision is not None else None
        self.withdraw_action.setEnabled(rules is not None and rules.withdraw)
        self.delete_action.setEnabled(rules is not None and rules.delete)

    def _update_nav(self) -> None:
        in_editor = self.showing_editor()
        page = self._editor.current_page() if self._editor is not None else 0
        last = self._editor.summary_page if self._editor is not None else 0
        self.next_action.setEnabled(in_editor and page != last)
        self.previous_action.setEnabled(in_editor and page > 0)
        self.summary_action.setEnabled(in_editor)
        away = self.stack.currentIndex() != REGISTER  # the editor or the open actions
        self.register_action.setEnabled(away)
        self.back_action.setEnabled(away)

    def update_counts(self, *, overdue: bool = True) -> None:
        """'1,204 decisions, 3 overdue reviews' (overdue=False: the cheap total alone)."""
        from desktop.domain.queries import RegisterQuery

        try:
            total = self.service.register_count(RegisterQuery())
            reviews, actions = self.service.overdue_counts() if overdue else (0, 0)
        except KnownError as exc:  # the counts shown stay until they can be read again
            self._not_read(exc)
            return
        text = f"{total:,} decision{'s' if total != 1 else ''}"
        if overdue:
            text += f", {reviews:,} overdue review{'s' if reviews != 1 else ''}"
        self.count_label.setText(text + ("," if actions else ""))
        self.overdue_link.setText(f"{actions:,} overdue action{'s' if actions != 1 else ''}")
        self.overdue_link.setAccessibleName(f"{actions:,} overdue actions: list them")
        self.overdue_link.setVisible(bool(actions))
        # Nothing to act on in an empty register: the greeting is the only thing to see.
        self._show_toolbar(total > 0 or self.showing_editor())

    # ---- navigation --------------------------------------------------------------------------
    def _may_drop_unsaveable(self, doing: str) -> bool:
        """True unless the open record has typing that cannot be saved and the user keeps it."""
        items = self._editor.unsaveable() if self._editor is not None else []
        if not items:
            return True
        return self.dialogs.confirm(
            self, "Some of what you typed cannot be saved",
            "These have not been saved:\n\n"
            + "\n".join(f"• {x}" for x in items)
            + "\n\nCancel to go back to them (to correct or copy them), or "
            f"{doing.lower()} anyway and lose them.", f"{doing} anyway")

    def open_decision(self, decision_id: str, page: int = 0, field: str = "") -> None:
        """Show a decision at a page; `field` ("actions", "response") is focused there."""
        editor = self._editor
        if (editor is not None and editor.decision is not None
                and editor.decision.id != decision_id
                and not self._may_drop_unsaveable("Open another decision")):
            return
        if self._untouched is not None and self._untouched.id != decision_id:
            self._discard_untouched()
        try:
            self.editor.open(decision_id, page)
        except KnownError as exc:
            self.dialogs.error(self, "Cannot open this decision", str(exc))
            return
        self.stack.setCurrentIndex(EDITOR)
        self._show_toolbar(True)
        self._current_changed()  # first: the summary's next step (Export) is enabled with it
        if field:
            self.editor.page_widget(self.editor.current_page()).focus_field(field)
        else:
            self.editor.focus_first_field()

    def _discard_untouched(self) -> None:
        """A decision made by "New decision" and left without a single change is deleted as
        the user leaves it (through the service, which deletes only drafts), rather than
        left in the register as an empty "Untitled decision"."""
        created, self._untouched = self._untouched, None
        if created is None or self._editor is None:
            return
        self._editor.save_now()
        try:
            if self.service.get(created.id) != created:
                return  # something was typed, ticked or chosen: it is the user's record
        except KnownError:
            return  # already gone
        if self._editor.decision is not None and self._editor.decision.id == created.id:
            self._editor.clear()
        self._run("Cannot discard the empty decision", lambda: self.service.delete(created.id))

    def show_register(self) -> None:
        if self.showing_editor():
            self._discard_untouched()
            self.editor.save_now()
            if not self._may_drop_unsaveable("Go to all decisions"):
                return  # what was typed stays on screen, to be copied or corrected
            current = self.editor.decision.id if self.editor.decision else None
            self.stack.setCurrentIndex(REGISTER)
            self._refresh_register()
            if current:
                self.register.select(current)
        elif self.showing_actions():
            self.stack.setCurrentIndex(REGISTER)
            # an action marked done on the way changes the counts (and shows the toolbar again)
            self._refresh_register()
        if self.register.stack.currentIndex() == 1:  # the empty register's greeting
            self.register.start_button.setFocus()
        else:
            self.register.table.setFocus()
        self._current_changed()

    def show_summary(self) -> None:
        """View ▸ Check your answers: the page, with the focus on its next step."""
        self.editor.go_to(self.editor.summary_page)
        self.editor.focus_first_field()

    def go_back(self) -> None:
        """Escape or Alt+Left in the editor: the previous page, and from the first page (the
        decision's details) back to all decisions."""
        if self.showing_actions():
            self.show_register()
            return
        if not self.showing_editor():
            return
        if self.editor.current_page() > 0:
            self.editor.previous_page()
        else:
            self.show_register()

    # The window's Find (the register's search box); it hides QWidget.find(id), a static
    # lookup of a widget by its window id that nothing here uses.
    def find(self) -> None:  # type: ignore[override]
        self.show_register()
        self.register.focus_search()

    def _edit_call(self, name: str) -> None:
        w = self.focusWidget()
        if isinstance(w, QLineEdit | QPlainTextEdit):
            getattr(w, name)()

    def _update_edit_menu(self) -> None:
        """Undo and Redo are offered only when the field being typed in has something to undo
        or redo (the field's own Ctrl+Z and Ctrl+Shift+Z do the work)."""
        w = self.focusWidget()
        editable = isinstance(w, QLineEdit | QPlainTextEdit) and not w.isReadOnly()
        if isinstance(w, QPlainTextEdit):
            undo, redo = w.document().isUndoAvailable(), w.document().isRedoAvailable()
        elif isinstance(w, QLineEdit):
            undo, redo = w.isUndoAvailable(), w.isRedoAvailable()
        else:
            undo = redo = False
        self.undo_action.setEnabled(editable and undo)
        self.redo_action.setEnabled(editable and redo)

    def refresh(self) -> None:
        """Re-read the register and the open record (after an import, restore or sign-off)."""
        self.register.refresh()
        if self.showing_editor() and self.editor.decision is not None:
            self.editor.reload()
        self.update_counts()
        self._current_changed()

    def check_elsewhere(self) -> None:
        """If another process committed to the register since the last look, read the open
        record and the register's rows again (on a timer, and when the window is activated;
        on a shared register, what the server announced and was not read yet)."""
        if self.live is not None:
            self.live.drain()
            return
        version = self.service.data_version()
        if version is None:  # the register was closed: nothing more to watch
            if self._watch is not None:
                self._watch.stop()
            return
        if version == self._seen_version:
            return
        self._seen_version = version
        if self._editor is not None and self._editor.decision is not None:
            self._editor.stored_changed()
        self._others_changed()

    def _changed_live(self, changes: list[RegisterChange]) -> None:
        """The server announced others' changes: the open record is read again if it is among
        them (or the change names none), and the register's rows and counts."""
        named = frozenset(c.decision_id for c in changes)
        self._read_again(everything=None in named, named=named)

    def _read_again(self, *, everything: bool,
                    named: frozenset[str | None] = frozenset()) -> None:
        """The open record (if it is named, or everything changed), the register's rows and
        counts, read again; a register that cannot be read now says why in the status bar."""
        try:
            editor = self._editor
            if editor is not None and editor.decision is not None \
                    and (everything or editor.decision.id in named):
                editor.stored_changed()
            self._others_changed()
        except KnownError as exc:
            self._not_read(exc)

    def _refresh_register(self) -> None:
        """The register's rows read again on the way to them: a step that writes nothing, so
        a server away is said in the status bar (they are read again once it is back)."""
        try:
            self.register.refresh()
        except KnownError as exc:
            self._not_read(exc)

    def _not_read(self, exc: KnownError) -> None:
        """What could not be read now, in the status bar (a read saves nothing: no dialog)."""
        self.statusBar().showMessage(
            READ_LATER if isinstance(exc, Unreachable) else str(exc), 8000)

    def _live_paused(self) -> None:
        self.live_label.setText("Live updates paused: reconnecting…")
        self.live_label.show()

    def _live_resumed(self) -> None:
        """Listening again: what others changed meanwhile was not announced to us, so the
        open record and the register are read again once (what was typed is saved first)."""
        self.live_label.hide()
        self.live_label.clear()
        self.statusBar().showMessage("Live updates are back", 4000)
        if self._editor is not None:
            self._editor.server_back()
        self._read_again(everything=True)

    def _reconnected(self, connected: bool) -> None:
        """The window's own connection to the shared register was made again (on a thread of
        its own): what was typed meanwhile is saved at once, and what could not be read
        while it was away is read again."""
        if not connected or self._closed_down:
            return
        self._server_answered()
        if self._editor is not None:
            self._editor.server_back()
        self._read_again(everything=True)

    def _server_answered(self) -> None:
        """The shared register answered the window's own connection: live updates, if
        paused, are tried again now rather than at their backoff's next time."""
        if self.live is not None:
            self.live.retry_now()

    def _others_changed(self) -> None:
        self.register.refresh()  # its counts_changed updates the status bar's counts
        self._current_changed()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.check_elsewhere()

    # ---- decision actions ----------------------------------------------------------------------
    def _run(self, title: str, fn):
        try:
            return fn()
        except KnownError as exc:
            self.dialogs.error(self, title, str(exc))
            return None

    def new_decision(self) -> None:
        """A new draft; when the register holds more than one checklist, the user picks the
        one it is answered against (the default preselected). What is typed meanwhile (Ctrl+N,
        Return and a title, back to back) goes to the chooser and then to the title: held
        while the editor and the chooser are built and until each has the focus."""
        with self.typed_ahead.holding():
            self._new_decision()

    def _new_decision(self) -> None:
        self.editor.save_now()
        choices = self._run("Cannot create a decision", self.service.checklists.newest)
        if not choices:
            return
        checklist = choices[0]
        if len(choices) > 1:
            checklist = self.dialogs.choose_checklist(self, choices, self.typed_ahead)
            if checklist is None:
                return
        decision = self._run("Cannot create a decision",
                             lambda: self.service.create(checklist=checklist))
        if decision is None:
            return
        self.register.refresh()
        self.open_decision(decision.id, 0)
        self._untouched = decision
        from PySide6.QtCore import Qt

        title = self.editor.details.inputs["title"]
        title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        title.selectAll()

    def open_example(self) -> None:
        text = self.service.example_text
        existing = [i for i in sorted(self.service.example_ids) if self.service.repo.exists(i)]
        if existing:
            self.open_decision(existing[0])
            return
        imported = self._run("Cannot open the example", lambda: self.service.import_bundle(
            text, source="example-bundle.json"))
        if imported:
            self.register.refresh()
            self.update_counts()
            self.open_decision(imported[0].id)

    def import_file(self) -> None:
        path = self.dialogs.open_file(self, "Import decisions", "Decision bundles (*.json)")
        if not path:
            return

        def run():
            from desktop.application.userfiles import read_bundle

            # the same rules as the command line's: a regular file under the size cap
            return self.service.import_bundle(read_bundle(path), source=Path(path).name)

        imported = self._run("Cannot import this file", run)
        if imported is not None:
            self.register.refresh()
            self.update_counts()
            self.dialogs.info(self, "Imported",
                              f"Added {len(imported)} decision{'s' if len(imported) != 1 else ''}.")

    def duplicate_decision(self) -> None:
        current = self.current_decision_id()
        if current is None:
            return
        self.editor.save_now()
        self._untouched = None  # duplicated on purpose: both are the user's
        copy = self._run("Cannot duplicate", lambda: self.service.duplicate(current))
        if copy is not None:
            self.register.refresh()
            self.update_counts()
            self.open_decision(copy.id)

    def withdraw_decision(self) -> None:
        current = self.current_decision_id()
        if current is None:
            return
        decision = self._run("Cannot withdraw", lambda: self.service.get(current))
        if decision is None:
            return
        if not self.dialogs.confirm(
            self, "Withdraw this decision?",
            f"“{isolated(decision.title)}” will be marked as withdrawn and can no longer be changed. "
            "It stays in the register for the record.", "Withdraw"):
            return
        self.editor.save_now()
        withdrawn = self._run("Cannot withdraw", lambda: self.service.withdraw(current))
        if withdrawn is None:
            return
        self._after_state_change(withdrawn)

    def delete_decision(self) -> None:
        current = self.current_decision_id()
        if current is None:
            return
        decision = self._run("Cannot delete", lambda: self.service.get(current))
        if decision is None:
            return
        rules = allowed(decision)
        if not rules.delete:
            self.dialogs.error(self, "Cannot delete", rules.why_not("delete"))
            return
        if not self.dialogs.confirm(
            self, "Delete this decision?",
            f"Delete “{isolated(decision.title)}”? It has not been signed, so it and everything "
            "typed in it will be deleted. This cannot be undone.", "Delete"):
            return
        if self.showing_editor():
            self.editor.clear()
        def delete() -> bool:
            self.service.delete(current)
            return True

        if self._run("Cannot delete", delete) is None:
            return
        self.stack.setCurrentIndex(REGISTER)
        self.register.refresh()
        self.update_counts()
        self._current_changed()

    def _after_state_change(self, decision: Decision) -> None:
        """After a change of state: `decision` is the record as the service wrote it."""
        if self.showing_editor():
            self.editor.reload()
        self.register.refresh()
        self.update_counts()
        self.record_changed.emit(decision)
        self._current_changed()

    # ---- help ------------------------------------------------------------------------------------
    def show_checklists(self) -> None:
        """Tools > Checklists…: the register's checklists and the checklist editor, in a
        window of its own over this one (the same window each time, its draft kept)."""
        from PySide6.QtCore import Qt
        from shiboken6 import isValid

        from desktop.ui.checklists.window import ChecklistsWindow

        shown = self._checklists_window
        if shown is None or not isValid(shown):
            self.editor.save_now()
            shown = ChecklistsWindow(self.service.checklists, self.dialogs, parent=self)
            shown.setWindowModality(Qt.WindowModality.WindowModal)
            self._checklists_window = shown
        elif not shown.showing_editor():
            shown.show_list()
        shown.show()
        shown.raise_()
        shown.activateWindow()

    @property
    def checklists_window(self):
        """The Checklists window, once opened (None before)."""
        return self._checklists_window

    def show_council_settings(self) -> None:
        """Tools > Council settings…: the call-in period. Saved, the register's timeline
        column and filters and the open record's timeline follow at once."""
        from PySide6.QtCore import Qt

        from desktop.ui.council_settings import CouncilSettingsDialog

        dialog = CouncilSettingsDialog(self.service, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _days: self.refresh())
        self.council_settings_dialog = dialog
        dialog.open()

    def show_help(self) -> None:
        # One help window: F1 again brings it forward rather than opening another.
        from shiboken6 import isValid

        from desktop.ui.help_page import HelpDialog

        dialog = self._help
        if dialog is None or not isValid(dialog):
            dialog = self._help = HelpDialog(self)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def show_about(self) -> None:
        from desktop import __version__
        from desktop.ui.help_page import about_text

        self.dialogs.about(self, "About Decision Checklist",
                           about_text(__version__, self.service.db_path()))

    # ---- settings and closing ----------------------------------------------------------------------
    def restore_state(self) -> None:
        """Geometry, splitter and the decision that was open last time."""
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.fit_to_screen()
        self._editor_settings = self.settings  # applied when the editor is built
        if self._editor is not None:
            self._editor.restore_state(self.settings)
        last = self.settings.value("editor/last_decision")
        if isinstance(last, str) and last and self.service.repo.exists(last):
            page = self.settings.value("editor/last_page", 0)
            try:
                page = int(page)
            except (TypeError, ValueError):
                page = 0
            self.open_decision(last, page)
        elif self.register.model.rowCount():
            self.register.table.setFocus()
        else:  # the empty register: Enter starts a new decision
            self.register.start_button.setFocus()

    def fit_to_screen(self) -> None:
        """1280×800 where it fits with its title bar; otherwise fill the screen (a 1280×800
        screen, small screens, 150% scale), so the status bar is never below the screen."""
        screen = self.screen().availableGeometry() if self.screen() else None
        title_bar = 48  # the window manager's frame is not known before the first show
        if screen is None or (screen.width() >= 1280 and screen.height() >= 800 + title_bar):
            self.resize(1280, 800)
            return
        # Where it goes when un-maximised: the screen's available area less room for the
        # window manager's frame and title bar (it came back as large as the screen, its
        # status bar under the bottom edge, on a 1024×768 screen at 150%).
        frame = 8
        normal = screen.adjusted(frame, title_bar, -frame, -frame)
        self.setGeometry(normal.x(), normal.y(), min(1280, normal.width()),
                         min(800, normal.height()))
        from PySide6.QtCore import Qt

        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self._editor is not None:
            self._editor.save_state(self.settings)
        if self.showing_editor() and self.editor.decision is not None:
            self.settings.setValue("editor/last_decision", self.editor.decision.id)
            self.settings.setValue("editor/last_page", self.editor.current_page())
        else:
            self.settings.setValue("editor/last_decision", "")
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._editor is not None:
            self._editor.save_now()  # what it could not save, unsaveable() lists: asked once
        if self._checklists_window is not None and self._checklists_window.showing_editor():
            self._checklists_window.editor.flush()  # the checklist draft, as typed
        if not self._may_drop_unsaveable("Close"):
            event.ignore()
            return
        self._discard_untouched()
        self.save_state()
        if self.live is not None:
            self.live.close()
        self._closed_down = True
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Enter (Return or the keypad's Enter) activates the focused button or link, as Space
        does. Qt's buttons take Enter only in a dialog (for its default button); here the key
        comes up to the window unused. Dialogs are windows of their own and keep their rules."""
        if activate_focused_button(self, event):
            return
        super().keyPressEvent(event)

    def bring_to_front(self) -> None:
        """Called when a second copy is started on the same database: this window comes to
        the front and says why no second one opened (a window already in front would
        otherwise show nothing at all)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.statusBar().showMessage(ALREADY_OPEN, 10000)
