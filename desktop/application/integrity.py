"""The integrity check: re-derive everything the register claims, trust nothing stored. No Qt.

`audit --check`, the window's check and `verify` all judge a version here, so one rule
decides whether a record still agrees with itself and with its audit log:
- the audit chain: every link, every HMAC seal (storage/seal.py), and the seal's head;
- every version: its verification code, completeness and overall rating re-derived from its
  stored content (and the stored checklist definition) must equal the stored ones;
- every version the audit log records as signed off must still exist, signed off, with the
  code recorded at the lock;
- every version's sign-offs and done actions must be those its audit rows account for, as
  recorded (desktop/application/audited_rows.py);
- the lock triggers as the migrations made them, the stored checklists and signed copies.

On the shared register (a PostgreSQL server) the server enforces what the file's own rows
are checked for here: its triggers hold the lock, its log is append-only and chained by it,
sign-offs and ticks are written only with their audit rows. So there the check re-derives
the chain, and every version against its codes, its audit log and its stored timeline (which
the client writes on either engine) (`shared_register_check`), through the repository's own
methods; the triggers and the other raw rows are the server's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from desktop.application.audited_rows import (
    AuditedRows,
    SealStart,
    progress_problems,
    sign_off_problems,
)
from desktop.domain.checklist import kind_noun
from desktop.domain.decision import Decision, Status, completeness, overall_rating
from desktop.domain.record import code_for, content_code
from desktop.domain.timeline import CALL_IN_DAYS
from desktop.storage import lifecycle_store as store
from desktop.storage.repository import Repository, audit_hash, timeline_row

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService
    from desktop.storage.interface import DecisionRepository


@dataclass(frozen=True)
class IntegrityReport:
    """What the audit check found; `ok` when nothing."""

    audit_rows: int
    signed_off_versions: int
    tampered_rows: tuple[int, ...] = ()
    problems: tuple[str, ...] = ()
    unauthenticated: tuple[str, ...] = ()  # why part of the chain cannot be authenticated

    @property
    def ok(self) -> bool:
        return not self.tampered_rows and not self.problems and not self.unauthenticated

    def lines(self) -> list[str]:
        """Problems, one per line (empty when intact)."""
        out = []
        if self.tampered_rows:
            ids = ", ".join(str(i) for i in self.tampered_rows[:20])
            more = f" and {len(self.tampered_rows) - 20} more" if len(self.tampered_rows) > 20 else ""
            out.append(f"Audit rows altered or removed outside the app: {ids}{more}")
        out.extend(self.problems)
        out.extend(self.unauthenticated)
        return out

    def summary(self) -> str:
        if self.ok:
            n = self.signed_off_versions
            return (f"The audit trail is intact: {self.audit_rows} rows checked; "
                    f"{n} signed-off version{'s' if n != 1 else ''} "
                    f"{'match their' if n != 1 else 'matches its'} verification code"
                    f"{'s' if n != 1 else ''}.")
        if not self.tampered_rows and not self.problems:
            return ("The audit trail cannot be authenticated on this computer: nothing was "
                    "found altered, but part of it was sealed with a key this computer does "
                    "not hold.")
        n = len(self.lines()) - len(self.unauthenticated)
        return f"The audit trail has {n} problem{'s' if n != 1 else ''}."


@dataclass
class AuditedVersion:
    """What the audit log says about one version."""

    signed_off: bool = False
    lock_code: str | None = None
    lock_content_code: str | None = None  # the copy for signature's code, at the lock
    rows: AuditedRows = field(default_factory=AuditedRows)  # its sign-offs and done actions
    imported: str | None = None  # the bundle it was imported from
    amendment_reason: str | None = None
    created: bool = False  # the log records the version being made


_AUDITED = ("verification_code", "content_code", "imported", "amendment_reason", "created")


def _audit_facts(repo: DecisionRepository,
                 decision_id: str | None) -> Iterable[tuple[int, str, str, str, int, str, Any]]:
    """(id, at, user, decision id, version, field, new value) of the audit rows that say
    what a version is, oldest first (read in SQL from a file, filtered here on a server)."""
    if not isinstance(repo, Repository):
        return [(e.id, e.at, e.user, e.decision_id, e.version, e.field, e.new_value)
                for e in repo.audit_entries(decision_id)
                if (e.field == "status" and e.new_value == "signed-off") or e.field in _AUDITED
                or e.field.startswith(("sign_off.", "answers."))]
    sql = ("SELECT id, at, user, decision_id, version, field, new_value FROM audit_log WHERE "
           "((field = 'status' AND new_value = 'signed-off') OR field IN ('verification_code', "
           "'content_code', 'imported', 'amendment_reason', 'created') "
           "OR field LIKE 'sign\\_off.%' ESCAPE '\\' OR field LIKE 'answers.%')")
    params: list[Any] = []
    if decision_id is not None:
        sql += " AND decision_id = ?"
        params.append(decision_id)
    return cast(Iterable[tuple[int, str, str, str, int, str, Any]],
                repo.db.execute(sql + " ORDER BY id", params))


def audited_versions(repo: DecisionRepository, decision_id: str | None = None,
                     ) -> dict[tuple[str, int], AuditedVersion]:
    """(decision id, version) -> what the audit log records of it, in one pass."""
    out: dict[tuple[str, int], AuditedVersion] = {}
    for rid, at, user, did, version, name, value in _audit_facts(repo, decision_id):
        facts = out.setdefault((did, version), AuditedVersion())
        before = out.get((did, version - 1))
        facts.rows.replay(rid, at, user, name, value, before.rows if before else None)
        if name == "status":
            facts.signed_off = True
        elif name == "verification_code":
            facts.signed_off = True
            facts.lock_code = value
        elif name == "content_code":
            facts.lock_content_code = value
        elif name == "imported":
            facts.imported = value
        elif name == "amendment_reason":
            facts.amendment_reason = value
            facts.created = True
        elif name == "created":
            facts.created = True
    return out


def seal_start(repo: Repository) -> SealStart:
    """Where sealing began in this register (audited_rows.SealStart)."""
    sealed_from = repo.sealed_from()
    row = repo.db.execute("SELECT at FROM audit_log WHERE id >= ? ORDER BY id LIMIT 1",
                          [sealed_from]).fetchone()
    return SealStart(sealed_from, row[0] if row else None)


def stored_rows_problems(repo: Repository, decision: Decision, facts: AuditedVersion | None,
                         start: SealStart) -> list[str]:
    """How the version's stored sign-offs and done actions differ from its audit rows."""
    where = f"Decision {decision.id} version {decision.version}"
    audited = facts.rows if facts is not None else AuditedRows()
    vid = repo.version_id(decision.id, decision.version)
    return (sign_off_problems(where, audited, store.sign_off_rows(repo.db, vid), start)
            + progress_problems(where, audited, store.progress_rows(repo.db, vid), start,
                                lambda slug: _section_label(repo, decision, slug)))


