"""`@frozen` (desktop/domain/frozen.py): the methods compiled ahead are the ones
`@dataclass(frozen=True)` would have made, and they are up to date with the classes."""

from __future__ import annotations

import dataclasses
import importlib
import inspect

import pytest

from desktop.domain import _frozen_methods
from desktop.domain.frozen import frozen, layout_of, replaced
from desktop.domain.frozen_codegen import FROZEN, OUT, source

CLASSES = [getattr(importlib.import_module(module), name) for module, name in FROZEN]


def _twin(cls: type) -> type:
    """The same fields made by the standard library's @dataclass(frozen=True)."""
    spec = []
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            spec.append((f.name, f.type, dataclasses.field(default_factory=f.default_factory)))
        elif f.default is not dataclasses.MISSING:
            spec.append((f.name, f.type, dataclasses.field(default=f.default)))
        else:
            spec.append((f.name, f.type))
    return dataclasses.make_dataclass(cls.__name__, spec, frozen=True)


def _values(cls: type, tag: str = "v") -> dict[str, object]:
    return {f.name: f"{tag}{i}" for i, f in enumerate(dataclasses.fields(cls))}


def _required(cls: type) -> dict[str, object]:
    return {f.name: f"r{i}" for i, f in enumerate(dataclasses.fields(cls))
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}


def test_the_generated_methods_are_up_to_date():
    assert OUT.read_text(encoding="utf-8") == source(), (
        "run `python -m desktop.domain.frozen_codegen`: a @frozen class's fields changed")


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_each_listed_class_uses_the_methods_compiled_ahead(cls):
    key = f"{cls.__module__}.{cls.__qualname__}"
    assert _frozen_methods.LAYOUTS[key] == layout_of(cls)
    for name in ("__init__", "__eq__", "__hash__"):
        assert getattr(cls, name).__code__.co_filename == _frozen_methods.__file__, name
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_each_class_behaves_as_its_standard_dataclass_twin(cls):
    twin = _twin(cls)
    assert dataclasses.is_dataclass(cls)
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in dataclasses.fields(twin)]
    assert cls.__match_args__ == twin.__match_args__
    assert inspect.signature(cls) == inspect.signature(twin)
    values = _values(cls)
    mine, theirs = cls(**values), twin(**values)
    assert repr(mine) == repr(theirs)
    assert hash(mine) == hash(theirs)
    assert mine == cls(**values)
    assert (mine != cls(**values)) is False
    assert cls(*values.values()) == mine  # positional, in field order
    assert mine.__eq__(theirs) is NotImplemented and mine != theirs
    assert mine.__eq__("something else") is NotImplemented
    for name in values:  # each field counts for equality
        other = dataclasses.replace(mine, **{name: "changed"})
        assert other != mine and getattr(other, name) == "changed"
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(mine, name, "x")
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(mine, name)
    assert dataclasses.asdict(mine) == dataclasses.asdict(theirs)
    required = _required(cls)
    defaulted, standard = cls(**required), twin(**required)
    assert repr(defaulted) == repr(standard)
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:  # a new one each time
            assert getattr(defaulted, f.name) is not getattr(cls(**required), f.name)
    with pytest.raises(TypeError):
        cls(**values, unknown=1)
    if required:
        with pytest.raises(TypeError):
            cls()


def test_a_recursive_value_is_shown_as_dots():
    from desktop.domain.decision import Decision

    answers: dict[str, object] = {}
    decision = Decision("d1", "Title", answers=answers)  # type: ignore[arg-type]
    answers["loop"] = decision
    assert "answers={'loop': ...}" in repr(decision)


def test_a_class_whose_fields_changed_gets_the_standard_methods_and_is_right():
    # As if Action had gained a field since _frozen_methods.py was written.
    namespace = {"__module__": "desktop.domain.decision", "__qualname__": "Action",
                 "__doc__": "Changed.", "__annotations__": {"action": "str", "added": "int"},
                 "added": 0}
    changed = frozen(type("Action", (), namespace))
    assert changed.__init__.__code__.co_filename != _frozen_methods.__file__
    assert repr(changed("a", 2)) == "Action(action='a', added=2)"
    assert changed("a") == changed("a", 0) != changed("a", 1)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_replaced_is_dataclasses_replace(cls):
    mine = cls(**_values(cls))
    for name in _values(cls):
        fast, slow = replaced(mine, **{name: "changed"}), dataclasses.replace(mine, **{name: "changed"})
        assert type(fast) is cls and fast == slow and repr(fast) == repr(slow)
        assert hash(fast) == hash(slow) and vars(fast) == vars(slow)
        assert getattr(mine, name) != "changed"  # the record replaced from is unchanged
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(fast, name, "x")
    with pytest.raises(TypeError):
        replaced(mine, unknown=1)


def test_replaced_copies_the_fields_only_and_leaves_other_classes_to_dataclasses():
    from desktop.domain.decision import Decision

    decision = Decision("d1", "Title", answers={})
    object.__setattr__(decision, "_cached", "stale")  # as functools.cached_property keeps one
    changed = replaced(decision, title="New")
    assert changed == dataclasses.replace(decision, title="New") and changed.title == "New"
    assert "_cached" not in vars(changed)
    changed_twin = _twin(Decision)(**{**dataclasses.asdict(decision), "answers": {}})
    assert replaced(changed_twin, title="New") == dataclasses.replace(changed_twin, title="New")
