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

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class BundleReleaseData(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        sys.path.insert(0, self.root)
        try:
            from faceledger.build import build_bundle
            from faceledger.core.findings import BuildFailed, errors
        finally:
            sys.path.remove(self.root)
        self.folder = tempfile.mkdtemp(prefix="faceledger-wheel-")
        target = Path(self.folder) / "data"
        try:
            build_bundle(Path(self.root), target)
        except BuildFailed as failed:
            problems = "\n".join(str(finding) for finding in errors(failed.findings))
            raise RuntimeError(f"the release data does not build, so no wheel:\n{problems}") from None
        build_data["force_include"][str(target)] = "faceledger/data"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
