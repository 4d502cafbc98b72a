"""The shared register on PostgreSQL: autosave against a raw UPDATE, the register's first
page, and the round trips of each user action (counted, budgeted, and timed at an injected
network latency).

A throwaway cluster (tests/helpers/postgres.py, as `make test` and `make demo-server` use)
holds a register of `--size` decisions, built once through the real import and cached as a
`pg_dump` file in the cache folder (restored in seconds). Without PostgreSQL the group is
skipped with one line.

Round trips are counted by bench/wire_proxy.py between the app and the server (client->server
turns on the wire), so they count whatever psycopg sends, BEGIN and COMMIT included. The
latency run puts `--pg-latency` ms of round-trip time on that proxy (half each way): netem
would be the usual tool, but needs a kernel module and a network namespace (tried first;
the line saying why it was not used is printed and kept in the latency figures' note).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import generate
from bench.context import Context
from bench.harness import ROOT, Figure, interleaved

# The budgets of the round trips of each user action (a count is stable: any change to the
# statements an action sends shows here).
# Before pipelining and one read of a search's checklists (2026-12-01): autosave 9, open 2,
# search 3 and one a row matched in its answers (92 for a page of 100, up to 43 for the 40
# rows of a screenful), sign-off 11, import of one 16-18 (counted cold then: psycopg's
# preparing of statements at their sixth execution varied it).
# sign-off 7 -> 8 (p010): the decision's newest audit id is read before the record, the
# basis record_sign_off's staleness check now rests on (not a column authors write).
# autosave 2 -> 1 (p014): one answer's save is one statement, dc_save_answer (the check and
# the writes on the server), with BEGIN and COMMIT in one pipeline sync.
TRIPS = {"autosave": 1, "open": 2, "search": 5, "sign_off": 8, "import": 6}
ACTIONS = {
    "autosave": "Autosave of one answer",
    "open": "Open a decision (the record and its checklist)",
    "search": "A search: its first page, its count, where a screenful of rows matched",
    "sign_off": "Record one sign-off (the clerk)",
    "import": "Import of one decision",
}
PAGE = 100  # the register view's page size (desktop/ui/register/model.py's default)

KEYS = ("pg_autosave", "pg_first_page",
        *(f"pg_trips_{a}" for a in ACTIONS), *(f"pg_latency_{a}" for a in ACTIONS))
PARTS = {"postgres": KEYS}


def skip_reason(group: str = "postgres") -> str | None:
    """One line if a PostgreSQL group cannot run here (PostgreSQL not installed), else None."""
    from tests.helpers.postgres import SKIP_REASON, bin_dir

    return SKIP_REASON.replace("shared-register tests are", f"{group} bench group is") \
        if bin_dir() is None else None


# ---- the register, cached as a pg_dump file -----------------------------------------------
def _dump_key(n: int, seed: int) -> str:
    h = hashlib.sha256(generate._code_hash().encode())
    schema = ROOT / "desktop/storage/postgres"  # what the schema is made of, not the client
    for path in sorted([*schema.glob("p0*.py"), schema / "migrate.py"]):
        h.update(path.read_bytes())
    return f"pg-register-{n}-s{seed}-{h.hexdigest()[:12]}.dump"


def _build(service: Any, n: int, seed: int) -> None:
    for start in range(0, n, generate.CHUNK):
        service.import_bundle(generate.bundle_text(
            generate.records(min(generate.CHUNK, n - start), seed, start=start)))


def register(server: Any, ctx: Context) -> Any:
    """A database of the throwaway cluster holding the bench register of ctx.size decisions
    (restored from the cached dump, made by the real import the first time)."""
    from desktop.application.bootstrap import open_service

    db = server.register()  # also makes the roles and the people (PEOPLE) of the cluster
    bindir = server.cluster.bindir
    dump = ctx.cache_dir / _dump_key(ctx.size, ctx.seed)
    if not dump.exists():
        service = open_service(db.url(), now=generate.fixed_clock())
        try:
            _build(service, ctx.size, ctx.seed)
        finally:
            service.repo.close()
        ctx.cache_dir.mkdir(parents=True, exist_ok=True)
        for stale in ctx.cache_dir.glob(f"pg-register-{ctx.size}-s{ctx.seed}-*.dump"):
            stale.unlink(missing_ok=True)
        tmp = dump.with_suffix(".tmp")
        subprocess.run([str(bindir / "pg_dump"), "--format=custom", f"--file={tmp}",
                        db.url()], check=True)
        tmp.rename(dump)
        return db
    server.drop(db)
    db = server.empty_database()
    subprocess.run([str(bindir / "pg_restore"), "--single-transaction", "--exit-on-error",
                    "-d", db.url(), str(dump)], check=True)
    db.cluster.sql("ANALYZE", db.name)
    return db


# ---- the figures ----------------------------------------------------------------------------
def _editable(service: Any, n: int) -> list[Any]:
    from desktop.domain.queries import RegisterQuery

    rows = service.register(RegisterQuery(statuses=("draft", "ready")), 0, n)
    return [service.get(r.id) for r in rows]


def autosave_figure(ctx: Context, db: Any) -> Figure:
    """service.set_answer with the record the editor holds (as the window's autosave calls
    it), against a raw psycopg UPDATE of that answer's row and its commit."""
    from desktop.application.bootstrap import open_service
    from desktop.domain.decision import Answer, Rating

    service = open_service(db.url("alice"))
    raw = db.connect("alice", autocommit=False)
    held = [d for d in _editable(service, 100) if "staff" in d.answers][:20]
    vids = {d.id: service.repo.version_id(d.id, d.version) for d in held}
    counter = iter(range(10**9))
    try:
        def one_save() -> float:
            i = next(counter)
            d = held[i % len(held)]
            answer = Answer(rating=Rating.GREEN, response=f"Revised response {i}: "
                            + "word " * 120, evidence="Council Plan 2025, section 2")
            t0 = time.perf_counter()
            held[i % len(held)] = service.set_answer(d, "staff", answer)
            return (time.perf_counter() - t0) * 1000

        def one_raw() -> float:
            i = next(counter)
            d = held[i % len(held)]
            t0 = time.perf_counter()
            # the text it holds (a new row version all the same): the record stays as its
            # codes say, so the service's next save of it is not refused as stale
            raw.execute("UPDATE answers SET response = %s WHERE version_id = %s "
                        "AND slug = 'staff'", [d.answers["staff"].response, vids[d.id]])
            raw.commit()
            return (time.perf_counter() - t0) * 1000

        subject: list[float] = []
        floor: list[float] = []
        for _ in range(20):
            s, f = interleaved(one_save, one_raw, ctx.reps, warmup=ctx.warmup)
            subject += s
            floor += f or []
    finally:
        raw.close()
        service.repo.close()
    return Figure("pg_autosave", f"PostgreSQL: autosave of one answer ({ctx.size:,} decisions), "
                  f"{len(subject)} saves", "ms", 2.0, subject, floor,
                  floor_what="raw psycopg UPDATE+commit")


