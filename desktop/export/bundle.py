"""The JSON bundle (decision-checklist/1): strict, all-or-nothing parsing and export."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from desktop.domain.checklist import SLUGS
from desktop.domain.decision import DELIVERY_MODELS, OPTION_STATUSES, Decision, Status
from desktop.domain.errors import InvalidInput
from desktop.domain.record import from_record, to_record
from desktop.domain.typed_dates import is_iso_date

FORMAT = "decision-checklist/1"
RATINGS = ("green", "amber", "red", "not-applicable")
STATUSES = tuple(s.value for s in Status)
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z")
MAX_NESTING = 64
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
MAX_INTEGER = 1_000_000


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


class _Checker:
    """Validates one decision object, naming the key path of the first problem."""

    def __init__(self, prefix: str, *, surrogates: bool = True) -> None:
        self.prefix = prefix
        self.surrogates = surrogates  # False: the JSON text has no escape that could make one

    def fail(self, path: str, message: str) -> None:
        raise BundleError(f"{self.prefix}{path}" if path else self.prefix.rstrip("."), message)

    def obj(self, value: Any, path: str, required: set[str], optional: set[str],
            nulls: frozenset[str] = frozenset()) -> dict:
        """An object with these keys; null only for the keys in `nulls` (an optional key that
        has no value is left out, as export does, rather than given as null)."""
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, found {_type_name(value)}")
        for key, item in value.items():
            if key not in required and key not in optional:
                self.fail(f"{path}.{_key(key)}" if path else _key(key), "unknown key")
            if item is None and key not in nulls and key not in required:
                self.fail(f"{path}.{_key(key)}" if path else _key(key),
                          "null is not allowed here; leave the key out instead")
        for key in sorted(required):
            if key not in value:
                self.fail(f"{path}.{key}" if path else key, "is required")
        return value

    def string(self, value: Any, path: str, *, min_len: int = 0, max_len: int | None = None,
               nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str):
            self.fail(path, f"expected a string, found {_type_name(value)}")
        if self.surrogates:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:  # a lone surrogate such as "\ud800" from \u escapes
                self.fail(path,
                          f"character {exc.start + 1} is not valid Unicode (a lone surrogate)")
        if len(value.strip()) < min_len:
            self.fail(path, "must not be empty")
        if max_len is not None and len(value) > max_len:
            self.fail(path, f"is {len(value)} characters long; at most {max_len} allowed")

    def timestamp(self, value: str, path: str) -> None:
        """A moment as export writes it: 2026-11-25T09:00:01.000000Z (UTC)."""
        try:
            if not _TIMESTAMP.fullmatch(value):
                raise ValueError
            dt.datetime.fromisoformat(value)
        except ValueError:
            self.fail(path, f"{_short(value)} is not a UTC time such as 2026-11-25T09:00:00Z")

    def date(self, value: Any, path: str, *, nullable: bool = True) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str):
            self.fail(path, f"expected a date YYYY-MM-DD, found {_type_name(value)}")
        if not is_iso_date(value):
            self.fail(path, f"{_short(value)} is not a date in the form YYYY-MM-DD")

    def choice(self, value: Any, path: str, choices: tuple[str, ...], *,
               nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str) or value not in choices:
            self.fail(path, f"{_short(value)} is not one of {', '.join(choices)}")

    def boolean(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, found {_type_name(value)}")

    def integer(self, value: Any, path: str, minimum: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected a whole number, found {_type_name(value)}")
        if value < minimum:
            self.fail(path, f"must be at least {minimum}")
        if value > MAX_INTEGER:  # SQLite integers are 64-bit; no real version gets near this
            self.fail(path, f"{value if value < 10**20 else 'the number'} is too large")

    def items(self, value: Any, path: str, each: Callable[[Any, str], None]) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.fail(path, f"expected a list, found {_type_name(value)}")
        for i, item in enumerate(value):
            each(item, f"{path}[{i}]")


_DECISION_REQUIRED = {"title", "proposal"}
_DECISION_OPTIONAL = {
    "id", "reference", "reasons", "organisation", "decision_maker", "proposer",
    "meeting_date", "review_date", "key_decision", "delivery_model", "options",
    "conflicts_of_interest", "answers",
    # read-only keys written by export; accepted so that an export re-imports
    "version", "status", "checklist", "sign_offs", "created_at", "updated_at",
    "verification_code",
}


def validate_decision(value: Any, prefix: str, *, surrogates: bool = True) -> dict:
    """Check one DECISION object; raise BundleError naming the path of the first problem."""
    c = _Checker(prefix, surrogates=surrogates)
    d = c.obj(value, "", _DECISION_REQUIRED, _DECISION_OPTIONAL)
    if "id" in d:
        c.string(d["id"], "id", min_len=1)
        try:
            uuid.UUID(d["id"])
        except ValueError:
            c.fail("id", f"{_short(d['id'])} is not a UUID")
    c.string(d["title"], "title", min_len=1, max_len=200)
    c.string(d["proposal"], "proposal")
    c.string(d.get("reference"), "reference", max_len=60, nullable=True)
    for key in ("reasons", "organisation", "decision_maker", "proposer",
                "conflicts_of_interest", "created_at", "updated_at", "verification_code"):
        c.string(d.get(key), key, nullable=True)
    for key in ("created_at", "updated_at"):
        if key in d:
            c.timestamp(d[key], key)
    c.date(d.get("meeting_date"), "meeting_date")
    c.date(d.get("review_date"), "review_date")
    if d.get("key_decision") is not None:
        c.boolean(d["key_decision"], "key_decision")
    c.choice(d.get("delivery_model"), "delivery_model", DELIVERY_MODELS, nullable=True)

    def option(o: Any, path: str) -> None:
        c.obj(o, path, {"name", "status"}, {"delivery_model", "reason"})
        c.string(o["name"], f"{path}.name")  # the window saves a new row before it is named
        c.choice(o["status"], f"{path}.status", OPTION_STATUSES)
        c.choice(o.get("delivery_model"), f"{path}.delivery_model", DELIVERY_MODELS,
                 nullable=True)
        c.string(o.get("reason"), f"{path}.reason", nullable=True)

    c.items(d.get("options"), "options", option)

    def action(a: Any, path: str) -> None:
        c.obj(a, path, {"action", "owner", "due"}, set(), nulls=frozenset({"due"}))
        # An action may still lack its text, owner or due date (the window saves it as it
        # is typed, and export must re-import); completeness is judged after import.
        c.string(a["action"], f"{path}.action")
        c.string(a["owner"], f"{path}.owner")
        c.date(a["due"], f"{path}.due")

    answers = d.get("answers")
    if answers is not None:
        if isinstance(answers, dict):
            for slug in answers:
                if slug not in SLUGS:
                    c.fail(f"answers.{_key(slug)}", f"{_short(slug)} is not one of the ten principles "
                           f"({', '.join(SLUGS)})")
        c.obj(answers, "answers", set(), set(SLUGS))
        for slug, ans in answers.items():
            path = f"answers.{slug}"
            # null: not rated yet, or no due date yet (a draft, as export writes it)
            c.obj(ans, path, {"rating", "response"}, {"evidence", "actions"},
                  nulls=frozenset({"rating"}))
            c.choice(ans["rating"], f"{path}.rating", RATINGS, nullable=True)
            c.string(ans["response"], f"{path}.response")
            c.string(ans.get("evidence"), f"{path}.evidence", nullable=True)
            c.items(ans.get("actions"), f"{path}.actions", action)

    if d.get("version") is not None:
        c.integer(d["version"], "version", 1)
    c.choice(d.get("status"), "status", STATUSES, nullable=True)
    if d.get("checklist") is not None:
        c.obj(d["checklist"], "checklist", {"id", "version"}, set())
        c.string(d["checklist"]["id"], "checklist.id", min_len=1)
        c.integer(d["checklist"]["version"], "checklist.version", 1)

    def sign_off(s: Any, path: str) -> None:
        c.obj(s, path, {"role", "name", "date"}, {"minute_reference"})
        c.string(s["role"], f"{path}.role", min_len=1)
        c.string(s["name"], f"{path}.name", min_len=1)
        c.date(s["date"], f"{path}.date", nullable=False)
        c.string(s.get("minute_reference"), f"{path}.minute_reference", nullable=True)

    c.items(d.get("sign_offs"), "sign_offs", sign_off)
    return d


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
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


def parse_bundle(text: str) -> list[dict]:
    """Validate a whole bundle; return its decision objects (ids filled in)."""
    data = load_json(text)
    try:
        # A lone surrogate can come only from a \uD800-\uDFFF escape in the text: strings are
        # checked one by one only when there is one (46,000 checks in 1,000 decisions).
        return _validated(data, surrogates=_SURROGATE_ESCAPE.search(text) is not None)
    except (InvalidInput, RecursionError):
        # A bundle that validates is a few levels deep, so absurd nesting is looked for only
        # when validation fails (walking a large, valid bundle for it cost 5% of an import).
        if _depth(data, MAX_NESTING) > MAX_NESTING:
            raise InvalidInput("not a bundle: the JSON is nested too deeply") from None
        raise


def _validated(data: Any, *, surrogates: bool = True) -> list[dict]:
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
        prefix = f"decisions[{i}]."
        validate_decision(d, prefix, surrogates=surrogates)
        d = dict(d)
        d.setdefault("id", str(uuid.uuid4()))
        d["id"] = str(uuid.UUID(d["id"]))
        if d["id"] in seen:
            raise BundleError(f"{prefix}id", f"the same id as decisions[{seen[d['id']]}]")
        seen[d["id"]] = i
        out.append(d)
    return out


def record_to_decision(d: dict) -> Decision:
    return from_record(d)


def bundle_dict(decisions: list[Decision]) -> dict:
    return {"format": FORMAT, "decisions": [to_record(d) for d in decisions]}


def dump_bundle(decisions: list[Decision]) -> str:
    """The bundle as UTF-8 JSON text (stable key order, human-readable)."""
    return json.dumps(bundle_dict(decisions), ensure_ascii=False, indent=2) + "\n"
