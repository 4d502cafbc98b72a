"""The domain: plain dataclasses and rules, with no Qt and no storage."""
