"""The JSON bundle (decision-checklist/1): strict, all-or-nothing parsing and export."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from desktop.domain.checklist import Checklist
from desktop.domain.decision import Decision
from desktop.domain.errors import InvalidInput
from desktop.domain.record import from_record, to_record
from desktop.domain.timeline import CALL_IN_DAYS

FORMAT = "decision-checklist/1"
MAX_NESTING = 64
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


class BundleError(InvalidInput):
    """A bundle problem, with the key path where it was found."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def _type_name(value: Any) -> str:
    return {
        type(None): "null", bool: "a boolean", int: "a number", float: "a number",
        str: "a string", list: "a list", dict: "an object",
    }.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _key(key: str) -> str:
    """A key as it may appear in a one-line message: quoted if blank, odd or very long."""
    plain = key.isprintable() and key.strip() == key and key and len(key) <= 60
    return key if plain else _short(key)


def _real(parse: Callable[[str], object]) -> Callable[[str], bool]:
    """A format check: the text is a real date or moment (the schema's pattern has checked
    its form: 2026-11-25, 2026-11-25T09:00:01.000000Z)."""
    def check(value: str) -> bool:
        try:
            parse(value)
        except ValueError:
            return False
        return True

    return check


# What the generated validator's formats mean (desktop/export/bundle_schema.py).
_FORMATS = {"date": _real(dt.date.fromisoformat), "date-time": _real(dt.datetime.fromisoformat)}
_EXPECTED = {"string": "a string", "object": "an object", "array": "a list",
             "boolean": "true or false", "integer": "a whole number"}


def _allows_null(schema: dict[str, Any]) -> bool:
    return (None in schema.get("enum", ()) or "null" in schema.get("type", ())
            or any(_allows_null(s) for s in schema.get("anyOf", ())))


def _key_problem(value: dict[str, Any], schema: dict[str, Any], path: str,
                 checklist: Checklist | None) -> BundleError | None:
    """An object's first unknown key, null that should have been left out, or missing key
    (an answer's key is known if it is a section of the decision's checklist, when known)."""
    known = schema.get("properties", {})
    required = schema.get("required", ())
    slugs = "additionalProperties" in schema and not known  # answers: slug -> answer
    for key, item in value.items():
        if slugs and checklist is not None and key not in checklist.slugs:
            return BundleError(f"{path}.{_key(key)}", f"{_short(key)} is not one of "
                               f"{checklist.sections_phrase} ({', '.join(checklist.slugs)})")
        if key not in known and not slugs:
            return BundleError(f"{path}.{_key(key)}", "unknown key")
        if item is None and key not in required and not _allows_null(known.get(key, {})):
            return BundleError(f"{path}.{_key(key)}",
                               "null is not allowed here; leave the key out instead")
    for key in sorted(required):
        if key not in value:
            return BundleError(f"{path}.{key}", "is required")
    return None


def _value_problem(value: Any, schema: dict[str, Any], rule: str | None,
                   path: str) -> BundleError:
    """What is wrong with one value, as a user reads it."""
    key = path.rsplit(".", 1)[-1]
    date = schema.get("format") == "date" or any(
        s.get("format") == "date" for s in schema.get("anyOf", ()))
    if date and (rule in ("pattern", "format", "anyOf") and isinstance(value, str)):
        return BundleError(path, f"{_short(value)} is not a date in the form YYYY-MM-DD")
    if date:
        return BundleError(path, f"expected a date YYYY-MM-DD, found {_type_name(value)}")
    if rule == "type":
        expected = _EXPECTED.get(str(schema["type"]), str(schema["type"]))
        return BundleError(path, f"expected {expected}, found {_type_name(value)}")
    if rule == "enum":
        choices = ", ".join(c for c in schema["enum"] if c is not None)
        return BundleError(path, f"{_short(value)} is not one of {choices}")
    if schema.get("format") == "date-time":
        return BundleError(path, f"{_short(value)} is not a UTC time such as 2026-11-25T09:00:00Z")
    if rule == "minLength" or (rule == "pattern" and schema["pattern"] == r"\S"):
        return BundleError(path, "must not be empty")
    if rule == "maxLength":
        return BundleError(path, f"is {len(value)} characters long; at most "
                           f"{schema['maxLength']} allowed")
    if (rule in ("minimum", "maximum") and schema.get("type") == "integer"
            and schema.get("maximum", 10**6) <= 100):  # a scale (a score, a weight): say it
        return BundleError(path, f"{_short(value)} is not a whole number from "
                           f"{schema['minimum']} to {schema['maximum']}")
    if rule == "minimum":
        return BundleError(path, f"must be at least {schema['minimum']}")
    if rule == "maximum":  # SQLite integers are 64-bit; no real version gets near this
        return BundleError(path, f"{value if value < 10**20 else 'the number'} is too large")
    if key == "paragraph" and path.endswith("exempt_information.paragraph"):
        return BundleError(path, f"{_short(value)} is not a paragraph of Schedule 12A: expected "
                           "a whole number from 1 to 7, or null")
    if key == "verification_code":
        return BundleError(path, f"{_short(value)} is not a verification code (three groups of "
                           "four letters and digits, such as 7K3M-Q9XA-2BDP)")
    return BundleError(path, f"{_short(value)} is not allowed here ({rule})")


