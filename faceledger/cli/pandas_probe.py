"""Keep pyarrow and sqlite-utils from importing pandas in a `faceledger` process that never uses it.

The first time pyarrow turns a Python list into an array, it checks whether the list
is a pandas object, and to know it imports pandas when pandas is installed: 0.3 s and
56 MB of every command (as much as a validate after a one-seed edit spends on its checks).
Answering that first check with "no pandas" makes pyarrow skip it from then on, while
anything that does need pandas (Table.to_pandas, `import pandas`) still gets it:
pyarrow tries the import again whenever pandas is required.

sqlite-utils imports pandas when its `db` module loads, only to accept pandas timestamps as
values; the database writer (publish/sqlite_db.py) never hands it one. Pandas is refused to
that module's import alone, so a build's release writer starts 0.2 s sooner.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import FrameType, ModuleType

# Modules that import pandas without needing it here.
NEEDLESS_IMPORTERS = frozenset({"sqlite_utils.db"})


class _NoPandas(MetaPathFinder):
    """Refuses pandas to every importer, or with `importers` only to the modules named."""

    def __init__(self, importers: frozenset[str] | None = None) -> None:
        self.importers = importers

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == "pandas" and (self.importers is None or _imported_by(self.importers)):
            raise ModuleNotFoundError("not imported by faceledger's commands", name=fullname)
        return None


def _imported_by(importers: frozenset[str]) -> bool:
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__") in importers:
            return True
        frame = frame.f_back
    return False


def skip_pandas_probe() -> None:
    """Run pyarrow's pandas check once with pandas hidden, and hide it from NEEDLESS_IMPORTERS.

    A no-op if pandas is already imported.
    """
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([""])  # not an empty or null array: those return before the check
    finally:
        sys.meta_path.remove(finder)
    sys.meta_path.insert(0, _NoPandas(NEEDLESS_IMPORTERS))
