"""Which of a decision's versions a register holds, and the words for those it does not.

A JSON bundle carries a decision's current version only (PRODUCT.md, "The JSON bundle"), so a
decision imported at version 2 or later starts in this register at that version: the versions
before it were made elsewhere and are not here to compare, print or verify against. The PDF,
the window and the command line say so in these words, never that version N amends version
N - 1 of which they know nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.dates import long_date


@dataclass(frozen=True)
class HeldVersions:
    """The earliest version a register holds of a decision, and the day (YYYY-MM-DD, local)
    that version came into it ("" if not known)."""

    first: int = 1
    arrived: str = ""

    def holds(self, version: int) -> bool:
        """Whether this register holds `version` (the current one, or one kept before it)."""
        return version >= self.first

    def lacks_earlier(self, version: int) -> bool:
        """Whether `version` has earlier versions that this register does not hold (so there
        is no "version before" to compare it with, nor an amendment reason to show)."""
        return version > 1 and not self.holds(version - 1)

    def notice(self, version: int) -> str:
        """The plain words for a version whose earlier versions are not held; "" otherwise."""
        if not self.lacks_earlier(version):
            return ""
        when = f" on {long_date(self.arrived)}" if self.arrived else ""
        return (f"Version {version}. Earlier versions are not held in this register: it was "
                f"imported from a bundle{when}.")

    def missing(self) -> str:
        """The plain words for the versions a history lacks; "" when it holds them all."""
        if self.first == 1:
            return ""
        which = "Version 1 is" if self.first == 2 else f"Versions 1 to {self.first - 1} are"
        when = f" on {long_date(self.arrived)}" if self.arrived else ""
        return (f"{which} not held in this register: version {self.first} was imported from "
                f"a bundle{when}.")
