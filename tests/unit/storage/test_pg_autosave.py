"""An autosave on the shared register does less (issue 17 item 8) and still all it did: the
search words worked out line by line are those of the whole text; only the answer's changed
columns are written; the search finds the new words and not the old; a stale save is still
refused; the answer's actions, their ticks and documents are kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import generate
from desktop.application.bootstrap import open_service
from desktop.domain.decision import Action, Answer, Document, Rating
from desktop.domain.errors import Refused
from desktop.domain.queries import RegisterQuery
from desktop.storage.postgres.repository import _lexeme, tsvector_text
from desktop.storage.repository import search_tokens


def _whole_text_at_once(text: str) -> str:  # tsvector_text before it went line by line
    return " ".join(f"'{_lexeme(word)}':{min(i, 16383)}"
                    for i, word in enumerate(search_tokens(text), start=1))


_WORDS = st.text(alphabet=st.sampled_from(list("ab'\\ \u00e9\u0301\u00df\nZ9_-\u0130")), max_size=80)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _WORDS))
def test_the_search_words_line_by_line_are_the_whole_texts_for_any_text(text):
    assert tsvector_text(text) == _whole_text_at_once(text)
    assert tsvector_text(text) == _whole_text_at_once(text)  # and again, from what it kept


def test_the_search_words_clamp_positions_and_cut_long_words_as_before():
    for text in ("word " * 300 + "other\n" * 20,
                 "\n".join(" ".join(f"w{i % 50}" for i in range(j, j + 500))
                           for j in range(0, 17000, 500)),
                 "\u00e9" * 400 + " " + "x" * 700 + "\n" + "x" * 600):
        assert tsvector_text(text) == _whole_text_at_once(text)


@pytest.fixture
def author(pg_register):
    service = open_service(pg_register.url("alice"))
    service.import_bundle(generate.bundle_text(generate.records(2, seed=5)))
    yield service
    service.repo.close()


def _find(service, word: str) -> set[str]:
    return {r.id for r in service.register(RegisterQuery(search=word), 0, 50)}


def test_an_autosave_finds_its_new_words_and_not_its_old(author):
    held = author.get(author.repo.all_ids()[0])
    held = author.set_answer(held, "staff", Answer(rating=Rating.AMBER, response="zebra crossing",
                                                   evidence="Minutes"))
    assert held.id in _find(author, "zebra")
    held = author.set_answer(held, "staff", Answer(rating=Rating.AMBER, response="giraffe",
                                                   evidence="Minutes"))
    assert held.id in _find(author, "giraffe") and held.id not in _find(author, "zebra")
    held = author.update(held, title="Quokka review")  # the title's words too
    assert held.id in _find(author, "quokka")
    assert author.get(held.id) == held


def test_an_autosave_keeps_the_answers_actions_ticks_and_documents(author, pg_register):
    held = author.get(author.repo.all_ids()[0])
    acts = (Action("Tell the union", "HR", "2027-01-05", done=False),
            Action("Book the room", "Clerk", "2027-01-06", done=True))
    docs = (Document("Staff survey", "2026-11-01", "Intranet"),)
    held = author.set_answer(held, "staff", Answer(rating=Rating.GREEN, response="First",
                                                   evidence="E", actions=acts, documents=docs))
    for text in ("Second", "Third, with ' and \\ in it"):
        held = author.set_answer(held, "staff", Answer(rating=Rating.GREEN, response=text,
                                                       evidence="E", actions=acts,
                                                       documents=docs))
    stored = author.get(held.id)
    assert stored == held
    assert stored.answers["staff"].actions == acts
    assert stored.answers["staff"].documents == docs
    held = author.set_answer(held, "staff", Answer(rating=None, response="", evidence="",
                                                   actions=acts[:1]))
    assert author.get(held.id).answers["staff"] == Answer(actions=acts[:1])
    held = author.set_answer(held, "staff", Answer(response="Back again", actions=acts[:1]))
    assert author.get(held.id) == held
    rows = author.repo.audit_rows(held.id, held.version, "answers.staff.response")
    assert [r.new_value for r in rows][-4:] == ["Second", "Third, with ' and \\ in it", "",
                                                "Back again"]


def test_a_stale_autosave_is_still_refused_or_merged(author, pg_register):
    held = author.get(author.repo.all_ids()[0])
    other = open_service(pg_register.url("alice"))
    try:
        theirs = other.set_answer(other.get(held.id), "staff",
                                  Answer(rating=Rating.RED, response="Theirs", evidence="T"))
        with pytest.raises(Refused):  # the same answer changed by both: not overwritten
            author.set_answer(held, "staff", Answer(rating=Rating.GREEN, response="Mine"))
        assert author.get(held.id).answers["staff"] == theirs.answers["staff"]
    finally:
        other.repo.close()
