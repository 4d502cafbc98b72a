"""A quick look at a bundle's DECISION that says when the schema surely accepts it.

Checking each of 1,000 decisions with the validator generated from the schema
(`_bundle_validator.py`) took about a tenth of an import. `plainly_valid` checks the same
rules in one pass over the parsed JSON, for records as the app and other programs write
them. It never refuses anything itself: False means only "not plainly valid", and then the
generated validator checks the record, so a record is refused exactly as before, with the
same message. A record with an options appraisal is always left to the generated validator.

resources/bundle.schema.json stays the statement of the rules; this module must accept
nothing the schema refuses. tests/unit/export/test_bundle_plain_check.py holds it to that,
over mutated bundles (keys removed and added, wrong types, bad dates, long and odd text).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# The schema's patterns, as the generated validator compiles them (`$` matches at the end).
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_MOMENT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z\Z")
_CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\Z")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
_NONBLANK = re.compile(r"\S")

_DELIVERY = frozenset({"in-house", "outsource", "shared-service", "social-sector",
                       "co-production", "stop", "other"})
_OPTION_STATUS = frozenset({"recommended", "rejected"})
_RATING = frozenset({"green", "amber", "red", "not-applicable"})
_STATUS = frozenset({"draft", "ready", "signed-off", "withdrawn"})
_URGENCY = frozenset({"none", "general-exception", "special-urgency"})

_TEXT = frozenset({"id", "proposal", "reasons", "organisation", "decision_maker", "proposer",
                   "conflicts_of_interest"})
_LIMITED = {"reference": 60, "report_of": 200, "contact_officer": 200, "wards_affected": 500}
_DATES = frozenset({"meeting_date", "review_date", "forward_plan_notice_date",
                    "decision_date", "publication_date", "call_in_end", "implementable_from",
                    "challenge_end"})
_MOMENTS = frozenset({"created_at", "updated_at"})
_OPTION_KEYS = frozenset({"name", "status", "delivery_model", "reason"})
_ANSWER_KEYS = frozenset({"rating", "response", "evidence", "actions", "documents"})
_ACTION_KEYS = frozenset({"action", "owner", "due"})
_DOCUMENT_KEYS = frozenset({"title", "date", "held_at"})
_SIGN_OFF_KEYS = frozenset({"role", "name", "date", "minute_reference"})
_CHECKLIST_KEYS = frozenset({"id", "version"})
_EXEMPT_KEYS = frozenset({"paragraph", "parts"})
_IMPLICATION_KEYS = frozenset({"text", "officer"})
_IMPLICATIONS = frozenset({"financial", "legal", "equalities"})

Check = Callable[[str], bool]  # a format: the text is a real date, or a real moment


def plainly_valid(rec: Any, date: Check, moment: Check) -> bool:
    """Whether the bundle schema surely accepts this DECISION (False: look with the
    generated validator). `date` and `moment` are the schema's formats, as the generated
    validator is given them."""
    if type(rec) is not dict or "title" not in rec or "proposal" not in rec:
        return False
    for key, value in rec.items():
        if key in _TEXT:
            ok = type(value) is str
        elif key == "title":
            ok = (type(value) is str and 0 < len(value) <= 200
                  and _NONBLANK.search(value) is not None)
        elif key == "answers":
            ok = _answers(value, date)
        elif key in _DATES:
            ok = _date(value, date)
        elif key in _LIMITED:
            ok = type(value) is str and len(value) <= _LIMITED[key]
        elif key in _MOMENTS:
            ok = type(value) is str and _MOMENT.search(value) is not None and moment(value)
        elif key == "options":
            ok = type(value) is list and all(_option(o) for o in value)
        else:
            ok = _other(key, value, date)
        if not ok:
            return False
    return True


def _other(key: str, value: Any, date: Check) -> bool:
    """The keys a record has at most once and few records have (False for any other key)."""
    if key == "key_decision":
        return type(value) is bool
    if key == "delivery_model":
        return type(value) is str and value in _DELIVERY
    if key == "status":
        return type(value) is str and value in _STATUS
    if key == "urgency_route":
        return type(value) is str and value in _URGENCY
    if key == "version":
        return _whole(value, 1, 1_000_000)
    if key == "verification_code":
        return type(value) is str and _CODE.search(value) is not None
    if key == "checklist":
        return (type(value) is dict and value.keys() == _CHECKLIST_KEYS
                and type(value["id"]) is str and _NONBLANK.search(value["id"]) is not None
                and _whole(value["version"], 1, 1_000_000))
    if key == "sign_offs":
        return type(value) is list and all(_sign_off(s, date) for s in value)
    if key == "recommendations":
        return type(value) is list and all(type(r) is str for r in value)
    if key == "background_papers":
        return type(value) is list and all(_document(x, date) for x in value)
    if key == "exempt_information":
        return (type(value) is dict and value.keys() == _EXEMPT_KEYS
                and type(value["parts"]) is str
                and (value["paragraph"] is None or _whole(value["paragraph"], 1, 7)))
    if key == "implications":
        return type(value) is dict and all(
            kind in _IMPLICATIONS and type(part) is dict and part.keys() == _IMPLICATION_KEYS
            and type(part["text"]) is str and type(part["officer"]) is str
            and len(part["officer"]) <= 200
            for kind, part in value.items())
    return False  # unknown, or an appraisal: the generated validator looks


def _whole(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _date(value: Any, date: Check) -> bool:
    return type(value) is str and _DATE.search(value) is not None and date(value)


def _option(o: Any) -> bool:
    if type(o) is not dict or not o.keys() <= _OPTION_KEYS:
        return False  # weighted_total (only beside an appraisal) is left to the schema too
    name, status = o.get("name"), o.get("status")
    model, reason = o.get("delivery_model", "other"), o.get("reason", "")
    return (type(name) is str and type(status) is str and status in _OPTION_STATUS
            and type(model) is str and model in _DELIVERY and type(reason) is str)


def _answers(value: Any, date: Check) -> bool:
    if type(value) is not dict:
        return False
    for slug, a in value.items():
        if type(a) is not dict or not a.keys() <= _ANSWER_KEYS or _SLUG.search(slug) is None:
            return False
        rating = a.get("rating", 0)  # required: 0 is never valid
        if not (rating is None or (type(rating) is str and rating in _RATING)):
            return False
        if type(a.get("response")) is not str or type(a.get("evidence", "")) is not str:
            return False
        actions, documents = a.get("actions", ()), a.get("documents", ())
        if actions != () and (type(actions) is not list
                              or not all(_action(x, date) for x in actions)):
            return False
        if documents != () and (type(documents) is not list
                                or not all(_document(x, date) for x in documents)):
            return False
    return True


def _action(x: Any, date: Check) -> bool:
    if type(x) is not dict or x.keys() != _ACTION_KEYS:
        return False
    due = x["due"]
    return (type(x["action"]) is str and type(x["owner"]) is str
            and (due is None or _date(due, date)))


def _document(x: Any, date: Check) -> bool:
    if type(x) is not dict or "title" not in x or not x.keys() <= _DOCUMENT_KEYS:
        return False
    when = x.get("date")
    return (type(x["title"]) is str and type(x.get("held_at", "")) is str
            and (when is None or _date(when, date)))


def _sign_off(s: Any, date: Check) -> bool:
    if (type(s) is not dict or not s.keys() <= _SIGN_OFF_KEYS
            or "role" not in s or "name" not in s or "date" not in s):
        return False
    role, name, minute = s["role"], s["name"], s.get("minute_reference", "")
    return (type(role) is str and _NONBLANK.search(role) is not None
            and type(name) is str and len(name) <= 200 and _NONBLANK.search(name) is not None
            and _date(s["date"], date) and type(minute) is str and len(minute) <= 100)
