"""Every malformed bundle exits 2 with one line naming the key path, and writes nothing."""

from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
import uuid

import pytest

from desktop.cli import main as cli
from desktop.export.bundle import FORMAT
from tests.helpers.shipped import SLUGS

EXISTING_ID = "11111111-2222-4333-8444-555555555555"
ROLES = ["Proposing Director", "Section 151 Officer", "Monitoring Officer",
         "Chair or Portfolio Holder"]
RATING_CHOICES = "green, amber, red, not-applicable"


def valid_decision(n: int = 0) -> dict:
    """A decision using every key of the bundle, all ten principles answered."""
    answers = {slug: {"rating": "green", "response": f"Response for {slug}.",
                      "evidence": "Minutes of the staff forum"} for slug in SLUGS}
    answers["staff"] = {
        "rating": "amber",
        "response": "Unions consulted; TUPE terms not yet agreed.",
        "actions": [{"action": "Agree TUPE terms", "owner": "Head of HR", "due": "2027-01-31"}],
    }
    return {
        "id": str(uuid.UUID(int=n + 1, version=4)),
        "title": f"Decision {n}",
        "proposal": "Hand the library service to a community trust.",
        "reference": "EX/2026/001",
        "reasons": "Keeps branches open.",
        "organisation": "Westmere County Council",
        "decision_maker": "Cabinet",
        "proposer": "Director of Communities",
        "meeting_date": "2026-12-09",
        "review_date": "2027-12-09",
        "key_decision": True,
        "delivery_model": "social-sector",
        "options": [
            {"name": "Do nothing", "status": "rejected", "reason": "Unaffordable"},
            {"name": "Community trust", "status": "recommended",
             "delivery_model": "social-sector"},
        ],
        "conflicts_of_interest": "None declared.",
        "answers": answers,
    }


def bundle(*decisions: dict) -> dict:
    return {"format": FORMAT, "decisions": list(decisions)}


def two() -> dict:
    """decisions[0] is valid, so all-or-nothing is tested on decisions[1]."""
    return bundle(valid_decision(0), valid_decision(1))


def set_in(data: dict, path: list, value) -> dict:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def drop(data: dict, path: list) -> dict:
    target = data
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return data


D1 = ["decisions", 1]
STAFF = [*D1, "answers", "staff"]
ACTION = [*STAFF, "actions", 0]
OPTION = [*D1, "options", 0]

