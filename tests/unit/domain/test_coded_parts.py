"""The content code put together from parts (an autosave's) is the code codes() gives."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.coded_parts import coded_parts, codes_and_parts
from desktop.domain.decision import (
    Action,
    Answer,
    Decision,
    Document,
    Option,
    Rating,
    SignOff,
    Status,
)
from desktop.domain.record import _coded, codes
from desktop.domain.verification import canonical_content
from tests.helpers.shipped import SLUGS

_TEXT = st.text(max_size=40)
_ANSWERS = st.builds(
    Answer,
    rating=st.none() | st.sampled_from(list(Rating)),
    response=_TEXT,
    evidence=_TEXT,
    actions=st.lists(st.builds(Action, action=_TEXT, owner=_TEXT,
                               due=st.sampled_from(["2027-01-31", ""])), max_size=2).map(tuple),
    documents=st.lists(st.builds(Document, title=_TEXT, date=st.none(), held_at=_TEXT),
                       max_size=2).map(tuple),
)
# a checklist's slugs, and one it lacks (an answer kept all the same)
_SLUG = st.sampled_from([*SLUGS[:4], "not-in-the-checklist"])


def _record(answers: dict[str, Answer], scheme: int = 2) -> Decision:
    return Decision(id="d1", title="Libraries: opening hours", proposal="Open on Sundays",
                    answers=answers, sections=SLUGS, checklist_id="council",
                    checklist_version=3, checklist_sha256="ab" * 32, code_scheme=scheme,
                    options=(Option("Do it", "recommended"), Option("Do nothing")),
                    updated_at="2026-12-01T10:00:00")


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_SLUG, _ANSWERS, max_size=4),
       st.lists(st.tuples(_SLUG, st.none() | _ANSWERS), min_size=1, max_size=4),
       st.sampled_from([1, 2]))
def test_edits_of_answers_coded_from_parts_as_codes_codes_them(before, edits, scheme):
    """Each edit (an answer typed, changed, cleared to nothing or removed) coded from the
    parts of the record before it gives codes()'s codes and canonical bytes."""
    record = _record(before, scheme)
    parts = coded_parts(record)
    assert parts.canonical() == canonical_content(_coded(record))
    for slug, answer in edits:
        answers = dict(record.answers)
        if answer is None:
            answers.pop(slug, None)
        else:
            answers[slug] = answer
        edited = replace(record, answers=answers, updated_at="2026-12-01T10:00:01")
        got, new_parts = codes_and_parts(edited, (record, parts))
        assert got == codes(edited)
        assert new_parts is not None
        assert new_parts.canonical() == canonical_content(_coded(edited))
        record, parts = edited, new_parts


def test_a_change_beyond_the_answers_is_coded_whole():
    record = _record({SLUGS[0]: Answer(Rating.GREEN, "Yes")})
    parts = coded_parts(record)
    retitled = replace(record, title="Libraries: winter hours",
                       answers={SLUGS[0]: Answer(Rating.RED, "No")})
    got, _ = codes_and_parts(retitled, (record, parts))
    assert got == codes(retitled) != codes(record)


def test_a_signed_off_record_is_coded_with_its_sign_offs():
    record = _record({SLUGS[0]: Answer(Rating.GREEN, "Yes")})
    signed = replace(record, status=Status.SIGNED_OFF,
                     sign_offs=(SignOff("Chair", "A. Chair", "2026-12-01"),))
    got, parts = codes_and_parts(signed, (record, coded_parts(record)))
    assert parts is None
    assert got == codes(signed)
    assert got[0] != got[1]  # the printed code covers the sign-offs
