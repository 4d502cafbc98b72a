"""Entry point: run a subcommand, or start the window on the chosen database."""

from __future__ import annotations

import sys

from desktop.storage.detached_backup import CHILD_OPTION as DAILY_BACKUP_CHILD


def main(argv: list[str] | None = None) -> int:
    """`decision-checklist [--db PATH] [COMMAND ...]`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [DAILY_BACKUP_CHILD]:  # hidden: the command line's detached daily backup
        from desktop.storage.detached_backup import run_child

        return run_child(argv[1:])
    if not _opens_window(argv):  # the command-line parser (argparse, every subcommand) is
        from desktop.cli import _output
        from desktop.cli.main import run  # ~10 ms of start-up the window does not need

        status = run(argv, process_ends=True)
        if status == _output.RUN_SMOKE_TEST:
            from desktop.smoke import run_smoke_test

            return run_smoke_test()
        if status != _output.OPEN_WINDOW:
            _left_to_exit()
            return status
    db = None
    if "--db" in argv:
        i = argv.index("--db")
        db = argv[i + 1] if i + 1 < len(argv) else None
    else:
        db = next((a.split("=", 1)[1] for a in argv if a.startswith("--db=")), None)
    import gc

    # Start-up makes a few hundred thousand objects (PySide's types and enums, the modules) and
    # frees few: collections before the first paint cost ~4 ms and find nothing. run_gui turns
    # collection back on once the window is built.
    gc.disable()
    # What the window needs that does not use Qt is imported before PySide6: once PySide6 is
    # in, its __feature__ import hook reads the source of every module it sees loaded
    # (inspect.getsource). desktop.ui answers for the modules loaded before it and for the
    # package's own (desktop/ui/pyside_source_checks.py); a library module first loaded
    # after it would still be read.
    import desktop.application.bootstrap
    import desktop.application.decisions
    import desktop.application.instance
    import desktop.domain.decision
    import desktop.storage.background_check
    import desktop.storage.database
    import desktop.storage.repository  # noqa: F401
    from desktop.ui.startup.application import run_gui

    return run_gui(db)


def _left_to_exit() -> None:
    """A command has finished and the process ends: what it made is left out of the cycle
    collection that interpreter shutdown runs (gc.freeze). That collection scanned every
    object the command left, to free memory the system takes back at exit anyway: ~0.2 s of
    CPU after a 100-decision pack. The rest of shutdown runs as ever (atexit handlers,
    threads joined, streams flushed); the command closed its register and files itself."""
    import gc

    gc.freeze()


def _opens_window(argv: list[str]) -> bool:
    """True for a plain start (`[--db PATH]`), which needs no argument parsing."""
    if not argv:
        return True
    if len(argv) == 1:
        return argv[0].startswith("--db=") and len(argv[0]) > len("--db=")
    return len(argv) == 2 and argv[0] == "--db" and not argv[1].startswith("-")


if __name__ == "__main__":  # `python -m desktop.app`: how a source checkout starts itself again
    raise SystemExit(main())
