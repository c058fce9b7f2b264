"""Run by test_wheel.py with the Python of a fresh virtual environment holding the installed wheel.

Uses only what the wheel installed; prints one JSON report for the test to judge.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import metadata, version
from importlib.util import find_spec

HEAVY = ("pyarrow", "numpy", "pandas", "polars", "frictionless", "typer")
# The modules of the build extra: a data user's install has none of them.
BUILD_TOOLS = (
    "frictionless",
    "frontmatter",
    "yaml",
    "yaml_rs",
    "ftfy",
    "w3lib",
    "typer",
    "rich",
    "pycountry",
    "rapidfuzz",
)

import faceledger  # noqa: E402 - what the import itself loads is under test

report = {
    "file": faceledger.__file__,
    "heavy_after_import": [m for m in HEAVY if m in sys.modules],
    "version": faceledger.__version__,
    "metadata_version": version("faceledger"),
    "resources": {},
    "build_tools_importable": [m for m in BUILD_TOOLS if find_spec(m) is not None],
    "urls": sorted(metadata("faceledger").get_all("Project-URL") or []),
}
data = faceledger.data_dir()
descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
report["descriptor_version"] = descriptor["version"]
report["names"] = faceledger.resources()
for resource in descriptor["resources"]:
    name = resource["name"]
    blob = (data / resource["path"]).read_bytes()
    entry = {
        "rows": resource["rows"],
        # The Parquet descriptor records sizes as x-faceledger-bytes (frictionless cannot measure them).
        "bytes_match": len(blob) == resource["x-faceledger-bytes"],
        "hash_match": "sha256:" + hashlib.sha256(blob).hexdigest() == resource["hash"],
        "arrow_rows": faceledger.load(name).num_rows,
        "fields": [field["name"] for field in faceledger.schema(name)["fields"]],
    }
    for flavour in ("pandas", "polars"):
        try:
            entry[f"{flavour}_rows"] = len(faceledger.load(name, as_=flavour))
        except faceledger.MissingExtra as exc:
            entry[f"{flavour}_missing"] = str(exc)
    report["resources"][name] = entry
try:
    report["package_resources"] = faceledger.package().resource_names
except faceledger.MissingExtra as exc:
    report["package_missing"] = str(exc)
print(json.dumps(report))