def _schema_error(exc: Any, decision: Any, prefix: str,
                  checklist: Checklist | None) -> BundleError:
    """The generated validator's first complaint as one line naming the key path. Key
    problems (unknown, null, missing) are named first from the top down, as in the
    checklist's own order: they are what a hand-edited bundle most often gets wrong."""
    from desktop.export.bundle_schema import importer_schema, published_schema

    value, schema, path = decision, importer_schema(published_schema()), prefix
    for step in exc.path[1:]:  # "data", then keys and indexes
        if isinstance(value, dict):
            problem = _key_problem(value, schema, path, checklist)
            if problem:
                return problem
            value = value[step]
            schema = schema.get("properties", {}).get(step) or schema["additionalProperties"]
            path = f"{path}.{step}"
        else:
            value, schema, path = value[int(step)], schema["items"], f"{path}[{step}]"
    if isinstance(value, dict) and schema.get("type") == "object":
        problem = _key_problem(value, schema, path, checklist)
        if problem:
            return problem
    return _value_problem(value, schema, exc.rule, path)


def _lone_surrogate(value: Any, path: str) -> None:
    """A lone surrogate such as "\\ud800" (only a \\u escape can make one) in any text."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BundleError(path, f"character {exc.start + 1} is not valid Unicode (a lone "
                              "surrogate)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _lone_surrogate(item, f"{path}.{_key(key)}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _lone_surrogate(item, f"{path}[{n}]")


def validate_decision(value: Any, prefix: str, *, surrogates: bool = True,
                      checklist: Checklist | None = None) -> dict[str, Any]:
    """Check one DECISION object; raise BundleError naming the path of the first problem.

    The schema's rules are checked by the validator generated from it (a record that
    bundle_plain_check finds plainly valid needs no more look); the rules below are
    those no schema says: answers only to sections of its checklist (when given), a version
    that is a whole number (JSON Schema counts 1.0 as one) and text that is valid Unicode.
    The id is read by _validated."""
    from desktop.export.bundle_plain_check import plainly_valid

    plain = plainly_valid(value, _FORMATS["date"], _FORMATS["date-time"])
    if not plain:
        from fastjsonschema import JsonSchemaValueException

        from desktop.export import _bundle_validator

        validate: Callable[..., object] = _bundle_validator.validate  # generated
        try:
            validate(value, _FORMATS)
        except JsonSchemaValueException as exc:
            raise _schema_error(exc, value, prefix, checklist) from None
    problem = _key_problem(value.get("answers") or {}, {"additionalProperties": True},
                           f"{prefix}.answers", checklist)
    if problem:
        raise problem
    if not plain:  # a plainly valid record's numbers are ints, and it has no appraisal
        _whole_numbers(value, prefix)
    if surrogates:
        _lone_surrogate(value, prefix)
    decision: dict[str, Any] = value
    return decision


def _whole_numbers(value: dict[str, Any], prefix: str) -> None:
    """A version, a checklist's version, an exempt paragraph and an appraisal's numbers are
    whole numbers: 3.0 is refused (JSON Schema counts it as an integer)."""
    for where, number in (("version", value.get("version")),
                          ("checklist.version", (value.get("checklist") or {}).get("version")),
                          ("exempt_information.paragraph",
                           (value.get("exempt_information") or {}).get("paragraph"))):
        if isinstance(number, float):
            raise BundleError(f"{prefix}.{where}", "expected a whole number, found a number")
    _whole_appraisal_numbers(value.get("appraisal"), f"{prefix}.appraisal")


def _whole_appraisal_numbers(appraisal: Any, where: str) -> None:
    """An appraisal's weights, option indexes and scores are whole numbers: 3.0 is refused
    as the window would refuse it (JSON Schema counts it as an integer)."""
    if not isinstance(appraisal, dict):
        return
    for part, keys in (("criteria", ("weight",)), ("scores", ("option", "score")),
                       ("weight_changes", ("from", "to"))):
        for i, item in enumerate(appraisal.get(part) or ()):
            for key in keys:
                if isinstance(item, dict) and isinstance(item.get(key), float):
                    raise BundleError(f"{where}.{part}[{i}].{key}",
                                      "expected a whole number, found a number")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # C speed; only a bundle with a repeated key takes the slow path
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return out


def _depth(value: Any, limit: int) -> int:
    """Nesting depth (a scalar counts as one level); only containers are walked, so a
    bundle's many strings cost nothing here."""
    if not isinstance(value, dict | list):
        return 1
    stack = [(value, 1)]
    deepest = 1
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if children and level + 1 > deepest:
            deepest = level + 1
            if deepest > limit:
                return deepest
        for v in children:
            if isinstance(v, dict | list):
                stack.append((v, level + 1))
    return deepest


