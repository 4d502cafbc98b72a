"""A shared register named by anything libpq accepts (issue 17 item 1; the hostile tester's L5
and L6): a postgresql:// URI or libpq's keyword/value form opens the shared register, and no
message, log line or window title ever shows a password given in it; an option libpq refuses
(sslmode=bogus) is reported in libpq's own words, not as a server that is away."""

from __future__ import annotations

import contextlib
import io
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings

from desktop.cli import main as cli
from desktop.storage.postgres.uri import is_postgres_uri, libpq_reason, shown_uri
from tests.helpers.connection_strings import PASSWORDS, quoted, uri_form

NO_SERVER = "/tmp/dc-no-server-here"  # a socket folder with no server in it


def keyword_form(password: str, host: str = NO_SERVER, *, extra: str = "") -> str:
    return f"host={host} user=alice password={quoted(password)} dbname=reg1{extra}"


def cli_output(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.run(list(argv))
    return status, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("db", [
    "host=dbhost dbname=decisions", "  dbname = decisions host=dbhost", "service=council",
    "postgresql://dbhost/decisions", "POSTGRES://dbhost/decisions",
])
def test_a_connection_string_names_a_shared_register(db):
    assert is_postgres_uri(db)


@pytest.mark.parametrize("db", ["register.db", "./host=x.db", "/home/a/dbname=x", "x=y",
                                "my register.db", ""])
def test_a_file_path_does_not(db):
    assert not is_postgres_uri(db)


@given(password=PASSWORDS)
def test_shown_uri_never_shows_a_password_in_any_form(password):
    encoded = urllib.parse.quote(password, safe="")
    for db in (keyword_form(password), keyword_form(password, extra=" sslmode=require"),
               f"password={quoted(password)}", uri_form(password, NO_SERVER),
               f"postgresql:///reg1?host=/tmp&password={encoded}&sslmode=require",
               f"host=x sslpassword={quoted(password)}"):
        shown = shown_uri(db)
        assert password not in shown and encoded not in shown
        assert "***" in shown
    assert shown_uri(keyword_form(password)).startswith("host=/tmp/dc-no-server-here user=alice")
    assert shown_uri(keyword_form(password)).endswith(" dbname=reg1")


def test_an_unquoted_password_with_a_space_is_hidden_whole():
    # libpq refuses it (missing "=" after "ter2"): "ter2" is the password's too
    db = "host=/tmp password=hun ter2 dbname=x"
    assert shown_uri(db) == "host=/tmp password=*** dbname=x"
    said = libpq_reason('missing "=" after "ter2" in connection info string\n', db)
    assert "ter2" not in said and said == 'missing "=" after "***" in connection info string'


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(password=PASSWORDS)
def test_no_command_line_output_holds_the_password(password):
    for db in (keyword_form(password), uri_form(password, NO_SERVER),
               keyword_form(password, extra=" sslmode=bogus"),
               f"host={NO_SERVER} password={password} dbname=reg1"):  # unquoted: any text
        status, said = cli_output("--db", db, "list")
        assert status != 0
        assert password not in said and urllib.parse.quote(password, safe="") not in said
        assert "Traceback" not in said and said.startswith("error: ")


def test_a_bad_option_is_reported_in_libpqs_words_not_as_a_server_away():
    status, said = cli_output("--db", keyword_form("hunter2", extra=" sslmode=bogus"), "list")
    assert status == 2
    assert 'invalid sslmode value: "bogus"' in said
    assert "not running" not in said and "cannot be reached" not in said
    assert "hunter2" not in said and said.count("\n") == 1
    status, said = cli_output("--db", "host=/tmp port=notanumber password=hunter2", "list")
    assert status == 2 and "invalid" in said and "hunter2" not in said


def test_the_server_away_is_still_reported_as_away():
    status, said = cli_output("--db", keyword_form("hunter2"), "list")
    assert status == 1 and "not running or cannot be reached" in said
    assert "hunter2" not in said


@pytest.mark.postgres
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(password=PASSWORDS)
def test_the_keyword_form_opens_the_shared_register(pg_register, password):
    from tests.helpers.engines import person

    person(pg_register, "tester", "dc_author", "dc_clerk")
    # the test cluster trusts its socket, so libpq never sends the password: it is only text
    db = (f"host={pg_register.cluster.socket_dir} user=tester "
          f"password={quoted(password)} dbname={pg_register.name}")
    status, said = cli_output("--db", db, "list")
    assert status == 0, said
    assert password not in said


@pytest.mark.postgres
def test_a_record_made_through_the_keyword_form_is_on_the_register(pg_register, tmp_path):
    from tests.helpers.cli import HAND_WRITTEN, write_bundle
    from tests.helpers.engines import person

    person(pg_register, "tester", "dc_author", "dc_clerk")
    db = (f"host={pg_register.cluster.socket_dir} user=tester password='hunter 2' "
          f"dbname={pg_register.name}")
    status, said = cli_output("--db", db, "import", str(write_bundle(tmp_path / "b.json",
                                                                     HAND_WRITTEN)))
    assert status == 0, said
    status, said = cli_output("--db", pg_register.url("tester"), "list")
    assert status == 0 and "Hand the library service to a community trust" in said
