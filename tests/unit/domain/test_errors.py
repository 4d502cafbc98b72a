"""A known error may name the input it is about; its message and exit status stay its own."""

from __future__ import annotations

import pytest

from desktop.domain.errors import InvalidInput, KnownError, NotFound, Refused


@pytest.mark.parametrize("kind", [InvalidInput, NotFound, Refused])
def test_an_error_carries_its_field_beside_an_unchanged_message(kind):
    exc = kind("title: enter a title", field="title")
    assert (str(exc), exc.field, exc.args) == ("title: enter a title", "title",
                                               ("title: enter a title",))
    assert isinstance(exc, KnownError)


def test_an_error_about_no_input_has_no_field():
    assert InvalidInput("not a PDF file").field is None
