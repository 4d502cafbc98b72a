"""Decision Checklist: test public-sector decisions against ten leadership principles."""

__version__ = "0.1.0"
