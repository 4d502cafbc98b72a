"""Decision Checklist: `python main.py` opens the window; `python main.py --help` lists commands."""

from desktop.app import main

if __name__ == "__main__":
    raise SystemExit(main())
