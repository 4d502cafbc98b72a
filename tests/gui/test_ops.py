"""BackgroundOp and GuiThreadCall: the work runs off the GUI thread, every callback on it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject

from desktop.ui.ops import BackgroundOp, Cancelled, GuiThreadCall

GUI = threading.get_ident


@pytest.fixture
def parent(qapp):
    owner = QObject()
    yield owner
    owner.deleteLater()


def test_the_work_runs_in_a_worker_and_success_on_the_gui_thread(qtbot, parent):
    gui, seen = GUI(), {}

    def work(_context):
        seen["work"] = GUI()
        return 42

    op = BackgroundOp(work, success=lambda r: seen.update(result=r, success=GUI()),
                      parent=parent)
    assert not op.running()
    op.start()
    assert op.running()
    qtbot.waitUntil(lambda: "success" in seen, timeout=5000)
    assert seen["work"] != gui and seen["success"] == gui and seen["result"] == 42
    assert not op.running()
    with pytest.raises(RuntimeError):
        op.start()  # an op runs once


def test_an_exception_reaches_failure_on_the_gui_thread(qtbot, parent):
    seen = {}

    def work(_context):
        raise ValueError("no")

    op = BackgroundOp(work, success=lambda r: seen.update(success=r),
                      failure=lambda exc: seen.update(failure=exc, thread=GUI()), parent=parent)
    op.start()
    qtbot.waitUntil(lambda: "failure" in seen, timeout=5000)
    assert isinstance(seen["failure"], ValueError) and seen["thread"] == GUI()
    assert "success" not in seen


def test_without_a_failure_callback_the_bug_is_raised_on_the_gui_thread(qtbot, parent):
    op = BackgroundOp(lambda _c: 1 / 0, success=lambda r: None, parent=parent)
    with qtbot.captureExceptions() as raised:
        op.start()
        qtbot.waitUntil(lambda: not op.running(), timeout=5000)
    assert [type(e[1]) for e in raised] == [ZeroDivisionError]


def test_progress_comes_to_the_gui_thread_and_cancel_stops_the_work(qtbot, parent):
    gui, reports, seen = GUI(), [], {}
    go_on = threading.Event()

    def work(context):
        context.progress(1, 3)
        go_on.wait(5)
        context.progress(2, 3)  # cancelled meanwhile: raises Cancelled
        seen["not stopped"] = True
        return "done"

    op = BackgroundOp(work, success=lambda r: seen.update(success=r),
                      progress=lambda done, total: reports.append((done, total, GUI())),
                      cancelled=lambda: seen.update(cancelled=GUI()), parent=parent)
    op.start()
    qtbot.waitUntil(lambda: bool(reports), timeout=5000)
    op.cancel()
    go_on.set()
    qtbot.waitUntil(lambda: "cancelled" in seen, timeout=5000)
    assert reports == [(1, 3, gui)] and seen == {"cancelled": gui}


def test_work_that_ends_after_a_cancel_counts_as_cancelled(qtbot, parent):
    seen, go_on = {}, threading.Event()

    def work(_context):
        go_on.wait(5)
        return "done"

    op = BackgroundOp(work, success=lambda r: seen.update(success=r),
                      cancelled=lambda: seen.update(cancelled=True), parent=parent)
    op.start()
    op.cancel()
    go_on.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == {"cancelled": True}


def test_cancelled_is_what_progress_raises():
    from desktop.ui.ops import Context

    context = Context(lambda done, total: None)
    context.progress(1, 2)
    context.request_cancel()
    assert context.cancelled
    with pytest.raises(Cancelled):
        context.progress(2, 2)


def test_a_call_from_any_thread_runs_on_the_gui_thread(qtbot, parent):
    calls = []
    call = GuiThreadCall(lambda *args: calls.append((args, GUI())), parent)
    worker = threading.Thread(target=call, args=("damaged", 7))
    worker.start()
    worker.join()
    assert calls == []  # queued: nothing ran in the worker
    qtbot.waitUntil(lambda: bool(calls), timeout=5000)
    assert calls == [(("damaged", 7), GUI())]