def first_page_figure(ctx: Context, db: Any) -> Figure:
    """The register's first page as the view asks for it (default sort, PAGE rows), with a
    raw `SELECT 1` round trip on the same socket shown beside it."""
    from desktop.application.bootstrap import open_service
    from desktop.domain.queries import RegisterQuery

    service = open_service(db.url("carol"))
    raw = db.connect("carol")
    try:
        def page() -> float:
            t0 = time.perf_counter()
            rows = service.register(RegisterQuery(), 0, PAGE)
            took = (time.perf_counter() - t0) * 1000
            assert len(rows) == min(PAGE, ctx.size)
            return took

        def ping() -> float:
            t0 = time.perf_counter()
            raw.execute("SELECT 1").fetchone()
            return (time.perf_counter() - t0) * 1000

        subject: list[float] = []
        floor: list[float] = []
        for _ in range(5):
            s, f = interleaved(page, ping, ctx.reps, warmup=ctx.warmup)
            subject += s
            floor += f or []
    finally:
        raw.close()
        service.repo.close()
    return Figure("pg_first_page", f"PostgreSQL: register first page ({PAGE} rows of "
                  f"{ctx.size:,} decisions)", "ms", 30.0, subject, floor,
                  floor_what="raw SELECT 1", ratio=False)


