"""Keep pyarrow from importing pandas in a `faceledger` process that never uses it.

The first time pyarrow turns a Python list into an array, it checks whether the list
is a pandas object, and to know it imports pandas when pandas is installed: 0.3 s and
56 MB of every command (as much as a validate after a one-seed edit spends on its checks).
Answering that first check with "no pandas" makes pyarrow skip it from then on, while
anything that does need pandas (Table.to_pandas, `import pandas`) still gets it:
pyarrow tries the import again whenever pandas is required.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType


class _NoPandas(MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == "pandas":
            raise ModuleNotFoundError("not imported by faceledger's commands", name=fullname)
        return None


def skip_pandas_probe() -> None:
    """Run pyarrow's pandas check once, with pandas hidden; a no-op if pandas is already imported."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([""])  # not an empty or null array: those return before the check
    finally:
        sys.meta_path.remove(finder)
