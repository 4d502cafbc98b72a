"""Text shown as what it is: a bidirectional control cannot make one title pass for another.

U+202E (RIGHT-TO-LEFT OVERRIDE) and its kin reorder everything after them, so that
"Approve\u202e lanif ton" is displayed as something it does not say. Wherever a title or a
reference is displayed (the window's register, the PDF), each embedding, override and isolate
is shown as a visible token such as ⟨U+202E⟩ instead. The stored text is left as it is (the
verification code is computed from it). The terminal's own escaping is desktop/cli.one_line.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_VISIBLE = str.maketrans({c: f"⟨U+{ord(c):04X}⟩" for c in BIDI_CONTROLS})


def visible_controls(text: str | None) -> str | None:
    """`text` with every bidirectional embedding, override and isolate shown as ⟨U+XXXX⟩."""
    return text.translate(_VISIBLE) if text else text


FSI, PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE
LRM = "\u200e"  # LEFT-TO-RIGHT MARK


def isolated(text: str) -> str:
    """`text` (a title, a name) set into a sentence of the window's own words: between bidi
    isolates, so a Hebrew or Arabic title reads right to left inside an English sentence
    without reordering the words around it; its own controls are shown, as above.

    A left-to-right mark goes first: Qt's rich labels (a message box's) take a paragraph's
    direction from its first strong letter, isolates or not, so a sentence opening with a
    Hebrew title was laid out right to left, its full stop at the left edge."""
    return f"{LRM}{FSI}{visible_controls(text) or ''}{PDI}"


# Letters and symbols that draw nothing: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0),
# the braille blank (U+2800), Khmer's inherent vowels (U+17B4, U+17B5), the combining
# grapheme joiner (U+034F) and the musical null notehead (U+1D159); with every separator (Z*),
# control, format, surrogate or unassigned character (Cc, Cf, Cs, Cn) and non-spacing mark
# (Mn: nothing to sit on alone), they are not a visible character.
#
# Drawn, as the hostile tester of issue 17 found (each rendered in the window's DejaVu Sans
# and in the PDF): a spacing mark (Mc, U+0903 DEVANAGARI SIGN VISARGA) and an enclosing one
# (Me, U+20DD COMBINING ENCLOSING CIRCLE) have ink and width of their own; a private-use
# character (Co) is drawn by whatever font holds it, else shown as a box in the window and as
# its [U+XXXX] placeholder in the PDF (export/pdf/styles.TextGuard). U+1680 OGHAM SPACE MARK
# is a dash in the window but a space separator all the same: the PDF, like Python's
# str.split, breaks words at it and prints a word space, so a name of it prints as nothing.
_DRAW_NOTHING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u034f\U0001d159")
_NOT_DRAWN = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Cn", "Mn"})


def draws_nothing(c: str) -> bool:
    """True if the one character `c` is not a visible character (see above)."""
    return c in _DRAW_NOTHING or unicodedata.category(c) in _NOT_DRAWN


def has_visible_character(text: str) -> bool:
    """True if `text` shows at least one character on a page: a name of only spaces, bidi
    controls, zero-width characters, Hangul fillers or the braille blank names nobody."""
    return not all(map(draws_nothing, text))


def invisible_ranges() -> tuple[tuple[int, int], ...]:
    """The code points that draw nothing, as (first, last) ranges: the same rule as
    draws_nothing, for a check written in another language (the shared register's server,
    p011). NUL and the surrogates are left out: no stored text can hold them."""
    ranges: list[tuple[int, int]] = []
    start = None
    for cp in range(1, 0x110000):
        if 0xD800 <= cp <= 0xDFFF or not draws_nothing(chr(cp)):
            if start is not None:
                ranges.append((start, cp - 1))
                start = None
        elif start is None:
            start = cp
    if start is not None:
        ranges.append((start, 0x10FFFF))
    return tuple(ranges)
