"""Shared test support: where the repository and the corpus are, copying the repository,
running the CLI, and small repositories with a release history.

The fixtures built from these (a private repository copy, one built release and its
package data, the two-release history) are in conftest.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from faceledger.cli import app
from faceledger.core.package import copy_repository

REPO = Path(__file__).resolve().parent.parent
# The real news-feed corpus lives beside the repository (it is not ours to republish).
# FACELEDGER_CORPUS points elsewhere; FACELEDGER_REQUIRE_CORPUS=1 turns its absence
# from a skip into a failure, which is how .ci/run runs.
CORPUS = Path(os.environ.get("FACELEDGER_CORPUS", REPO.parent / "shared" / "corpus" / "everyday-ai"))
CORPUS_REQUIRED = os.environ.get("FACELEDGER_REQUIRE_CORPUS") == "1"


def spy(
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    name: str,
    note: Callable[..., Any],
    into: list[Any] | None = None,
) -> list[Any]:
    """Replace `owner.name` with a wrapper that runs it and appends `note(result, *args, **kwargs)`
    to `into` (a new list by default), which it returns: what a test counts, where the work is done."""
    seen: list[Any] = [] if into is None else into
    real = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        seen.append(note(result, *args, **kwargs))
        return result

    monkeypatch.setattr(owner, name, wrapper)
    return seen


def copy_repo(target: Path) -> Path:
    """The files of this repository that a build reads, copied to `target`."""
    return copy_repository(REPO, target)


def cli(*args: str, env: dict[str, str | None] | None = None) -> Result:
    """Run the faceledger command in-process; the result has exit_code, output, stdout and stderr.

    SOURCE_DATE_EPOCH is unset unless a test sets it: release dates then come from the commits.
    Exceptions other than a clean exit are raised, so a crash shows its traceback.
    """
    return CliRunner().invoke(
        app, list(args), env={"SOURCE_DATE_EPOCH": None, **(env or {})}, catch_exceptions=False
    )


# Repositories with a release history: a real copy of this one (seeds, schemas, dataset)
# plus a curated `vendors` resource, in a real git repository, so versions can be tagged
# and compared the way a maintainer does it.

GIT_ENV = {
    "GIT_AUTHOR_NAME": "FaceLedger tests",
    "GIT_AUTHOR_EMAIL": "tests@faceledger.invalid",
    "GIT_COMMITTER_NAME": "FaceLedger tests",
    "GIT_COMMITTER_EMAIL": "tests@faceledger.invalid",
    # Fixed commit dates: release dates come from the last commit.
    "GIT_AUTHOR_DATE": "2025-03-01T12:00:00Z",
    "GIT_COMMITTER_DATE": "2025-03-01T12:00:00Z",
}

VENDORS_SCHEMA = {
    "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
    "description": "Companies that sell facial recognition (test resource).",
    "fields": [
        {
            "name": "vendor_id",
            "type": "string",
            "description": "Stable id.",
            "constraints": {"required": True},
        },
        {"name": "name", "type": "string", "description": "Trading name.", "constraints": {"required": True}},
        {"name": "country", "type": "string", "description": "ISO country code."},
        {
            "name": "founded",
            "type": "integer",
            "description": "Year founded.",
            "constraints": {"minimum": 1800},
        },
        {
            "name": "products",
            "type": "list",
            "itemType": "string",
            "delimiter": "|",
            "description": "Products.",
        },
    ],
    "primaryKey": ["vendor_id"],
    "missingValues": [""],
}
VENDORS = [
    "vendor_id,name,country,founded,products",
    "ven-clearview,Clearview AI,US,2017,search|app",
    "ven-idemia,Idemia,FR,2017,",
    "ven-nec,NEC,JP,1899,neoface",
    "ven-old,Old Vendor,US,2000,",
    "ven-truststamp,Trust Stamp,US,2016,",
]
TOMBSTONES_HEADER = "resource,id,status,replaced_by,last_version,reason"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def replace(root: Path, rel: str, old: str, new: str) -> int:
    """Replace the one occurrence of `old`; return the file line the new text starts on."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(new)].count("\n") + 1


def write_csv(root: Path, rel: str, lines: list[str]) -> None:
    (root / rel).write_bytes(("\r\n".join(lines) + "\r\n").encode())


def write_schema(root: Path, name: str, schema: dict) -> None:
    (root / "schema" / f"{name}.json").write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")


