"""`faceledger export`: one resource, bundled or of a published version, written by the release's own exporters."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from . import loader
from .core.files import staged_file


def export(
    name: str, data_format: str = "csv", output: str | Path = "-", version: str | None = None
) -> Path | None:
    """Write resource `name` in `data_format` to the file `output`, or to standard output for "-".

    The bytes are those of the release's file of that format: of the bundled data, or of the
    published release `version` (fetched and checked as `faceledger.load(version=...)` does).
    Returns the file written, if any.
    """
    from .publish.exporters import EXPORTERS

    if data_format not in EXPORTERS:
        raise ValueError(f"unknown format {data_format!r}; the formats are: {', '.join(EXPORTERS)}")
    exporter = EXPORTERS[data_format]
    textual = exporter.MEDIATYPE.startswith("text/") or exporter.MEDIATYPE.endswith("json")
    if str(output) == "-" and not textual and sys.stdout.isatty():
        raise ValueError(f"{data_format} is binary: give --output FILE or redirect standard output")
    table = loader.read(name, version)
    schema = loader.schema(name, version)
    if str(output) == "-":
        with tempfile.TemporaryDirectory(prefix="faceledger-export-") as folder:
            written = Path(folder) / f"{name}{exporter.SUFFIX}"
            exporter.write(table, schema, written)
            sys.stdout.flush()
            with written.open("rb") as handle:
                shutil.copyfileobj(handle, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return None
    # Written beside the target and renamed, so a failure never leaves half a file.
    target = Path(output)
    with staged_file(target) as temp:
        exporter.write(table, schema, temp)
    return target
