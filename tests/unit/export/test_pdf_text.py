"""Whatever a user types prints literally, or as a visible placeholder with a warning."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from desktop.application.bootstrap import load_shipped_checklist
from desktop.domain.decision import Action, Answer, Decision, Option, Rating
from desktop.domain.record import code_for
from desktop.export.pdf import PrintRecord, render_record


@pytest.fixture(scope="module")
def checklist():
    return load_shipped_checklist()


def render(checklist, **fields):
    d = Decision(id="00000000-0000-4000-8000-000000000000", title=fields.pop("title", "T"),
                 sections=checklist.slugs, **fields)
    return render_record(PrintRecord(d, checklist, code_for(d)))


def text_of(pdf: bytes) -> str:
    """All page text with every whitespace character removed (line breaks fall anywhere)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pages))


LATIN = st.characters(codec="latin-1", categories=("L", "N", "P", "S"))
WORLD = st.sampled_from(list("ąčęėįšųūžŁłŒœŸĞğİıŞşÆæØøÅåÐðÞþßẞΑαΒβΓγΔδΩωЖжЩщЯяЁёЇїҐґ€£©®™–—‘’“”…•"))
WORD = st.text(st.one_of(LATIN, WORLD), min_size=1, max_size=12)
HEBREW = st.text(st.characters(min_codepoint=0x05D0, max_codepoint=0x05EA), min_size=1,
                 max_size=8)
ARABIC = st.text(st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهوي"), min_size=1, max_size=8)
SENTENCE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
MIXED = st.lists(st.one_of(WORD, HEBREW, ARABIC), min_size=1, max_size=12).map(" ".join)
MARKUP = ["<b>bold?</b>", "&amp;", "5 < 6", "a > b", "&lt;i&gt;", "<br/>", "<para>",
          "&nbsp;", "&#169;", "\\n", "R&D", '"quoted"', "'single'", "<font color=red>x</font>"]


def folded(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@settings(max_examples=30)
@given(title=SENTENCE.filter(lambda t: t.strip()), proposal=SENTENCE, response=SENTENCE,
       reason=SENTENCE, owner=SENTENCE, mixed=MIXED, markup=st.sampled_from(MARKUP))
@example(title="<b>bold</b>", proposal="&amp; 5 < 6", response="Zoë’s café — naïve",
         reason="R&D <i>", owner="O’Neill", mixed="שלום עולם مرحبا abc", markup="<b>")
def test_typed_text_prints_literally(checklist, title, proposal, response, reason, owner, mixed,
                                     markup):
    proposal = f"{proposal} {markup}"
    rendered = render(
        checklist, title=title, proposal=proposal, reasons=mixed,
        options=(Option("Do nothing", "rejected", None, reason),),
        answers={"staff": Answer(Rating.AMBER, response, "",
                                 (Action("Consult", owner, "2027-01-01"),))},
    )
    assert rendered.warnings == ()
    # Arabic prints in the font's joined (presentation) forms; NFKC maps them back to letters.
    text = folded(text_of(rendered.pdf))
    for typed in (title, proposal, response, reason, owner):
        assert folded(squeeze(typed)) in text
    # Text extractors guess where neutral characters sit around right-to-left runs, so
    # mixed-direction text is checked character for character rather than in order.
    assert not Counter(folded(squeeze(mixed))) - Counter(text)


def test_right_to_left_words_print_in_reading_order(checklist):
    """Hebrew and Arabic are laid out right to left, so extractors read them back in order."""
    import unicodedata

    rendered = render(checklist, reasons="שלום עולם", proposal="مرحبا بالعالم")
    text = text_of(rendered.pdf)
    # Arabic prints joined: the font's presentation forms (NFKC maps them back to letters).
    assert "ﻣﺮﺣﺒﺎ" in text  # meem initial, reh final, hah initial, beh medial, alef final
    text = unicodedata.normalize("NFKC", text)
    assert "שלוםעולם" in text and "مرحبابالعالم" in text


@settings(max_examples=25)
@given(st.text(max_size=300))
@example(typed="\x1f")  # white space to Python, unprintable to the font
@example(typed=" \x1c\n\x1d ")
def test_any_text_renders_and_every_unprintable_character_is_reported(checklist, typed):
    rendered = render(checklist, title="T", proposal=typed, reasons=typed)
    assert rendered.pdf.startswith(b"%PDF")
    text = text_of(rendered.pdf)
    from desktop.export.pdf.styles import register_fonts

    printable = register_fonts()
    line_breaks = "\n\t\r\x0b\x0c\x85\u2028\u2029"  # kept as line breaks (tab: spaces)
    missing = {f"U+{ord(c):04X}" for c in typed
               if ord(c) not in printable and c not in line_breaks}
    assert rendered.unprintable == missing
    assert bool(rendered.warnings) == bool(missing)
    for code in missing:
        assert f"[{code}]" in text


def test_line_breaks_are_kept(checklist):
    rendered = render(checklist, proposal="first line\nsecond line\n\nnew paragraph")
    lines = [ln.strip() for p in PdfReader(io.BytesIO(rendered.pdf)).pages
             for ln in (p.extract_text() or "").splitlines()]
    i = lines.index("first line")
    assert lines[i + 1] == "second line" and lines[i + 2] == "new paragraph"


def test_a_right_to_left_paragraph_reads_from_its_first_line_down(checklist):
    words = [f"מילה{i}" for i in range(1, 120)]
    rendered = render(checklist, proposal=" ".join(words))
    page = PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()
    lines = [line for line in page.splitlines() if "מילה" in line]
    assert len(lines) > 5  # it wraps
    numbers = [sorted(int(n) for n in re.findall(r"\d+", line)) for line in lines]
    assert numbers[0][0] == 1 and numbers[-1][-1] == 119
    # Each printed line holds the words that follow the previous line's, in order.
    assert [n for line in numbers for n in line] == list(range(1, 120))
