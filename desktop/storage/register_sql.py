"""The register's queries, written once for both engines: its page, its count, its filters,
its sort, a search (and where it matched), the overdue counts and the list of open actions.

Each function returns SQL text and its parameters for a `Dialect`, which holds the few things
the engines spell differently: the placeholder, a case-blind sort (SQLite's NOCASE, the
server's lower() in "C" order, each matching its index), the search index (FTS5's MATCH, the
server's tsvector), LIKE or ILIKE, a list parameter, "no limit" and false. The SQL below is
written with SQLite's `?`; `Dialect.sql` puts in the engine's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from desktop.domain.decision import Rating, Status
from desktop.domain.queries import ActionQuery, ActionRow, RegisterQuery, RegisterRow, SearchMatch
from desktop.domain.verification import normalise_code
from desktop.storage.search_words import containing, prefix_finder, search_tokens

# Runs one statement with its parameters and gives its rows (either repository's execute).
Run = Callable[[str, list[Any]], Iterable[Sequence[Any]]]


class Dialect:
    """How one engine spells what differs (see the module's docstring). A plain class: a
    frozen dataclass costs start-up time (docs/ARCHITECTURE.md)."""

    __slots__ = ("arrays", "binary", "false", "like", "listed_reference", "mark", "no_limit",
                 "searched_source", "text_match", "text_order", "title_match", "title_words",
                 "words")

    def __init__(self, *, mark: str, text_order: str, binary: str, like: str, false: str,
                 arrays: bool, no_limit: int | None,
                 words: Callable[[str], str | None], text_match: str,
                 title_words: Callable[[str], str | None], title_match: str,
                 listed_reference: str | None, searched_source: str) -> None:
        self.mark = mark  # the placeholder
        self.text_order = text_order  # "{}" a text column: its case-blind sort
        self.binary = binary  # "{}" a text column: its sort by code point
        self.like = like  # the operator of a case-blind LIKE
        self.false = false  # the literal false
        self.arrays = arrays  # a list is one array parameter (= ANY(?)), not IN (?, ?, ...)
        self.no_limit = no_limit  # LIMIT's value for every row
        self.words = words  # typed search text -> the text match's parameter (None: no words)
        self.text_match = text_match  # v.id tested against the search index, one parameter
        self.title_words = title_words  # the same for the titles' test (None: no words)
        self.title_match = title_match  # v.id tested against the titles' index, one parameter
        # a reference test read from the references' own index (or None: the plain test),
        # for a query walking another index, so it does not read a (large) row for it
        self.listed_reference = listed_reference
        self.searched_source = searched_source  # FROM of a searched count

    def sql(self, text: str) -> str:
        """`text`, written with `?`, in this engine's placeholder."""
        return text if self.mark == "?" else text.replace("?", self.mark)

    def in_list(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """`column` is one of `values`."""
        if self.arrays:
            return f"{column} = ANY(?)", [list(values)]
        return f"{column} IN ({','.join('?' * len(values))})", list(values)

    def order_part(self, column: str) -> str:
        return self.text_order.format(column) if column in _TEXT_COLUMNS else column

    def limit(self, limit: int) -> int | None:
        return limit if limit >= 0 else self.no_limit


_TEXT_COLUMNS = {"v.reference", "v.title", "v.decision_maker", "a.owner", "a.action"}

# Register sort keys -> their column; every one is backed by a partial index on current
# versions on either engine (a text column's in its dialect's case-blind order).
SORT_COLUMNS = {
    "reference": "v.reference",
    "title": "v.title",
    "decision_maker": "v.decision_maker",
    "meeting_date": "v.meeting_date",
    "status": "v.status",
    "complete": "v.complete",
    "overall_rating": "v.overall_rank",
    "review_date": "v.review_date",
    "updated_at": "v.updated_at",
}

# Sort keys of the list of open actions -> their parts. Sections sort in their checklist's order.
ACTION_SORT_COLUMNS = {
    "due": ("a.due IS NULL", "a.due"),
    "owner": ("a.owner",),
    "action": ("a.action",),
    "decision": ("v.reference", "v.title"),
    "principle": ("(SELECT s.position FROM checklist_sections s "
                  "WHERE s.sha256 = v.checklist_sha256 AND s.slug = a.slug)",),
}

# An open action, the one rule for the overdue counts, the register's Overdue filter and the
# list of open actions: on the current version of a decision that is not withdrawn, and not
# marked done (its done state lives in action_progress, outside the locked rows).
_OPEN_VERSIONS = "SELECT id FROM versions WHERE is_current = 1 AND status <> 'withdrawn'"
_NOT_DONE = ("NOT EXISTS (SELECT 1 FROM action_progress p WHERE p.version_id = a.version_id "
             "AND p.slug = a.slug AND p.position = a.position)")
_OPEN_ACTION = f"a.version_id IN ({_OPEN_VERSIONS}) AND {_NOT_DONE}"

_ROWS = ("SELECT v.decision_id, v.reference, v.title, v.decision_maker, v.meeting_date, "
         "v.status, v.version, v.complete, v.overall_rating, v.review_date, "
         "v.verification_code, v.id, v.checklist_sha256, t.decision_date, "
         "t.publication_date, t.call_in_end, t.implementable_from, t.challenge_end, "
         "t.short_notice FROM versions v LEFT JOIN version_timeline t ON t.version_id = v.id ")


def where(d: Dialect, q: RegisterQuery, *, search: bool = True,
          listed_references: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause of a register query, in `?` (the functions below put in the engine's
    placeholder). search=False leaves out the search; listed_references=True uses the
    dialect's listed_reference test."""
    clauses = ["v.is_current = 1"]
    params: list[Any] = []
    typed = q.search.strip()
    if search and typed:
        # Besides the text, a reference (any part of it) or a verification code (as typed:
        # any case, spaces, O for 0) finds its decision, whichever version has it.
        found = []
        words = d.words(typed)
        if words is not None:
            found.append(d.text_match)
            params.append(words)
        found.append(d.listed_reference if listed_references and d.listed_reference
                     else f"v.reference {d.like} ? ESCAPE '\\'")
        params.append(containing(typed))
        code = normalise_code(typed)
        if code is not None:
            found.append("v.decision_id IN (SELECT decision_id FROM versions "
                         "WHERE verification_code = ?)")
            params.append(code)
        clauses.append(f"({' OR '.join(found)})")
    if q.statuses:
        sql, values = d.in_list("v.status", q.statuses)
        clauses.append(sql)
        params.extend(values)
    if q.ratings:
        sql, values = d.in_list("v.overall_rating", q.ratings)
        if "none" in q.ratings:
            sql = f"({sql} OR v.overall_rating IS NULL)"
        clauses.append(sql)
        params.extend(values)
    if q.overdue_only:
        # Same rules as overdue_counts: nothing on a withdrawn record is overdue.
        clauses.append(
            "v.status <> 'withdrawn' AND ((v.review_date IS NOT NULL AND v.review_date < ?) "
            "OR EXISTS (SELECT 1 FROM actions a WHERE a.version_id = v.id AND a.due < ? "
            f"AND {_NOT_DONE}))")
        params.extend([q.today, q.today])
    # The timeline's rules as desktop/domain/timeline.py's in_call_in and challenge_open,
    # over its stored dates (indexed: no date is worked out row by row here).
    if q.in_call_in:
        clauses.append("v.id IN (SELECT version_id FROM version_timeline "
                       "WHERE call_in_end >= ? AND publication_date <= ?)")
        params.extend([q.today, q.today])
    if q.challenge_open:
        clauses.append("v.id IN (SELECT version_id FROM version_timeline "
                       "WHERE challenge_end >= ? AND decision_date <= ?)")
        params.extend([q.today, q.today])
    return " AND ".join(clauses), params


def title_test(d: Dialect, q: RegisterQuery) -> tuple[str, Any] | None:
    """The test that a row's title has every searched word, and its parameter (None when
    nothing is searched for, or no word can match): a search ranks these rows first."""
    typed = q.search.strip()
    words = d.title_words(typed) if typed else None
    return None if words is None else (d.title_match, words)


def count(d: Dialect, where_sql: str, params: list[Any], *,
          searched: bool = False) -> tuple[str, list[Any]]:
    """How many rows a WHERE clause from `where` finds (searched: in the dialect's
    searched_source)."""
    source = d.searched_source if searched else "versions v"
    return d.sql(f"SELECT count(*) FROM {source} WHERE {where_sql}"), params


def rows(d: Dialect, where_sql: str, params: list[Any], q: RegisterQuery, offset: int,
         limit: int, *, first: tuple[str, Any] | None = None) -> tuple[str, list[Any]]:
    """The register's rows a WHERE clause from `where` finds, in q's sort (then by row, the
    same way), from `offset`, at most `limit` (-1: all). first: a test (and its parameter)
    whose rows come before the others (the title matches of a search)."""
    column = SORT_COLUMNS.get(q.sort, SORT_COLUMNS["updated_at"])
    direction = "DESC" if q.descending else "ASC"
    ranked, ranked_params = ("", []) if first is None else (f"({first[0]}) DESC, ", [first[1]])
    sql = (f"{_ROWS}WHERE {where_sql} "
           f"ORDER BY {ranked}{d.order_part(column)} {direction}, v.id {direction} "
           "LIMIT ? OFFSET ?")
    return d.sql(sql), [*params, *ranked_params, d.limit(limit), offset]


def register_rows(records: Iterable[Sequence[Any]], sections: dict[str, int]
                  ) -> Iterator[RegisterRow]:
    """The rows of a `rows` query as RegisterRows; sections: each checklist's (by sha256)
    number of sections."""
    for r in records:
        yield RegisterRow(
            id=r[0], reference=r[1], title=r[2], decision_maker=r[3], meeting_date=r[4],
            status=Status(r[5]), version=r[6], complete=r[7],
            overall_rating=Rating(r[8]) if r[8] else None, review_date=r[9],
            verification_code=r[10], version_id=r[11], sections=sections.get(r[12], 0),
            decision_date=r[13], publication_date=r[14], call_in_end=r[15],
            implementable_from=r[16], challenge_end=r[17], short_notice=bool(r[18]))


def search_matches(d: Dialect, run: Run, search: str,
                   rows: Iterable[RegisterRow]) -> dict[str, SearchMatch]:
    """Where `search` found each of these register rows (by decision id), read from the
    rows' own text: a page of the register at a time, only while searching."""
    rows = list(rows)
    typed = search.strip()
    if not typed or not rows:
        return {}
    words = search_tokens(typed)
    has = prefix_finder(words)
    vids = [r.version_id for r in rows]
    listed, listed_params = d.in_list("id", vids)
    proposals = {vid: text for vid, text in run(
        d.sql(f"SELECT id, proposal FROM versions WHERE {listed}"), listed_params)}
    answers: dict[int, list[str]] = {}
    if words:
        listed, listed_params = d.in_list("a.version_id", vids)
        for vid, slug, response, evidence in run(d.sql(
                "SELECT a.version_id, a.slug, a.response, a.evidence FROM answers a "
                "JOIN versions v ON v.id = a.version_id LEFT JOIN checklist_sections s "
                "ON s.sha256 = v.checklist_sha256 AND s.slug = a.slug "
                f"WHERE {listed} ORDER BY s.position, {d.binary.format('a.slug')}"),
                listed_params):
            if has(response) or has(evidence):
                answers.setdefault(vid, []).append(slug)
    code = normalise_code(typed)
    coded: set[str] = set()
    if code is not None:
        coded = {r[0] for r in run(
            d.sql("SELECT decision_id FROM versions WHERE verification_code = ?"), [code])}
    found: dict[str, SearchMatch] = {}
    for r in rows:
        places = []
        if has(r.title):
            places.append("title")
        if has(proposals.get(r.version_id) or ""):
            places.append("proposal")
        slugs = answers.get(r.version_id, ())
        if slugs:
            places.append("answers")
        if typed.casefold() in r.reference.casefold():
            places.append("reference")
        if r.id in coded:
            places.append("verification code")
        found[r.id] = SearchMatch(tuple(places), tuple(slugs))
    return found


def overdue_counts(d: Dialect, today: str) -> tuple[str, list[Any]]:
    """(overdue reviews, overdue open actions) across current versions, in one row. The list
    of current version ids is built once; joining each action to its (large) versions row
    instead took 300 ms on 10,000 decisions (SQLite), this takes 30-40 ms."""
    return d.sql(
        "SELECT (SELECT count(*) FROM versions WHERE is_current = 1 AND review_date < ? "
        "AND status <> 'withdrawn'), "
        f"(SELECT count(*) FROM actions a WHERE a.due < ? AND {_OPEN_ACTION})"), [today, today]


def _action_where(d: Dialect, q: ActionQuery) -> tuple[str, list[Any]]:
    if not q.owner.strip():
        return _OPEN_ACTION, []
    return f"{_OPEN_ACTION} AND a.owner {d.like} ? ESCAPE '\\'", [containing(q.owner.strip())]


def open_actions_count(d: Dialect, q: ActionQuery) -> tuple[str, list[Any]]:
    """How many open actions match (the same rule as overdue_counts)."""
    where_sql, params = _action_where(d, q)
    return d.sql(f"SELECT count(*) FROM actions a WHERE {where_sql}"), params


def open_actions(d: Dialect, q: ActionQuery, offset: int, limit: int
                 ) -> tuple[str, list[Any]]:
    """One page of open actions across the register: overdue first, then in q's sort (each
    part of it in q's direction), then by version, section and position."""
    where_sql, params = _action_where(d, q)
    direction = "DESC" if q.descending else "ASC"
    order = ", ".join(f"{d.order_part(part)} {direction}" for part in
                      ACTION_SORT_COLUMNS.get(q.sort, ACTION_SORT_COLUMNS["due"]))
    overdue = f"coalesce(a.due < ?, {d.false})"
    sql = (f"SELECT v.decision_id, v.reference, v.title, a.slug, a.position, a.action, "
           f"a.owner, a.due, {overdue} FROM actions a JOIN versions v ON v.id = a.version_id "
           f"WHERE {where_sql} ORDER BY {overdue} DESC, {order}, "
           f"a.version_id, {d.binary.format('a.slug')}, a.position LIMIT ? OFFSET ?")
    return d.sql(sql), [q.today, *params, q.today, d.limit(limit), offset]


def action_rows(records: Iterable[Sequence[Any]]) -> list[ActionRow]:
    """The rows of an `open_actions` query as ActionRows."""
    return [ActionRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]))
            for r in records]
