"""One date field everywhere: typed UK dates, a calendar from the keyboard, one display form."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt

from desktop.domain.decision import Action, Answer, Rating
from desktop.ui.editor.date_field import DateField
from desktop.ui.lifecycle.signoff_dialog import SignOffDialog
from tests.helpers.gui import ROLES, complete_decision


def _type_date(qtbot, field: DateField, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    field.tidy()  # what leaving the field does


def test_every_typed_form_is_read_and_shown_in_one_uk_form(qtbot):
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    for typed in ("15/09/2027", "15 Sep 2027", "2027-09-15", "15 september 2027", "15.9.2027"):
        _type_date(qtbot, field, typed)
        assert field.iso() == "2027-09-15", typed
        assert field.text() == "15 Sep 2027", typed
    _type_date(qtbot, field, "27")  # a half-typed year stays as typed, never "1 December 000027"
    assert field.text() == "27" and field.iso() is None
    field.setText("2026-12-09")
    assert field.text() == "9 Dec 2026"


def test_the_calendar_opens_from_the_keyboard_and_enter_chooses(qtbot):
    field = DateField("2027-09-15")
    qtbot.addWidget(field)
    field.show()
    field.activateWindow()
    field.setFocus()
    edits = []
    field.textEdited.connect(edits.append)
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    cal = field._calendar
    qtbot.waitUntil(lambda: cal.isVisible())
    assert cal.selectedDate() == QDate(2027, 9, 15)
    cal.setSelectedDate(QDate(2027, 9, 16))
    cal.activated.emit(cal.selectedDate())  # Enter in the calendar's grid
    assert not cal.isVisible()
    assert field.text() == "16 Sep 2027" and edits == ["16 Sep 2027"]
    qtbot.keyClick(field, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: cal.isVisible())
    qtbot.keyClick(cal, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not cal.isVisible())
    assert field.text() == "16 Sep 2027"


def test_read_only_date_has_no_calendar(qtbot):
    field = DateField("2027-09-15")
    qtbot.addWidget(field)
    field.setReadOnly(True)
    field.open_calendar()
    assert field._calendar is None and not field.opener.isVisible()


def test_details_and_due_dates_are_date_fields_saved_as_iso(window, service, qtbot):
    window.new_decision()
    details = window.editor.details
    for key in ("meeting_date", "review_date"):
        assert isinstance(details.inputs[key], DateField)
    details.inputs["title"].setText("Close the depot")
    _type_date(qtbot, details.inputs["meeting_date"], "15 Sep 2027")
    details.inputs["meeting_date"].textEdited.emit("")
    assert window.editor.save_now()
    d = service.get(window.editor.decision.id)
    assert d.meeting_date == "2027-09-15"
    window.open_decision(d.id)
    assert details.inputs["meeting_date"].text() == "15 Sep 2027"

    page = window.editor.principles[0]
    page.actions.add_row({"action": "Consult", "owner": "Head of waste"})
    due = page.actions.cell(0, "due")
    assert isinstance(due, DateField)
    _type_date(qtbot, due, "01/10/2027")
    assert due.text() == "1 Oct 2027"
    window.editor._edited(1)
    assert window.editor.save_now()
    assert service.get(d.id).answer(page.principle.slug).actions[0].due == "2027-10-01"


def test_the_register_and_history_show_the_uk_form(window, service):
    from desktop.ui.lifecycle.history_view import when_text

    d = service.create("Close the depot", meeting_date="2027-09-15")
    window.register.refresh()
    model = window.register.model
    column = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    row = model.row_of(d.id)
    assert model.index(row, column.index("Meeting date")).data() == "15 Sep 2027"
    assert when_text("2027-09-05T12:00:00Z").startswith("5 Sep 2027 ")


def test_sign_off_keeps_the_meeting_date_between_roles(qtbot, make_window, service):
    d = complete_decision(service)
    d = service.update(d.id, meeting_date="2026-11-18")
    window = make_window(service)
    window.open_decision(d.id)
    dates = []
    for n, role in enumerate(ROLES):
        window.lifecycle.sign_off_action.trigger()
        dialog = window.lifecycle.open_dialog
        assert isinstance(dialog, SignOffDialog) and dialog.role.currentData() == role
        assert isinstance(dialog.date, DateField)
        dates.append(dialog.date.text())
        if n == 0:  # the clerk types the day of the meeting once...
            assert dialog.date.text() == "18 Nov 2026"  # ...offered the meeting date
            _type_date(qtbot, dialog.date, "19/11/2026")
        qtbot.keyClicks(dialog.name, f"Signer {n}")
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()
    assert dates == ["18 Nov 2026", "19 Nov 2026", "19 Nov 2026", "19 Nov 2026"]
    assert [s.date for s in service.get(d.id).sign_offs] == ["2026-11-19"] * 4


def test_sign_off_warns_when_it_predates_the_meeting(qtbot, service):
    d = complete_decision(service)
    d = service.update(d.id, meeting_date="2026-11-18")
    dialog = SignOffDialog(service, d.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.date_warning.isVisible()
    _type_date(qtbot, dialog.date, "17/11/2026")
    assert dialog.date_warning.isVisible()
    assert "before the meeting date (18 Nov 2026)" in dialog.date_warning.text()
    assert "before the meeting date" in dialog.date.accessibleDescription()
    _type_date(qtbot, dialog.date, "18 Nov 2026")
    assert not dialog.date_warning.isVisible()


def test_sign_off_refuses_a_mistyped_date_in_plain_words(qtbot, service):
    d = complete_decision(service)
    dialog = SignOffDialog(service, d.id)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_date(qtbot, dialog.date, "31/02/2026")
    qtbot.keyClicks(dialog.name, "Ann")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.fields["date"].error.text().startswith("Enter the date it was signed as a real")
    assert service.get(d.id).sign_offs == ()
    _type_date(qtbot, dialog.date, "1 Dec 2026")  # after the service's today (25 Nov 2026)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert "(1 Dec 2026) cannot be in the future" in dialog.fields["date"].error.text()
    assert dialog.focusWidget() is dialog.summary
    _type_date(qtbot, dialog.date, "1/1/1900")  # a placeholder date, not a signature's
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.fields["date"].error.text() == (
        "The date it was signed (1 Jan 1900) cannot be before 1 January 2000")
    assert service.get(d.id).sign_offs == ()


def test_due_dates_in_an_action_row_show_uk_form(qtbot, service, window):
    d = service.create("Stop the bus", meeting_date="2027-01-05")
    d = service.set_answer(d.id, "values", Answer(
        rating=Rating.AMBER, response="Partly.",
        actions=(Action("Consult riders", "Transport lead", "2027-02-03"),)))
    window.open_decision(d.id)
    assert window.editor.principles[0].actions.cell(0, "due").text() == "3 Feb 2027"
