"""The checklist editor: a draft copied from a checklist, edited with no JSON, checked as it is
edited, kept as it is typed, and saved as a new version.

Every rule is the ChecklistService's (`draft_problems`, the same checks `checklist import`
makes): this page shows what it says, in a GOV.UK error summary whose links move the focus to
the field, and beside each field. Slugs may be renamed in a new version: a record keeps the
version it was answered against, slugs and all.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.application.checklists import DraftProblem, suggest_slug
from desktop.domain.checklist import MAX_VERSION
from desktop.domain.errors import KnownError
from desktop.ui.checklists.ordered_list import OrderedList
from desktop.ui.checklists.section_form import SectionForm
from desktop.ui.error_summary import ErrorSummary
from desktop.ui.widgets import (
    ButtonRow,
    Field,
    LinkButton,
    primary_button,
    scroll_page,
    text_label,
)

if TYPE_CHECKING:
    from desktop.application.checklists import ChecklistService, Draft

AUTOSAVE_MS = 500
SAVE_KEYS = "Ctrl+S"
UNDO_KEYS = "Ctrl+Alt+Z"  # undo the last change to a list (Ctrl+Z is the text field's own)


class VersionBox(QLineEdit):
    """The version, typed as a whole number, or Up and Down to step it (a line edit, not a
    spin box: under the style sheet the spin box drew no number, as the appraisal's weight
    box found)."""

    stepped = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]{0,10}"), self))
        self.setMaxLength(10)

    def value(self) -> int | None:
        """The number typed (None while it is not one a checklist may have)."""
        text = self.text()
        return int(text) if text.isdigit() and 1 <= int(text) <= MAX_VERSION else None

    def setValue(self, version: int) -> None:  # noqa: N802 - the spin box's name
        self.setText(str(version))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        step = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}.get(Qt.Key(event.key()))
        if step is None or event.modifiers() != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)
            return
        now = self.value() or 0
        version = min(max(now + step, 1), MAX_VERSION)
        self.setValue(version)
        self.stepped.emit(version)
NEW_SECTION: dict[str, Any] = {"slug": "", "number": 1, "title": "", "kind": "principle",
                               "wording": "", "guidance": "", "questions": []}


def path_key(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)


class ChecklistEditorPage(QWidget):
    """Edits `draft` (a checklist's JSON as a dict) through the ChecklistService."""

    closed = Signal()  # back to the list of checklists; the draft is kept
    saved = Signal(object)  # the Checklist stored

    def __init__(self, checklists: ChecklistService, dialogs, *,
                 autosave_ms: int = AUTOSAVE_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklists = checklists
        self.dialogs = dialogs
        self.draft: Draft = {}
        self.problems: list[DraftProblem] = []
        self._undo: list[tuple[str, Draft]] = []  # (what was done, the draft before it)
        self._loading = False
        self._new_sections: set[int] = set()  # id() of the sections added in this editor
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(autosave_ms)
        self._autosave.timeout.connect(self.flush)

        content = QWidget()
        col = QVBoxLayout(content)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(16)
        col.addWidget(text_label("Edit a checklist", "h1"))
        self.intro = text_label("", "caption")
        col.addWidget(self.intro)
        self.summary = ErrorSummary()
        self.summary.activated.connect(self.focus_path)
        col.addWidget(self.summary)

        self.id_input = QLineEdit()
        self.id_input.textEdited.connect(lambda t: self._set_top("id", t))
        self.version_input = VersionBox()
        self.version_input.setMaximumWidth(160)
        self.version_input.textEdited.connect(self._version_typed)
        self.version_input.stepped.connect(lambda v: self._set_top("version", v))
        self.title_input = QLineEdit()
        self.title_input.textEdited.connect(lambda t: self._set_top("title", t))
        self.fields = {
            "id": Field("Checklist id", self.id_input,
                        "Keep the id to save a new version of this checklist; a new id makes "
                        "a checklist of its own."),
            "version": Field("Version", self.version_input,
                             "Higher than every version of this id the register holds."),
            "title": Field("Title", self.title_input,
                           "As the chooser for a new decision and the printed record show it."),
        }
        for field in self.fields.values():
            col.addWidget(field)

        col.addWidget(text_label("Sections", "h2"))
        self.sections = OrderedList("section", add_text="Add a section", rows=8)
        self.sections.view.setAccessibleName("Sections")
        self.fields["principles"] = Field(
            "Sections, in order", self.sections,
            "Select a section to edit it below. Alt+Up and Alt+Down move the selected one.")
        self.sections.view.setAccessibleName("Sections, in order")
        col.addWidget(self.fields["principles"])
        self.sections.current_changed.connect(self._show_section)
        self.sections.added.connect(self._section_added)
        self.sections.removed.connect(self._section_removed)
        self.sections.moved.connect(self._section_moved)
        self.section_heading = text_label("", "h2")
        col.addWidget(self.section_heading)
        self.form = SectionForm()
        self.form.edited.connect(self._section_edited)
        col.addWidget(self.form)

        col.addWidget(text_label("Sign-off roles", "h2"))
        self.roles = OrderedList("role", add_text="Add a role", editable=True, checkable=True,
                                 rows=5)
        self.fields["sign_off_roles"] = Field(
            "Who signs the record", self.roles,
            "Tick each role that must sign before the record is locked (Space ticks). F2 "
            "renames the selected role; Alt+Up and Alt+Down move it.")
        self.roles.view.setAccessibleName("Who signs the record")
        col.addWidget(self.fields["sign_off_roles"])
        self.roles.added.connect(lambda _row: self._roles_changed(""))
        self.roles.removed.connect(lambda row: self._roles_changed(f"remove role {row + 1}"))
        self.roles.moved.connect(lambda a, _b: self._roles_changed(f"move role {a + 1}"))
        self.roles.edited.connect(lambda _row: self._roles_changed(""))

        self.undo_link = LinkButton("Undo", wrap=True)
        self.undo_link.setToolTip(f"Undo the last change to a list ({UNDO_KEYS})")
        self.undo_link.clicked.connect(self.undo)
        self.undo_link.hide()
        col.addWidget(self.undo_link)
        buttons = ButtonRow()
        self.save_button = primary_button("Save as new version")
        self.save_button.setToolTip(f"Save this checklist as a new version ({SAVE_KEYS})")
        self.save_button.clicked.connect(self.save)
        self.back_button = QPushButton("Back to checklists")
        self.back_button.setToolTip("The draft is kept: continue it later")
        self.back_button.clicked.connect(self.back)
        self.discard_button = QPushButton("Discard draft…")
        self.discard_button.clicked.connect(self.discard)
        for button in (self.save_button, self.back_button, self.discard_button):
            buttons.add(button)
        col.addWidget(buttons)
        self.kept_label = text_label("", "hint")
        self.kept_label.setAccessibleName("Draft status")
        col.addWidget(self.kept_label)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.area = scroll_page(content)
        outer.addWidget(self.area)
        for keys, slot in ((SAVE_KEYS, self.save), (UNDO_KEYS, self.undo)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # ---- loading ----------------------------------------------------------------------------
    def edit(self, draft: Draft) -> None:
        """Show a draft to edit (a copy: the page owns what it edits)."""
        self._loading = True
        try:
            self.draft = copy.deepcopy(draft)
            self.draft.setdefault("principles", [])
            self.draft.setdefault("sign_off_roles", [])
            self._undo.clear()
            self.id_input.setText(str(self.draft.get("id", "")))
            version = self.draft.get("version")
            self.version_input.setValue(version if isinstance(version, int) else 1)
            self.title_input.setText(str(self.draft.get("title", "")))
            self.sections.set_items(self._section_texts())
            self._show_roles()
        finally:
            self._loading = False
        self._show_section(self.sections.current())
        self.kept_label.setText("")
        self._validate()
        self.title_input.setFocus(Qt.FocusReason.OtherFocusReason)

    def _section_texts(self) -> list[str]:
        with_problems = {p.path[1] for p in self.problems
                         if len(p.path) > 1 and p.path[0] == "principles"}
        return [f"{i}. {s.get('title') or '(no title yet)'}"
                + ("  (has a problem)" if i - 1 in with_problems else "")
                for i, s in enumerate(self._principles(), start=1)]

    def _principles(self) -> list[dict[str, Any]]:
        principles: list[dict[str, Any]] = self.draft["principles"]
        return principles

    def _show_roles(self) -> None:
        roles = self.draft["sign_off_roles"]
        self.roles.set_items([str(r.get("name", "")) for r in roles],
                             [bool(r.get("required")) for r in roles], self.roles.current())

    # ---- edits ------------------------------------------------------------------------------
    def _version_typed(self, text: str) -> None:
        # a number the schema can judge ("" or too big: its problem is shown, not lost)
        self._set_top("version", int(text) if text.isdigit() else text)

    def _set_top(self, key: str, value: object) -> None:
        if self._loading or self.draft.get(key) == value:
            return
        self.draft[key] = value
        self._changed()

    def _show_section(self, row: int) -> None:
        principles = self._principles()
        if not 0 <= row < len(principles):
            self.section_heading.setText("No section selected")
            self.form.setEnabled(bool(principles))
            return
        self.form.setEnabled(True)
        section = principles[row]
        self.section_heading.setText(f"Section {row + 1}: {section.get('title') or '(no title yet)'}")
        self.form.show_section(section)
        self._inline_section_errors()

    def _section_added(self, row: int) -> None:
        self._remember("add a section")
        section = dict(NEW_SECTION, questions=[])
        self._new_sections.add(id(section))
        self._principles().insert(row, section)
        self._show_section(row)
        self._changed()
        self.form.focus("title")

    def _section_removed(self, row: int) -> None:
        title = self._principles()[row].get("title") or "(no title yet)"
        self._remember(f"remove section {row + 1}, {title}")
        del self._principles()[row]
        self._changed()

    def _section_moved(self, a: int, b: int) -> None:
        self._remember(f"move section {a + 1}")
        principles = self._principles()
        principles.insert(b, principles.pop(a))
        self._changed()

    def _section_edited(self, key: str, value: Any) -> None:
        row = self.sections.current()
        principles = self._principles()
        if not 0 <= row < len(principles):
            return
        section = principles[row]
        if key == "questions" and len(value) < len(section.get("questions", [])):
            self._remember(f"remove a question of section {row + 1}")
        # A new section's slug follows its title until the user types one of their own; a
        # copied section keeps its slug when its title is reworded.
        follows = key == "title" and id(section) in self._new_sections and section.get(
            "slug", "") in ("", suggest_slug(str(section.get("title", ""))))
        section[key] = value
        if follows:
            section["slug"] = suggest_slug(value)
            self.form.show_section(section)
        if key == "title":
            self.section_heading.setText(f"Section {row + 1}: {value or '(no title yet)'}")
        self._changed()

    def _roles_changed(self, what: str) -> None:
        if what:
            self._remember(what)
        self.draft["sign_off_roles"] = [{"name": name, "required": required}
                                        for name, required in zip(self.roles.texts(),
                                                                  self.roles.checks(),
                                                                  strict=True)]
        self._changed()

    def _changed(self) -> None:
        if self._loading:
            return
        self._validate()
        self.kept_label.setText("Not saved yet: the draft is kept as you type.")
        self._autosave.start()

    # ---- undo -------------------------------------------------------------------------------
    def _remember(self, what: str) -> None:
        """Before a change to a list (Ctrl+Z undoes typing in a field; this, the rest)."""
        self._undo.append((what, copy.deepcopy(self.draft)))
        del self._undo[:-20]
        self.undo_link.setText(f"Undo: {what}")
        self.undo_link.setAccessibleName(f"Undo: {what}")
        self.undo_link.show()

    def undo(self) -> None:
        if not self._undo:
            return
        _what, before = self._undo.pop()
        row = self.sections.current()
        undo = self._undo
        self._undo = []
        self.edit(before)
        self._undo = undo
        self.sections.select(row)
        if undo:
            self.undo_link.setText(f"Undo: {undo[-1][0]}")
            self.undo_link.setAccessibleName(f"Undo: {undo[-1][0]}")
        else:
            self.undo_link.hide()
        self.kept_label.setText("Not saved yet: the draft is kept as you type.")
        self._autosave.start()
        self.sections.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- checking ---------------------------------------------------------------------------
    def _validate(self) -> None:
        self.problems = self.checklists.draft_problems(self.draft)
        first = self.problems[0].path if self.problems else ()
        self.summary.show_problems([(path_key(p.path), p.message) for p in self.problems],
                                   self._widget_for(first) if first else None)
        for key in ("id", "version", "title", "principles", "sign_off_roles"):
            messages = [p.message for p in self.problems
                        if p.path and p.path[0] == key
                        and (key not in ("principles",) or len(p.path) == 1)]
            self.fields[key].set_error("\n".join(messages[:3]))
        texts = self._section_texts()
        for row, text in enumerate(texts):
            self.sections.set_text(row, text)
        self._inline_section_errors()
        version = self.draft.get("version")
        self.intro.setText(
            f"Saving makes version {version} of {self.draft.get('id') or '(no id yet)'}. "
            "Decisions already answered keep the version they were answered against, and "
            "print with it.")

    def _inline_section_errors(self) -> None:
        row = self.sections.current()
        errors: dict[str, str] = {}
        for p in self.problems:
            if len(p.path) > 2 and p.path[0] == "principles" and p.path[1] == row:
                errors.setdefault(str(p.path[2]), p.message)
        self.form.set_errors(errors)

    def _widget_for(self, path: tuple[str | int, ...]) -> QWidget | None:
        top = path[0] if path else ""
        if top == "id":
            return self.id_input
        if top == "version":
            return self.version_input
        if top == "title":
            return self.title_input
        if top == "sign_off_roles":
            return self.roles.view
        if top == "principles" and len(path) > 2:
            return self.form.inputs.get(str(path[2]), self.sections.view)
        return self.sections.view

    def focus_path(self, key: str) -> None:
        """Move the focus to the field a problem is about (an error summary link)."""
        path: list[str | int] = [int(p) if p.isdigit() else p for p in key.split(".")]
        top = path[0] if path else ""
        if top == "principles" and len(path) > 1 and isinstance(path[1], int):
            self.sections.select(path[1])
            if len(path) > 2 and path[2] in self.form.inputs:
                index = path[3] if len(path) > 3 and isinstance(path[3], int) else None
                self.form.focus(str(path[2]), index)
                return
        if top == "sign_off_roles" and len(path) > 1 and isinstance(path[1], int):
            self.roles.select(path[1])
        widget = self._widget_for(tuple(path))
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- leaving ----------------------------------------------------------------------------
    def flush(self) -> None:
        """Keep the draft in the register now (autosave calls this; so does leaving)."""
        self._autosave.stop()
        if not self.draft:
            return
        try:
            self.checklists.keep_draft(self.draft)
        except KnownError as exc:
            self.kept_label.setText(f"The draft could not be kept: {exc}")
            return
        from datetime import datetime

        self.kept_label.setText(f"Not saved yet. Draft kept at "
                                f"{datetime.now().strftime('%H:%M:%S')}.")

    def save(self) -> None:
        self._validate()
        if self.problems:
            self.summary.setFocus(Qt.FocusReason.OtherFocusReason)
            self.area.ensureWidgetVisible(self.summary)
            return
        try:
            saved = self.checklists.save_draft(self.draft)
        except KnownError as exc:
            self.dialogs.error(self, "Cannot save this checklist", str(exc))
            return
        self._autosave.stop()
        self.draft = {}
        self.saved.emit(saved)

    def back(self) -> None:
        self.flush()
        self.closed.emit()

    def discard(self) -> None:
        if not self.dialogs.confirm(self, "Discard this draft?",
                                    "Everything typed into this draft since it was copied "
                                    "will be lost. Saved checklists are not changed.",
                                    "Discard draft"):
            return
        self._autosave.stop()
        self.draft = {}
        try:
            self.checklists.drop_draft()
        except KnownError as exc:
            self.dialogs.error(self, "Cannot discard the draft", str(exc))
        self.closed.emit()