Action = Callable[[int], Callable[[], object]]  # repetition -> the action, ready to run


def _actions(ctx: Context, author: Any, clerk: Any) -> dict[str, Action]:
    """Each user action, made ready for a repetition (a fresh record where it changes one;
    what the bench itself reads to choose it is done then, not counted or timed)."""
    from desktop.application.lifecycle import SignOffRequest
    from desktop.domain.decision import Answer, Rating
    from desktop.domain.queries import RegisterQuery
    from desktop.ui.register.model import MATCH_BATCH  # the rows whose "Matched in" it reads

    held = _editable(author, 10)
    mine = {d.id for d in held}
    ready = [d for d in _editable(clerk, 200) if d.id not in mine
             and d.status.value == "ready" and len(clerk.lifecycle.missing_roles(d)) >= 2]

    def autosave(i: int) -> Callable[[], object]:
        answer = Answer(rating=Rating.GREEN, response=f"Typed on the network {i}",
                        evidence="Minutes")

        def run() -> object:
            held[i % len(held)] = author.set_answer(held[i % len(held)], "staff", answer)
            return held[i % len(held)]
        return run

    def open_one(i: int) -> Callable[[], object]:
        decision_id = held[i % len(held)].id
        return lambda: author.checklist_for(author.get(decision_id))

    def search(i: int) -> Callable[[], object]:
        q = RegisterQuery(search="library")

        def run() -> object:
            rows = author.register(q, 0, PAGE)
            return author.register_count(q), author.search_matches(q.search,
                                                                   rows[:MATCH_BATCH])
        return run

    turn = iter(range(10**9))

    def sign_off(i: int) -> Callable[[], object]:
        for _ in range(2 * len(ready)):  # a record this does not complete (that locks it)
            d = clerk.get(ready[next(turn) % len(ready)].id)
            missing = clerk.lifecycle.missing_roles(d)
            if len(missing) >= 2:
                request = SignOffRequest(missing[0], "A. Clerk", clerk.today(),
                                         minute_reference=f"M{i}")
                return lambda: clerk.lifecycle.record_sign_off(d.id, request)
        raise RuntimeError("no ready record left with two roles to sign: use a bigger --size")

    def import_one(i: int) -> Callable[[], object]:
        text = generate.bundle_text(generate.records(1, ctx.seed, start=50_000_000 + i))
        return lambda: author.import_bundle(text)

    out: dict[str, Action] = {
        "autosave": autosave, "open": open_one, "search": search, "import": import_one}
    if ready:
        out["sign_off"] = sign_off
    return out


def _raw_autosave_floor(proxy: Any, db: Any, actions: dict[str, Action],
                        reps: int) -> list[float]:
    """A raw psycopg UPDATE of the answer autosave wrote last, and its commit, through the
    same proxy (so at the same latency); the text it already holds, so nothing changes."""
    import psycopg

    autosave = actions["autosave"]
    with psycopg.connect(proxy.url(db.name, "alice")) as raw:
        saved: Any = autosave(10**6)()  # the record to update (and a row for its answer)
        vid = raw.execute("SELECT id FROM versions WHERE decision_id = %s AND is_current = 1",
                          [saved.id]).fetchone()[0]
        raw.commit()
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            raw.execute("UPDATE answers SET response = %s WHERE version_id = %s "
                        "AND slug = 'staff'", [saved.answers["staff"].response, vid])
            raw.commit()
            times.append((time.perf_counter() - t0) * 1000)
    return times