def _section_label(repo: Repository, decision: Decision, slug: str) -> str:
    """ "principle 3. Staff", "duty 11. Equality duty": a section as its own checklist
    names it (the slug if the stored definition cannot say). Read only when a problem is
    being reported."""
    import json

    try:
        definition = json.loads(repo.checklist_definition(decision.id, decision.version))
        for p in definition.get("principles", []):
            if p.get("slug") == slug:
                return f"{kind_noun(p.get('kind', 'principle'))} {p['number']}. {p['title']}"
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    return slug


def version_problems(repo: DecisionRepository, decision: Decision,
                     facts: AuditedVersion | None, code: str | None = None,
                     start: SealStart | None = None,
                     timelines: StoredTimelines | None = None) -> list[str]:
    """Why this stored version no longer agrees with itself or its audit log (empty: it does).

    `code`, when given, is the code a printed copy carries: it must be one this version's
    stored content still produces. `timelines`: as timeline_problems's.
    """
    where = f"Decision {decision.id} version {decision.version}"
    problems: list[str] = []
    stored = repo.stored_derived(decision.id, decision.version)
    assert stored is not None  # the version was read from the register
    complete, rating = stored["complete"], stored["overall_rating"]
    stored_code, stored_content_code = stored["verification_code"], stored["content_code"]
    now = code_for(decision)
    when = "after sign-off" if decision.status == Status.SIGNED_OFF else "outside the app"
    if now != stored_code:
        problems.append(f"{where}: its content no longer matches its verification code "
                        f"{stored_code} (now {now}); it was changed {when}")
    elif decision.code_scheme >= 2 and content_code(decision) != stored_content_code:
        problems.append(f"{where}: its content no longer matches the code of its copy for "
                        f"signature {stored_content_code}; it was changed outside the app")
    if code is not None and code not in (now, content_code(decision)):
        problems.append(f"{where}: its stored content no longer produces the code {code}")
    if decision.code_scheme >= 2:
        definition = repo.checklist_definition(decision.id, decision.version)
        if hashlib.sha256(definition.encode("utf-8")).hexdigest() != decision.checklist_sha256:
            problems.append(f"{where}: the checklist definition it was answered against was "
                            "changed outside the app (its questions no longer match the code)")
    if facts is not None and facts.amendment_reason is not None and \
            decision.amendment_reason != facts.amendment_reason:
        problems.append(f"{where}: its reason for amendment was changed outside the app (the "
                        f"audit log recorded {facts.amendment_reason!r})")
    if complete != completeness(decision):
        problems.append(f"{where}: the register says {complete} sections are complete, but "
                        f"its answers give {completeness(decision)}")
    derived = overall_rating(decision)
    if rating != (derived.value if derived else None):
        problems.append(f"{where}: the register shows its overall rating as "
                        f"{rating or 'none'}, but its answers give "
                        f"{derived.value if derived else 'none'}")
    if isinstance(repo, Repository):  # on a server only its functions write these rows
        problems.extend(stored_rows_problems(repo, decision, facts,
                                             start if start is not None else seal_start(repo)))
    problems.extend(timeline_problems(repo, decision, timelines))  # the client's, either engine
    signed = decision.status == Status.SIGNED_OFF
    if facts is None or not facts.signed_off:
        if signed:
            problems.append(f"{where}: signed off, but the audit log has no record of it")
        return problems
    if not signed:
        problems.append(f"{where}: the audit log records it as signed off, but the register "
                        f"has it as {decision.status.label.lower()} (changed outside the app)")
    if facts.lock_code is not None and facts.lock_code != stored_code:
        problems.append(f"{where}: its verification code {stored_code} differs from the one "
                        f"recorded at sign-off ({facts.lock_code})")
    if facts.lock_content_code is not None and facts.lock_content_code != stored_content_code:
        problems.append(f"{where}: the code of its copy for signature {stored_content_code} "
                        f"differs from the one recorded at sign-off ({facts.lock_content_code})")
    return problems


