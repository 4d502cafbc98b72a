"""The open actions CSV: any text survives, and no cell is a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io

from desktop.domain.action_queries import ActionRow
from desktop.export.actions_csv import actions_csv, neutralised


def test_formula_starts_get_an_apostrophe_and_nothing_else_changes():
    for text in ("=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralised(text) == "'" + text
    for text in ("Ann", "", "'already", "a=b", "Zoë, \"the\" owner\nline two"):
        assert neutralised(text) == text


def test_any_text_reads_back_with_the_csv_module():
    nasty = 'Zoë "Z", O\'Neil\r\nsecond line; 数据'
    rows = [ActionRow("id", "REF/1", nasty, "staff", 0, nasty, "=HYPERLINK(\"x\")", None, False)]
    data = actions_csv(rows, lambda row: "3. Staff")
    assert data[:3] == b"\xef\xbb\xbf"
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read[1] == ["", "", "'=HYPERLINK(\"x\")", nasty, "REF/1", nasty, "3. Staff"]
