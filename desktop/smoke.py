"""`decision-checklist --smoke-test`: prove a build works end to end, on a throwaway database.

It runs the same code an executive's copy runs: the command line imports the example bundle,
exports the PDF assurance record and verifies it; then the window starts offscreen and closes.
It prints one line per step and `smoke ok` last, exit status 0; the first failure prints
`smoke FAILED: <step>: <reason>` and exits 1.

Qt-free except the window step, which imports desktop.ui only after QT_QPA_PLATFORM=offscreen
is set. Everything is written in a temporary folder, which also stands in for the user's data,
config and cache folders, so a smoke test never touches a real register or settings.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from desktop import paths

WINDOW_TIMEOUT_MS = 30_000


class SmokeFailure(Exception):
    """A step did not do what it should; the message says what was seen."""


def _cli(*argv: str) -> str:
    """Run a subcommand in this process; its stdout, or SmokeFailure with its stderr."""
    from desktop.cli import main as cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.run(list(argv))
    if status != 0:
        message = err.getvalue().strip() or out.getvalue().strip()
        raise SmokeFailure(f"`{' '.join(argv[2:])}` exited {status}: {message}")
    return out.getvalue()


def check_pdf(data: bytes, code: str) -> int:
    """The page count of a PDF that must carry `code`; SmokeFailure if it is not a whole PDF.

    A light reader that needs no PDF library: the pages are counted from the page objects, and
    the code is looked for in the uncompressed parts (metadata, e.g. Subject or Keywords).
    """
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise SmokeFailure("the export is not a complete PDF file")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    if pages < 1:
        raise SmokeFailure("the PDF has no pages")
    if code.encode("ascii") not in data:
        raise SmokeFailure(f"the verification code {code} is not in the PDF's metadata")
    return pages


# What a build must carry in resources/ (the spec bundles the whole folder).
REQUIRED_RESOURCES = (
    "checklist.json", "checklist.schema.json", "example-bundle.json",
    "fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf", "fonts/DejaVuSans-Oblique.ttf",
    "fonts/LICENSE-DejaVu.txt", "icons/decision-checklist.png",
)


def check_resources() -> str:
    """SmokeFailure naming the first shipped file that is missing."""
    folder = paths.resources_dir()
    missing = [name for name in REQUIRED_RESOURCES if not (folder / name).is_file()]
    if missing:
        raise SmokeFailure(f"{folder} lacks {', '.join(missing)}")
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    return f"{files} files in {folder}"


def _isolate(folder: Path) -> None:
    """Point the user's data, config, cache and state folders into `folder` (Linux/XDG)."""
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        target = folder / name.lower()
        target.mkdir(exist_ok=True)
        os.environ[name] = str(target)