# (case name, bundle as a dict, expected text in the message)
CASES: list[tuple[str, dict, str]] = [
    ("purple", set_in(two(), [*STAFF, "rating"], "purple"),
     f"decisions[1].answers.staff.rating: 'purple' is not one of {RATING_CHOICES}"),
    ("unknown top key", {**two(), "extra": 1}, "extra: unknown key"),
    ("unknown decision key", set_in(two(), [*D1, "colour"], "red"),
     "decisions[1].colour: unknown key"),
    ("unknown answer key", set_in(two(), [*STAFF, "score"], 3),
     "decisions[1].answers.staff.score: unknown key"),
    ("unknown action key", set_in(two(), [*ACTION, "done"], True),
     "decisions[1].answers.staff.actions[0].done: unknown key"),
    ("unknown option key", set_in(two(), [*OPTION, "cost"], 1),
     "decisions[1].options[0].cost: unknown key"),
    ("unknown checklist key",
     set_in(two(), [*D1, "checklist"], {"id": "tizard-ten-principles", "version": 1, "x": 1}),
     "decisions[1].checklist.x: unknown key"),
    ("unknown sign-off key",
     set_in(two(), [*D1, "sign_offs"],
            [{"role": "Monitoring Officer", "name": "A", "date": "2026-01-01", "x": 1}]),
     "decisions[1].sign_offs[0].x: unknown key"),
    ("unknown principle", set_in(two(), [*D1, "answers", "leadership"],
                                 {"rating": "green", "response": "x"}),
     "decisions[1].answers.leadership: 'leadership' is not one of the ten principles"),
    ("principle title not slug", set_in(two(), [*D1, "answers", "Staff"],
                                        {"rating": "green", "response": "x"}),
     "decisions[1].answers.Staff:"),
    ("missing title", drop(two(), [*D1, "title"]), "decisions[1].title: is required"),
    ("missing proposal", drop(two(), [*D1, "proposal"]), "decisions[1].proposal: is required"),
    ("missing rating", drop(two(), [*STAFF, "rating"]),
     "decisions[1].answers.staff.rating: is required"),
    ("missing response", drop(two(), [*STAFF, "response"]),
     "decisions[1].answers.staff.response: is required"),
    ("missing owner", drop(two(), [*ACTION, "owner"]),
     "decisions[1].answers.staff.actions[0].owner: is required"),
    ("missing option status", drop(two(), [*OPTION, "status"]),
     "decisions[1].options[0].status: is required"),
    ("title number", set_in(two(), [*D1, "title"], 5),
     "decisions[1].title: expected a string, found a number"),
    ("title null", set_in(two(), [*D1, "title"], None),
     "decisions[1].title: expected a string, found null"),
    ("title empty", set_in(two(), [*D1, "title"], ""), "decisions[1].title: must not be empty"),
    *[(f"{key} null", set_in(two(), [*D1, key], None),
       f"decisions[1].{key}: null is not allowed here")
      for key in ("reference", "reasons", "organisation", "decision_maker", "proposer",
                  "meeting_date", "review_date", "key_decision", "delivery_model", "options",
                  "conflicts_of_interest", "answers")],
    ("evidence null", set_in(two(), [*D1, "answers", "values", "evidence"], None),
     "decisions[1].answers.values.evidence: null is not allowed here"),
    ("actions null", set_in(two(), [*D1, "answers", "values", "actions"], None),
     "decisions[1].answers.values.actions: null is not allowed here"),
    ("updated_at not a time", set_in(two(), [*D1, "updated_at"], "yesterday"),
     "decisions[1].updated_at: 'yesterday' is not a UTC time"),
    ("title blank", set_in(two(), [*D1, "title"], "  \t "),
     "decisions[1].title: must not be empty"),
    ("title 201", set_in(two(), [*D1, "title"], "x" * 201),
     "decisions[1].title: is 201 characters long; at most 200 allowed"),
    ("reference 61", set_in(two(), [*D1, "reference"], "R" * 61),
     "decisions[1].reference: is 61 characters long; at most 60 allowed"),
    ("proposal list", set_in(two(), [*D1, "proposal"], ["a"]),
     "decisions[1].proposal: expected a string, found a list"),
    ("key_decision string", set_in(two(), [*D1, "key_decision"], "yes"),
     "decisions[1].key_decision: expected true or false, found a string"),
    ("key_decision number", set_in(two(), [*D1, "key_decision"], 1),
     "decisions[1].key_decision: expected true or false, found a number"),
    ("options object", set_in(two(), [*D1, "options"], {"name": "x"}),
     "decisions[1].options: expected a list, found an object"),
    ("option string", set_in(two(), OPTION, "Do nothing"),
     "decisions[1].options[0]: expected an object, found a string"),
    ("answers list", set_in(two(), [*D1, "answers"], []),
     "decisions[1].answers: expected an object, found a list"),
    ("answer string", set_in(two(), STAFF, "green"),
     "decisions[1].answers.staff: expected an object, found a string"),
    ("rating number", set_in(two(), [*STAFF, "rating"], 3),
     f"decisions[1].answers.staff.rating: 3 is not one of {RATING_CHOICES}"),
    ("rating capitalised", set_in(two(), [*STAFF, "rating"], "Green"),
     "decisions[1].answers.staff.rating: 'Green' is not one of"),
    ("response null", set_in(two(), [*STAFF, "response"], None),
     "decisions[1].answers.staff.response: expected a string, found null"),
    ("evidence number", set_in(two(), [*STAFF, "evidence"], 1.5),
     "decisions[1].answers.staff.evidence: expected a string, found a number"),
    ("actions string", set_in(two(), [*STAFF, "actions"], "do it"),
     "decisions[1].answers.staff.actions: expected a list, found a string"),
    ("documents object", set_in(two(), [*STAFF, "documents"], {"title": "EqIA"}),
     "decisions[1].answers.staff.documents: expected a list, found an object"),
    ("document without a title", set_in(two(), [*STAFF, "documents"], [{"date": "2026-03-01"}]),
     "decisions[1].answers.staff.documents[0].title: is required"),
    ("document date not a date", set_in(two(), [*STAFF, "documents"],
                                        [{"title": "EqIA", "date": "2026-02-30"}]),
     "decisions[1].answers.staff.documents[0].date: '2026-02-30' is not a date in the form "
     "YYYY-MM-DD"),
    ("document unknown key", set_in(two(), [*STAFF, "documents"],
                                    [{"title": "EqIA", "url": "http://x"}]),
     "decisions[1].answers.staff.documents[0].url: unknown key"),
    ("document held_at number", set_in(two(), [*STAFF, "documents"],
                                       [{"title": "EqIA", "held_at": 3}]),
     "decisions[1].answers.staff.documents[0].held_at: expected a string, found a number"),
    ("due number", set_in(two(), [*ACTION, "due"], 20270131),
     "decisions[1].answers.staff.actions[0].due: expected a date YYYY-MM-DD, found a number"),
    ("decision string", set_in(two(), D1, "Decision 1"),
     "decisions[1]: expected an object, found a string"),
    ("decision null", set_in(two(), D1, None), "decisions[1]: expected an object, found null"),
    ("version string", set_in(two(), [*D1, "version"], "1"),
     "decisions[1].version: expected a whole number, found a string"),
    ("version zero", set_in(two(), [*D1, "version"], 0), "decisions[1].version: must be at least 1"),
    ("version float", set_in(two(), [*D1, "version"], 1.0),
     "decisions[1].version: expected a whole number, found a number"),
    ("version bool", set_in(two(), [*D1, "version"], True),
     "decisions[1].version: expected a whole number, found a boolean"),
    ("version huge", set_in(two(), [*D1, "version"], 10**30), "decisions[1].version:"),
    ("status unknown", set_in(two(), [*D1, "status"], "approved"),
     "decisions[1].status: 'approved' is not one of draft, ready, signed-off, withdrawn"),
    ("checklist string", set_in(two(), [*D1, "checklist"], "tizard"),
     "decisions[1].checklist: expected an object, found a string"),
    ("checklist other version",
     set_in(two(), [*D1, "checklist"], {"id": "tizard-ten-principles", "version": 99}),
     "decisions[1].checklist: checklist 'tizard-ten-principles' has no version 99 in this "
     "register (it holds version 1)"),
    ("checklist other id", set_in(two(), [*D1, "checklist"], {"id": "other", "version": 1}),
     "decisions[1].checklist: no checklist 'other' in this register (it holds: "
     "tizard-principles-and-statutory-duties, tizard-ten-principles)"),
    ("sign_offs object", set_in(two(), [*D1, "sign_offs"], {}),
     "decisions[1].sign_offs: expected a list, found an object"),
    ("bad delivery model", set_in(two(), [*D1, "delivery_model"], "insource"),
     "decisions[1].delivery_model: 'insource' is not one of in-house, outsource, shared-service"),
    ("bad option delivery model", set_in(two(), [*OPTION, "delivery_model"], "private"),
     "decisions[1].options[0].delivery_model: 'private' is not one of"),
    ("bad option status", set_in(two(), [*OPTION, "status"], "preferred"),
     "decisions[1].options[0].status: 'preferred' is not one of recommended, rejected"),
    ("id not uuid", set_in(two(), [*D1, "id"], "decision-1"),
     "decisions[1].id: 'decision-1' is not a UUID"),
    ("id number", set_in(two(), [*D1, "id"], 7),
     "decisions[1].id: expected a string, found a number"),
    ("duplicate ids", set_in(two(), [*D1, "id"], valid_decision(0)["id"]),
     "decisions[1].id: the same id as decisions[0]"),
    ("duplicate ids by case", set_in(two(), [*D1, "id"], valid_decision(0)["id"].upper()),
     "decisions[1].id: the same id as decisions[0]"),
    ("id already in the database", set_in(two(), [*D1, "id"], EXISTING_ID),
     f"decisions[1].id: a decision with id {EXISTING_ID} already exists"),
    ("missing format", drop(two(), ["format"]), "format: expected 'decision-checklist/1', found None"),
    ("wrong format", {**two(), "format": "decision-checklist/2"},
     "format: expected 'decision-checklist/1', found 'decision-checklist/2'"),
    ("missing decisions", {"format": FORMAT}, "decisions: expected a list, found null"),
    ("decisions object", {"format": FORMAT, "decisions": {"0": valid_decision()}},
     "decisions: expected a list, found an object"),
    ("raw lone surrogate", set_in(two(), [*D1, "proposal"], "ok \ud83d broken"),
     "not UTF-8 text"),  # written unescaped, a surrogate is not UTF-8 at all
    ("signed-off but incomplete",
     set_in(set_in(two(), [*D1, "status"], "signed-off"), [*STAFF, "actions"], []),
     "decisions[1].status: signed-off but not all ten principles are complete"),
    ("signed-off without every role",
     set_in(set_in(two(), [*D1, "status"], "signed-off"), [*D1, "sign_offs"],
            [{"role": r, "name": "N", "date": "2026-12-09"} for r in ROLES[:3]]),
     "decisions[1].sign_offs: signed-off but no sign-off by Chair or Portfolio Holder"),
    ("sign-off by an unknown role",
     set_in(two(), [*D1, "sign_offs"], [{"role": "Janitor", "name": "A", "date": "2026-01-01"}]),
     "decisions[1].sign_offs[0].role: 'Janitor' is not a sign-off role (Proposing Director, "),
    ("the same role signs twice",
     set_in(two(), [*D1, "sign_offs"], [
         {"role": "Monitoring Officer", "name": "A", "date": "2026-01-01"},
         {"role": "monitoring officer", "name": "B", "date": "2026-01-02"}]),
     "decisions[1].sign_offs[1].role: 'monitoring officer' appears twice"),
    ("verification code mismatch",
     set_in(two(), [*D1, "verification_code"], "0000-0000-0000"),
     "decisions[1].verification_code: does not match the content"),
    ("nested too deeply", set_in(two(), [*D1, "reasons"], json.loads("[" * 100 + "]" * 100)),
     "not a bundle: the JSON is nested too deeply"),
]

