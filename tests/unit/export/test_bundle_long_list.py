"""The appraisal's long list in the bundle (`appraisal.long_list`): optional, strict, covered
by the verification code, and an exact round trip for any text a person can type."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.appraisal import LongListEntry
from desktop.domain.record import code_for, content_record
from desktop.export.bundle import BundleError
from tests.unit.export.test_bundle import text
from tests.unit.export.test_bundle_appraisal import base_record, bundle

LONG_LIST = [
    {"name": "Re-let the contract", "kept": True, "reason": "The market is there."},
    {"name": "Bring in-house", "kept": True, "reason": ""},
    {"name": "A joint venture with a contractor", "kept": False,
     "reason": "No partner came forward at the market day."},
]


def with_long_list(entries: list[dict]) -> dict:
    record = base_record()
    record["appraisal"]["long_list"] = entries
    return record


def test_import_keeps_the_long_list_and_export_writes_it_back(fresh) -> None:
    first = fresh()
    [d] = first.import_bundle(bundle(with_long_list(LONG_LIST)))
    assert d.appraisal.long_list == (
        LongListEntry("Re-let the contract", True, "The market is there."),
        LongListEntry("Bring in-house", True, ""),
        LongListEntry("A joint venture with a contractor", False,
                      "No partner came forward at the market day."))
    assert first.get(d.id) == d  # stored and read back
    export1 = first.export_bundle()
    assert json.loads(export1)["decisions"][0]["appraisal"]["long_list"] == LONG_LIST
    second = fresh()
    second.import_bundle(export1)
    assert second.export_bundle() == export1


def test_a_record_without_a_long_list_keeps_its_code_and_has_no_key(fresh) -> None:
    plain, listed = fresh(), fresh()
    [a] = plain.import_bundle(bundle(base_record()))
    [b] = listed.import_bundle(bundle(with_long_list(LONG_LIST)))
    assert "long_list" not in json.loads(plain.export_bundle())["decisions"][0]["appraisal"]
    # The code covers the long list; a record without one codes exactly what it coded
    # before the long list existed (no key at all).
    bare = replace(b, appraisal=replace(b.appraisal, long_list=()))
    coded = content_record(b)["appraisal"]
    assert coded.pop("long_list") == LONG_LIST
    assert content_record(bare)["appraisal"] == coded
    assert code_for(b) != code_for(bare)
    assert a.appraisal.long_list == ()
    data = json.loads(listed.export_bundle())
    data["decisions"][0]["appraisal"]["long_list"][2]["kept"] = True
    with pytest.raises(BundleError) as caught:
        fresh().import_bundle(json.dumps(data))
    assert caught.value.path == "decisions[0].verification_code"


@pytest.mark.parametrize(("entry", "path"), [
    ({"name": " ", "kept": False}, "decisions[0].appraisal.long_list[0].name"),
    ({"name": "Stop", "kept": "no"}, "decisions[0].appraisal.long_list[0].kept"),
    ({"name": "Stop"}, "decisions[0].appraisal.long_list[0].kept"),
    ({"name": "Stop", "kept": False, "why": "x"}, "decisions[0].appraisal.long_list[0].why"),
])
def test_import_refuses_a_bad_long_list_naming_its_path(service, entry, path) -> None:
    with pytest.raises(BundleError) as caught:
        service.import_bundle(bundle(with_long_list([entry])))
    assert caught.value.path == path
    assert service.repo.all_ids() == []


entries = st.lists(st.tuples(text.filter(lambda s: s.strip() != ""), st.booleans(), text),
                   min_size=1, max_size=4)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(entries)
def test_round_trip_keeps_every_word_of_the_long_list(fresh, given_entries) -> None:
    typed = [{"name": n, "kept": k, "reason": r} for n, k, r in given_entries]
    first = fresh()
    first.import_bundle(bundle(with_long_list(typed)))
    export1 = first.export_bundle()
    second = fresh()
    second.import_bundle(export1)
    assert second.export_bundle() == export1
    assert json.loads(export1)["decisions"][0]["appraisal"]["long_list"] == typed
