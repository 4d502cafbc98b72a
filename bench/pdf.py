"""PDF: one record against a fair plain-ReportLab floor; committee packs as whole processes."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from bench import generate
from bench.context import Context
from bench.harness import ROOT, Figure, checked, interleaved, private_env, run_child


def record_figure(ctx: Context) -> Figure:
    """render_record of one fully answered record vs bench/floor_pdf.py: the same content and
    layout, fonts, QR path and stream encoding. Both must lay out the same number of pages
    (printed on stderr); if they do not, the floor is not the same document and the figure
    is not measured."""
    from bench.storage import _open_service
    from desktop.application.printing import print_record

    service = _open_service(ctx.scratch("pdf-record"))
    rec = generate.decision_record(random.Random(f"pdf:{ctx.seed}"), 1, complete_share=1.0)
    decision = service.import_bundle(generate.bundle_text([rec]))[0]
    printable = print_record(service, decision.id)
    service.db.close()
    return _against_floor(ctx, "pdf_record", printable, 1.2, "",
                          "a fully answered record; the principles flow after the summary page")


def appraisal_figure(ctx: Context) -> Figure:
    """render_record of a record with a 6 x 20 options appraisal (the statutory checklist's
    seventeen sections and three critical success factors, every cell with evidence) vs
    bench/floor_pdf.py laying out the same content; the page counts must match."""
    from bench.storage import _open_service
    from desktop.application.printing import print_record

    service = _open_service(ctx.scratch("pdf-appraisal"))
    checklist = service.checklists.find("tizard-principles-and-statutory-duties")  # shipped
    rec = generate.appraised_record(checklist, seed=ctx.seed)
    decision = service.import_bundle(generate.bundle_text([rec]))[0]
    assert decision.appraisal is not None and len(decision.appraisal.scores) == 120
    printable = print_record(service, decision.id)
    service.db.close()
    return _against_floor(ctx, "pdf_appraisal", printable, 1.3, " with a 6 x 20 appraisal",
                          "seventeen sections answered; 120 scored cells, their evidence in "
                          "the annex")


def _against_floor(ctx: Context, key: str, printable, budget: float, what_more: str,
                   note: str) -> Figure:
    """render_record of `printable` against bench/floor_pdf.py building the same document,
    interleaved; no figure when the two lay out different page counts."""
    from bench import floor_pdf
    from desktop.export.pdf import render_record

    rendered = render_record(printable)
    floor_bytes, floor_pages = floor_pdf.build(printable)
    sizes = {"app_pages": rendered.pages, "app_bytes": len(rendered.pdf),
             "floor_pages": floor_pages, "floor_bytes": len(floor_bytes)}
    print(f"# {key}: the app lays out {rendered.pages} pages ({len(rendered.pdf):,} bytes), "
          f"the floor {floor_pages} pages ({len(floor_bytes):,} bytes)", file=sys.stderr)
    what = f"PDF: one {rendered.pages}-page record{what_more}"
    if floor_pages != rendered.pages:
        note = (f"THE FLOOR IS NOT THE SAME DOCUMENT: the app lays out {rendered.pages} pages, "
                f"bench/floor_pdf.py {floor_pages}")
        print(f"# {key}: {note}", file=sys.stderr)
        return Figure(key, what, "ms", budget, [], note=note, extra=sizes)

    def subject() -> float:
        t0 = time.perf_counter()
        render_record(printable)
        return (time.perf_counter() - t0) * 1000

    def floor() -> float:
        t0 = time.perf_counter()
        floor_pdf.build(printable)
        return (time.perf_counter() - t0) * 1000

    s, f = interleaved(subject, floor, ctx.reps, warmup=max(1, ctx.warmup))
    return Figure(key, what, "ms", budget, s, f,
                  floor_what=f"plain ReportLab, {floor_pages} pages", extra=sizes, note=note)


def _pack_runs(ctx: Context, db: Path, ids: list[str], reps: int, warmup: int,
               timeout: float) -> tuple[list[float], list[int], int]:
    """`decision-checklist pack IDS --out FILE` as a fresh process each time: (seconds from
    spawn to exit, file sizes in bytes, pages of the last)."""
    from pypdf import PdfReader

    env = private_env(ctx.work_dir)
    out = ctx.work_dir / f"pack-{len(ids)}.pdf"
    argv = [sys.executable, str(ROOT / "main.py"), "pack", *ids, "--db", str(db),
            "--out", str(out)]
    sizes: list[int] = []

    def subject() -> float:
        out.unlink(missing_ok=True)
        run = checked(run_child(argv, env, timeout=timeout), f"pack of {len(ids)}")
        sizes.append(out.stat().st_size)
        return run.wall_ms / 1000

    seconds, _ = interleaved(subject, None, reps, warmup=warmup)
    pages = len(PdfReader(str(out)).pages)
    return seconds, sizes[warmup:], pages


def pack_figures(ctx: Context) -> list[Figure]:
    """A committee pack of pack_size decisions from the big register, the whole process."""
    db = ctx.register_copy("pack")
    import sqlite3

    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT decision_id FROM versions WHERE is_current = 1 ORDER BY complete DESC, id "
            "LIMIT ?", [ctx.pack_size])]
    conn.close()
    seconds, sizes, pages = _pack_runs(ctx, db, ids, ctx.reps, ctx.warmup, timeout=300)
    n = len(ids)
    return [
        Figure("pack_time", f"PDF: a {n}-decision committee pack, whole process", "s", 3.0,
               seconds, extra={"pages": pages}),
        Figure("pack_size", f"PDF: a {n}-decision committee pack, size a decision "
               f"({pages} pages, {sizes[-1] / 1e6:.2f} MB)", "kB", 25.0,
               [b / n / 1000 for b in sizes], extra={"bytes": sizes[-1], "pages": pages}),
    ]


def dated_pack_figures(ctx: Context) -> list[Figure]:
    """A pack of dated_pack_size decisions, no two with the same meeting date (the pack's
    cover lists every date), built once: it must succeed; its time and size are reported,
    with each per decision to compare with the smaller pack's."""
    n = ctx.dated_pack_size
    db = generate.copy_db(ctx.register(n, distinct_dates=True), ctx.scratch("dated-pack"))
    import sqlite3

    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT decision_id FROM versions WHERE is_current = 1 ORDER BY id")]
        dates = conn.execute("SELECT count(DISTINCT meeting_date) FROM versions "
                             "WHERE is_current = 1").fetchone()[0]
    conn.close()
    assert dates == len(ids) == n, f"{n} decisions wanted, {len(ids)} with {dates} dates"
    what = f"PDF: a {n}-decision pack, {dates:,} meeting dates"
    try:
        seconds, sizes, pages = _pack_runs(ctx, db, ids, 1, 0, timeout=1800)
    except RuntimeError as exc:  # the pack failed: say how, in both rows
        note = " ".join(str(exc).split())[-300:]
        return [Figure("dated_pack_time", f"{what}, whole process", "s", None, [], note=note),
                Figure("dated_pack_size", f"{what}, size", "MB", None, [], note=note)]
    return [
        Figure("dated_pack_time", f"{what}, whole process ({seconds[0] / n * 1000:.0f} ms a "
               "decision)", "s", None, seconds, extra={"pages": pages, "decisions": n}),
        Figure("dated_pack_size", f"{what}, size ({pages:,} pages, "
               f"{sizes[0] / n / 1000:.1f} kB a decision)", "MB", None,
               [b / 1e6 for b in sizes], extra={"bytes": sizes[0], "pages": pages}),
    ]


PARTS = {"record": ("pdf_record",), "appraisal": ("pdf_appraisal",), "pack": ("pack_time", "pack_size"),
         "dated_pack": ("dated_pack_time", "dated_pack_size")}


def figures(ctx: Context, part: str = "") -> list[Figure]:
    out = []
    if part in ("", "record"):
        out.append(record_figure(ctx))
    if part in ("", "appraisal"):
        out.append(appraisal_figure(ctx))
    if part in ("", "pack"):
        out += pack_figures(ctx)
    if part in ("", "dated_pack"):
        out += dated_pack_figures(ctx)
    return out