def load_json(text: str) -> Any:
    """Parse strict JSON (no NaN, no duplicate keys), refusing absurd nesting."""
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InvalidInput("not a bundle: the JSON is nested too deeply") from None
    except ValueError as exc:
        raise InvalidInput(f"not valid JSON: {exc}") from None
    return data


ChecklistOf = Callable[[dict[str, Any], str], Checklist]


def parse_bundle(text: str, checklist_of: ChecklistOf | None = None) -> list[dict[str, Any]]:
    """Validate a whole bundle; return its decision objects (ids filled in).

    checklist_of(record, "decisions[i]") gives the checklist a record is answered against
    (raising BundleError if there is none such); its answers must be to its sections."""
    data = load_json(text)
    try:
        # A lone surrogate can come only from a \uD800-\uDFFF escape in the text: strings are
        # checked one by one only when there is one (46,000 checks in 1,000 decisions).
        return _validated(data, surrogates=_SURROGATE_ESCAPE.search(text) is not None,
                          checklist_of=checklist_of)
    except (InvalidInput, RecursionError):
        # A bundle that validates is a few levels deep, so absurd nesting is looked for only
        # when validation fails (walking a large, valid bundle for it cost 5% of an import).
        if _depth(data, MAX_NESTING) > MAX_NESTING:
            raise InvalidInput("not a bundle: the JSON is nested too deeply") from None
        raise


def _uuid(value: str, path: str) -> str:
    """The id in its canonical form; uuid.UUID also reads {...}, urn:uuid:... and no hyphens."""
    if _CANONICAL_UUID.match(value):  # as the app writes it: already what str(UUID) gives
        return value
    try:
        return str(uuid.UUID(value))
    except ValueError:
        if not value.strip():
            raise BundleError(path, "must not be empty") from None
        raise BundleError(path, f"{_short(value)} is not a UUID") from None


def _named_checklist(d: Any) -> bool:
    """Whether a record names its checklist well enough to look it up (if not, the schema
    says what is wrong), or leaves it out (the default)."""
    named = d.get("checklist") if isinstance(d, dict) else None
    return named is None or (isinstance(named, dict) and isinstance(named.get("id"), str)
                             and type(named.get("version")) is int)


def _validated(data: Any, *, surrogates: bool = True,
               checklist_of: ChecklistOf | None = None) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        raise InvalidInput(f"not a bundle: expected a JSON object, found {_type_name(data)}")
    for key in data:
        if key not in ("format", "decisions"):
            raise BundleError(_key(key), "unknown key")
    if data.get("format") != FORMAT:
        raise BundleError("format", f"expected {FORMAT!r}, found {_short(data.get('format'))}")
    decisions = data.get("decisions")
    if not isinstance(decisions, list):
        raise BundleError("decisions", f"expected a list, found {_type_name(decisions)}")
    seen: dict[str, int] = {}
    out = []
    for i, d in enumerate(decisions):
        prefix = f"decisions[{i}]"
        checklist = (checklist_of(d, prefix) if checklist_of is not None
                     and isinstance(d, dict) and _named_checklist(d) else None)
        validate_decision(d, prefix, surrogates=surrogates, checklist=checklist)
        d = dict(d)
        d["id"] = _uuid(d["id"], f"{prefix}.id") if "id" in d else str(uuid.uuid4())
        if d["id"] in seen:
            raise BundleError(f"{prefix}.id", f"the same id as decisions[{seen[d['id']]}]")
        seen[d["id"]] = i
        out.append(d)
    return out


def record_to_decision(d: dict[str, Any], **fields: Any) -> Decision:
    """The Decision a validated record holds (`fields`: set as given, see from_record)."""
    return from_record(d, **fields)


CallInDays = int | Callable[[Decision], int]  # one period, or each decision's own


def _period_of(call_in_days: CallInDays) -> Callable[[Decision], int]:
    """Each decision's call-in period, from one period or a function giving each its own."""
    if isinstance(call_in_days, int):
        return lambda _d: call_in_days
    return call_in_days


def bundle_dict(decisions: list[Decision], call_in_days: CallInDays = CALL_IN_DAYS
                ) -> dict[str, Any]:
    days = _period_of(call_in_days)
    return {"format": FORMAT, "decisions": [to_record(d, days(d)) for d in decisions]}


def bundle_pieces(decisions: Iterable[Decision], call_in_days: CallInDays = CALL_IN_DAYS
                  ) -> Iterator[str]:
    """The bundle's text in pieces, one decision at a time, so that a register of any size is
    written with one record in memory: joined, exactly
    json.dumps(bundle_dict(...), ensure_ascii=False, indent=2) + "\n". A record is indented one
    level deeper by putting four spaces after each of its line breaks, which are all
    structural: json escapes every line break inside a string."""
    days = _period_of(call_in_days)
    yield '{\n  "format": ' + json.dumps(FORMAT, ensure_ascii=False) + ',\n  "decisions": ['
    first = True
    for d in decisions:
        text = json.dumps(to_record(d, days(d)), ensure_ascii=False, indent=2)
        yield ("\n    " if first else ",\n    ") + text.replace("\n", "\n    ")
        first = False
    yield "]\n}\n" if first else "\n  ]\n}\n"
