"""The status bar in a narrow window (680 px, a saved size): no text is cut off by the layout.
Each shows its whole text, or its short form ("Not saved yet"), or that cut short with "…",
and then its whole text is in its tooltip and its accessible name. The save status gives way
last. In the app's own theme (its fonts), with its longest texts: a shared register away."""

from __future__ import annotations

import itertools

import pytest

from desktop.ui.status_label import StatusLabel, short_form
from desktop.ui.status_line import allot

LONGEST = {
    "count_label": "10,000 decisions, 12 overdue reviews,",
    "overdue_link": "51,984 overdue actions",
    "live_label": "Live updates paused: reconnecting…",
    "saved_label": "Not saved yet — will try again",
}


def _window(make_window, service, qtbot, width):
    service.create("A decision")
    window = make_window(service)
    window.showNormal()
    window.resize(width, 600)
    for name, text in LONGEST.items():
        getattr(window, name).setText(text)
    window.overdue_link.show()
    window.live_label.show()
    qtbot.waitUntil(lambda: window.width() == width)
    qtbot.wait(50)  # the status line lays its texts out again
    return window


def _widgets(window):
    return [getattr(window, name) for name in LONGEST]


def _shown(widget) -> str:
    return widget.shown if isinstance(widget, StatusLabel) else widget.text()


def _fits(widget, text: str) -> bool:
    return widget.fontMetrics().horizontalAdvance(text) <= widget.contentsRect().width()


def test_at_680_px_every_text_fits_or_gives_way_with_its_whole_text_at_hand(
        themed, make_window, service, qtbot):
    window = _window(make_window, service, qtbot, 680)
    line = window.status_line
    edges = []
    for widget in _widgets(window):
        text, shown = widget.text(), _shown(widget)
        assert widget.isVisible() and widget.width() > 0
        assert _fits(widget, shown), f"{shown!r} is cut off at {widget.width()} px"
        if shown != text:  # it gave way: the whole text is a hover or a screen reader away
            assert widget.toolTip() == text and text in widget.accessibleName()
        left = widget.mapTo(line, widget.rect().topLeft()).x()
        edges.append((left, left + widget.width()))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(edges))  # no overlap
    assert edges[0][0] >= 0 and edges[-1][1] <= line.width()  # all inside the window
    # what gave way, and how far: the save status last (its short form whole at least)
    shown = {name: _shown(getattr(window, name)) for name in LONGEST}
    assert shown == {"count_label": "10,000 decisions", "overdue_link": "51,984 overdue actions",
                     "live_label": "Live updates paused", "saved_label": "Not saved yet"}
    assert window.saved_label.accessibleName() == "Save status: Not saved yet — will try again"


def test_at_1280_px_every_text_is_whole(themed, make_window, service, qtbot):
    window = _window(make_window, service, qtbot, 1280)
    for widget in _widgets(window):
        assert _shown(widget) == widget.text() and _fits(widget, widget.text())
    assert all(w.toolTip() == "" for w in _widgets(window) if isinstance(w, StatusLabel))


@pytest.mark.parametrize("width", [640, 680, 800, 1024])
def test_the_save_status_is_cut_last(themed, make_window, service, qtbot, width):
    window = _window(make_window, service, qtbot, width)

    def level(label) -> int:  # 2: whole, 1: its short form, 0: less
        return 2 if label.shown == label.text() else int(label.shown == short_form(label.text()))

    saved = level(window.saved_label)
    assert saved >= 1 and saved >= max(level(window.live_label), level(window.count_label))
    for widget in _widgets(window):
        assert _fits(widget, _shown(widget))


def test_a_message_takes_the_counts_place_and_the_save_status_stays(
        themed, make_window, service, qtbot):
    window = _window(make_window, service, qtbot, 680)
    window.overdue_link.hide()  # no overdue actions
    window.statusBar().showMessage("Live updates are back")
    message = window.status_line.message
    assert message.isVisible() and message.shown == "Live updates are back"
    assert not window.count_label.isVisible()
    assert window.saved_label.isVisible() and window.live_label.isVisible()
    window.statusBar().clearMessage()
    assert not message.isVisible() and window.count_label.isVisible()
    assert not window.overdue_link.isVisible()  # hidden before the message: hidden still


def test_room_is_given_in_order_of_need():
    wants = [(100, 100, 200), (50, 80, 300), (10, 60, 150)]  # (least, short form, whole)
    assert allot(160, wants) == [100, 50, 10]  # too little: each its least
    assert allot(240, wants) == [100, 80, 60]  # every short form
    assert allot(350, wants) == [200, 80, 60]  # the first whole, then no room for more
    assert allot(10_000, wants) == [200, 300, 150]


def _measured(label: StatusLabel) -> tuple[int, int, int]:
    """widths() worked out afresh from the label's font and margins as they are now."""
    margins = label.contentsMargins()

    def width(text: str) -> int:
        return label.fontMetrics().horizontalAdvance(text) + margins.left() + margins.right()

    text = label.text()
    least = width(text[:6] + "…") if len(text) > 6 else width(short_form(text))
    short = width(short_form(text))
    return min(least, short), short, width(text)


def test_a_label_s_widths_follow_its_text_font_margins_and_style(qtbot):
    # widths() is kept between layout passes: each change must measure it again
    label = StatusLabel(cut_first=True)
    qtbot.addWidget(label)
    label.setText("10,000 decisions, 12 overdue reviews,")
    assert label.widths() == _measured(label)
    label.setText("Live updates paused: reconnecting…")
    assert label.widths() == _measured(label)
    before = label.widths()
    label.setContentsMargins(10, 0, 30, 0)
    assert label.widths() == _measured(label) == tuple(w + 40 for w in before)
    font = label.font()
    font.setPointSize(font.pointSize() * 2)
    label.setFont(font)
    assert label.widths() == _measured(label) and label.widths()[2] > before[2] + 40
    label.setStyleSheet("QLabel { font-size: 7pt; padding-left: 5px; }")
    label.ensurePolished()
    assert label.widths() == _measured(label)
