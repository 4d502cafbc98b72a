"""Text shown as what it is: a bidirectional control cannot make one title pass for another.

U+202E (RIGHT-TO-LEFT OVERRIDE) and its kin reorder everything after them, so that
"Approve\u202e lanif ton" is displayed as something it does not say. Wherever a title or a
reference is displayed (the window's register, the PDF), each embedding, override and isolate
is shown as a visible token such as ⟨U+202E⟩ instead. The stored text is left as it is (the
verification code is computed from it). The terminal's own escaping is desktop/cli.one_line.
"""

from __future__ import annotations

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
