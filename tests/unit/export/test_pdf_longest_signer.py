"""A sign-off whose signer's name is the longest the app and the server allow (MAX_NAME) still
prints, in the widest Latin letter and in a wide script (issue 17, the hostile tester's M6: a
longer one, stored with raw SQL, raised ReportLab's LayoutError)."""

from __future__ import annotations

import pytest

from desktop.application.lifecycle import SignOffRequest
from desktop.application.printing import print_record
from desktop.domain.sign_off_limits import MAX_NAME
from desktop.export.pdf import render_record
from tests.helpers.pdf import page_texts


# The widest Latin letter, the font's widest letter (Canadian syllabics NNGAA, 1.6 W), and a
# Chinese one the font lacks (printed as the wider placeholder "[U+5F20]").
@pytest.mark.parametrize(("letter", "printed"), [("W", "W"), ("\u1676", "\u1676"),
                                                 ("\u5f20", "[U+5F20]")])
def test_the_longest_signer_name_prints_whole(service, example_bundle_text, letter, printed):
    decision = service.import_bundle(example_bundle_text)[0]
    name = letter * MAX_NAME
    service.lifecycle.record_sign_off(
        decision.id, SignOffRequest("Proposing Director", name, "2026-11-24", "CAB/1"))
    pdf = render_record(print_record(service, decision.id)).pdf
    page = next(t for t in page_texts(pdf) if "By signing, each person" in t)
    assert "".join(page.split()).count(printed) == MAX_NAME
