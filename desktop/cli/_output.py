"""What every command shares for its output: exit statuses, and text made safe for a terminal,
a tab-separated line or JSON."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_INPUT = 0, 1, 2
RUN_SMOKE_TEST = -2  # run() asks the entry point to run the smoke test (desktop.app)
OPEN_WINDOW = -1  # run() found no subcommand: the entry point opens the window


def whole_number(option: str, lowest: int, highest: int) -> Callable[[str], int]:
    """An argparse type: a whole number in lowest..highest, or a one-line refusal (a number
    of 30 digits reached SQLite as an OverflowError traceback)."""

    def parse(text: str) -> int:
        stripped = text.strip()
        digits = stripped.lstrip("+-")
        if not digits.isascii() or not digits.isdigit() or len(stripped) - len(digits) > 1:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number")
        if len(digits) > 18 or not lowest <= int(stripped) <= highest:
            shown = stripped if len(stripped) <= 20 else f"{stripped[:12]}… ({len(digits)} digits)"
            raise argparse.ArgumentTypeError(
                f"{shown} is out of range; give a whole number from {lowest} to {highest:,}")
        return int(stripped)

    parse.__name__ = option  # argparse names the type in some messages
    return parse


# What must never reach a terminal raw: every C0 control and DEL (ESC starts an escape
# sequence that can rewrite the line: "Harmless\x1b[2K\r\x1b[32mSIGNED OFF BY ALL"), every
# C1 control (U+009B is a one-character CSI), the line and paragraph separators (a line end
# for some readers) and the bidirectional embeddings, overrides and isolates, which reorder
# what follows them. Each is shown as \xNN or \uNNNN. This is the one place it is decided.
_CONTROLS = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029,
             *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_SHOWN = {chr(c): f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in _CONTROLS}
_ONE_LINE = str.maketrans({**_SHOWN, "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_MESSAGE = str.maketrans({**_SHOWN, "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Inside JSON strings: json.dumps escapes C0 itself; the rest as \uNNNN (still valid JSON).
_JSON = str.maketrans({chr(c): f"\\u{c:04x}" for c in _CONTROLS if c >= 0x7F})
_encode_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses
_JSON_NEEDED = re.compile("[" + "".join(re.escape(k) for k in map(chr, _JSON)) + "]")


def _json_shown(text: str) -> str:
    """JSON text with the controls json.dumps leaves raw escaped (fast when there are none)."""
    return text.translate(_JSON) if _JSON_NEEDED.search(text) else text


def one_line(value: str | None) -> str:
    """A field for tab-separated output: backslashes, tabs, line breaks of every kind and
    every control or bidirectional override escaped, '-' for none."""
    if value is None:
        return "-"
    return value.translate(_ONE_LINE)


def shown_message(text: str) -> str:
    """A message for the terminal (an error, a warning, a sentence naming a title): one
    line, every control escaped; backslashes (a Windows path) left as they are."""
    return str(text).translate(_MESSAGE)


def shown_lines(text: str) -> str:
    """Several lines for the terminal: each as shown_message, the line breaks kept."""
    return "\n".join(shown_message(line) for line in str(text).split("\n"))


def json_text(value: object) -> str:
    """json.dumps for the terminal: UTF-8 kept, controls and overrides escaped."""
    return _json_shown(json.dumps(value, ensure_ascii=False, indent=2))


def _json_value(value: object) -> str:
    if isinstance(value, str):
        return _encode_string(value)
    return "null" if value is None else json.dumps(value)


def _json_row(row: dict[str, Any], indent: str = "  ") -> str:
    """One flat object exactly as json.dumps(indent=2) writes it inside a list, but with the C
    string encoder (json.dumps with indent runs the slow pure-Python one)."""
    inner = indent + "  "
    fields = ",\n".join(f'{inner}"{k}": {_json_value(v)}' for k, v in row.items())
    return _json_shown(f"{{\n{fields}\n{indent}}}")


def _stdout_gone(status: int = EXIT_OK) -> int:
    """The reader of our output went away (`list | head -1`): stop quietly, no traceback,
    with the status the command had reached (a verdict keeps its exit status)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return status


def print_verdict(text: str, status: int) -> int:
    """Print a command's verdict; its exit status holds even if the reader has gone."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        return _stdout_gone(status)
    return status
