"""Options and action owners read back whole at 1024 px (and at 1280 and 150%)."""

from __future__ import annotations

from desktop.domain.decision import Action, Answer, Option, Rating
from desktop.ui.editor.row_table import WrappingLine

LONG_NAME = "Shared service with Northbrook District Council and two neighbouring boroughs"
OWNER = "Director of Communities and Neighbourhoods, Westmere County Council"


def _shows_all(box: WrappingLine) -> bool:
    return box.document().size().height() <= box.viewport().height() + 1


def test_options_and_owners_wrap_instead_of_cutting_off(window, service, qtbot):
    d = service.create("Join the shared highways service", options=(
        Option(LONG_NAME, "recommended", "shared-service", "Pools depots, fleet and staff " * 4),))
    d = service.set_answer(d.id, "values", Answer(
        rating=Rating.AMBER, response="Partly.", actions=(Action("Consult", OWNER, "2027-02-03"),)))
    for width in (1024, 1280):
        window.showNormal()
        window.resize(width, 768)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        window.open_decision(d.id)
        options = window.editor.details.options
        name, reason = options.cell(0, "name"), options.cell(0, "reason")
        assert isinstance(name, WrappingLine) and isinstance(reason, WrappingLine)
        qtbot.waitUntil(lambda n=name, r=reason: _shows_all(n) and _shows_all(r))
        assert name.text() == LONG_NAME
        outcome = options.cell(0, "status")
        assert outcome.currentText() == "Recommended"
        assert outcome.width() >= outcome.fontMetrics().horizontalAdvance("Recommended") + 24
        window.editor.go_to(1)
        owner = window.editor.principles[0].actions.cell(0, "owner")
        assert isinstance(owner, WrappingLine)
        qtbot.waitUntil(lambda o=owner: _shows_all(o))
        assert owner.text() == OWNER
