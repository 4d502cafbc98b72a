"""A paragraph's fragments for text without markup, made without ReportLab's parser. No Qt.

Nineteen in twenty paragraphs of a pack are plain text: a user's words, escaped, with no tag
and no entity. ReportLab still runs each through its HTML parser, which wraps it in <para>,
builds the style's starting fragment and copies it with the text: a third of the time a
pack took to make its flowables. For such text the parser's result is always one fragment,
the style's, holding the text as ReportLab cleans it (cleanBlockQuotedText: each line's
spaces collapsed, lines joined with a space). So the style's fragment is made once, by
ReportLab's parser, and copied with each text, as the parser copies it.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from reportlab.platypus.paragraph import Paragraph, cleanBlockQuotedText

if TYPE_CHECKING:
    from reportlab.lib.styles import PropertySet

_PROBE = "x"


class PlainFragments:
    """The fragments of plain text in each style (one per document: styles by identity)."""

    def __init__(self) -> None:
        self._starts: dict[int, tuple[PropertySet, Any]] = {}  # id(style) -> (style, fragment)

    def of(self, text: str, style: PropertySet) -> tuple[str, list[Any]] | None:
        """(the text as ReportLab keeps it, its fragments) as ReportLab's parser makes them
        for this text in this style, or None when the text has markup (a tag or an entity),
        cleans to nothing, or the style transforms its text (the parser is then used)."""
        if "<" in text or "&" in text:
            return None
        cleaned = cleanBlockQuotedText(text)
        start = self._start(style)
        if not cleaned or start is None:
            return None
        frag = copy.copy(start)
        frag.text = cleaned
        frag.link, frag.us_lines = [], []  # each paragraph's own, as the parser gives them
        return cleaned, [frag]

    def _start(self, style: PropertySet) -> Any:
        made = self._starts.get(id(style))
        if made is None:
            probe = Paragraph(_PROBE, style)
            frags = probe.frags
            plain = (len(frags) == 1 and frags[0].text == _PROBE and probe.style is style
                     and not getattr(style, "textTransform", None)
                     and not frags[0].link and not frags[0].us_lines)
            made = self._starts[id(style)] = (style, frags[0] if plain else None)  # style kept alive
        return made[1]
