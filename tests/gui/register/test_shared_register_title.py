"""The window on a shared register named with a password (the hostile tester's L5): its title
names the register, and never the password (issue 17 item 1: the app never shows one)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from desktop.application.bootstrap import open_service
from tests.helpers.connection_strings import PASSWORDS, quoted, uri_form
from tests.helpers.engines import person

pytestmark = pytest.mark.postgres


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(password=PASSWORDS)
def test_the_title_names_the_register_without_its_password(make_window, pg_register, password):
    person(pg_register, "tester", "dc_author", "dc_clerk")
    where = pg_register.cluster.socket_dir
    for db in (f"host={where} user=tester password={quoted(password)} "
               f"dbname={pg_register.name}",
               uri_form(password, str(where), "tester", pg_register.name)):
        service = open_service(db)
        try:
            window = make_window(service, show=False)
            title = window.windowTitle()
            assert password not in title
            assert pg_register.name in title and "***" in title
            window.close()
        finally:
            service.close()
