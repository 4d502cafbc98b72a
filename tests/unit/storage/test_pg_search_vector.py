"""The search words sent as a binary tsvector (search_vector) are the words the tsvector
literal (tsvector_text) reads as on the server: the same lexemes and positions, for any text,
long words cut and late positions clamped, a word's positions past 256 left out as
tsvector_in leaves them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.storage.postgres.repository import tsvector_text
from desktop.storage.postgres.search_vector import register_dumper, search_vector

pytestmark = pytest.mark.postgres

_WORDS = st.text(alphabet=st.sampled_from(list("ab'\\ \u00e9\u0301\u00df\nZ9_-\u0130\U0001d159")),
                 max_size=80)


@pytest.fixture
def conn(pg_register):
    with pg_register.connect("carol") as conn:  # a reader: nothing is written
        register_dumper(conn)
        yield conn


def _as_read(conn, text: str) -> tuple[str, str]:
    return conn.execute("SELECT (%s::tsvector)::text, (%s::tsvector)::text",
                        [search_vector(text), tsvector_text(text)]).fetchone()


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(), _WORDS))
def test_the_binary_words_are_the_literals_for_any_text(conn, text):
    binary, literal = _as_read(conn, text)
    assert binary == literal


def test_long_words_late_positions_and_many_repeats_read_alike(conn):
    for text in ("word " * 300 + "other\n" * 20,  # 300 positions of one word: 256 kept
                 "\n".join(" ".join(f"w{i % 50}" for i in range(j, j + 500))
                           for j in range(0, 17000, 500)),  # past position 16383
                 "\u00e9" * 400 + " " + "x" * 700 + "\n" + "x" * 600,  # cut at 500 bytes
                 "x" * 600 + " " + "x" * 501 + " zebra"):  # two words, one lexeme
        binary, literal = _as_read(conn, text)
        assert binary == literal and binary