def add_resource(root: Path, name: str, schema: dict, lines: list[str]) -> None:
    """A new resource in the repository at `root`: its schema, its CSV lines, its descriptor entry."""
    write_schema(root, name, schema)
    write_csv(root, f"dataset/{name}.csv", lines)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"].append(
        {"name": name, "title": name.title(), "path": f"dataset/{name}.csv", "schema": f"schema/{name}.json"}
    )
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")


def new_repository(root: Path) -> Path:
    """A repository at 0.1.0 with the vendors resource, committed but not released."""
    copy_repo(root)
    # Its own changelog, so the tests do not depend on where this repository's release cycle is.
    (root / "CHANGELOG.md").write_text(
        "# Changelog\n\n## Unreleased\n\n- The vendors resource.\n", encoding="utf-8"
    )
    (root / ".gitignore").write_text("/dist/\n", encoding="utf-8")
    add_resource(root, "vendors", VENDORS_SCHEMA, VENDORS)
    refresh(root)
    git(root, "init", "-q", "-b", "main")
    commit(root, "Initial data")
    return root


def refresh(root: Path) -> None:
    """Run `faceledger build` after an edit, as a maintainer does before a release: `build --check` passes."""
    result = cli("build", "--root", str(root), "--dist", str(root / "dist"))
    assert result.exit_code == 0, result.output
    shutil.rmtree(root / "dist")


def commit(root: Path, message: str, tag: str | None = None) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    if tag:
        git(root, "tag", tag)


def released(root: Path, request: str, dist: Path) -> Path:
    """Run `faceledger release REQUEST`, commit and tag it, and return the release folder."""
    result = cli("release", request, "--root", str(root), "--dist", str(dist))
    assert result.exit_code == 0, result.output
    version = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    commit(root, f"Release {version}", tag=f"v{version}")
    return dist / f"faceledger-{version}"


def data_only_changes(root: Path) -> None:
    """Version 2's edits: one row modified, one added, one removed and one renamed, with tombstones."""
    lines = [line for line in VENDORS if not line.startswith(("ven-old", "ven-idemia"))]
    lines = [line.replace("NEC,JP", "NEC Corporation,JP") for line in lines]
    lines += ["ven-cognitec,Cognitec,DE,2002,facevacs", "ven-idemia-ps,Idemia Public Security,FR,2017,"]
    write_csv(root, "dataset/vendors.csv", lines)
    write_csv(
        root,
        "dataset/tombstones.csv",
        [
            TOMBSTONES_HEADER,
            "vendors,ven-idemia,renamed,ven-idemia-ps,0.1.0,The public-security business was split off.",
            "vendors,ven-old,removed,,0.1.0,Entered by mistake: not a facial-recognition vendor.",
        ],
    )
    refresh(root)


class History:
    """A repository with two releases: 0.1.0, then 0.1.1 after data_only_changes()."""

    def __init__(self, base: Path):
        self.root = new_repository(base / "repo")
        self.dist = base / "dist"
        self.first = released(self.root, "0.1.0", self.dist)
        data_only_changes(self.root)
        commit(self.root, "Vendor fixes")
        self.second = released(self.root, "patch", self.dist)

    def copy(self, target: Path) -> Path:
        """A private clone of the repository (with its tags) to change."""
        shutil.copytree(self.root, target)
        return target


def with_a_new_vendor(history: History, target: Path) -> Path:
    """A clone of `history`'s repository with one vendor added since its last release, refreshed."""
    root = history.copy(target)
    write_csv(
        root,
        "dataset/vendors.csv",
        [*(root / "dataset" / "vendors.csv").read_text().splitlines(), "ven-z,Z,,,"],
    )
    refresh(root)
    return root


def derived_text(root: Path, name: str) -> str:
    """A derived resource's committed parts as one CSV text: the header once, then each part's rows."""
    resource = next(
        r for r in json.loads((root / "datapackage.json").read_text())["resources"] if r["name"] == name
    )
    texts = [(root / rel).read_bytes().decode("utf-8") for rel in resource["path"]]
    header, _, _ = texts[0].partition("\r\n")
    return header + "\r\n" + "".join(text.partition("\r\n")[2] for text in texts)


def derived_rows(root: Path, name: str) -> list[dict[str, str]]:
    """A derived resource's committed rows, in the order of its parts."""
    import csv
    import io

    return list(csv.DictReader(io.StringIO(derived_text(root, name), newline="")))


def dataset_files(root: Path) -> dict[str, bytes]:
    """Every file under dataset/ (the derived tables' part folders too), by path inside it."""
    folder = root / "dataset"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