_TIMELINE_COLUMNS = ("publication date", "decision date", "call-in end", "implementable from",
                     "end of the challenge window", "short-notice flag")


@dataclass(frozen=True)
class StoredTimelines:
    """What a timeline is checked against, read in three statements (not three a version):
    the stored rows, the call-in periods fixed at sign-off, and the register's period."""

    rows: Mapping[tuple[str, int], tuple[object, ...]]
    locked_days: Mapping[tuple[str, int], int]
    register_days: int

    @classmethod
    def read(cls, repo: DecisionRepository) -> StoredTimelines:
        """The whole register's."""
        return cls(repo.stored_timelines(None), repo.locked_call_in_days(),
                   repo.call_in_days())

    def call_in_days(self, decision: Decision) -> int:
        """Its call-in period: fixed at its sign-off, else the register's (as the
        repositories work timelines out again when the period changes)."""
        return self.locked_days.get((decision.id, decision.version), self.register_days)


def timeline_problems(repo: DecisionRepository, decision: Decision,
                      timelines: StoredTimelines | None = None) -> list[str]:
    """Its stored timeline (version_timeline, which the register's filters read) must be the
    one worked out again from its dates, with its call-in period (fixed at sign-off). The
    client writes it on either engine, so the shared register is checked for it too (a row
    moved between versions by the owner, triggers off, the last hostile tester's case).
    `timelines`: read once for a whole-register check."""
    key = (decision.id, decision.version)
    if timelines is None:  # one decision (a sign-off, verify): two indexed look-ups
        period = repo.call_in_days_for(decision.id, decision.version)
        stored = repo.stored_timelines(decision.id).get(key)
    else:
        period, stored = timelines.call_in_days(decision), timelines.rows.get(key)
    expected = timeline_row(decision, period)
    if stored == expected:
        return []
    where = f"Decision {decision.id} version {decision.version}"
    if stored is None or expected is None:
        return [f"{where}: its stored timeline was {'removed' if stored is None else 'added'} "
                "outside the app"]
    changed = [name for name, a, b in zip(_TIMELINE_COLUMNS, stored, expected, strict=True)
               if a != b]
    return [f"{where}: its stored timeline ({', '.join(changed)}) no longer matches the one "
            "worked out from its dates (changed outside the app)"]