BAD_DATES = ["2026-02-30", "26-1-1", "2026-1-1", "2026-13-01", "2026-00-10", "2026-01-01T00:00",
             "2026/01/01", "", " 2026-01-01", "2026-W01-1", "20260101", "٢٠٢٦-٠١-٠١"]
for where, path in [("meeting_date", [*D1, "meeting_date"]), ("review_date", [*D1, "review_date"]),
                    ("due", [*ACTION, "due"])]:
    for bad in BAD_DATES:
        shown = ".".join(str(p) for p in path[2:]).replace(".0", "[0]")
        CASES.append((f"{where} {bad!r}", set_in(two(), path, bad),
                      f"decisions[1].{shown}: {bad!r} is not a date in the form YYYY-MM-DD"))
CASES.append((
    "sign-off date", set_in(two(), [*D1, "sign_offs"],
                            [{"role": "Monitoring Officer", "name": "A", "date": "2026-02-30"}]),
    "decisions[1].sign_offs[0].date: '2026-02-30' is not a date"))

# Raw texts that are not even a well-formed bundle.
RAW_CASES: list[tuple[str, bytes, str]] = [
    ("not json", b"this is not json", "not valid JSON: line 1 column 1"),
    ("truncated json", json.dumps(two()).encode()[:-20], "not valid JSON"),
    ("empty file", b"", "not valid JSON"),
    ("not utf-8", json.dumps(two()).encode().replace(b"Decision 1", b"D\xe9cision 1"),
     "not UTF-8 text"),
    ("utf-16", json.dumps(two()).encode("utf-16"), "not UTF-8 text"),
    ("top-level list", json.dumps([valid_decision()]).encode(),
     "not a bundle: expected a JSON object, found a list"),
    ("top-level string", b'"decision-checklist/1"',
     "not a bundle: expected a JSON object, found a string"),
    ("NaN", json.dumps(two()).replace('"key_decision": true', '"key_decision": NaN').encode(),
     "NaN is not allowed in JSON"),
    ("Infinity", json.dumps(two()).replace('"key_decision": true', '"version": Infinity')
     .encode(), "Infinity is not allowed in JSON"),
    ("-Infinity", json.dumps(two()).replace('"key_decision": true', '"version": -Infinity')
     .encode(), "-Infinity is not allowed in JSON"),
    ("duplicate keys", json.dumps(two()).replace('"title": "Decision 1"',
                                                 '"title": "Decision 1", "title": "Other"')
     .encode(), "the key 'title' appears twice"),
    ("recursion", b'{"format": "decision-checklist/1", "decisions": ' + b"[" * 100_000
     + b"]" * 100_000 + b"}", "nested too deeply"),
    ("trailing garbage", json.dumps(two()).encode() + b" {}", "not valid JSON"),
]


