"""A checklist definition: its sections (principles or duties) and sign-off roles, from JSON.

Nothing here assumes how many sections a checklist has or what they are called: a register
holds several checklists, and each decision is answered against one of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from desktop.domain.digest import sha256_hex
from desktop.domain.errors import ChecklistError
from desktop.domain.frozen import frozen
from desktop.domain.visible import BIDI_CONTROLS

KINDS: tuple[str, ...] = ("principle", "duty")
_KIND_LABELS = {"principle": ("Principle", "principles"), "duty": ("Duty", "duties"),
                "section": ("Section", "sections")}  # the last: a checklist of both kinds
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                 "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
                 "sixteen", "seventeen", "eighteen", "nineteen", "twenty")


@frozen
class Principle:
    """One section of a checklist (a principle or a duty), with its guidance."""

    slug: str
    number: int
    title: str
    wording: str
    guidance: str
    questions: tuple[str, ...]
    kind: str = "principle"

    @property
    def kind_label(self) -> str:
        """"Principle" or "Duty", as a heading names the section."""
        return _KIND_LABELS[self.kind][0]

    @property
    def noun(self) -> str:
        """"principle" or "duty", as a sentence names the section ("this duty")."""
        return self.kind_label.lower()


def kind_noun(kind: str, count: int = 1) -> str:
    """A kind of section as a sentence names `count` of them: "duty", "duties"."""
    singular, plural = _KIND_LABELS[kind]
    return singular.lower() if count == 1 else plural


def counted(sections: Iterable[Principle]) -> str:
    """How many sections of each kind, in words a reader counts: "2 principles and 1 duty",
    "3 duties" ("no sections" for none)."""
    sections = list(sections)
    parts = [f"{n} {kind_noun(kind, n)}" for kind in KINDS
             if (n := sum(1 for p in sections if p.kind == kind))]
    return " and ".join(parts) or "no sections"


def numbered(sections: Iterable[Principle]) -> str:
    """Sections by number, grouped by kind: "principles 2, 4 and duty 11"."""
    sections = list(sections)
    parts = []
    for kind in KINDS:
        numbers = [str(p.number) for p in sections if p.kind == kind]
        if numbers:
            parts.append(f"{kind_noun(kind, len(numbers))} {', '.join(numbers)}")
    return " and ".join(parts)


@frozen
class SignOffRole:
    """A role that signs the record; required roles must all sign before it locks."""

    name: str
    required: bool


@frozen
class Checklist:
    """A versioned checklist definition."""

    id: str
    version: int
    title: str
    source: str
    principles: tuple[Principle, ...]
    sign_off_roles: tuple[SignOffRole, ...]
    raw_json: str

    # Worked out once per definition (the fields are frozen): an import asks for both for
    # every decision it reads, and for the slugs once per answer.
    @cached_property
    def sha256(self) -> str:
        return sha256_hex(self.raw_json.encode("utf-8"))

    @cached_property
    def slugs(self) -> tuple[str, ...]:
        """The section slugs, in the checklist's order."""
        return tuple(p.slug for p in self.principles)

    @property
    def kind(self) -> str:
        """"principle" or "duty" if all its sections are of that kind, else "section"."""
        kinds = {p.kind for p in self.principles}
        return kinds.pop() if len(kinds) == 1 else "section"

    @property
    def noun(self) -> str:
        """What its sections are called together: "principles", "duties" or "sections"."""
        return _KIND_LABELS[self.kind][1]

    @property
    def kind_label(self) -> str:
        """One of its sections, as a column heading names it: "Principle" or "Section"."""
        return _KIND_LABELS[self.kind][0]

    @property
    def sections_counted(self) -> str:
        """"ten principles"; of both kinds, "ten principles and seven duties": its sections,
        counted in words by kind."""
        counts = [(kind, sum(1 for p in self.principles if p.kind == kind)) for kind in KINDS]
        return " and ".join(f"{number_words(n)} {kind_noun(kind, n)}"
                            for kind, n in counts if n) or "no sections"

    @property
    def sections_phrase(self) -> str:
        """"the ten principles", "the ten principles and seven duties"."""
        return f"the {self.sections_counted}"

    def position(self, section: Principle) -> str:
        """Where a section stands, as its page says: "Principle 3 of 10"; in a checklist of
        both kinds, its place among its kind, then among all: "Duty 1 of 7, section 11 of 17"."""
        if self.kind != "section":
            return f"{section.kind_label} {section.number} of {len(self.principles)}"
        same = [p for p in self.principles if p.kind == section.kind]
        return (f"{section.kind_label} {same.index(section) + 1} of {len(same)}, "
                f"section {section.number} of {len(self.principles)}")

    def progress(self, complete: Iterable[str]) -> str:
        """"7 of 10 principles completed"; in a checklist of both kinds, once some are done,
        with what is left by kind: "15 of 17 sections completed; 1 principle and 1 duty not
        completed"."""
        done = set(complete) & set(self.slugs)
        line = f"{len(done)} of {len(self.principles)} {self.noun} completed"
        left = [p for p in self.principles if p.slug not in done]
        if self.kind == "section" and left and done:
            line += f"; {counted(left)} not completed"
        return line

    def principle(self, slug: str) -> Principle:
        for p in self.principles:
            if p.slug == slug:
                return p
        raise KeyError(slug)

    def unsigned_roles(self, signed: Iterable[str]) -> list[str]:
        """The required roles that none of the `signed` role names is (as `role_key` compares
        them). A version is signed off exactly when this is empty: the last required sign-off
        locks it. The sign-off command and bundle import both ask this; the database's
        triggers hold the same rule."""
        done = {role_key(name) for name in signed}
        return [r.name for r in self.sign_off_roles if r.required and role_key(r.name) not in done]

    def role(self, name: str) -> SignOffRole | None:
        """The role whose name matches as `role_key` compares them, or None."""
        wanted = role_key(name)
        for r in self.sign_off_roles:
            if role_key(r.name) == wanted:
                return r
        return None


