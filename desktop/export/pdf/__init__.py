"""The PDF assurance record and the committee pack, drawn with ReportLab from a PrintRecord.

base holds the page furniture every document shares; record and pack lay out the two
documents; parts, styles and marks hold their pieces. ReportLab is imported only when a
document is drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop.export.pdf.base import (
    BODY_WIDTH as BODY_WIDTH,
)
from desktop.export.pdf.base import (
    CODE_MARKER as CODE_MARKER,
)
from desktop.export.pdf.base import (
    PrintRecord as PrintRecord,
)
from desktop.export.pdf.base import (
    Rendered as Rendered,
)
from desktop.export.pdf.base import (
    Superseded as Superseded,
)


def render_record(record: PrintRecord) -> Rendered:
    """The PDF assurance record of one version."""
    from desktop.export.pdf.record import RecordRenderer

    return RecordRenderer(record).render()


def render_pack(records: list[PrintRecord], title: str = "Committee pack",
                progress: Callable[[int, int], object] | None = None) -> Rendered:
    """A committee pack: cover, contents, summary grid, then every record, numbered throughout.

    progress(done, total), if given, is called as each record starts; raising stops the build.
    """
    from desktop.export.pdf.pack import PackRenderer

    return PackRenderer(records, title=title, progress=progress).render()
