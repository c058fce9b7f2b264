"""The Pages workflow: it passes actionlint, pins every action by commit, and deploys a verified release."""

from __future__ import annotations

import re

import yaml

from .support import REPO
from .test_workflows import lint

PAGES = REPO / ".github" / "workflows" / "pages.yml"


def test_the_pages_workflow_passes_actionlint():
    result = lint(PAGES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_by_commit_with_its_tag_beside_it():
    uses = re.findall(r"uses: (\S+)(.*)", PAGES.read_text(encoding="utf-8"))
    assert len(uses) == 4
    for action, comment in uses:
        assert re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), (action, comment)


def test_it_runs_on_a_release_tag_and_verifies_before_it_uploads():
    workflow = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    assert workflow[True]["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]  # PyYAML reads `on:` as True
    steps = [step.get("run", step.get("uses", "")) for step in workflow["jobs"]["build"]["steps"]]
    build, verify, upload = (
        next(i for i, s in enumerate(steps) if s == "make build"),
        next(i for i, s in enumerate(steps) if "faceledger verify" in s),
        next(i for i, s in enumerate(steps) if s.startswith("actions/upload-pages-artifact@")),
    )
    assert build < verify < upload
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