def trip_figures(ctx: Context, db: Any, latency_ms: float) -> list[Figure]:
    """The round trips of each action through the counting proxy (its count; the same on
    every repetition or the figure says so), and its time with `latency_ms` of RTT."""
    from bench.wire_proxy import WireProxy, netem_unavailable
    from desktop.application.bootstrap import open_service

    why = netem_unavailable() if latency_ms else None
    how = (f"{latency_ms:g} ms RTT by the bench's delaying proxy (tc netem not used here: "
           f"{why})" if why else f"{latency_ms:g} ms RTT injected by the bench's proxy")
    if latency_ms:
        print(f"# postgres: {how}", file=sys.stderr, flush=True)
    proxy = WireProxy(db.cluster.socket_dir / ".s.PGSQL.5432", one_way_ms=latency_ms / 2)
    author = open_service(proxy.url(db.name, "alice"))
    clerk = open_service(proxy.url(db.name, "bob"))
    out: list[Figure] = []
    try:
        actions = _actions(ctx, author, clerk)
        reps = max(ctx.reps, 2)
        for name, what in ACTIONS.items():
            act = actions.get(name)
            if act is None:
                out += [Figure(f"pg_trips_{name}", f"PostgreSQL round trips: {what}",
                               "round trips", TRIPS[name], [],
                               note="no ready decision with two roles to sign"),
                        Figure(f"pg_latency_{name}", f"PostgreSQL at {latency_ms:g} ms RTT: "
                               f"{what}", "ms", None, [], note="not measured")]
                continue
            counts: list[float] = []
            times: list[float] = []
            # Warm: the first read of a checklist's sections is cached, and psycopg prepares
            # a statement at its sixth execution on a connection (prepare_threshold 5), which
            # costs one more round trip, once: the counts are of the warm state after that.
            warmup = max(ctx.warmup, 1) + (author.repo.connection.prepare_threshold or 0)
            for i in range(reps + warmup):
                run = act(i)
                before = proxy.turns
                t0 = time.perf_counter()
                run()
                took = (time.perf_counter() - t0) * 1000
                if i >= warmup:
                    counts.append(float(proxy.turns - before))
                    times.append(took)
            floor = _raw_autosave_floor(proxy, db, actions, reps) if name == "autosave" else None
            steady = len(set(counts)) == 1
            out.append(Figure(
                f"pg_trips_{name}", f"PostgreSQL round trips: {what}", "round trips",
                TRIPS[name] if steady else 0, counts, ratio=False,
                note="" if steady else f"the count varied: {sorted(set(counts))}",
                extra={"ms_at_rtt": times, "rtt_ms": latency_ms}))
            out.append(Figure(
                f"pg_latency_{name}", f"PostgreSQL at {latency_ms:g} ms RTT: {what} "
                f"({int(max(counts))} round trips)", "ms", 2.0 if floor else None, times,
                floor, floor_what="raw psycopg UPDATE+commit" if floor else "", note=how,
                extra={"rtt_ms": latency_ms, "round_trips": max(counts)}))
    finally:
        author.repo.close()
        clerk.repo.close()
        proxy.close()
    return out


def figures(ctx: Context, part: str = "") -> list[Figure]:
    from tests.helpers import postgres

    reason = skip_reason()
    if reason is not None:
        print(reason, file=sys.stderr)
        return []
    t0 = time.perf_counter()
    with postgres.running_cluster() as cluster:
        server = postgres.Server(cluster)
        db = register(server, ctx)
        print(f"# postgres: register of {ctx.size:,} ready in "
              f"{time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        return [autosave_figure(ctx, db), first_page_figure(ctx, db),
                *trip_figures(ctx, db, ctx.pg_latency)]
