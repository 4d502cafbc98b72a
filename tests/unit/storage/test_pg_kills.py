"""The shared register's server killed during autosave, sign-off and import, then started again.

A worker thread does one kind of step over and over through the service (as the window and
the command line do), keeping every step the service said was done; the test kills the server
just after a random number of them, so the kill lands inside the next one: an immediate
shutdown (`pg_ctl -m immediate`) or a SIGKILL of the postmaster, in turn. The worker carries
on by itself once the server is back (the repository reconnects). Then:
- nothing acknowledged is lost: every step that returned is in the register;
- nothing is half-written: an import is all of its bundle or none, a sign-off and its audit
  row are both there or neither (and a lock with every required role), an autosave's text
  and its audit row agree;
- the audit chain is intact and `audit --check` passes.

`make test` kills it DC_PG_KILLS=3 times a kind; `make stress` 20. On a cluster of this
module's own, durable (synchronous_commit on, as a real server), so the others' is not
disturbed.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from desktop.application.bootstrap import open_service
from desktop.cli import main as cli
from desktop.domain.decision import Answer, Rating, Status
from desktop.domain.errors import KnownError, Refused, Unreachable
from tests.helpers.cli import HAND_WRITTEN
from tests.helpers.engines import person
from tests.helpers.lifecycle import ROLES, complete_decision, sign, signed_off_decision

pytestmark = pytest.mark.postgres

KILLS = int(os.environ.get("DC_PG_KILLS", "3"))
SEED = int(os.environ.get("DC_PG_KILL_SEED", str(random.randrange(1 << 30))))
BACK_WITHIN = 60.0  # seconds for the worker to carry on after a restart


@pytest.fixture
def register(pg_own_register):
    return pg_own_register


@dataclass
class Worker:
    """Runs `step(n)` over and over in a thread of its own (its own service and connection);
    `acked` holds what each step that returned gave, `tries` each step's argument as tried."""

    url: str
    step: Callable[[Any, int], Any]
    acked: list[Any] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    budget: int = 0  # steps it may have done: the test lets it go a few at a time
    inside: bool = False  # in a step now
    done_unconfirmed: int = 0  # steps found done on the server after their answer was lost

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            svc = open_service(self.url)
            n = 0
            while not self.stop.is_set():
                if n >= self.budget:
                    time.sleep(0.001)
                    continue
                try:
                    self.inside = True
                    self.acked.append(self.step(svc, n))
                    n += 1
                except Unreachable as exc:  # the server is away: the same step again
                    self.failed.append(str(exc))
                    time.sleep(0.02)
                finally:
                    self.inside = False
            svc.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)

    def wait_for(self, count: int, within: float = BACK_WITHIN) -> None:
        deadline = time.monotonic() + within
        while len(self.acked) < count:
            assert not self.errors, self.errors
            if time.monotonic() >= deadline:
                import sys
                import traceback

                frame = sys._current_frames().get(self._thread.ident)
                print("".join(traceback.format_stack(frame)) if frame else "no frame")
            assert time.monotonic() < deadline, (
                f"the worker did not carry on: {len(self.acked)} of {count} steps; "
                f"last failure: {self.failed[-1:]}")
            time.sleep(0.005)

    def finish(self) -> None:
        self.stop.set()
        self._thread.join(60)
        assert not self.errors, self.errors


def _kill_during(pg_own_server, worker: Worker, rounds: int, rng: random.Random,
                 before: Callable[[int], None] = lambda r: None) -> dict[str, int]:
    """Kill the server `rounds` times, each just after a random few of the worker's steps
    (1 to 4, and one more after the restart: `before` gives the worker work for 6)."""
    cluster = pg_own_server.cluster
    hard = inside = 0
    worker.start()
    for r in range(rounds):
        before(r)
        steps = rng.randint(1, 4)
        worker.budget = len(worker.acked) + steps + 1
        worker.wait_for(len(worker.acked) + steps)
        time.sleep(rng.uniform(0, 0.004))  # inside the next step, somewhere
        inside += worker.inside
        if r % 2:
            cluster.kill()
            hard += 1
        else:
            cluster.stop()
        cluster.restart()
        worker.budget = len(worker.acked) + 1 + (len(worker.acked) < worker.budget)
        worker.wait_for(worker.budget)  # carried on by itself
    worker.finish()
    return {"SIGKILL": hard, "immediate": rounds - hard, "inside a step": inside,
            "tries refused while away": len(worker.failed),
            "done, answer lost": worker.done_unconfirmed}


def _again(fn: Callable[[], Any]) -> Any:
    """The test's own step between kills: once more if its connection died in the last one."""
    try:
        return fn()
    except Unreachable:
        return fn()


def _intact(url: str, svc) -> None:
    check = svc.repo.check_audit_log()
    assert check.problems == () and check.tampered == ()
    assert svc.repo.verify_audit_chain() == []
    assert cli.run(["--db", url, "audit", "--check"]) == 0


