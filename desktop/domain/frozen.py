"""`@frozen`: a frozen dataclass whose generated methods were compiled ahead, not at start-up.

`@dataclass(frozen=True)` writes the source of `__init__`, `__repr__`, `__eq__` and `__hash__`
and compiles it each time the class is created: ~0.5 ms a class on Python 3.11, ~4 ms for the
45 fields of `Decision`, and the window's first paint needs eighteen such classes. `@frozen`
gives the same methods, written once by `python -m desktop.domain.frozen_codegen` into
`_frozen_methods.py`, which Python keeps compiled like any module. The class is still a frozen
dataclass (`fields`, `replace`, `asdict`, assignment refused with FrozenInstanceError).

A class whose fields no longer match what was generated (a field added, renamed, given a
default) gets the standard library's methods instead, so it is never wrong, only slower;
`tests/unit/domain/test_frozen.py` fails until the file is generated again, and checks
that every `@frozen` class behaves as its `@dataclass(frozen=True)` twin.
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
from collections.abc import Callable
from typing import Any, TypeVar, cast, dataclass_transform

from desktop.domain import _frozen_methods

C = TypeVar("C", bound=type)

Layout = tuple[tuple[str, str], ...]  # each field's name, and "" / "=" (a default) / "()" (a factory)


def layout_of(cls: type) -> Layout:
    """A dataclass's fields as the generated methods take them."""
    return tuple((f.name, "()" if f.default_factory is not dataclasses.MISSING
                  else "=" if f.default is not dataclasses.MISSING else "")
                 for f in dataclasses.fields(cls))


def _declared_layout(cls: type) -> Layout | None:
    """The layout the class body declares (None: something `@frozen` leaves to the standard
    library: a ClassVar, InitVar or KW_ONLY, or a field() with more than a default)."""
    out = []
    for name, annotation in inspect.get_annotations(cls).items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if any(word in text for word in ("ClassVar", "InitVar", "KW_ONLY")):
            return None
        value = cls.__dict__.get(name, dataclasses.MISSING)
        if isinstance(value, dataclasses.Field):
            plain = (value.init and value.repr and value.compare and value.hash is None
                     and value.kw_only in (False, dataclasses.MISSING) and not value.metadata)
            if not plain:
                return None
            out.append((name, "()" if value.default_factory is not dataclasses.MISSING
                        else "=" if value.default is not dataclasses.MISSING else ""))
        else:
            out.append((name, "" if value is dataclasses.MISSING else "="))
    return tuple(out)


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: C) -> C:
    """`@dataclass(frozen=True)`, with its methods compiled ahead where they were generated."""
    key = f"{cls.__module__}.{cls.__qualname__}"
    maker: Callable[..., tuple[Callable[..., Any], ...]] | None = _frozen_methods.MAKERS.get(key)
    if (maker is None or "__post_init__" in cls.__dict__ or not cls.__doc__
            or _declared_layout(cls) != _frozen_methods.LAYOUTS[key]):
        return cast(C, dataclasses.dataclass(frozen=True)(cls))
    dataclasses.dataclass(frozen=True, init=False, repr=False, eq=False)(cls)  # in place
    defaults: dict[str, Any] = {}
    factories: dict[str, Any] = {}
    annotations: dict[str, Any] = {}  # the signature shows each field's type, as dataclass's
    for f in dataclasses.fields(cls):
        annotations[f.name] = f.type
        if f.default_factory is not dataclasses.MISSING:
            factories[f.name] = f.default_factory
        elif f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
    # the marker dataclasses gives a factory's parameter, so the signature reads the same
    factory_marker = dataclasses._HAS_DEFAULT_FACTORY  # type: ignore[attr-defined]
    init, repr_, eq, hash_ = maker(defaults, factories, factory_marker, object.__setattr__)
    init.__annotations__ = {**annotations, "return": None}
    for name, fn in (("__init__", init), ("__repr__", reprlib.recursive_repr()(repr_)),
                     ("__eq__", eq), ("__hash__", hash_)):
        fn.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, fn)
    cls.__frozen_fields__ = frozenset(annotations)  # type: ignore[attr-defined]
    return cls


R = TypeVar("R")


def replaced(record: R, **changes: Any) -> R:
    """`dataclasses.replace(record, **changes)`, the same record, made without passing every
    field through `__init__` again (15 µs for the 45 fields of a `Decision`; this, 1 µs).

    For a class `@frozen` generated the methods of, whose `__init__` only sets each field as
    given: its fields are copied, then the changed ones set. Anything else (a class left to
    the standard library, a name that is not a field) goes to `dataclasses.replace`, which
    also says what is wrong."""
    names: frozenset[str] | None = type(record).__dict__.get("__frozen_fields__")
    if names is None or not names.issuperset(changes):
        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    state = record.__dict__
    new = object.__new__(type(record))
    into = new.__dict__
    if len(state) == len(names):  # only its fields (nothing cached beside them)
        into.update(state)
    else:
        into.update({name: value for name, value in state.items() if name in names})
    into.update(changes)
    return new
