"""The generated files a repository commits: derived CSVs, datapackage.json, the docs.

The docs are the data dictionary and the finding-code tables in README.md and docs/facts.md.
The committed datapackage.json records no bytes or hashes: the curated files are edited by
hand, and a checksum of each would be stale after every edit and conflict on every merge.
Each release's descriptor computes its own (release_folder.py).
"""

from __future__ import annotations

from ..core.files import dump_json
from ..core.layout import DESCRIPTOR
from ..core.package import DERIVED, Package
from ..ingest.descriptor import CHECKSUMS
from . import codes_doc, dictionary
from .exporters import csv as csv_exporter


def repository_files(package: Package) -> dict[str, bytes]:
    """The bytes dataset/, datapackage.json and the generated docs should hold for this package."""
    files: dict[str, bytes] = {}
    for name in DERIVED:
        resource = package.resource(name)
        files[resource["path"]] = csv_exporter.render(package.tables[name].data, package.schemas[name])
    descriptor = dict(package.descriptor)
    descriptor["resources"] = [
        {k: v for k, v in resource.items() if k not in CHECKSUMS} for resource in package.resources
    ]
    files[DESCRIPTOR] = dump_json(descriptor)
    files[dictionary.PATH] = dictionary.render(descriptor, package.schemas).encode("utf-8")
    files.update(codes_doc.pages(package.root))
    return files


def stale_files(package: Package, files: dict[str, bytes]) -> list[str]:
    """The files whose committed bytes differ from `files`."""
    stale = []
    for rel, data in sorted(files.items()):
        path = package.root / rel
        if not path.is_file() or path.read_bytes() != data:
            stale.append(rel)
    return stale