def role_key(name: str) -> str:
    """A sign-off role's name as typed names are matched: case-insensitively, with the ends
    trimmed and inner runs of spaces as one (" monitoring  officer " is Monitoring Officer)."""
    return " ".join(name.split()).casefold()


def number_words(n: int) -> str:
    """A count as a word up to twenty ("ten"), in digits after."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def format_path(parts: Iterable[str | int]) -> str:
    """Render a JSON path like principles[3].questions."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _schema(schema_path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path.read_text(encoding="utf-8"))
    return schema


VALIDATED_LIST = "checklist.validated"  # beside the schema


def validation_digest(text: str, schema_text: str) -> str:
    """What identifies one checklist text validated against one schema text."""
    return sha256_hex(schema_text.encode("utf-8") + b"\0" + text.encode("utf-8"))


def _validated_before(text: str, schema_path: Path) -> bool:
    """True for exactly the checklist and schema bytes listed in checklist.validated.

    tests/unit/domain/test_checklist_digest.py validates the shipped checklist with jsonschema and
    checks that its digest is listed, so start-up need not import jsonschema (70-160 ms) for
    the same bytes. Any other text, or an edited schema, is validated in full as before.
    """
    try:
        listed = schema_path.with_name(VALIDATED_LIST).read_text(encoding="utf-8").split()
        schema_text = schema_path.read_text(encoding="utf-8")
    except OSError:
        return False
    return validation_digest(text, schema_text) in listed


@frozen
class Problem:
    """One way a checklist definition breaks the schema or a rule the schema cannot state
    (unique slugs and role names, sections numbered in order)."""

    path: tuple[str | int, ...]  # where, as JSON keys and list positions
    text: str  # what is wrong, as `checklist import` words it after the path
    rule: str  # the schema keyword broken ("minLength", "pattern", ...), or "unique", "number"
    limit: object = None  # the keyword's value in the schema (3 for minItems: 3), if any
    value: object = None  # what was found there

    def __str__(self) -> str:
        return f"checklist {format_path(self.path)}: {self.text}"


