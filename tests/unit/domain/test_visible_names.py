"""A name must show something (the hostile tester's L4): a signer "named" U+2800 (the braille
blank), Hangul fillers (U+115F, U+3164) or bidi controls alone names nobody on the printed
record, so the rule (domain/visible.has_visible_character) refuses it; a real name in any
script passes, invisible characters around it or not."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.visible import (
    BIDI_CONTROLS,
    draws_nothing,
    has_visible_character,
    invisible_ranges,
)

INVISIBLE = st.sampled_from(sorted(
    {"\u2800", "\u115f", "\u1160", "\u3164", "\uffa0", "\u200b", "\u200c", "\u200d", "\u2060",
     "\ufeff", "\u00ad", "\u034f", "\u180e", "\u3000", "\u00a0", "\u2028", " ", "\t", "\u0301",
     "\ufe0f", "\u200e", "\u200f", "\U000e0041", "\u1680"} | BIDI_CONTROLS))
INVISIBLE_NAMES = st.lists(INVISIBLE, min_size=1, max_size=12).map("".join)
SEEN = st.characters(whitelist_categories=("Lu", "Ll", "Lt", "Lo", "Nd", "So", "Sm", "Po"),
                     blacklist_characters="\u115f\u1160\u3164\uffa0\u2800")


@given(INVISIBLE_NAMES)
def test_a_name_of_only_invisible_characters_is_not_visible(name):
    assert not has_visible_character(name)


@given(st.tuples(INVISIBLE_NAMES | st.just(""), SEEN, INVISIBLE_NAMES | st.just("")))
def test_one_visible_character_among_invisible_ones_is_a_name(parts):
    assert has_visible_character("".join(parts))


def test_names_in_any_script_are_visible():
    for name in ("Jane Smith", "Siân Ó Briain", "Ангела Меркель", "김민준", "محمد",
                 "李小龍", "O'Neill-Jones", "😀"):
        assert has_visible_character(name)


@given(st.characters(whitelist_categories=("Mc", "Me", "Co")))
def test_a_spacing_or_enclosing_mark_or_a_private_use_character_is_visible(c):
    """They draw (the last hostile tester of issue 17: U+0903, U+20DD, U+E000, rendered in the
    window's DejaVu Sans and in the PDF, domain/visible.py): a name of one alone is a name."""
    assert has_visible_character(c)


def test_the_ogham_space_mark_is_not_a_name():
    """A dash in the window, but white space to Python and to the PDF, which breaks words at
    it and prints a word space (tests/unit/application/test_lifecycle.py prints one): a name
    of it prints as nothing."""
    assert "\u1680".isspace()
    assert not has_visible_character("\u1680")


def test_the_servers_set_is_the_rules_own():
    """The shared register's check of a signer's name (p011) is built from this data: it must
    be the rule's set, code point for code point (fails on a Python with newer Unicode)."""
    from desktop.storage.postgres.invisible_ranges import RANGES, UNICODE_VERSION

    assert (unicodedata.unidata_version, invisible_ranges()) == (UNICODE_VERSION, RANGES)
    assert all(draws_nothing(chr(a)) and draws_nothing(chr(b)) for a, b in RANGES)
