"""Bundles of a decision at a later version, as another register exports it (not a test
module): a bundle carries the current version only, so the importing register holds no
version before it."""

from __future__ import annotations

import json

from tests.helpers.lifecycle import ROLES, sign, signed_off_decision

# (version, signed off?) of the bundles the tests import
CASES = [(2, True), (2, False), (7, True), (7, False)]


def later_version_bundle(service, version: int, signed: bool) -> tuple[str, str]:
    """(bundle text, decision id): a decision signed off at version 1 and amended in `service`,
    exported at version 2 (signed off again, or a draft with a principle unanswered), then,
    for a later `version`, edited by hand as a tester would (its code left out: the
    register works it out again on import)."""
    d = signed_off_decision(service)
    d = service.lifecycle.amend(d.id, "Add the trust's business plan")
    if signed:
        for role in ROLES:
            d = sign(service, d.id, role, name=f"Signer for {role}")
    bundle = json.loads(service.export_bundle([d.id]))
    record = bundle["decisions"][0]
    if not signed:
        del record["answers"]["values"]
        record["status"] = "draft"
    if version != 2:
        record["version"] = version
    if not signed or version != 2:
        record.pop("verification_code", None)
    return json.dumps(bundle), d.id
