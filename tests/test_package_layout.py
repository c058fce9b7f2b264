"""The house: stage folders, one-way imports, no cycles, small modules (tests/import_graph.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from .import_graph import API_CALLS, PACKAGE, backward, cycles, graph, modules, stage

MAX_LINES = 400


def test_the_package_has_no_import_cycles_and_no_backward_imports():
    edges = graph()
    assert cycles(edges) == []
    assert backward(edges) == []


def test_every_module_belongs_to_a_stage_and_stays_small():
    for name, path in modules().items():
        stage(name)  # raises for a module outside the layout
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by what it holds"


def test_an_import_inside_a_function_that_runs_back_up_is_caught(tmp_path: Path):
    copy = tmp_path / "faceledger"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("data", "__pycache__"))
    seeds = copy / "ingest" / "seeds.py"
    seeds.write_text(
        seeds.read_text(encoding="utf-8") + "\n\ndef late():\n    from ..publish import bundle\n",
        encoding="utf-8",
    )
    edges = graph(copy)
    assert ("faceledger.ingest.seeds", "faceledger.publish.bundle") in backward(edges)


def test_a_cycle_under_type_checking_is_caught(tmp_path: Path):
    copy = tmp_path / "faceledger"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("data", "__pycache__"))
    package = copy / "core" / "package.py"
    package.write_text(
        package.read_text(encoding="utf-8")
        + "\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .tombstones import Tombstone\n",
        encoding="utf-8",
    )
    tombstones = copy / "core" / "tombstones.py"
    tombstones.write_text(
        tombstones.read_text(encoding="utf-8") + "\n\nfrom .package import Package\n", encoding="utf-8"
    )
    assert ["faceledger.core.package", "faceledger.core.tombstones"] in cycles(graph(copy))


def test_the_runtime_api_reads_only_core():
    edges = graph()
    for api in ("faceledger.loader", "faceledger.joins"):
        assert {stage(t) for t in edges[api] if (api, t) not in API_CALLS} <= {"core", "api"}, edges[api]
