"""What the window's first paint does without: OpenSSL (hashlib, ~3.6 MiB resident),
PySide's `Qt` namespace (~95 enums, ~15 ms, 1.5 MiB), the options appraisal's domain (eight
frozen dataclasses, ~4 million instructions each to create: imported where an appraisal is
read) and the merge of a save (at the first save), which wait until after it; PySide's
import hook reading the source of every module (desktop/ui/pyside_source_checks.py) and the
status bar measuring its texts on every layout pass, which it does without altogether."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from desktop.application.bootstrap import open_service

ROOT = Path(__file__).resolve().parents[3]

# Modules the first page of the register does without (a frozen dataclass costs ~0.5 ms to
# create): loaded where first used, after the first paint, or never.
DEFERRED = (
    "desktop.domain.action_queries",  # the open actions
    "desktop.domain.audit_entries",  # the audit log's rows
    "desktop.domain.search_matches",  # a search's "Matched in"
    "desktop.domain.register_changes",  # the shared register's live updates
    "desktop.ui.worker_thread",  # QThread's type and enums: the first BackgroundOp's
    "ctypes",  # ~1 ms of C types: the None guard (desktop/ui/qt_guard.py) needs one of them
)

PROBE = """
import enum, sys
made = []
create = enum.EnumType._create_

def recorded(cls, name, *args, **kwargs):
    made.append(name)
    return create(cls, name, *args, **kwargs)

enum.EnumType._create_ = recorded
from desktop.ui.status_label import StatusLabel
measured = []
measure = StatusLabel._width

def counted(self, text):
    measured.append(text)
    return measure(self, text)

StatusLabel._width = counted
deferred = sys.argv[2]
sys.argv = ["main.py", "--db", sys.argv[1]]
from desktop.ui.startup import first_paint
report = first_paint.report_and_quit

def probe(app):
    loaded = sorted(m for m in ("hashlib", "_hashlib", "hmac", "secrets") if m in sys.modules)
    print("openssl-loaded", loaded, file=sys.stderr, flush=True)
    appraisal = sorted(m for m in ("desktop.domain.appraisal", "desktop.domain.appraisal_record",
                                   "desktop.domain.merge") if m in sys.modules)
    print("appraisal-loaded", appraisal, file=sys.stderr, flush=True)
    later = sorted(m for m in deferred.split(",") if m in sys.modules)
    print("deferred-loaded", later, file=sys.stderr, flush=True)
    print("qstyle-built", "PixelMetric" in made, file=sys.stderr, flush=True)
    print("status-measures", len(measured), file=sys.stderr, flush=True)
    from desktop.domain.decision import Rating
    from desktop.ui import theme
    for rating in Rating:  # every icon a register row can show
        theme.rating_icon(rating)
    print("qt-namespace-built", "GlobalColor" in made, file=sys.stderr, flush=True)
    report(app)

first_paint.report_and_quit = probe
from desktop.app import main
raise SystemExit(main())
"""


def _first_paint(tmp_path) -> str:
    db = tmp_path / "register.db"
    service = open_service(db, user="tester")
    service.create("A decision")  # the table, its headings and toolbar are painted
    service.db.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "DECISION_CHECKLIST_EXIT_AFTER_PAINT": "1"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp_path / var.lower())
    # Twice: the first start on a screen smaller than the window (the offscreen one is
    # 800 x 800) maximises it, which names `Qt`; every later start restores its geometry.
    for _start in range(2):
        run = subprocess.run([sys.executable, "-c", PROBE, str(db), ",".join(DEFERRED)],
                             cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
    return run.stderr


def test_the_window_paints_its_register_without_openssl_or_the_qt_namespace(tmp_path):
    out = _first_paint(tmp_path)
    assert "openssl-loaded []" in out, out
    assert "qt-namespace-built False" in out, out


def test_a_register_without_appraisals_paints_without_the_appraisal_or_merge_modules(tmp_path):
    out = _first_paint(tmp_path)
    assert "appraisal-loaded []" in out, out


def test_the_first_page_loads_no_module_it_does_not_show(tmp_path):
    out = _first_paint(tmp_path)
    assert "deferred-loaded []" in out, out


def test_the_register_table_is_measured_without_building_pyside_s_qstyle(tmp_path):
    # QStyle's enums (~4 ms, 0.5 MiB) wait until something after the first paint names it
    out = _first_paint(tmp_path)
    assert "qstyle-built False" in out, out


def test_the_status_bar_measures_each_text_once_before_the_first_paint(tmp_path):
    # Its StatusLine asks every label's widths on each layout pass (~30 before the first
    # paint): 128 measurements until they were kept. Four labels, at most three widths each.
    out = _first_paint(tmp_path)
    count = int(out.split("status-measures ")[1].split()[0])
    assert count <= 12, out


SOURCES_PROBE = """
import atexit, sys
read = []
sys.addaudithook(lambda event, args: event == "open" and isinstance(args[0], str)
                 and args[0].endswith(".py") and read.append(args[0]))
atexit.register(lambda: print("sources-read", read, file=sys.stderr, flush=True))
sys.argv = ["main.py", "--db", sys.argv[1]]
from desktop.app import main
raise SystemExit(main())
"""


def test_pyside_reads_the_source_of_no_module_of_ours_or_the_standard_library(tmp_path):
    # PySide's __feature__ import hook read the source of each module an import statement
    # named (39 before the first paint): desktop/ui/pyside_source_checks.py answers for them.
    # Run as main.py runs, with bytecode (compiling a module opens its source too).
    db = tmp_path / "register.db"
    service = open_service(db, user="tester")
    service.create("A decision")
    service.db.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "DECISION_CHECKLIST_EXIT_AFTER_PAINT": "1", "PYTHONDONTWRITEBYTECODE": "",
           "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    for _start in range(2):  # the first start compiles every module, and so opens its source
        run = subprocess.run([sys.executable, "-c", SOURCES_PROBE, str(db)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
    line = next(x for x in run.stderr.splitlines() if x.startswith("sources-read "))
    read = [Path(p) for p in ast.literal_eval(line.removeprefix("sources-read "))]
    ours = [p for p in read if ROOT / "desktop" in p.parents]
    assert ours == [], read
    stdlib = Path(os.__file__).parent
    assert [p.name for p in read if stdlib in p.parents and "site-packages" not in p.parts] \
        == ["enum.py"], read  # PySide's own, read as it starts, before anything can answer