@pytest.fixture
def seeded(tmp_path, clock):
    """A database with one decision in it, and a snapshot function."""
    from desktop.application.bootstrap import open_service

    path = tmp_path / "seeded.db"
    svc = open_service(path, user="tester", now=clock)
    existing = valid_decision(99)
    existing["id"] = EXISTING_ID
    svc.import_bundle(json.dumps(bundle(existing)))
    svc.db.close()
    return path


def snapshot(path) -> tuple:
    """Row counts of every table and the file's hash: any write changes one or the other."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'search_index_%'")]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()
    return counts, hashlib.sha256(path.read_bytes()).hexdigest()


def run_import(db, bundle_file, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    status = cli.run(["--db", str(db), "import", str(bundle_file)])
    out, err = capsys.readouterr()
    return status, out, err


def assert_refused(seeded, tmp_path, capsys, raw: bytes, expected: str) -> None:
    before = snapshot(seeded)
    listed = cli.run(["--db", str(seeded), "list", "--json"]), capsys.readouterr().out
    bundle_file = tmp_path / "bad.json"
    bundle_file.write_bytes(raw)
    status, out, err = run_import(seeded, bundle_file, capsys)
    assert status == 2, err
    assert out == ""
    assert expected in err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    assert snapshot(seeded) == before
    assert (cli.run(["--db", str(seeded), "list", "--json"]), capsys.readouterr().out) == listed
    assert len(json.loads(listed[1])) == 1


def test_a_valid_two_decision_bundle_imports(seeded, tmp_path, capsys):
    """The base the malformed cases are made from is itself valid."""
    f = tmp_path / "good.json"
    f.write_text(json.dumps(two()), encoding="utf-8")
    status, out, err = run_import(seeded, f, capsys)
    assert (status, err) == (0, "")
    assert [line.split("\t")[1] for line in out.splitlines()] == ["Decision 0", "Decision 1"]


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_bundle_is_refused(seeded, tmp_path, capsys, data, expected):
    raw = json.dumps(copy.deepcopy(data), ensure_ascii=False).encode("utf-8", "surrogatepass")
    assert_refused(seeded, tmp_path, capsys, raw, expected)


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in RAW_CASES],
                         ids=[c[0] for c in RAW_CASES])
def test_malformed_text_is_refused(seeded, tmp_path, capsys, raw, expected):
    assert_refused(seeded, tmp_path, capsys, raw, expected)


def test_ascii_escaped_lone_surrogate_is_refused(seeded, tmp_path, capsys):
    raw = json.dumps(set_in(two(), [*D1, "title"], "a\udc00")).encode("ascii")
    assert b"\\udc00" in raw
    assert_refused(seeded, tmp_path, capsys, raw, "decisions[1].title: character 2")


def test_limits_are_inclusive(seeded, tmp_path, capsys):
    data = two()
    set_in(data, [*D1, "title"], "x" * 200)
    set_in(data, [*D1, "reference"], "R" * 60)
    set_in(data, [*D1, "meeting_date"], "2028-02-29")
    f = tmp_path / "edge.json"
    f.write_text(json.dumps(data), encoding="utf-8")
    status, _out, err = run_import(seeded, f, capsys)
    assert (status, err) == (0, "")


@pytest.mark.parametrize("arg", ["missing.json", "."])
def test_unreadable_bundle_file(seeded, tmp_path, capsys, arg):
    before = snapshot(seeded)
    status, _out, err = run_import(seeded, tmp_path / arg, capsys)
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(seeded) == before


def test_failure_while_writing_rolls_back_everything(seeded, clock):
    """A failure while writing the second decision leaves no trace of the first."""
    from desktop.application.bootstrap import open_service

    before = snapshot(seeded)
    svc = open_service(seeded, user="tester", now=clock)
    try:
        # A temporary trigger (this connection only) makes the write fail part-way through.
        svc.db.execute(
            "CREATE TEMP TRIGGER fail_second BEFORE INSERT ON main.versions "
            "WHEN NEW.title = 'Decision 1' BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
        )
        with pytest.raises(sqlite3.DatabaseError, match="simulated failure"):
            svc.import_bundle(json.dumps(two()))
        assert svc.db.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1
    finally:
        svc.db.close()
    assert snapshot(seeded)[0] == before[0]
