"""Printed records across the lifecycle: signers shown, no mark once locked, and an amendment
leaves the earlier version's PDF text and verification code as they were, but for its status:
superseded."""

from __future__ import annotations

import io

from pypdf import PdfReader

from desktop.application.printing import print_record
from desktop.domain.decision import Answer, Rating
from desktop.domain.record import code_for
from desktop.export.pdf import render_record
from tests.helpers.lifecycle import signed_off_decision


def _rec(service, decision_id, version=None):
    return print_record(service, decision_id, version)


def _pdf(service, decision_id, version=None):
    rendered = render_record(_rec(service, decision_id, version))
    reader = PdfReader(io.BytesIO(rendered.pdf))
    pages = [p.extract_text() for p in reader.pages]
    return pages, reader.metadata.get("/Keywords", "")


def test_signed_off_pdf_shows_the_signers_and_no_mark(service):
    d = signed_off_decision(service)
    assert _rec(service, d.id).mark == ()
    pages, keywords = _pdf(service, d.id)
    text = "\n".join(pages)
    assert "Signer for Section 151 Officer" in text
    assert "Min 45/26" in text
    assert "DRAFT" not in text
    assert code_for(d) in keywords and code_for(d) in pages[-1]


def test_amendment_leaves_the_earlier_versions_pdf_and_code_unchanged(service):
    v1 = signed_off_decision(service)
    before_pages, before_keywords = _pdf(service, v1.id, 1)
    service.lifecycle.amend(v1.id, "The committee asked for a longer consultation")
    staff = service.get(v1.id).answer("staff")
    service.set_answer(v1.id, "staff", Answer(rating=Rating.RED, response="Consultation extended.",
                                              actions=staff.actions))
    service.update(v1.id, title="Bring highways maintenance in-house (amended)")
    after_pages, after_keywords = _pdf(service, v1.id, 1)
    # Only its status changes: superseded, on the cover and in its mark.
    status = "Superseded by version 2 on 25 Nov 2026\n(this version was signed off)"
    assert status in after_pages[0] and "Signed off" in before_pages[0]
    assert after_pages[0].replace(status, "Signed off") == before_pages[0]
    assert after_pages[1:] == before_pages[1:]
    assert after_keywords == before_keywords
    assert code_for(service.get(v1.id, 1)) == code_for(v1)
    assert _rec(service, v1.id, 1).mark == ("SUPERSEDED BY VERSION 2", "25 Nov 2026")

    v2_pages, v2_keywords = _pdf(service, v1.id)
    v2_text = "\n".join(v2_pages)
    assert _rec(service, v1.id).mark == ("FOR SIGNATURE —", "NOT YET SIGNED")  # complete
    assert "The committee asked for a longer consultation" in v2_text
    assert code_for(service.get(v1.id)) in v2_keywords
    assert v2_keywords != before_keywords


def test_the_amended_pdf_prints_the_redline_and_the_earlier_one_does_not(service):
    v1 = signed_off_decision(service)
    service.lifecycle.amend(v1.id, "Consultation extended")
    service.update(v1.id, title=v1.title + " with a break clause")
    staff = service.get(v1.id).answer("staff")
    service.set_answer(v1.id, "staff", Answer(rating=Rating.RED, response="Unions <oppose> & c.",
                                              actions=staff.actions))
    v1_text = " ".join(" ".join(_pdf(service, v1.id, 1)[0]).split())
    v2_text = " ".join(" ".join(_pdf(service, v1.id)[0]).split())
    assert "Changes since version" not in v1_text
    assert "Changes since version 1" in v2_text
    assert "Removed words are struck through; added words are underlined." in v2_text
    redline = v2_text[v2_text.index("Changes since version 1"):]
    assert "with a break clause" in redline
    assert "Unions <oppose> & c." in redline  # escaped, printed literally


def test_follow_up_after_sign_off_leaves_the_signed_pdf_unchanged(service):
    v1 = signed_off_decision(service)
    staff = v1.answer("staff")
    assert staff.actions and not staff.actions[0].done
    before_pages, before_keywords = _pdf(service, v1.id, 1)
    assert "Open" in "\n".join(before_pages)
    # The action is done after the meeting: the register knows, the signed record does not.
    marked = service.lifecycle.set_action_done(v1.id, "staff", 0, True)
    assert marked.answer("staff").actions[0].done
    assert service.get(v1.id).answer("staff").actions[0].done
    after_pages, after_keywords = _pdf(service, v1.id, 1)
    assert after_pages == before_pages
    assert after_keywords == before_keywords


def test_an_action_done_before_sign_off_prints_as_done(service):
    from tests.helpers.lifecycle import ROLES, complete_decision, sign

    d = complete_decision(service)
    service.lifecycle.set_action_done(d.id, "staff", 0, True)
    for role in ROLES:
        sign(service, d.id, role)
    pages, _ = _pdf(service, d.id)
    text = "\n".join(pages)
    assert "Done" in text