def schema_problems(data: object, schema_path: Path) -> list[Problem]:
    """Every way `data` breaks the checklist schema, by path."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema(schema_path))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    return [Problem(tuple(e.absolute_path), _short(e), str(e.validator), e.validator_value,
                    e.instance) for e in errors]


def _short(error: Any) -> str:
    """The schema's message, without the whole array or text it quotes (61 sections printed
    every one of them)."""
    found, limit = error.instance, error.validator_value
    if error.validator in ("maxItems", "minItems") and isinstance(found, list):
        return (f"has {len(found)} items; {'at most' if error.validator == 'maxItems' else 'at least'} "
                f"{limit} allowed")
    message: str = error.message
    return message if len(message) <= 200 else f"{message[:200]}…"


# What a checklist's names may not hold: C0 and C1 controls, DEL, the line and paragraph
# separators and the bidirectional controls (a tab or line break in an id forged a line of
# `checklist list`; U+202E reorders what follows it).
_CONTROLS = frozenset(map(chr, (*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029))
                      ) | BIDI_CONTROLS


def _names(data: dict[str, Any]) -> Iterable[tuple[tuple[str | int, ...], object]]:
    """(path, value) of each name a checklist shows on one line: its id and title, each
    section's title and each sign-off role's name."""
    yield ("id",), data.get("id")
    yield ("title",), data.get("title")
    principles = data.get("principles")
    for i, p in enumerate(principles if isinstance(principles, list) else []):
        if isinstance(p, dict):
            yield ("principles", i, "title"), p.get("title")
    roles = data.get("sign_off_roles")
    for j, r in enumerate(roles if isinstance(roles, list) else []):
        if isinstance(r, dict):
            yield ("sign_off_roles", j, "name"), r.get("name")


MAX_NAME = 100  # the longest checklist id or sign-off role name
MAX_VERSION = 2**31 - 1  # a checklist's highest version (2**63 overflowed SQLite)


def name_problems(data: object) -> list[Problem]:
    """A new checklist's names are one line of plain text: no control characters. Checked
    when a definition is imported or saved, not when a stored one is read (a register may
    hold one from before this rule, and must still open)."""
    found: list[Problem] = []
    if not isinstance(data, dict):
        return found
    version = data.get("version")
    if type(version) is int and version > MAX_VERSION:
        found.append(Problem(("version",), f"{version} is greater than the maximum of "
                                           f"{MAX_VERSION}", "maximum", MAX_VERSION, version))
    for path, value in _names(data):
        if not isinstance(value, str):
            continue
        if (bad := next((c for c in value if c in _CONTROLS), None)) is not None:
            found.append(Problem(path, f"contains the control character U+{ord(bad):04X}; "
                                       "names are one line of plain text", "control", None,
                                 value))
        elif value and not value.strip():
            found.append(Problem(path, "is only spaces", "minLength", 1, value))
        elif path[-1] in ("id", "name") and len(value) > MAX_NAME:
            found.append(Problem(path, f"is {len(value):,} characters long; at most "
                                       f"{MAX_NAME}", "maxLength", MAX_NAME, value[:40]))
    return found


def rule_problems(data: object) -> list[Problem]:
    """What the schema cannot say: slugs unique, sections numbered 1, 2, 3... in order, role
    names unique as `role_key` compares them. Parts of the wrong shape are skipped (the
    schema's problems name them)."""
    found: list[Problem] = []
    if not isinstance(data, dict):
        return found
    principles = data.get("principles")
    seen: dict[str, int] = {}
    for i, p in enumerate(principles if isinstance(principles, list) else []):
        if not isinstance(p, dict):
            continue
        slug = p.get("slug")
        if isinstance(slug, str):
            if slug in seen:
                found.append(Problem(("principles", i, "slug"),
                                     f"{slug!r} is already the slug of principles[{seen[slug]}]",
                                     "unique", seen[slug]))
            else:
                seen[slug] = i
        number = p.get("number")
        if isinstance(number, int) and number != i + 1:
            found.append(Problem(("principles", i, "number"),
                                 f"expected {i + 1}, found {number}", "number", i + 1))
    roles = data.get("sign_off_roles")
    names: dict[str, int] = {}
    for j, r in enumerate(roles if isinstance(roles, list) else []):
        name = r.get("name") if isinstance(r, dict) else None
        if isinstance(name, str):
            if role_key(name) in names:
                found.append(Problem(("sign_off_roles", j, "name"),
                                     f"role names must be unique (the same as "
                                     f"sign_off_roles[{names[role_key(name)]}])", "unique",
                                     names[role_key(name)]))
            else:
                names[role_key(name)] = j
    return found


def checklist_problems(data: object, schema_path: Path) -> list[Problem]:
    """Every problem `checklist import` would refuse `data` for: the schema's, then the
    other rules'. [] when it would import (apart from its version: see ChecklistService)."""
    return schema_problems(data, schema_path) + rule_problems(data) + name_problems(data)


def importable(checklist: Checklist) -> Checklist:
    """The parsed checklist if a register may take it in as new (its names plain text), else
    ChecklistError naming the first problem's path."""
    problems = name_problems(json.loads(checklist.raw_json))
    if problems:
        raise ChecklistError(str(problems[0]))
    return checklist


def parse_checklist(text: str, schema_path: Path) -> Checklist:
    """Validate checklist JSON against the schema and build a Checklist."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChecklistError(f"checklist is not valid JSON: line {exc.lineno}: {exc.msg}") from None
    problems = ([] if _validated_before(text, schema_path)
                else schema_problems(data, schema_path))
    problems = problems or rule_problems(data)  # these index what the schema guarantees
    if problems:
        raise ChecklistError(str(problems[0]))
    return Checklist(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        source=data.get("source", ""),
        principles=tuple(
            Principle(
                slug=p["slug"],
                number=p["number"],
                title=p["title"],
                wording=p["wording"],
                guidance=p["guidance"],
                questions=tuple(p["questions"]),
                kind=p.get("kind", "principle"),
            )
            for p in data["principles"]
        ),
        sign_off_roles=tuple(SignOffRole(r["name"], r["required"]) for r in data["sign_off_roles"]),
        raw_json=text,
    )


def load_checklist(path: Path, schema_path: Path) -> Checklist:
    """Load and validate a checklist file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChecklistError(f"cannot read checklist {path}: {exc.strerror}") from None
    return parse_checklist(text, schema_path)
