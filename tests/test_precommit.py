"""The pre-commit hooks (.pre-commit-config.yaml) are real `faceledger` commands, and pass on the repository."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from .support import REPO, cli

CONFIG = REPO / ".pre-commit-config.yaml"


def hooks() -> list[dict]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_the_hooks_are_local_faceledger_commands_formatting_first():
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert [shlex.split(hook["entry"])[:2] for hook in hooks()] == [
        ["faceledger", "fmt"],
        ["faceledger", "validate"],
    ]
    for hook in hooks():
        assert hook["language"] == "system", hook["id"]
        # The commands take --root, not file names: pre-commit must not append the staged files.
        assert hook["pass_filenames"] is False, hook["id"]
        assert re.search(hook["files"], "dataset/evidence.csv"), hook["id"]


@pytest.mark.parametrize("entry", [hook["entry"] for hook in hooks()])
def test_each_hook_runs_and_passes_on_a_copy_of_the_repository(repo: Path, entry: str):
    program, *args = shlex.split(entry)
    assert program == "faceledger"
    assert cli(*args, "--help").exit_code == 0
    result = cli(*args, "--root", str(repo))
    assert result.exit_code == 0, f"{entry}:\n{result.output}"
