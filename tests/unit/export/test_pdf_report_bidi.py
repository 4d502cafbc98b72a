"""A bidirectional override typed into a committee-report field or a document prints as a
visible ⟨U+202E⟩, as it does in a title or reference: never obeyed, reordering the words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.application.printing import print_record
from desktop.domain.decision import Answer, Document, Rating
from desktop.export.pdf import render_record
from tests.helpers.pdf import page_texts

CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
            "\u2069"]
LINE_FIELDS = ("report_of", "contact_officer", "wards_affected", "financial_officer",
               "legal_officer", "equalities_officer")
TEXT_FIELDS = ("exempt_parts", "financial_implications", "legal_implications",
               "equalities_implications")


def _printed(service, decision_id) -> str:
    return "".join(page_texts(render_record(print_record(service, decision_id)).pdf))


@pytest.mark.parametrize("field", [*LINE_FIELDS, *TEXT_FIELDS, "recommendations",
                                   "document title", "document held at"])
def test_an_override_in_a_report_field_prints_visibly(service, field):
    d = service.create("Close the depot", proposal="Move the work.")
    value = f"Mark{field.replace(' ', '')}\u202eSIGNED\u202c"
    if field == "recommendations":
        service.update(d.id, recommendations=(value,))
    elif field.startswith("document"):
        doc = (Document(value, "2026-03-03", "") if field == "document title"
               else Document("Report", "2026-03-03", value))
        service.set_answer(d.id, "values", Answer(Rating.GREEN, "Done.", documents=(doc,)))
    else:
        service.update(d.id, **{field: value})
    text = _printed(service, d.id)
    assert "\u202e" not in text and "\u202c" not in text
    shown = f"Mark{field.replace(' ', '')}⟨U+202E⟩SIGNED⟨U+202C⟩"
    assert shown in text.replace(" ", "")


@settings(max_examples=10, deadline=None)
@given(control=st.sampled_from(CONTROLS), field=st.sampled_from(LINE_FIELDS))
def test_every_bidi_control_is_shown(service, control, field):
    d = service.create("Bidi", proposal="P")
    service.update(d.id, **{field: f"a{control}b"})
    text = _printed(service, d.id)
    assert control not in text
    assert f"a⟨U+{ord(control):04X}⟩b" in text.replace(" ", "")
