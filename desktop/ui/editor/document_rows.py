"""A list of documents (title, date, where held) as a RowTable shows and reads it: an
answer's documents on a section's page, the report's background papers on the Details page."""

from __future__ import annotations

from desktop.domain.decision import Document
from desktop.domain.typed_dates import parse_typed_date
from desktop.ui.editor.row_table import Column

DOCUMENT_COLUMNS = [
    Column("title", "Document", 1, spoken="Title of document", lines=1),
    Column("date", "Date", 0, width=150, spoken="Date of document", line=1, date=True),
    Column("held_at", "Where it is held", 1, spoken="Where the document is held", line=1,
           lines=1),
]


def document_rows(documents: tuple[Document, ...]) -> list[dict[str, str]]:
    """The table's rows of these documents."""
    return [{"title": x.title, "date": x.date or "", "held_at": x.held_at} for x in documents]


def typed_documents(rows: list[dict[str, str]]) -> tuple[Document, ...]:
    """The documents as typed; a date that is not a real date yet is left out (None)."""
    return tuple(Document(row["title"], parse_typed_date(row["date"].strip()), row["held_at"])
                 for row in rows)


def bad_document_dates(rows: list[dict[str, str]]) -> list[tuple[int, str]]:
    """(document number, what is typed) of each date that is not a date."""
    return [(i, typed) for i, row in enumerate(rows, start=1)
            if (typed := row["date"].strip()) and parse_typed_date(typed) is None]
