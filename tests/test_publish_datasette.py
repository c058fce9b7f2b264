"""The release's database served by the real Datasette on 127.0.0.1, read back as JSON over HTTP."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DATASETTE = Path(sys.executable).with_name("datasette")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(base: str, path: str) -> object:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def served(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Datasette over a copy of the release's sqlite/ folder, as the README's command line starts it."""
    folder = Path(shutil.copytree(built / "sqlite", tmp_path_factory.mktemp("served") / "sqlite"))
    port = free_port()
    command = [str(DATASETTE), "serve", "faceledger.db", "--metadata", "metadata.json"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    log = (folder.parent / "datasette.log").open("wb")
    server = subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base, "/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    pytest.fail("datasette did not answer:\n" + (folder.parent / "datasette.log").read_text())
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_datasette_serves_the_contracts_table(served: str, built: Path):
    rows = fetch(served, "/faceledger/contracts.json?_shape=array&_size=max")
    assert isinstance(rows, list)
    expected = json.loads((built / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    count = {r["name"]: r["rows"] for r in expected["resources"]}["contracts"]
    assert len(rows) == count > 0
    ids = [row["contract_id"] for row in rows]
    assert ids == sorted(ids)
    assert all(row["buyer_organization_id"].startswith("org-") for row in rows)


def test_datasette_runs_a_full_text_search(served: str):
    rows = fetch(served, "/faceledger/documents.json?_search=clearview&_shape=array")
    assert isinstance(rows, list) and rows
    assert all("clearview" in (row["title"] + " " + (row["excerpt"] or "")).lower() for row in rows)
    assert fetch(served, "/faceledger/documents.json?_search=zzzznotaword&_shape=array") == []


def test_datasette_shows_the_metadata_and_the_view(served: str, built: Path):
    metadata = fetch(served, "/-/metadata.json")
    assert isinstance(metadata, dict)
    assert metadata["license_url"].startswith("https://creativecommons.org/")
    rows = fetch(served, "/faceledger/contracts_with_sources.json?_shape=array&_size=max")
    assert isinstance(rows, list) and rows
    assert all(row["evidence_quote"] and row["document_title"] for row in rows)
