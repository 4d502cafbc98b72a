"""The shipped example is marked as an example wherever it shows (issue 13, item 10b)."""

from __future__ import annotations

import json

from desktop import paths
from desktop.ui.register.model import COLUMNS, EXAMPLE_PREFIX

TITLE = [k for k, _ in COLUMNS].index("title")


def test_the_example_ids_are_the_bundles(service):
    bundle = json.loads(paths.resource("example-bundle.json").read_text("utf-8"))
    assert service.example_ids == {d["id"] for d in bundle["decisions"]}


def test_the_example_is_marked_in_the_register_and_the_editor(make_window, service):
    window = make_window(service)
    window.open_example()
    example = sorted(service.example_ids)[0]
    own = service.create(title="Our own decision")
    window.register.refresh()
    model = window.register.model
    titles = {model.row_id(r): model.data(model.index(r, TITLE)) for r in range(model.rowCount())}
    assert titles[example].startswith(EXAMPLE_PREFIX)
    assert titles[own.id] == "Our own decision"
    window.open_decision(example)
    assert window.editor.title_label.text().startswith(EXAMPLE_PREFIX)
    window.open_decision(own.id)
    assert window.editor.title_label.text() == "Our own decision"