def call_in_setting_problems(repo: Repository) -> list[str]:
    """The council's call-in period must be the one its last audit row set."""
    value, audited = repo.setting("call_in_days"), store.audited_call_in_days(repo.db)
    if value == audited:
        return []
    shown = "removed" if value is None else f"set to {value[:20]!r}"
    logged = (f"{audited[:20]} working days" if audited is not None
              else f"none set: the default, {CALL_IN_DAYS} working days")
    return [f"The register's call-in period was {shown} outside the app (the audit log "
            f"records {logged})"]


def sealed_rows_problems(repo: Repository, decision_id: str) -> list[str]:
    """Row-local check of one decision's audit rows: each hash and, where held, its seal."""
    seal = repo.seal(for_writing=False)
    sealed_from = repo.sealed_from()
    bad = []
    for rid, at, user, did, version, name, old, new, prev, h, key_id, mac in repo.db.execute(
        "SELECT id, at, user, decision_id, version, field, old_value, new_value, prev_hash, "
        "hash, key_id, seal FROM audit_log WHERE decision_id = ? ORDER BY id", [decision_id]
    ):
        ok = audit_hash(prev, at, user, did, version, name, old, new) == h
        if mac is None:
            ok = ok and rid < sealed_from
        elif seal is not None:
            ok = ok and seal.check(key_id or "", h, mac) is not False
        if not ok:
            bad.append(rid)
    if not bad:
        return []
    return [f"The audit log of decision {decision_id} was altered outside the app (rows "
            f"{', '.join(map(str, bad[:10]))})"]


def sign_off_basis_problems(repo: DecisionRepository, decision: Decision) -> list[str]:
    """Why a version's stored state is no ground to record a sign-off on (empty: it is): its
    decision's audit rows were altered, or its stored rows (sign-offs, done actions, content)
    are not those its audit rows account for. Reads one decision's rows.

    On the shared register the server holds this ground itself: sign-offs are written only
    by its record_sign_off, in the transaction that appends their audit rows, which no
    author, clerk or reader can alter, and it refuses a stale view of the version."""
    if not isinstance(repo, Repository):
        return []
    sqlite = repo  # the rule reads the SQLite file itself
    facts = audited_versions(sqlite, decision.id).get((decision.id, decision.version))
    return (sealed_rows_problems(sqlite, decision.id)
            + version_problems(sqlite, decision, facts))


def decision_problems(repo: DecisionRepository, decision: Decision,
                      code: str | None = None) -> list[str]:
    """Everything `verify` needs to know about one stored version: its own agreement, its
    decision's audit rows, the versions the log says the decision has, and the seal's head."""
    if not isinstance(repo, Repository):
        return _shared_decision_problems(repo, decision, code)
    audited = audited_versions(repo, decision.id)
    facts = audited.get((decision.id, decision.version))
    problems = sealed_rows_problems(repo, decision.id) + call_in_setting_problems(repo)
    behind = repo.behind_seal()
    if behind:
        problems.append(f"The register's audit seal cannot vouch for it: {behind}")
    copies = repo.signed_copies(repo.version_id(decision.id, decision.version))
    if copies:
        logged = {r[0] for r in repo.db.execute(
            "SELECT new_value FROM audit_log WHERE field = 'signed_copy' AND decision_id = ?",
            [decision.id])}
        problems.extend(f"{decision.title!r}: signed copy {c.filename} is not in the audit log "
                        "(added outside the app)" for c in copies
                        if not any(f"(SHA-256 {c.sha256})" in (v or "") for v in logged))
    held = {v for v, _ in repo.versions_of(decision.id)}
    problems.extend(_missing_versions(decision.id, audited, held))
    if decision.id in store.decisions_without_one_current_version(repo.db, decision.id):
        problems.append(f"Decision {decision.id} does not have exactly one current version "
                        "(its current-version flags were changed outside the app)")
    for (_, version), other in audited.items():  # a later version's reason is shown too
        if version != decision.version and version in held and other.amendment_reason:
            later = repo.load(decision.id, version)
            if later is not None and later.amendment_reason != other.amendment_reason:
                problems.append(f"Decision {decision.id} version {version}: its reason for "
                                "amendment was changed outside the app (the audit log recorded "
                                f"{other.amendment_reason!r})")
    return problems + version_problems(repo, decision, facts, code)


