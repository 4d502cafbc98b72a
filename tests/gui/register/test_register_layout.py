"""The register at 1024 px and 150%: nothing overlaps, nothing moves, no rating before its time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.domain.decision import Answer, Rating
from desktop.ui.register.model import COLUMNS
from tests.helpers.gui import complete_decision
from tests.helpers.shipped import SLUGS

KEYS = [k for k, _ in COLUMNS]


def _toolbar(view):
    return [view.search, view.status_filter, view.rating_filter, view.overdue_filter,
            view.clear_filters, view.new_button]


def _geometry(view, w):
    return w.geometry().translated(w.parentWidget().mapTo(view, w.parentWidget().rect().topLeft()))


def test_toolbar_never_overlaps_or_clips_and_the_reference_stays(qtbot, make_window, service):
    complete_decision(service)
    window = make_window(service)
    view = window.register
    window.showNormal()
    for width in (683, 853, 1024, 1280):  # 1024 and 1280 px screens, at 150% and at 100%
        window.resize(width, 600)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        boxes = [_geometry(view, w) for w in _toolbar(view)]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not a.intersects(b), (width, a, b)
        assert view.new_button.width() >= view.new_button.sizeHint().width()
        assert boxes[-1].right() <= view.width()
        assert not view.table.isColumnHidden(KEYS.index("reference")), width


def test_switching_a_filter_on_moves_nothing(qtbot, make_window, service):
    complete_decision(service)
    window = make_window(service)
    view = window.register
    before = [_geometry(view, w) for w in _toolbar(view)[:-2]] + [_geometry(view, view.new_button)]
    view.status_filter.actions_by_value["draft"].setChecked(True)
    view.rating_filter.actions_by_value["green"].setChecked(True)
    qtbot.waitUntil(view.clear_filters.isVisible)
    after = [_geometry(view, w) for w in _toolbar(view)[:-2]] + [_geometry(view, view.new_button)]
    assert view.status_filter.text().startswith("Status (1)")
    assert before == after


def test_an_incomplete_draft_is_not_yet_rated(qtbot, make_window, service):
    draft = service.create("Close the depot")
    for slug in SLUGS[:3]:
        draft = service.set_answer(draft.id, slug, Answer(rating=Rating.GREEN, response="Yes."))
    ready = complete_decision(service)
    window = make_window(service)
    model = window.register.model
    column = KEYS.index("overall_rating")
    cell = model.index(model.row_of(draft.id), column)
    assert cell.data() == "Not yet rated (3 of 10)"
    assert cell.data(Qt.ItemDataRole.DecorationRole).isNull()  # no green tick either
    assert model.index(model.row_of(ready.id), column).data() == "Amber"


def _sized(window, qtbot, width: int, height: int) -> None:
    window.showNormal()
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)


def test_at_1024x768_and_150_percent_the_toolbar_fits_beside_the_search_box(
        qtbot, make_window, service, themed):
    complete_decision(service)
    window = make_window(service)
    view = window.register
    _sized(window, qtbot, 683, 512)  # a 1024x768 screen at 150%, in logical pixels
    search = _geometry(view, view.search)
    bar = [_geometry(view, w) for w in _toolbar(view)[1:]]
    for box in bar:
        assert not box.intersects(search), (box, search)
        assert box.left() >= search.left() and box.right() <= search.right(), (box, search)
    new = bar[-1]
    assert view.new_button.width() >= view.new_button.sizeHint().width()  # never clipped
    assert new.right() == search.right()  # lined up with the search box's right edge
    # and on one line with the filters, top and bottom
    status = _geometry(view, view.status_filter)
    assert (new.top(), new.bottom()) == (status.top(), status.bottom())
    for width in (853, 1024, 1280):  # wider, it still ends where the search box ends
        _sized(window, qtbot, width, 600)
        assert _geometry(view, view.new_button).right() == _geometry(view, view.search).right()


def test_at_1024x768_and_150_percent_ready_for_sign_off_reads_whole(
        qtbot, make_window, service, themed):
    from PySide6.QtWidgets import QStyle

    complete_decision(service)
    window = make_window(service)
    view = window.register
    _sized(window, qtbot, 683, 512)
    table = view.table
    status = KEYS.index("status")
    cell = view.model.index(0, status)
    assert cell.data() == "Ready for sign-off"
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    needed = table.fontMetrics().horizontalAdvance(cell.data()) + 2 * margin
    assert table.visualRect(cell).width() >= needed
    assert not table.isColumnHidden(KEYS.index("reference"))
    # and the whole table is in view: no sideways scrolling
    assert table.horizontalScrollBar().maximum() == 0


def test_the_cells_text_margin_the_widths_assume_is_the_styles(qtbot, make_window, service, themed):
    """RegisterView measures its columns with FOCUS_FRAME_MARGIN instead of asking the style
    (which builds PySide's QStyle type before the first paint): it must be what the style says."""
    from PySide6.QtWidgets import QStyle

    from desktop.ui.register.view import FOCUS_FRAME_MARGIN

    complete_decision(service)
    table = make_window(service).register.table
    assert table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None,
                                     table) == FOCUS_FRAME_MARGIN


@pytest.mark.parametrize("scale", [{"QT_SCALE_FACTOR": "2"}, {"QT_FONT_DPI": "144"},
                                   {"QT_SCALE_FACTOR": "1.5", "QT_FONT_DPI": "192"}])
def test_the_cells_text_margin_is_the_same_at_every_scale(scale):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from desktop.ui.register.view import FOCUS_FRAME_MARGIN

    script = """
import sys
from PySide6.QtWidgets import QApplication, QStyle, QTableView
from desktop.ui import theme
app = QApplication([sys.argv[0], "-style", "Fusion"])
theme.apply_theme(app, set_style=False, oblique=False)
table = QTableView()
print(table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table))
"""
    root = Path(__file__).resolve().parents[3]
    run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                         text=True, timeout=60,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **scale})
    assert run.returncode == 0, run.stderr
    assert int(run.stdout.strip()) == FOCUS_FRAME_MARGIN
