"""Entry point: run a subcommand, or start the window on the chosen database."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """`decision-checklist [--db PATH] [COMMAND ...]`."""
    from desktop import cli

    argv = list(sys.argv[1:] if argv is None else argv)
    status = cli.run(argv)
    if status != -1:
        return status
    db = None
    if "--db" in argv:
        i = argv.index("--db")
        db = argv[i + 1] if i + 1 < len(argv) else None
    else:
        db = next((a.split("=", 1)[1] for a in argv if a.startswith("--db=")), None)
    from desktop.ui.application import run_gui

    return run_gui(db)