def _shared_decision_problems(repo: DecisionRepository, decision: Decision,
                              code: str | None) -> list[str]:
    """decision_problems on the shared register: the chain's links (the server's), the
    versions its log records, and the version against its codes and log."""
    audited = audited_versions(repo, decision.id)
    tampered = set(repo.check_audit_log().tampered)
    own = [e.id for e in repo.audit_entries(decision.id) if e.id in tampered]
    problems = [f"The audit log of decision {decision.id} does not chain (rows "
                f"{', '.join(map(str, own[:10]))})"] if own else []
    held = {v for v, _ in repo.versions_of(decision.id)}
    problems.extend(_missing_versions(decision.id, audited, held))
    return problems + version_problems(repo, decision, audited.get((decision.id,
                                                                    decision.version)), code)


def shared_register_check(repo: DecisionRepository) -> IntegrityReport:
    """check_integrity on the shared register (see the module): the chain the server keeps,
    every version against its codes and audit log, the versions the log records, and the
    stored checklists against their hashes."""
    chain = repo.check_audit_log()
    entries = repo.audit_entries()
    problems: list[str] = list(chain.problems)
    audited = audited_versions(repo)
    timelines = StoredTimelines.read(repo)
    seen: set[tuple[str, int]] = set()
    signed = 0
    for did in repo.all_ids():
        for version, _ in repo.versions_of(did):
            decision = repo.load(did, version)
            if decision is None:
                continue
            seen.add((did, version))
            signed += decision.status == Status.SIGNED_OFF
            problems.extend(version_problems(repo, decision, audited.get((did, version)),
                                             timelines=timelines))
    deleted = {e.decision_id for e in entries if e.field == "deleted"}
    for (did, version), facts in sorted(audited.items()):
        if (did, version) in seen or version == 0:
            continue
        if facts.signed_off:
            problems.append(f"Decision {did} version {version}: the audit log records it as "
                            "signed off, but it is missing from the register")
        elif facts.created and did not in deleted:
            problems.append(f"Decision {did} version {version}: the audit log records it, but "
                            "it is missing from the register")
    for sha, _, _, definition in repo.stored_checklists():
        if hashlib.sha256(definition.encode("utf-8")).hexdigest() != sha:
            problems.append(f"The stored checklist {sha[:12]}… does not match its hash")
    return IntegrityReport(len(entries), signed, chain.tampered, tuple(problems))


def _missing_versions(decision_id: str, audited: dict[tuple[str, int], AuditedVersion],
                      held: set[int]) -> list[str]:
    return [f"Decision {decision_id} version {version}: the audit log records it"
            f"{' as signed off' if facts.signed_off else ''}, but it is missing from the "
            "register (removed outside the app)"
            for (did, version), facts in sorted(audited.items())
            if did == decision_id and version not in held and version > 0
            and (facts.created or facts.signed_off)]


def _expected_triggers() -> dict[str, str]:
    from sqlite_utils import Database

    from desktop.storage import migrations

    db = Database(memory=True)
    migrations.apply(db)
    try:
        return store.triggers(db)
    finally:
        db.close()


def _section_rows(definition: str) -> list[tuple[int, str, str]]:
    """(position, slug, kind) of each section, as the definition gives them."""
    import json

    try:
        return [(i, p["slug"], p.get("kind", "principle"))
                for i, p in enumerate(json.loads(definition)["principles"])]
    except (ValueError, KeyError, TypeError):
        return []


