"""PDF: one long record against plain ReportLab building the same content; a 100-decision pack."""

from __future__ import annotations

import random
import time

from bench import generate
from bench.context import Context
from bench.harness import Figure, interleaved


def record_figure(ctx: Context) -> Figure:
    """render_record of one fully answered record vs bench/floor_pdf.py, same content and fonts."""
    from bench import floor_pdf
    from bench.storage import _open_service
    from desktop.application.printing import print_record
    from desktop.export.pdf import render_record

    service = _open_service(ctx.scratch("pdf-record"))
    rec = generate.decision_record(random.Random(f"pdf:{ctx.seed}"), 1, complete_share=1.0)
    decision = service.import_bundle(generate.bundle_text([rec]))[0]
    printable = print_record(service, decision.id)
    service.db.close()
    sizes: dict[str, int] = {}

    def subject() -> float:
        t0 = time.perf_counter()
        rendered = render_record(printable)
        ms = (time.perf_counter() - t0) * 1000
        sizes.update(app_pages=rendered.pages, app_bytes=len(rendered.pdf))
        return ms

    def floor() -> float:
        t0 = time.perf_counter()
        pdf = floor_pdf.build(printable.decision, printable.checklist, printable.code,
                              printable.mark)
        ms = (time.perf_counter() - t0) * 1000
        sizes.update(floor_bytes=len(pdf), floor_pages=pdf.count(b"/Type /Page\n")
                     or pdf.count(b"/Type /Page "))
        return ms

    s, f = interleaved(subject, floor, ctx.reps, warmup=max(1, ctx.warmup))
    return Figure("pdf_record", f"PDF: one {sizes.get('app_pages', '?')}-page record", "ms", 1.3,
                  s, f, floor_what="plain ReportLab", extra=sizes,
                  note="a fully answered record; the principles flow after the summary page")


def pack_figures(ctx: Context) -> list[Figure]:
    """Loading and rendering a pack of pack_size decisions from the big register; its size."""
    from bench.storage import _open_service
    from desktop.application.printing import print_record
    from desktop.export.pdf import render_pack

    service = _open_service(ctx.register_copy("pack"))
    ids = [r[0] for r in service.db.execute(
        "SELECT decision_id FROM versions WHERE is_current = 1 ORDER BY complete DESC, id "
        "LIMIT ?", [ctx.pack_size])]
    sizes: list[float] = []
    pages: list[int] = []

    def subject() -> float:
        t0 = time.perf_counter()
        rendered = render_pack([print_record(service, i) for i in ids])
        ms = (time.perf_counter() - t0) * 1000
        sizes.append(len(rendered.pdf) / 1e6)
        pages.append(rendered.pages)
        return ms

    s, _ = interleaved(subject, None, ctx.reps, warmup=ctx.warmup)
    service.db.close()
    sizes = sizes[ctx.warmup:]
    n = len(ids)
    return [
        Figure("pack_time", f"PDF: a {n}-decision committee pack, time", "s", 4.0,
               [v / 1000 for v in s], extra={"pages": pages[-1]}),
        Figure("pack_size", f"PDF: a {n}-decision committee pack, size ({pages[-1]} pages)", "MB",
               3.0, sizes),
    ]


PARTS = ("record", "pack")


def figures(ctx: Context, part: str = "") -> list[Figure]:
    out = []
    if part in ("", "record"):
        out.append(record_figure(ctx))
    if part in ("", "pack"):
        out += pack_figures(ctx)
    return out
