"""The printed record carries the committee report: report of, contact officer, wards,
numbered recommendations, exempt information at the top, implications under each officer's
name and post, the decision timeline, and a short-notice warning. Read back from the PDF."""

from __future__ import annotations

from desktop.application.printing import print_record
from desktop.export.pdf import render_record
from tests.helpers.pdf import page_texts, squash

REPORT = dict(
    report_of="Director of Environment", contact_officer="Ann Officer, 01234 567890",
    wards_affected="All wards",
    recommendations=("Agree to outsource waste collection", "Delegate award to the “Director”",
                     "Note the <risks> & savings"),
    exempt_paragraph=3, exempt_parts="Appendix 2: tender prices",
    financial_implications="Saves £1.2m a year from 2028.", financial_officer="Bea Finance",
    legal_implications="The Procurement Act 2023 applies.", legal_officer="Cal Legal",
    equalities_implications="EIA attached: no adverse effect.", equalities_officer="Dee Equal",
    key_decision=True, meeting_date="2027-01-15", forward_plan_notice_date="2026-12-18",
    publication_date="2027-01-18",
)


def _text(service, decision_id) -> tuple[str, list[str]]:
    pages = page_texts(render_record(print_record(service, decision_id)).pdf)
    return squash("\n".join(pages)), [squash(p) for p in pages]


def test_the_report_prints_in_full(service):
    d = service.create("Outsource waste collection", proposal="Outsource it.")
    service.update(d.id, **REPORT)
    text, pages = _text(service, d.id)
    for words in ("Report of Director of Environment", "Contact officer Ann Officer, 01234 567890",
                  "Wards affected All wards",
                  "1. Agree to outsource waste collection",
                  "2. Delegate award to the “Director”", "3. Note the <risks> & savings",
                  "Saves £1.2m a year from 2028. Bea Finance, Chief Finance Officer "
                  "(Section 151 officer)",
                  "The Procurement Act 2023 applies. Cal Legal, Monitoring Officer",
                  "EIA attached: no adverse effect. Dee Equal, Equalities officer"):
        assert squash(words) in text, words
    # Exempt information and the warning are on the first page, under the title.
    assert "Exempt information: not for publication." in pages[0]
    assert "paragraph 3 of Part 1 of Schedule 12A" in pages[0]
    assert "Exempt parts: Appendix 2: tender prices" in pages[0]
    assert "Warning: short notice. This key decision had 27 clear days' notice" in pages[0]
    # The timeline, hand-worked: notice Fri 18 Dec 2026, decision Fri 15 Jan 2027, published
    # Mon 18 Jan 2027; five working days to Mon 25 Jan; challenge by Thu 15 Apr 2027.
    for words in ("Forward plan notice 18 December 2026 (27 clear days before the decision)",
                  "Decision date 15 January 2027",
                  "Decision notice published 18 January 2027",
                  "Call-in ends (5 working days after publication) 25 January 2027",
                  "Implementable from 26 January 2027",
                  "Legal challenge: three months end 15 April 2027"):
        assert squash(words) in text, words


def test_enough_notice_or_an_urgency_route_prints_no_warning(service):
    d = service.create("Outsource waste collection", proposal="Outsource it.")
    service.update(d.id, **{**REPORT, "forward_plan_notice_date": "2026-12-17"})
    text, _ = _text(service, d.id)
    assert "Warning: short notice" not in text
    assert "(28 clear days before the decision)" in text
    service.update(d.id, forward_plan_notice_date="2027-01-10", urgency_route="special-urgency")
    text, _ = _text(service, d.id)
    assert "Warning: short notice" not in text
    assert "Call-in ends (5 working days after publication) Exempt (special urgency)" in text
    assert "Implementable from 15 January 2027" in text


def test_a_record_without_the_report_prints_as_before_with_an_empty_timeline(service):
    d = service.create("Outsource waste collection", proposal="Outsource it.")
    text, _ = _text(service, d.id)
    assert "Exempt information" not in text and "Implications" not in text
    assert "Recommendations" not in text
    assert "Decision timeline" in text and "Decision date Not recorded" in text


def test_the_councils_call_in_period_prints(service):
    d = service.create("Outsource waste collection", proposal="Outsource it.")
    service.update(d.id, meeting_date="2026-12-10", publication_date="2026-12-18")
    service.set_call_in_days(3)
    text, _ = _text(service, d.id)
    # Fri 18 Dec 2026: Mon 21, Tue 22, Wed 23.
    assert "Call-in ends (3 working days after publication) 23 December 2026" in text


def test_a_printed_record_with_the_report_verifies(service, tmp_path):
    from desktop.application.verification import MATCH, check_file

    d = service.create("Outsource waste collection", proposal="Outsource it.")
    service.update(d.id, **REPORT)
    path = tmp_path / "record.pdf"
    path.write_bytes(render_record(print_record(service, d.id)).pdf)
    assert [f.result for f in check_file(service, path)] == [MATCH]
    service.update(d.id, recommendations=REPORT["recommendations"][:2])  # one fewer printed
    assert [f.result for f in check_file(service, path)] != [MATCH]