def check_integrity(service: DecisionService) -> IntegrityReport:
    """Find changes made outside the app: audit chain, every version, triggers, stored copies."""
    if not isinstance(service.repo, Repository):
        return shared_register_check(service.repo)
    # The check reads the SQLite file itself (storage/interface.py says so), as one snapshot:
    # another program may be writing it (the hostile tester's M5).
    with service.repo.read_snapshot():
        return _register_file_check(service.repo)


def _register_file_check(repo: Repository) -> IntegrityReport:
    chain = repo.check_audit_log()
    audit_rows = repo.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    problems: list[str] = list(chain.problems) + call_in_setting_problems(repo)
    expected, actual = _expected_triggers(), store.triggers(repo.db)
    for name in sorted(expected):
        if name not in actual:
            problems.append(f"The lock trigger {name} is missing (dropped outside the app)")
        elif actual[name] != expected[name]:
            problems.append(f"The lock trigger {name} was changed outside the app")
    problems.extend(f"An unexpected trigger {name} was added outside the app"
                    for name in sorted(set(actual) - set(expected)))
    audited = audited_versions(repo)
    start = seal_start(repo)
    timelines = StoredTimelines.read(repo)
    seen: set[tuple[str, int]] = set()
    signed = 0
    for did, version in repo.db.execute(
            "SELECT decision_id, version FROM versions ORDER BY decision_id, version").fetchall():
        decision = repo.load(did, version)
        if decision is None:
            continue
        seen.add((did, version))
        signed += decision.status == Status.SIGNED_OFF
        problems.extend(version_problems(repo, decision, audited.get((did, version)),
                                         start=start, timelines=timelines))
    deleted = {r[0] for r in repo.db.execute(
        "SELECT DISTINCT decision_id FROM audit_log WHERE field = 'deleted'")}
    for (did, version), facts in sorted(audited.items()):
        if (did, version) in seen or version == 0:
            continue
        if facts.signed_off:
            problems.append(f"Decision {did} version {version}: the audit log records it as "
                            "signed off, but it is missing from the register (deleted outside "
                            "the app)")
        elif facts.created and did not in deleted:
            problems.append(f"Decision {did} version {version}: the audit log records it, but "
                            "it is missing from the register (removed outside the app)")
    audited_copies = {r[0] for r in repo.db.execute(
        "SELECT new_value FROM audit_log WHERE field = 'signed_copy'")}
    problems.extend(f"Decision {did} does not have exactly one current version (its "
                    "current-version flags were changed outside the app)"
                    for did in store.decisions_without_one_current_version(repo.db))
    sections = store.checklist_section_rows(repo.db)
    for sha, definition in store.checklist_rows(repo.db):
        if hashlib.sha256(definition.encode("utf-8")).hexdigest() != sha:
            problems.append(f"The stored checklist {sha[:12]}… was changed outside the app")
        elif sections.get(sha, []) != _section_rows(definition):
            problems.append(f"The sections listed for the stored checklist {sha[:12]}… no "
                            "longer match its definition (changed outside the app)")
    problems.extend(f"The register holds {n} different definitions of checklist {cid!r} "
                    f"version {version} (stored by imports at the same moment, or outside "
                    "the app)"
                    for cid, version, n in store.duplicate_checklist_versions(repo.db))
    for copy_id, sha, data in store.signed_copy_hashes(repo.db):
        if hashlib.sha256(data).hexdigest() != sha:
            problems.append(f"Signed copy {copy_id} does not match its SHA-256")
        elif not any(f"(SHA-256 {sha})" in (v or "") for v in audited_copies):
            problems.append(f"Signed copy {copy_id} is not in the audit log (added outside "
                            "the app)")
    unauthenticated = tuple(
        f"{n} audit row{'s' if n != 1 else ''} sealed with key {key_id} cannot be authenticated: "
        "this computer does not hold that key (copy the register's audit key folder "
        "with the register)"
        for key_id, n in sorted(chain.unverifiable.items()))
    return IntegrityReport(audit_rows, signed, chain.tampered, tuple(problems), unauthenticated)
