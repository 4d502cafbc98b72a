"""The principle page's layout: guidance beside the inputs when wide, above them when narrow,
the heading and the focused rating in view after moving between pages, and a guidance toggle
that follows the user from page to page and from session to session."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QRadioButton

from tests.helpers.shipped import SLUGS, SUMMARY_PAGE

STAFF = SLUGS.index("staff") + 1  # the example gives staff an Amber rating and one action


def sized(window, qtbot, width: int, height: int):
    """The window at a given logical size (the offscreen screen is smaller than 1280x800)."""
    window.showNormal()
    window.resize(width, height)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    qtbot.waitActive(window)
    QApplication.processEvents()
    return window


def rect_in_viewport(widget, area) -> QRect:
    return QRect(widget.mapTo(area.viewport(), QPoint(0, 0)), widget.size())


def inside_viewport(widget, area) -> bool:
    return area.viewport().rect().contains(rect_in_viewport(widget, area))


@pytest.fixture
def example(window, qtbot):
    window.open_example()
    return sized(window, qtbot, 1280, 800)


def test_wide_window_puts_guidance_beside_the_inputs(example, qtbot):
    editor = example.editor
    editor.go_to(STAFF)
    page = editor.principles[STAFF - 1]
    qtbot.waitUntil(page.two_columns)
    area = editor.scrolls[STAFF]
    inputs = rect_in_viewport(page.inputs, area)
    guidance = rect_in_viewport(page.guidance_panel, area)
    assert guidance.left() > inputs.right()
    assert abs(guidance.top() - inputs.top()) < 8  # side by side, not one under the other
    # About 40% for the guidance, and neither column wider than about 80 characters.
    assert 0.3 < guidance.width() / (inputs.width() + guidance.width()) < 0.5
    avg = page.response.fontMetrics().averageCharWidth()
    assert inputs.width() <= 85 * avg and guidance.width() <= 85 * avg


def test_next_page_shows_the_heading_and_the_focused_rating(example, keyboard, qtbot):
    editor = example.editor
    editor.focus_first_field()
    keyboard.ctrl(Qt.Key.Key_PageDown)  # the options appraisal, then the sections
    assert editor.current_page() == editor.appraisal_page
    for number in range(1, 4):
        keyboard.ctrl(Qt.Key.Key_PageDown)
        assert editor.current_page() == number
        page, area = editor.principles[number - 1], editor.scrolls[number]
        focused = keyboard.focused()
        assert isinstance(focused, QRadioButton) and focused in page.rating_buttons.values()
        assert page.two_columns()
        assert area.verticalScrollBar().value() == 0, f"page {number} scrolled down"
        assert inside_viewport(page.title, area)
        assert inside_viewport(focused, area)
    keyboard.ctrl(Qt.Key.Key_PageUp)
    page, area = editor.principles[1], editor.scrolls[2]
    assert area.verticalScrollBar().value() == 0
    assert inside_viewport(page.title, area) and inside_viewport(keyboard.focused(), area)


def test_change_link_on_the_summary_lands_on_the_heading_too(example, qtbot):
    editor = example.editor
    editor.go_to(SUMMARY_PAGE)
    editor.scrolls[STAFF].verticalScrollBar().setValue(400)  # left scrolled down earlier
    editor.summary.go_to.emit(STAFF, "rating")
    page, area = editor.principles[STAFF - 1], editor.scrolls[STAFF]
    assert editor.current_page() == STAFF
    assert QApplication.focusWidget() in page.rating_buttons.values()
    assert inside_viewport(page.title, area)
    assert inside_viewport(QApplication.focusWidget(), area)


def test_narrow_window_stacks_guidance_above_the_inputs(example, qtbot, keyboard):
    editor = example.editor
    sized(example, qtbot, 853, 533)  # 1280x800 at 150%
    editor.go_to(STAFF - 1)
    editor.focus_first_field()
    keyboard.ctrl(Qt.Key.Key_PageDown)
    page, area = editor.principles[STAFF - 1], editor.scrolls[STAFF]
    assert not page.two_columns()
    inputs = rect_in_viewport(page.inputs, area)
    guidance = rect_in_viewport(page.guidance_panel, area)
    assert guidance.bottom() < inputs.top()
    assert inputs.left() == guidance.left()
    assert inside_viewport(keyboard.focused(), area)  # the rating, scrolled into view
    # Reading order follows the stack: the guidance toggle, then the inputs.
    chain = page.focus_chain()
    assert chain[0] is page.guidance_toggle
    # Each action gets the column's width: the action on its own line, the rest under it.
    action = page.actions.cell(0, "action")
    owner = page.actions.cell(0, "owner")
    assert action.width() > 0.8 * page.inputs.width()
    assert owner.mapTo(page, QPoint(0, 0)).y() > action.mapTo(page, QPoint(0, 0)).y()
    assert owner.width() > 150
    # Wide again: the page goes back to two columns and the inputs come first.
    sized(example, qtbot, 1280, 800)
    qtbot.waitUntil(page.two_columns)
    assert page.focus_chain()[-1] is page.guidance_toggle


def test_rating_already_in_view_is_not_scrolled_to_when_narrow_without_guidance(
        example, qtbot, keyboard):
    editor = example.editor
    sized(example, qtbot, 853, 700)
    editor.set_guidance_visible(False)
    editor.go_to(STAFF - 1)
    editor.focus_first_field()
    keyboard.ctrl(Qt.Key.Key_PageDown)
    page, area = editor.principles[STAFF - 1], editor.scrolls[STAFF]
    assert not page.two_columns()
    assert area.verticalScrollBar().value() == 0
    assert inside_viewport(page.title, area) and inside_viewport(keyboard.focused(), area)


def test_guidance_toggle_hides_shows_and_is_remembered(make_window, service, settings, qtbot):
    window = make_window(service)
    window.open_example()
    editor = window.editor
    editor.go_to(STAFF)
    page = editor.principles[STAFF - 1]
    assert page.guidance.isVisible()
    qtbot.keyClick(page.guidance_toggle, Qt.Key.Key_Space)
    assert not page.guidance.isVisible()
    assert page.guidance_toggle.text() == "Show guidance and questions"
    # The inputs stay where they are, never hidden with the guidance.
    assert page.rating_field.isVisible() and page.response.isVisible()
    editor.go_to(STAFF + 1)
    assert not editor.principles[STAFF].guidance.isVisible()
    assert editor.principles[STAFF].guidance_toggle.text() == "Show guidance and questions"
    window.close()

    again = make_window(service)  # same settings file: the choice survives a restart
    again.editor.go_to(STAFF)
    assert not again.editor.principles[STAFF - 1].guidance.isVisible()
    qtbot.mouseClick(again.editor.principles[STAFF - 1].guidance_toggle, Qt.MouseButton.LeftButton)
    assert all(p.guidance_visible() for p in again.editor.principles)
    again.close()
    assert settings.value("editor/guidance") == "shown"


def test_long_action_wraps_and_enter_adds_no_line_break(example, qtbot):
    editor = example.editor
    editor.go_to(STAFF)
    page = editor.principles[STAFF - 1]
    cell = page.actions.cell(0, "action")
    assert len(cell.toPlainText()) > 70  # the example's action: longer than the box is wide
    assert cell.document().firstBlock().layout().lineCount() >= 2  # wrapped
    assert cell.verticalScrollBar().maximum() == 0  # and all of it in view
    cell.setFocus()
    cell.moveCursor(cell.textCursor().MoveOperation.End)
    qtbot.keyClick(cell, Qt.Key.Key_Return)  # Enter must not put a line break in an action
    qtbot.keyClicks(cell, " now")
    assert "\n" not in cell.toPlainText()
    assert page.answer().actions[0].action.endswith("now")
    qtbot.keyClicks(cell, " and then report back to the committee with the agreed rates" * 2)
    qtbot.waitUntil(lambda: cell.verticalScrollBar().maximum() == 0)  # the box grew to fit


def _fits_the_width(area) -> bool:
    """No sideways scrolling: the page's content is no wider than the scroll area's viewport."""
    QApplication.processEvents()
    content = area.widget()
    return (content.width() <= area.viewport().width()
            and content.minimumSizeHint().width() <= area.viewport().width()
            and area.horizontalScrollBar().maximum() == 0)


def test_at_1024x768_and_150_percent_the_summary_fits_the_width(themed, example, qtbot):
    editor = example.editor
    sized(example, qtbot, 683, 512)  # a 1024x768 screen at 150%, in logical pixels
    editor.go_to(SUMMARY_PAGE)
    area = editor.scrolls[SUMMARY_PAGE]
    qtbot.waitUntil(lambda: _fits_the_width(area))


def test_at_1024x768_and_150_percent_a_page_with_two_actions_fits_the_width(
        themed, make_window, service, qtbot):
    from desktop.domain.decision import Action, Answer, Rating

    d = service.create("Hand the libraries to a community trust", proposal="Transfer in 2027.")
    service.set_answer(d.id, "staff", Answer(
        rating=Rating.AMBER, response="Consultation pending.",
        actions=(Action("Run the consultation with staff and the unions", "Head of libraries",
                        "2027-02-01"),
                 Action("Report back to the committee", "Director of communities",
                        "2027-03-01"))))
    window = sized(make_window(service), qtbot, 683, 512)
    window.open_decision(d.id, page=STAFF)
    editor = window.editor
    area = editor.scrolls[STAFF]
    page = editor.principles[STAFF - 1]
    assert page.actions.cell(1, "action").toPlainText() == "Report back to the committee"
    qtbot.waitUntil(lambda: _fits_the_width(area))
    for row in (0, 1):
        for field in ("action", "owner"):
            cell = page.actions.cell(row, field)
            left = cell.mapTo(area.viewport(), QPoint(0, 0)).x()
            assert left >= 0 and left + cell.width() <= area.viewport().width(), (row, field)


def test_rating_words_wrap_on_a_narrow_page_and_a_click_on_them_rates(qtbot, service):
    """At 150% on a small screen the page is narrow: each rating's words wrap under one
    another beside the radio (a QRadioButton's text cannot), and clicking them rates."""
    from desktop.domain.decision import Rating
    from desktop.ui.editor.principle_page import PrinciplePage

    principle = service.checklist.principle(SLUGS[0])
    page = PrinciplePage(principle, service.checklist.position(principle))
    qtbot.addWidget(page)
    page.resize(200, 2400)  # the page itself may be this narrow (its minimum is less)
    page.show()
    qtbot.waitExposed(page)
    amber = page.rating_rows[Rating.AMBER]
    words = amber.label
    qtbot.waitUntil(lambda: words.width() < words.fontMetrics().horizontalAdvance(words.text()))
    assert words.height() >= 2 * words.fontMetrics().lineSpacing()
    assert amber.mapTo(page, amber.rect().topRight()).x() <= page.width()
    qtbot.mouseClick(words, Qt.MouseButton.LeftButton)
    assert page.rating() == Rating.AMBER
    page.load(page.answer(), read_only=True)
    assert not words.isEnabled()
    qtbot.mouseClick(page.rating_rows[Rating.RED].label, Qt.MouseButton.LeftButton)
    assert page.rating() == Rating.AMBER  # read-only: the words do nothing
