"""Wheel build hook: every wheel carries release data built afresh from this source tree.

faceledger/data/ is generated and git-ignored, so the hook runs the real build
(seeds/ and dataset/ through the exporters) into a temporary folder and puts it
in the wheel as faceledger/data/. A stale or invalid checkout fails the build
with the findings instead of shipping data that disagrees with the repository.
The build needs the build extra's toolchain, which pyproject.toml's
`require-runtime-features` puts in the build environment; the wheel itself does not depend on it.
Editable installs are left alone: they read faceledger/data/ from the checkout,
which `faceledger build` writes.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.metadata.plugin.interface import MetadataHookInterface


def _faceledger(root: str) -> Any:
    """faceledger's build module from the source tree being built, not from any installed copy."""
    sys.path.insert(0, root)
    try:
        from faceledger import build

        return build
    finally:
        sys.path.remove(root)


class BuildVersion(MetadataHookInterface):
    """The wheel's version is the version its data carry: the release's, or a development version.

    An sdist has no git history to count commits in, so a wheel built from one
    takes the version recorded in the sdist's PKG-INFO (see docs/releasing.md).
    """

    PLUGIN_NAME = "custom"

    def update(self, metadata: dict[str, Any]) -> None:
        root = Path(self.root)
        recorded = root / "PKG-INFO"
        if recorded.is_file() and not (root / ".git").exists():
            for line in recorded.read_text(encoding="utf-8").splitlines():
                if line.startswith("Version: "):
                    metadata["version"] = line.removeprefix("Version: ").strip()
                    return
        written = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]
        try:
            build = _faceledger(self.root)
        except ImportError:
            # Asked only for the build's requirements, before they are installed: the version is
            # worked out again, with them, in the step that builds.
            metadata["version"] = written
            return
        try:
            metadata["version"] = build.package_version(root)
        except Exception:  # noqa: BLE001 - the data do not build: an editable install still works,
            # and a wheel build fails in BundleReleaseData below with the findings.
            metadata["version"] = written


class BundleReleaseData(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        build = _faceledger(self.root)
        from faceledger.core.findings import BuildFailed, errors

        self.folder = tempfile.mkdtemp(prefix="faceledger-wheel-")
        target = Path(self.folder) / "data"
        try:
            build.build_bundle(Path(self.root), target, version=self.metadata.version)
        except BuildFailed as failed:
            problems = "\n".join(str(finding) for finding in errors(failed.findings))
            raise RuntimeError(f"the release data does not build, so no wheel:\n{problems}") from None
        build_data["force_include"][str(target)] = "faceledger/data"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