def test_killed_during_autosave_nothing_acknowledged_is_lost(register, pg_own_server, capsys):
    url = person(register, "tester", "dc_author", "dc_clerk")
    svc = open_service(url)
    d = complete_decision(svc, "Autosaved while the server dies")
    held: dict[str, Any] = {}

    def autosave(worker_svc, n: int) -> str:
        # as the window's autosave: the edit against the record as last saved (a failed
        # save keeps its base and sends the same text again)
        base = held.get("base") or worker_svc.get(d.id)
        text = f"Typed text, save {n} — café"
        saved = worker_svc.set_answer(base, "staff", Answer(rating=Rating.AMBER, response=text))
        held["base"] = saved
        return text

    worker = Worker(url, autosave)
    rng = random.Random(SEED)
    figures = _kill_during(pg_own_server, worker, KILLS, rng)
    stored = svc.get(d.id).answer("staff").response
    assert stored == worker.acked[-1]  # the last acknowledged save is the stored text
    history = [e.new_value for e in svc.lifecycle.history(d.id)
               if e.field == "answers.staff.response"]
    assert set(worker.acked) <= set(history), "an acknowledged save has no audit row"
    assert history[-1] == stored  # the text and its audit row agree
    _intact(url, svc)
    capsys.readouterr()
    print(f"autosave: seed {SEED}, {figures}, {len(worker.acked)} saves acknowledged")
    svc.close()


def test_killed_during_sign_off_a_sign_off_and_its_audit_row_are_both_there_or_neither(
        register, pg_own_server, capsys):
    url = person(register, "tester", "dc_author", "dc_clerk")
    svc = open_service(url)
    queue: list[tuple[str, str]] = []  # (decision id, role) still to sign, in order

    def more(_round: int) -> None:  # enough for a round's steps (at most 4 + 2)
        while len(queue) < 8:
            d = _again(lambda: complete_decision(
                svc, f"Signed while the server dies {uuid.uuid4().hex[:6]}"))
            queue.extend((d.id, role) for role in ROLES)

    done: set[tuple[str, str]] = set()

    def sign_next(worker_svc, n: int) -> tuple[str, str]:
        while not queue:
            time.sleep(0.005)
        pair = queue[0]
        try:
            sign(worker_svc, pair[0], pair[1], name=f"Clerk {n}")
        except Refused as exc:  # done by a step whose answer was lost: it is there
            if "already signed" not in str(exc):
                raise
            worker.done_unconfirmed += 1
        queue.pop(0)
        done.add(pair)
        return pair

    more(0)
    worker = Worker(url, sign_next)
    rng = random.Random(SEED + 1)
    figures = _kill_during(pg_own_server, worker, KILLS, rng, before=more)
    for did, role in worker.acked:
        assert role in {s.role for s in svc.get(did).sign_offs}, "an acknowledged sign-off was lost"
    for did in svc.repo.all_ids():
        d = svc.get(did)
        audited = [e for e in svc.lifecycle.history(did) if e.field.startswith("sign_off.")]
        assert sorted(e.field for e in audited) == sorted(f"sign_off.{s.role}"
                                                          for s in d.sign_offs)
        assert (d.status == Status.SIGNED_OFF) == (len(d.sign_offs) == len(ROLES))
        locks = [e for e in svc.lifecycle.history(did) if e.field == "verification_code"]
        assert len(locks) == (1 if d.status == Status.SIGNED_OFF else 0)
    _intact(url, svc)
    capsys.readouterr()
    print(f"sign-off: seed {SEED + 1}, {figures}, {len(worker.acked)} sign-offs acknowledged")
    svc.close()


def test_killed_during_import_a_bundle_is_all_there_or_none(register, pg_own_server, tmp_path,
                                                            capsys):
    import json

    url = person(register, "tester", "dc_author", "dc_clerk")
    svc = open_service(url)
    scratch = open_service(tmp_path / "scratch.db", user="tester")
    bundles: list[tuple[str, str]] = []  # (tag, bundle text) still to import

    def more(_round: int) -> None:  # enough for a round's steps (at most 4 + 2)
        while len(bundles) < 6:
            tag = uuid.uuid4().hex[:8]
            signed = signed_off_decision(scratch, f"Imported {tag} signed")
            data = json.loads(scratch.export_bundle([signed.id]))
            for k, record in enumerate(HAND_WRITTEN["decisions"]):
                data["decisions"].append({**record, "id": str(uuid.uuid4()),
                                          "title": f"Imported {tag} draft {k}"})
            bundles.append((tag, json.dumps(data)))

    def import_next(worker_svc, n: int) -> str:
        while not bundles:
            time.sleep(0.005)
        tag, text = bundles[0]
        try:
            worker_svc.import_bundle(text, f"bundle-{tag}.json")
        except KnownError as exc:  # imported by a step whose answer was lost
            if "already" not in str(exc):
                raise
            worker.done_unconfirmed += 1
        bundles.pop(0)
        return tag

    more(0)
    size = 1 + len(HAND_WRITTEN["decisions"])
    worker = Worker(url, import_next)
    rng = random.Random(SEED + 2)
    figures = _kill_during(pg_own_server, worker, KILLS, rng, before=more)
    svc.repo.all_ids()  # reconnects after the last kill
    titles = [r[0] for r in svc.repo.connection.execute("SELECT title FROM versions")]
    tags = {t.split()[1] for t in titles}
    for tag in tags:
        assert sum(t.split()[1] == tag for t in titles) == size, f"bundle {tag} half-imported"
    assert set(worker.acked) <= tags, "an acknowledged import was lost"
    for did in svc.repo.all_ids():
        d = svc.get(did)
        if d.title.endswith(" signed"):
            assert d.status == Status.SIGNED_OFF and len(d.sign_offs) == len(ROLES)
    _intact(url, svc)
    capsys.readouterr()
    print(f"import: seed {SEED + 2}, {figures}, {len(worker.acked)} imports acknowledged")
    scratch.close()
    svc.close()
