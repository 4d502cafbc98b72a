"""Errors the user's environment or input causes, as opposed to bugs."""

from __future__ import annotations


class KnownError(Exception):
    """An error with a message fit to show a user; the program keeps going.

    `field` names the input it is about ("reason", "title"...), when there is one, so that a
    form can put the message beside it without reading the message.
    """

    exit_code = 2

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        self.field = field


class InvalidInput(KnownError):
    """The user gave something malformed (exit status 2)."""

    exit_code = 2


class NotFound(KnownError):
    """The thing asked for does not exist (exit status 1)."""

    exit_code = 1


class Refused(KnownError):
    """The record's state does not allow this (exit status 1)."""

    exit_code = 1


class Stale(Refused):
    """The register moved on after the record was read (another person's sign-off or edit
    came first): reading it again may let the same step go through."""


class StorageError(KnownError):
    """The database file cannot be used; the message says what to do."""

    exit_code = 1


class Unreachable(StorageError):
    """The shared register's server cannot be reached now (stopped, restarting, the network
    down): the same step may work later, and nothing of it was stored, or not confirmed."""


class DamagedDatabase(StorageError):
    """The file was ours but is damaged: restoring a backup is the cure."""


class NotOurs(StorageError):
    """Another program's database, or one from a newer version: never opened, never replaced."""


class ChecklistError(KnownError):
    """The checklist definition is broken; the message names the path."""

    exit_code = 2


class LiveUpdatesLost(StorageError):
    """The connection that listens for others' changes to a shared register dropped (the
    server restarted, the network went): nothing typed is affected; reconnect and read again."""