class _Smoke:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "smoke.db"
        self.decision: dict = {}

    def import_example(self) -> str:
        bundle = paths.resource("example-bundle.json")
        lines = _cli("--db", str(self.db), "import", str(bundle)).splitlines()
        if not lines:
            raise SmokeFailure(f"importing {bundle.name} added no decisions")
        register = json.loads(_cli("--db", str(self.db), "list", "--json"))
        if len(register) != len(lines):
            raise SmokeFailure(f"imported {len(lines)} decisions but the register lists "
                               f"{len(register)}")
        self.decision = register[0]
        return (f"{len(lines)} decision(s); {self.decision['reference']} is "
                f"{self.decision['complete']}/{self.decision['sections']} complete")

    def export_pdf(self) -> str:
        import importlib.util

        if importlib.util.find_spec("desktop.cli.records") is None:
            raise SmokeFailure("this build has no PDF export (desktop/cli/records.py is missing)")
        pdf = self.folder / "record.pdf"
        _cli("--db", str(self.db), "export", self.decision["id"], "--out", str(pdf))
        code = self.decision["verification_code"]
        pages = check_pdf(pdf.read_bytes(), code)
        verified = _cli("--db", str(self.db), "verify", str(pdf))
        if self.decision["id"] not in verified and self.decision["title"] not in verified:
            raise SmokeFailure(f"`verify record.pdf` did not name the decision: {verified!r}")
        return f"{pages} pages, {pdf.stat().st_size:,} bytes, code {code} verified"

    def verify_scan(self) -> str:
        """`verify scan.png` of the record's QR code: the QR reader and image decoders are in
        the build (they are imported only when a scan is read)."""
        from PIL import Image, ImageDraw

        from desktop.export.pdf.parts import QrCode

        code = self.decision["verification_code"]
        qr, unit = QrCode(code, 1), 6
        picture = Image.new("L", (qr.modules * unit, qr.modules * unit), 255)
        draw = ImageDraw.Draw(picture)
        for r, c, length in qr.runs:
            draw.rectangle([(c + 4) * unit, (r + 4) * unit, (c + 4 + length) * unit - 1,
                            (r + 5) * unit - 1], fill=0)
        scan = self.folder / "scan.png"
        picture.save(scan)
        verified = _cli("--db", str(self.db), "verify", str(scan))
        if not verified.startswith(f"MATCH: {code}"):
            raise SmokeFailure(f"`verify scan.png` did not match {code}: {verified[:200]!r}")
        return f"QR code {code} read and matched"

    def open_window(self) -> str:
        """Start the window the way the app does; once it has painted, close it."""
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything loads Qt
        from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
        from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

        from desktop.ui.dialogs import RecordingDialogs
        from desktop.ui.startup.application import run_gui

        app = QApplication.instance() or QApplication(sys.argv[:1])
        seen: list[str] = []
        timed_out: list[bool] = []

        class CloseAfterFirstPaint(QObject):
            def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
                if seen or event.type() != QEvent.Type.Paint or not isinstance(watched, QWidget):
                    return False
                window = watched.window()
                if isinstance(window, QMainWindow) and window.isVisible():
                    seen.append(f"{window.windowTitle()!r} {window.width()}x{window.height()}")
                    QTimer.singleShot(0, window.close)  # closing ends the event loop
                return False

        def give_up() -> None:
            timed_out.append(True)
            app.quit()

        watcher = CloseAfterFirstPaint()
        app.installEventFilter(watcher)
        QTimer.singleShot(WINDOW_TIMEOUT_MS, give_up)  # never hang CI
        # Settings go to a throwaway file (on Windows and macOS the user's real settings live
        # in the registry / a plist); dialogs are recorded instead of waiting for a click.
        settings = QSettings(str(self.folder / "settings.ini"), QSettings.Format.IniFormat)
        dialogs = RecordingDialogs()
        try:
            status = run_gui(str(self.db), dialogs=dialogs, settings=settings)
        finally:
            app.removeEventFilter(watcher)
        if dialogs.calls:
            kind, title, text = dialogs.calls[0]
            raise SmokeFailure(f"the window showed a {kind} message: {title}: {text}")
        if not seen:
            waited = f"within {WINDOW_TIMEOUT_MS // 1000} s" if timed_out else "before it quit"
            raise SmokeFailure(f"no main window was painted {waited} (exit status {status})")
        if status != 0:
            raise SmokeFailure(f"the window closed with exit status {status}")
        return "painted offscreen and closed: " + ", ".join(seen)


def run_smoke_test(out: Callable[[str], None] = print) -> int:
    """Run every step; 0 and `smoke ok`, or 1 and the first failure."""
    started = time.perf_counter()
    # ignore_cleanup_errors: on Windows a file still held open would otherwise fail the run
    # after every step has passed.
    with tempfile.TemporaryDirectory(prefix="decision-checklist-smoke-",
                                     ignore_cleanup_errors=True) as tmp:
        _isolate(Path(tmp))
        smoke = _Smoke(Path(tmp))
        steps = [
            ("resources", check_resources),
            ("import example", smoke.import_example),
            ("pdf", smoke.export_pdf),
            ("scan", smoke.verify_scan),
            ("window", smoke.open_window),
        ]
        for name, step in steps:
            try:
                detail = step()
            except SmokeFailure as exc:
                out(f"smoke FAILED: {name}: {exc}")
                return 1
            except Exception as exc:  # noqa: BLE001 - a smoke test reports, it does not crash
                traceback.print_exc()
                out(f"smoke FAILED: {name}: {type(exc).__name__}: {exc}")
                return 1
            out(f"smoke: {name}: {detail}")
    build = "frozen" if getattr(sys, "frozen", False) else "source"
    out(f"smoke: all steps passed in {time.perf_counter() - started:.1f} s ({build})")
    out("smoke ok")
    return 0
