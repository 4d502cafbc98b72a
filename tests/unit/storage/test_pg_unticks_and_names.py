"""What the last hostile tester of issue 17 left open on the server (p015): a forged "action
not done" audit row for an action never ticked, on a signed-off version, passed; and names
that print (a spacing or enclosing mark, a private-use character) were refused.

Each test failed before p015."""

from __future__ import annotations

import psycopg
import pytest

from desktop.cli import main as cli
from desktop.storage.postgres import migrate
from tests.unit.storage.test_pg_enforcement import REFUSED, audit_rows, sign, signed_off

pytestmark = pytest.mark.postgres

_UNTICK = ("INSERT INTO audit_log (at, decision_id, version, field, old_value, new_value) "
           "VALUES ('2026-12-02T10:00:00Z', 'd1', 1, 'answers.two.actions[0].done', 'yes', 'no')")
_TICK = ("INSERT INTO action_progress (version_id, slug, position, done_at) "
         "VALUES (%s, 'two', 0, '2026-12-02T10:00:00Z')")
# Drawn (desktop/domain/visible.py): a spacing mark, an enclosing one, private-use characters
DRAWN = ["\u0903", "\u20dd", "\ue000", "\U000f0000"]


def _forged_untick_refused(db, user: str) -> None:
    before = audit_rows(db)
    with db.connect(user) as conn, pytest.raises(psycopg.Error) as caught, conn.transaction():
        conn.execute(_UNTICK)
    assert caught.value.sqlstate == REFUSED
    assert audit_rows(db) == before


@pytest.mark.parametrize("user", ["bob", "alice"])
def test_a_not_done_row_for_an_action_never_ticked_is_refused(pg_register, user):
    """The tester's case: nothing was ever ticked, and the row says it was unticked."""
    signed_off(pg_register)
    _forged_untick_refused(pg_register, user)


def test_a_not_done_row_stands_only_beside_its_untick(pg_register):
    vid = signed_off(pg_register)
    with pg_register.connect("bob") as conn:
        with conn.transaction():
            conn.execute(_TICK, (vid,))
        with pytest.raises(psycopg.Error) as caught, conn.transaction():  # untick and tick again
            conn.execute("DELETE FROM action_progress WHERE version_id = %s", (vid,))
            conn.execute(_TICK, (vid,))
            conn.execute(_UNTICK)
        assert caught.value.sqlstate == REFUSED
        with conn.transaction():  # the untick, as the app writes it
            conn.execute("DELETE FROM action_progress WHERE version_id = %s", (vid,))
            conn.execute(_UNTICK)
    _forged_untick_refused(pg_register, "bob")  # an untick of an earlier transaction: not this one
    assert [r[5:] for r in audit_rows(pg_register)][-1][0] == "answers.two.actions[0].done"


@pytest.mark.parametrize("name", DRAWN)
def test_record_sign_off_accepts_a_name_that_prints(pg_register, name):
    from tests.unit.storage.test_pg_enforcement import seed

    vid = seed(pg_register)
    with pg_register.connect("bob") as conn:
        with pytest.raises(psycopg.Error) as caught:  # printed as a word space: nothing
            sign(conn, vid, "Chair", [], name="\u1680")
        assert caught.value.sqlstate == "22023"
        assert sign(conn, vid, "Chair", [], name=name) == "ready"
        assert conn.execute("SELECT name FROM sign_offs").fetchone()[0] == name


def _released_p013_blank() -> str:
    """dc_blank as p013 made it when released: its ranges are worked out from the rule as it
    is now (invisible_ranges.RANGES), so a p013 made today would not be the one in use."""
    import unicodedata

    from desktop.storage.postgres.p012_server_trust import _bracket

    nothing = set("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u034f\U0001d159")
    ranges: list[tuple[int, int]] = []
    for cp in range(1, 0x110000):
        if not 0xD800 <= cp <= 0xDFFF and (chr(cp) in nothing
                                           or unicodedata.category(chr(cp))[0] in "ZCM"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return ("CREATE OR REPLACE FUNCTION dc_blank(value text) RETURNS boolean LANGUAGE sql "
            "IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$ "
            f"SELECT coalesce(value, '') !~ '[^{_bracket(tuple(ranges))}]' $$")


def test_server_init_upgrades_a_p013_register_in_place(pg_register, pg_empty, monkeypatch,
                                                      capsys):
    """A register made up to p013 gains p015 on `server init`: a forged untick is refused and a
    name of a spacing mark is accepted there, as on a register made new."""
    p013 = next(i for i, (name, _) in enumerate(migrate.MIGRATIONS, 1)
                if name.startswith("p013_"))
    with monkeypatch.context() as before:
        before.setattr(migrate, "MIGRATIONS", migrate.MIGRATIONS[:p013])
        before.setattr(migrate, "SCHEMA_VERSION", p013)
        assert migrate.init(pg_empty.url()).version == p013
    with pg_empty.connect() as conn:
        conn.execute(_released_p013_blank())
    signed_off(pg_empty)
    with pg_empty.connect("bob") as conn, conn.transaction():  # passed before p015
        conn.execute(_UNTICK)
    with pg_empty.connect() as conn:
        assert conn.execute("SELECT dc_blank('\u0903')").fetchone()[0]
    assert cli.run(["--db", pg_empty.url(), "server", "init"]) == 0
    later = ", ".join(name for name, _ in migrate.MIGRATIONS[p013:])
    assert capsys.readouterr().out == f"schema version {migrate.SCHEMA_VERSION}: applied {later}\n"
    _forged_untick_refused(pg_empty, "bob")
    with pg_empty.connect() as conn:
        assert [conn.execute("SELECT dc_blank(%s)", (n,)).fetchone()[0] for n in DRAWN] \
            == [False] * len(DRAWN)
        assert conn.execute("SELECT dc_blank('\u1680')").fetchone()[0]
