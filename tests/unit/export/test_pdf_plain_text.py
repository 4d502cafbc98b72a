"""Plain text's paragraphs made without ReportLab's parser are the parser's, to the attribute."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from reportlab.platypus import Paragraph

from desktop.export.pdf.plain_text import PlainFragments
from desktop.export.pdf.styles import TextGuard, register_fonts, stylesheet

STYLES = stylesheet()
GUARD = TextGuard(register_fonts())


def attributes(para: Paragraph) -> tuple[dict, list[dict]]:
    state = dict(para.__dict__)
    return state, [vars(f) for f in state.pop("frags")]


def made_both_ways(text: str, style_name: str, bullet: str | None) -> tuple[object, object]:
    style = STYLES[style_name]
    plain = PlainFragments().of(text, style)
    parsed = Paragraph(text, style, bullet)
    if plain is None:
        return None, None
    fast = Paragraph(plain[0], style, bullet, frags=plain[1])
    return attributes(fast), attributes(parsed)


@given(st.lists(st.text() | st.sampled_from([" ", "  ", "\n", "\t", "\xa0", "<b>x</b>", "&amp;",
                                             "'", '"', ">", "中文", "\u202e"])).map("".join),
       st.sampled_from(["Body", "Cell", "CellHead", "Question", "Secondary", "H2"]),
       st.sampled_from([None, "•", "1."]))
def test_plain_text_is_made_as_the_parser_makes_it(text, style_name, bullet):
    fast, parsed = made_both_ways(text, style_name, bullet)
    assert fast == parsed


@given(st.text())
def test_a_users_text_as_escaped_markup(text):
    for markup in GUARD.blocks(text, "test"):
        fast, parsed = made_both_ways(markup, "Body", None)
        assert fast == parsed


def test_plain_words_take_the_fast_way_and_markup_the_parser():
    fragments = PlainFragments()
    cleaned, frags = fragments.of("  Completed and \n checked  ", STYLES["Cell"])
    assert cleaned == "Completed and checked" and [f.text for f in frags] == [cleaned]
    assert fragments.of("<b>Rating</b>", STYLES["Cell"]) is None
    assert fragments.of("Fish &amp; chips", STYLES["Cell"]) is None
    assert fragments.of("   ", STYLES["Cell"]) is None
