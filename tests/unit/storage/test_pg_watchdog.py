"""The watchdog that bounds a window's wait for a silent network (storage/postgres/watchdog.py),
on a socket pair whose far end never answers; and the libpq options that notice silence."""

from __future__ import annotations

import socket
import time

import pytest

from desktop.storage.postgres.migrate import silence_options
from desktop.storage.postgres.watchdog import Watchdog

LIMIT = 0.3


@pytest.fixture
def pair():
    near, far = socket.socketpair()
    yield near, far
    near.close()
    far.close()


@pytest.fixture
def dog():
    watchdog = Watchdog(LIMIT)
    yield watchdog
    watchdog.close()


def test_a_wait_longer_than_the_limit_is_cut_and_fails(pair, dog):
    near, _far = pair
    started = time.monotonic()
    with dog.waiting(near.fileno()):
        assert near.recv(1) == b""  # the far end never answers: only the cut ends this
    waited = time.monotonic() - started
    assert LIMIT <= waited < LIMIT + 0.5
    assert dog.cuts == 1
    assert near.fileno() >= 0  # the descriptor is still the connection's to close


def test_a_wait_that_ends_in_time_is_left_alone(pair, dog):
    near, far = pair
    for _ in range(3):
        with dog.waiting(near.fileno()):
            far.sendall(b"x")
            assert near.recv(1) == b"x"
    time.sleep(LIMIT * 2)
    far.sendall(b"y")
    assert near.recv(1) == b"y" and dog.cuts == 0


def test_each_statement_of_a_transaction_starts_the_bound_again(pair, dog):
    near, far = pair
    with dog.waiting(near.fileno()):  # the transaction
        for _ in range(4):  # longer than LIMIT in all, never that long between statements
            with dog.waiting(near.fileno()):
                time.sleep(LIMIT / 2)
        far.sendall(b"x")
        assert near.recv(1) == b"x"
    assert dog.cuts == 0


def test_patient_lifts_the_bound_for_the_rest_of_the_outer_wait(pair, dog):
    near, far = pair
    with dog.waiting(near.fileno()):
        dog.patient()
        with dog.waiting(near.fileno()):
            time.sleep(LIMIT * 2)
        far.sendall(b"x")
        assert near.recv(1) == b"x"
    assert dog.cuts == 0
    with dog.waiting(near.fileno()):  # and bounded again after it
        assert near.recv(1) == b""
    assert dog.cuts == 1


@pytest.mark.parametrize(("uri", "added"), [
    ("postgresql://alice@db.example/reg", {"keepalives", "keepalives_idle",
                                           "keepalives_interval", "keepalives_count",
                                           "tcp_user_timeout"}),
    ("host=db.example dbname=reg keepalives=0 tcp_user_timeout=5",
     {"keepalives_idle", "keepalives_interval", "keepalives_count"}),
    ("postgresql:///reg?keepalives_idle=60", {"keepalives", "keepalives_interval",
                                             "keepalives_count", "tcp_user_timeout"}),
    ("service=council", set()),
])
def test_libpq_notices_a_silent_network_unless_the_user_said_otherwise(uri, added):
    assert set(silence_options(uri)) == added
