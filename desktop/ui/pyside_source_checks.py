"""Spare PySide6 reading the source of modules loaded before it.

Once PySide6 is imported, its `__feature__` import hook (shibokensupport.feature) asks of each
module an `import` statement names for the first time whether it uses PySide: it reads the
module's whole source (inspect.getsource) and looks for "PySide6". It asks of modules loaded
long before (os, typing, datetime, the domain and storage layers) as soon as a later module
names them: 39 source reads before the window's first paint (4-8 ms, and ~1 MiB of lines
kept in linecache), now none.

The answer is known without reading them: no module below desktop.ui uses Qt (the import
contracts in pyproject.toml), nor does the standard library, and every desktop.ui module does.
`spare_loaded_modules()` records that answer (-1, "no feature switching", or 0, "PySide with
no feature selected", as the hook itself records them) for every module already loaded and
for every module of this package, loaded or not (found by listing its folders, importing
none). The window uses no PySide feature (snake_case, true_property), so the answer changes
nothing but the time.
"""

from __future__ import annotations

import os
import sys

_NO_PYSIDE = -1  # shibokensupport.feature's mark for a module that does not use PySide
_PYSIDE = 0  # its mark for one that does, with no feature selected


def spare_loaded_modules() -> int:
    """Mark every module loaded so far and every module of this package as PySide's hook
    would; returns how many it marked (0 when this PySide has no such hook)."""
    ours = _package_modules()  # before the hook: an import after it is a module it reads
    import PySide6  # noqa: F401 - installs the hook

    try:
        from shibokensupport.feature import (  # type: ignore[import-not-found]
            pyside_feature_dict,
        )
    except ImportError:
        return 0
    if not isinstance(pyside_feature_dict, dict):
        return 0
    marked = 0
    for name in [*sys.modules, *ours]:
        if name not in pyside_feature_dict:
            uses_qt = name.split(".")[0] in ("PySide6", "shiboken6") or name == "desktop.ui" \
                or name.startswith("desktop.ui.")
            pyside_feature_dict[name] = _PYSIDE if uses_qt else _NO_PYSIDE
            marked += 1
    return marked


def _package_modules() -> list[str]:
    """The name of every module in the desktop package's folders (none where it has none)."""
    names: list[str] = []
    folders = [(folder, "desktop") for folder in sys.modules["desktop"].__path__]
    while folders:
        folder, package = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".py"):
                stem = entry.name[:-3]
                names.append(package if stem == "__init__" else f"{package}.{stem}")
            elif entry.is_dir() and entry.name.isidentifier():
                folders.append((entry.path, f"{package}.{entry.name}"))
    return names
