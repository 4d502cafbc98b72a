"""The JSON bundle: import -> export -> import -> export gives identical content."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.decision import (
    DELIVERY_MODELS,
    Action,
    Answer,
    Option,
    Rating,
    Status,
)
from desktop.domain.errors import InvalidInput, NotFound
from desktop.domain.queries import RegisterQuery
from desktop.domain.record import code_for
from desktop.export.bundle import FORMAT, parse_bundle
from tests.helpers.shipped import SLUGS

SPECIAL = [
    "<b>bold</b> & <i>x</i>",
    "&amp; &lt;p&gt; &#169;",
    "Tom & Jerry's \"quote\" \\ back\\slash",
    "😀 👩‍👩‍👧‍👦 🏳️‍🌈 🇬🇧",
    "مرحبا بالعالم — قرار المجلس",
    "שלום עולם",
    "Café naïve façade Ångström Łódź Ærø",
    "\u202eRTL override\u202c and zero\u200bwidth",
    "line one\nline two\r\n\ttabbed",
    "日本語のテキスト、中文",
    "]]> <!-- --> <script>alert(1)</script>",
]

# Any text a user could type (no lone surrogates: those cannot be typed or stored as UTF-8;
# no NUL: import refuses it, naming its key path).
TYPED = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
text = st.one_of(
    st.text(TYPED, max_size=300),
    st.sampled_from(SPECIAL),
    st.lists(st.sampled_from(SPECIAL), max_size=4).map(" ".join),
)
title = st.one_of(st.text(TYPED, min_size=1, max_size=200), st.sampled_from(SPECIAL)).filter(
    lambda s: s.strip() != ""
)
iso_date = st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
action = st.fixed_dictionaries(
    {"action": text, "owner": text, "due": iso_date}
)
document = st.fixed_dictionaries(
    {"title": text}, optional={"date": st.one_of(iso_date, st.none()), "held_at": text})
answer = st.fixed_dictionaries(
    {
        "rating": st.sampled_from(["green", "amber", "red", "not-applicable"]),
        "response": text,
    },
    optional={"evidence": text, "actions": st.lists(action, max_size=3),
              "documents": st.lists(document, max_size=3)},
)
option = st.fixed_dictionaries(
    {"name": text.filter(lambda s: s.strip() != ""),
     "status": st.sampled_from(["recommended", "rejected"])},
    optional={"delivery_model": st.sampled_from(DELIVERY_MODELS), "reason": text},
)
decision = st.fixed_dictionaries(
    {"title": title, "proposal": text},
    optional={
        "id": st.uuids().map(str),
        "reference": st.text(TYPED, max_size=60),
        "reasons": text,
        "organisation": text,
        "decision_maker": text,
        "proposer": text,
        "meeting_date": iso_date,
        "review_date": iso_date,
        "key_decision": st.booleans(),
        "delivery_model": st.sampled_from(DELIVERY_MODELS),
        "options": st.lists(option, max_size=3),
        "conflicts_of_interest": text,
        "answers": st.dictionaries(st.sampled_from(SLUGS), answer, max_size=10),
    },
)
bundle = st.lists(decision, min_size=1, max_size=3, unique_by=lambda d: d.get("id")).map(
    lambda ds: {"format": FORMAT, "decisions": ds}
)



def round_trip(fresh, bundle_text: str) -> tuple[str, str, list[str]]:
    """(first export, second export, ids in the order the bundle gave them)."""
    first = fresh()
    ids = [d.id for d in first.import_bundle(bundle_text)]
    export1 = first.export_bundle()
    second = fresh()
    second.import_bundle(export1)
    export2 = second.export_bundle()
    return export1, export2, ids


def _answers_in(record: dict) -> dict:
    """Answers as export writes them: defaults filled in, empty ones left out."""
    out = {}
    for slug, a in (record.get("answers") or {}).items():
        full = {"rating": a["rating"], "response": a["response"],
                "evidence": a.get("evidence", "")}
        if a.get("actions"):
            full["actions"] = a["actions"]
        if a.get("documents"):
            full["documents"] = [{"title": x["title"], "date": x.get("date"),
                                  "held_at": x.get("held_at", "")} for x in a["documents"]]
        out[slug] = full
    return out


@settings(max_examples=30)
@given(bundle)
def test_round_trip_keeps_every_word(fresh, data):
    export1, export2, ids = round_trip(fresh, json.dumps(data))
    assert export1 == export2
    exported = {r["id"]: r for r in json.loads(export1)["decisions"]}
    assert set(exported) == set(ids)
    for given_rec, got in zip(data["decisions"], [exported[i] for i in ids], strict=True):
        assert got["title"] == given_rec["title"]
        assert got["proposal"] == given_rec["proposal"]
        for key in ("reference", "reasons", "organisation", "decision_maker", "proposer",
                    "conflicts_of_interest"):
            assert got[key] == given_rec.get(key, "")
        for key in ("meeting_date", "review_date", "delivery_model"):
            assert got.get(key) == given_rec.get(key)
        assert got["key_decision"] == given_rec.get("key_decision", False)
        assert got["options"] == [
            {"name": o["name"], "status": o["status"],
             **({"delivery_model": o["delivery_model"]} if "delivery_model" in o else {}),
             "reason": o.get("reason", "")}
            for o in given_rec.get("options", [])
        ]
        assert got["answers"] == _answers_in(given_rec)
        if "id" in given_rec:
            assert got["id"] == given_rec["id"]


def test_long_text_round_trips(fresh):
    long_text = ("A quarter of a million words, or near enough. Ünïcødé 😀 <b>&amp;</b> "
                 * 3000)[:200_000]
    assert len(long_text) == 200_000
    data = {"format": FORMAT, "decisions": [{
        "title": "Long", "proposal": long_text,
        "answers": {"values": {"rating": "green", "response": long_text,
                               "evidence": long_text[::-1]}},
    }]}
    export1, export2, _ = round_trip(fresh, json.dumps(data, ensure_ascii=False))
    assert export1 == export2
    rec = json.loads(export1)["decisions"][0]
    assert rec["proposal"] == long_text
    assert rec["answers"]["values"]["response"] == long_text
    assert rec["answers"]["values"]["evidence"] == long_text[::-1]


def test_example_bundle_round_trips(fresh, example_bundle_text):
    export1, export2, _ = round_trip(fresh, example_bundle_text)
    assert export1 == export2
    original = json.loads(example_bundle_text)["decisions"]
    exported = json.loads(export1)["decisions"]
    assert [d["id"] for d in exported] == [d["id"] for d in original]


def test_export_has_the_read_only_keys(service, example_bundle_text):
    imported = service.import_bundle(example_bundle_text)
    rec = json.loads(service.export_bundle())["decisions"][0]
    for key in ("version", "status", "checklist", "sign_offs", "created_at", "updated_at",
                "verification_code"):
        assert key in rec
    assert rec["checklist"] == {"id": service.checklist.id, "version": service.checklist.version}
    assert rec["verification_code"] == code_for(service.get(imported[0].id))
    assert rec["status"] == "ready" and rec["version"] == 1 and rec["sign_offs"] == []


def test_work_in_progress_made_in_the_app_round_trips(fresh):
    """Started-but-unrated answers, actions without owner/due, unnamed options are all kept."""
    svc = fresh()
    d = svc.create("Work in progress", proposal="Half done")
    svc.update(d.id, options=(Option("Do nothing"), Option("", "recommended")))
    svc.set_answer(d.id, "staff", Answer(None, "Typed but not yet rated"))
    svc.set_answer(d.id, "users", Answer(Rating.AMBER, "Partly", actions=(Action(""),)))
    svc.set_answer(d.id, "radical", Answer(None, "", "Only evidence"))
    export1 = svc.export_bundle()
    rec = json.loads(export1)["decisions"][0]
    assert rec["answers"]["staff"] == {"rating": None, "response": "Typed but not yet rated",
                                       "evidence": ""}
    assert rec["answers"]["users"]["actions"] == [{"action": "", "owner": "", "due": None}]
    second = fresh()
    second.import_bundle(export1)
    assert second.export_bundle() == export1
    assert second.get(d.id).answer("radical").evidence == "Only evidence"


def _signed_off_bundle(example_bundle_text: str, status: str) -> str:
    data = json.loads(example_bundle_text)
    rec = data["decisions"][0]
    rec["status"] = status
    if status == "signed-off":
        rec["sign_offs"] = [
            {"role": role, "name": f"Name {i}", "date": "2026-11-20", "minute_reference": "M/12"}
            for i, role in enumerate(["Proposing Director", "Section 151 Officer",
                                      "Monitoring Officer", "Chair or Portfolio Holder"])
        ]
    return json.dumps(data)


@pytest.mark.parametrize("status", ["signed-off", "withdrawn"])
def test_lifecycle_state_survives_the_round_trip(fresh, example_bundle_text, status):
    export1, export2, _ = round_trip(fresh, _signed_off_bundle(example_bundle_text, status))
    assert export1 == export2
    rec = json.loads(export1)["decisions"][0]
    assert rec["status"] == status
    if status == "signed-off":
        assert next(s["role"] for s in rec["sign_offs"]) == "Proposing Director"


def test_signed_off_import_is_locked(fresh, example_bundle_text):
    svc = fresh()
    [d] = svc.import_bundle(_signed_off_bundle(example_bundle_text, "signed-off"))
    assert svc.get(d.id).status == Status.SIGNED_OFF
    from desktop.domain.errors import Refused

    with pytest.raises(Refused):
        svc.update(d.id, title="Changed after sign-off")


def test_ready_in_a_bundle_is_recomputed(service):
    data = {"format": FORMAT, "decisions": [{"title": "t", "proposal": "p", "status": "ready"}]}
    [d] = service.import_bundle(json.dumps(data))
    assert service.get(d.id).status == Status.DRAFT


def test_missing_id_is_generated_and_ids_are_normalised(service):
    upper = str(uuid.uuid4()).upper()
    data = {"format": FORMAT, "decisions": [
        {"title": "no id", "proposal": ""},
        {"title": "upper id", "proposal": "", "id": upper},
    ]}
    first, second = service.import_bundle(json.dumps(data))
    assert uuid.UUID(first.id)
    assert second.id == upper.lower()
    assert service.get(upper.lower()).title == "upper id"


def test_byte_order_mark_and_empty_bundle(service):
    assert parse_bundle('\ufeff{"format": "decision-checklist/1", "decisions": []}'
                        .lstrip("\ufeff")) == []
    assert service.import_bundle('{"format": "decision-checklist/1", "decisions": []}') == []
    assert json.loads(service.export_bundle()) == {"format": FORMAT, "decisions": []}


def test_export_selected_ids_and_unknown_id(service):
    a = service.create("Alpha", proposal="a")
    service.create("Beta", proposal="b")
    recs = json.loads(service.export_bundle([a.id]))["decisions"]
    assert [r["title"] for r in recs] == ["Alpha"]
    recs = json.loads(service.export_bundle([a.id[:8]]))["decisions"]  # a unique prefix
    assert [r["title"] for r in recs] == ["Alpha"]
    with pytest.raises(NotFound):
        service.export_bundle(["00000000-0000-0000-0000-000000000000"])


def test_changed_content_with_old_code_is_refused(service, example_bundle_text):
    first = service.import_bundle(example_bundle_text)[0]
    data = json.loads(service.export_bundle())
    data["decisions"][0]["title"] += " (edited)"
    data["decisions"][0]["id"] = str(uuid.uuid4())
    with pytest.raises(InvalidInput, match=r"decisions\[0\]\.verification_code"):
        service.import_bundle(json.dumps(data))
    assert [r.id for r in service.register(RegisterQuery())] == [first.id]


def _with_sign_offs(example_bundle_text: str, roles: list[str], **changes) -> str:
    data = json.loads(example_bundle_text)
    rec = data["decisions"][0]
    rec.update(changes)
    rec["sign_offs"] = [{"role": role, "name": f"Name {i}", "date": "2026-11-20"}
                        for i, role in enumerate(roles)]
    return json.dumps(data)


def test_imported_sign_offs_take_the_checklists_role_names(fresh, example_bundle_text):
    svc = fresh()
    [d] = svc.import_bundle(_with_sign_offs(example_bundle_text, ["monitoring officer"]))
    stored = svc.get(d.id)
    assert [s.role for s in stored.sign_offs] == ["Monitoring Officer"]
    assert stored.status == Status.READY  # one of four: not locked yet


def test_a_record_without_a_status_signed_by_every_required_role_imports_locked(
        fresh, example_bundle_text):
    """No status: the one its sign-offs give it (the last required one locks it). A record
    that says it is ready with every role signed contradicts itself and is refused
    (tests/unit/application/test_imported_sign_offs.py)."""
    svc = fresh()
    roles = ["Proposing Director", "section 151 officer", "Monitoring Officer",
             "Chair or Portfolio Holder"]
    [d] = svc.import_bundle(_with_sign_offs(example_bundle_text, roles))
    assert svc.get(d.id).status == Status.SIGNED_OFF and svc.get(d.id).is_locked


def test_sign_offs_on_an_incomplete_record_are_refused(fresh, example_bundle_text):
    from desktop.export.bundle import BundleError

    data = json.loads(_with_sign_offs(example_bundle_text, ["Monitoring Officer"]))
    del data["decisions"][0]["answers"]["staff"]
    svc = fresh()
    with pytest.raises(BundleError, match=r"decisions\[0\]\.sign_offs: .*not complete"):
        svc.import_bundle(json.dumps(data))
    assert svc.repo.all_ids() == []


def test_imported_codes_are_stored_as_the_content_gives_them(fresh, example_bundle_text):
    """A bundle's codes are worked out once, to check them, and stored: what is stored is what
    the stored record's content gives, for a signed-off record (the printed code pins its
    sign-offs) and for a draft."""
    from desktop.domain.record import codes

    roles = ["Proposing Director", "section 151 officer", "Monitoring Officer",
             "Chair or Portfolio Holder"]
    source = fresh()
    [signed] = source.import_bundle(_with_sign_offs(example_bundle_text, roles))
    draft = source.create("A draft", proposal="Not finished")
    exported = json.loads(source.export_bundle())
    assert all(r.get("verification_code") for r in exported["decisions"])
    svc = fresh()
    svc.import_bundle(json.dumps(exported))
    for decision_id, rec in zip([signed.id, draft.id], exported["decisions"], strict=True):
        stored = svc.get(decision_id)
        printed, content = codes(stored)
        assert rec["verification_code"] == printed
        row = svc.repo.db.execute("SELECT verification_code, content_code FROM versions "
                                  "WHERE decision_id = ?", [decision_id]).fetchone()
        assert tuple(row) == (printed, content)
    assert svc.get(signed.id).status == Status.SIGNED_OFF
    assert codes(svc.get(signed.id))[0] != codes(svc.get(signed.id))[1]
