"""FaceLedger: government facial-recognition procurement as an open dataset.

`faceledger.load(name)` returns a resource of the data bundled with this
version of the package; `faceledger.resources()` names them. Importing the
package is cheap: pyarrow and friends are imported by the first call that needs them.
"""

from .core.downloads import DownloadMismatch, NetworkNeeded, ReleaseError, UnknownVersion
from .joins import NoLink, join
from .loader import (
    DataNotBuilt,
    MissingExtra,
    UnknownResource,
    data_dir,
    info,
    load,
    package,
    path,
    resources,
    schema,
)

__all__ = [
    "DataNotBuilt",
    "DownloadMismatch",
    "MissingExtra",
    "NetworkNeeded",
    "NoLink",
    "ReleaseError",
    "UnknownResource",
    "UnknownVersion",
    "__version__",
    "data_dir",
    "info",
    "join",
    "load",
    "package",
    "path",
    "resources",
    "schema",
]


def __getattr__(name: str) -> str:
    # Read on first use, from the bundled datapackage.json: one version, one place.
    if name == "__version__":
        from .loader import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
