"""The trust boundary at the input: nothing outside the repository is read, nothing hangs, nothing is too big.

Seeds, sidecars, curated CSVs, schemas and the descriptor are read only as regular files inside
the repository (core/safe_read.py) and within the limits of core/limits.py; descriptor paths stay
inside it. Each case runs the real CLI on a private copy of the real repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .support import cli

MARKER = "FACELEDGER_TRUST_MARKER_7f3a9c"


def build(repo: Path):
    return cli("build", "--root", str(repo))


def published(repo: Path) -> str:
    """Every byte the build wrote or would publish, as text, to search for a leak."""
    parts = []
    for folder in (repo / "dataset", repo / "dist"):
        if folder.exists():
            parts += [p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()]
    return "\n".join(parts)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess with a timeout, so that a hang fails the test instead of the suite."""
    return subprocess.run(
        [sys.executable, "-m", "faceledger", *args],
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, **(env or {})},
        check=False,
    )


def refused(result, where: str, code: str = "unsafe-file") -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert any(line.startswith(where) and f"error {code}" in line for line in result.output.splitlines()), (
        result.output
    )


def test_a_seed_linked_to_the_environment_is_refused_and_leaks_nothing(repo: Path):
    (repo / "seeds" / "x.txt").symlink_to("/proc/self/environ")
    done = run_cli("build", "--root", str(repo), env={MARKER: "secret-value-in-the-environment"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "seeds/x.txt: error unsafe-file" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "secret-value-in-the-environment" not in done.stdout + done.stderr + published(repo)
    assert not (repo / "dist").exists()


def test_a_seed_linked_to_the_password_file_is_refused(repo: Path):
    (repo / "seeds" / "x.txt").symlink_to("/etc/passwd")
    refused(build(repo), "seeds/x.txt")
    assert "root:" not in published(repo)
    assert not (repo / "dist").exists()


def test_a_seed_linked_to_dev_zero_is_refused_at_once(repo: Path):
    (repo / "seeds" / "zero.txt").symlink_to("/dev/zero")
    start = time.monotonic()
    refused(build(repo), "seeds/zero.txt")
    assert time.monotonic() - start < 20


def test_a_link_to_dev_zero_inside_the_repository_is_a_device_not_read(repo: Path):
    # A link that stays inside the repository is followed; what it ends at must be a regular file.
    os.mknod(repo / "zero", 0o600 | 0o020000, os.makedev(1, 5))
    (repo / "seeds" / "zero.txt").symlink_to(repo / "zero")
    result = build(repo)
    refused(result, "seeds/zero.txt")
    assert "a character device, not a regular file" in result.output


def test_a_fifo_in_seeds_does_not_hang_the_build(repo: Path):
    os.mkfifo(repo / "seeds" / "pipe.txt")
    done = run_cli("build", "--root", str(repo))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "seeds/pipe.txt: error unsafe-file: a FIFO (named pipe), not a regular file" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_link_inside_the_repository_to_a_regular_file_is_read(repo: Path):
    seed = sorted((repo / "seeds").glob("*.txt"))[0]
    (repo / "elsewhere").mkdir()
    seed.rename(repo / "elsewhere" / seed.name)
    seed.symlink_to(repo / "elsewhere" / seed.name)
    result = build(repo)
    assert result.exit_code == 0, result.output


def test_a_folder_named_like_a_seed_is_refused(repo: Path):
    (repo / "seeds" / "folder.txt").mkdir()
    refused(build(repo), "seeds/folder.txt")


def test_a_sidecar_linked_out_is_refused(repo: Path):
    sidecar = next((repo / "seeds").glob("*.meta.yaml"))
    sidecar.unlink()
    sidecar.symlink_to("/etc/passwd")
    refused(build(repo), f"seeds/{sidecar.name}")
    assert "root:" not in published(repo)


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_curated_csv_replaced_by_a_folder_is_a_finding(repo: Path, command: str):
    (repo / "dataset" / "systems.csv").unlink()
    (repo / "dataset" / "systems.csv").mkdir()
    result = cli(command, "--root", str(repo))
    refused(result, "dataset/systems.csv")
    assert "a folder, not a regular file" in result.output


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_curated_csv_linked_out_of_the_repository_is_not_read(repo: Path, tmp_path: Path, command: str):
    outside = tmp_path / "outside.csv"
    outside.write_bytes((repo / "dataset" / "systems.csv").read_bytes())
    (repo / "dataset" / "systems.csv").unlink()
    (repo / "dataset" / "systems.csv").symlink_to(outside)
    refused(cli(command, "--root", str(repo)), "dataset/systems.csv")


@pytest.mark.parametrize("path", ["../elsewhere/x.csv", "/tmp/faceledger-trust-x.csv", "dataset\\x.csv"])
def test_a_resource_path_outside_the_repository_is_refused_and_nothing_written(repo: Path, path: str):
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    documents = next(r for r in descriptor["resources"] if r["name"] == "documents")
    documents["path"] = path
    (repo / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    target = Path(path) if path.startswith("/") else repo / path
    target.unlink(missing_ok=True)
    result = build(repo)
    refused(result, "datapackage.json", "unsafe-path")
    assert not target.exists()
    assert not (repo.parent / "elsewhere").exists()
    assert not (repo / "dist").exists()


def test_a_url_resource_path_is_refused(repo: Path):
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][3]["path"] = "https://example.org/x.csv"
    (repo / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    refused(cli("validate", "--root", str(repo)), "datapackage.json", "unsafe-path")


def test_a_schema_outside_the_repository_is_refused(repo: Path):
    shutil.copy(repo / "schema" / "systems.json", repo.parent / "systems.json")
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    systems = next(r for r in descriptor["resources"] if r["name"] == "systems")
    systems["schema"] = "../systems.json"
    (repo / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    refused(build(repo), "datapackage.json", "unsafe-path")


def test_a_schema_linked_out_of_the_repository_is_refused(repo: Path):
    shutil.copy(repo / "schema" / "systems.json", repo.parent / "systems.json")
    (repo / "schema" / "systems.json").unlink()
    (repo / "schema" / "systems.json").symlink_to(repo.parent / "systems.json")
    refused(build(repo), "schema/systems.json")


def test_the_private_names_list_linked_out_is_refused(repo: Path):
    (repo / "dataset" / "private-names.txt").unlink()
    (repo / "dataset" / "private-names.txt").symlink_to("/etc/passwd")
    refused(cli("validate", "--root", str(repo)), "dataset/private-names.txt")


FRONT = '---\ntitle: "{title}"\npublishedDateTime: 2021-01-02T03:04:05Z\nwebUrl: "https://example.org/big"\n'


def test_a_one_megabyte_title_is_refused(repo: Path):
    (repo / "seeds" / "big.md").write_text(FRONT.format(title="t" * 1_000_000) + "---\n", encoding="utf-8")
    result = build(repo)
    refused(result, "seeds/big.md:2", "over-limit")
    assert "[title]" in result.output and "at most 1,000" in result.output
    assert "t" * 2000 not in published(repo)


@pytest.mark.slow  # parsing 100,000 entries of YAML takes about 5 s
def test_a_seed_with_100000_related_entries_is_refused(repo: Path):
    entries = "".join(f"  - title: r{i}\n" for i in range(100_000))
    (repo / "seeds" / "many.md").write_text(
        FRONT.format(title="Many") + "related:\n" + entries + "---\n", encoding="utf-8"
    )
    result = build(repo)
    refused(result, "seeds/many.md", "over-limit")
    assert "[related]" in result.output and "at most 1,000" in result.output
    assert len(result.output.splitlines()) < 50  # one finding, not one per entry


def test_a_seed_over_its_size_limit_is_refused(repo: Path):
    (repo / "seeds" / "huge.txt").write_bytes(b"A title\n" + b"x" * (3 << 20))
    result = build(repo)
    refused(result, "seeds/huge.txt", "over-limit")
    assert "2 MiB" in result.output


def test_a_dotfile_in_seeds_is_reported_and_gitkeep_is_not(repo: Path):
    (repo / "seeds" / ".hidden.txt").write_text("A hidden seed\n", encoding="utf-8")
    (repo / "seeds" / ".gitkeep").write_bytes(b"")
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert "seeds/.hidden.txt: warning hidden-file" in result.output
    assert ".gitkeep" not in result.output


def test_diff_refuses_a_release_folder_whose_descriptor_points_outside(built: Path, tmp_path: Path):
    release = tmp_path / "release"
    shutil.copytree(built, release)
    (tmp_path / "outside.csv").write_bytes((release / "csv" / "systems.csv").read_bytes())
    for fmt in ("csv", "parquet"):
        descriptor = json.loads((release / fmt / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["resources"][3]["path"] = "../../outside.csv"
        (release / fmt / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = cli("diff", str(built), str(release))
    assert result.exit_code == 1, result.output
    assert "unsafe-path" in result.output


def test_diff_does_not_follow_a_data_file_linked_out_of_the_release(built: Path, tmp_path: Path):
    release = tmp_path / "release"
    shutil.copytree(built, release)
    shutil.rmtree(release / "parquet")
    data = release / "csv" / "systems.csv"
    (tmp_path / "outside.csv").write_bytes(data.read_bytes())
    data.unlink()
    data.symlink_to(tmp_path / "outside.csv")
    result = cli("diff", str(built), str(release))
    assert result.exit_code == 1, result.output
    assert "unsafe-file" in result.output


def test_verify_does_not_follow_a_link_out_of_the_release(built: Path, tmp_path: Path):
    release = tmp_path / "release"
    shutil.copytree(built, release)
    data = release / "csv" / "systems.csv"
    (tmp_path / "outside.csv").write_bytes(data.read_bytes())  # the same bytes: only the link is wrong
    data.unlink()
    data.symlink_to(tmp_path / "outside.csv")
    result = cli("verify", str(release))
    assert result.exit_code == 1, result.output
    assert "csv/systems.csv" in result.output


def test_a_small_file_costs_its_size_not_the_limit_and_a_large_one_is_refused(tmp_path: Path):
    import tracemalloc

    from faceledger.core.safe_read import UnsafeFile, read_bytes

    (tmp_path / "small.csv").write_bytes(b"a,b\n1,2\n")
    tracemalloc.start()
    try:
        assert read_bytes(tmp_path, "small.csv", 256 * 2**20) == b"a,b\n1,2\n"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20  # reading with a 256 MiB limit once set the whole limit aside
    (tmp_path / "exact.bin").write_bytes(b"x" * 4096)
    assert len(read_bytes(tmp_path, "exact.bin", 4096)) == 4096
    (tmp_path / "large.bin").write_bytes(b"x" * 4097)
    with pytest.raises(UnsafeFile) as refused:
        read_bytes(tmp_path, "large.bin", 4096)
    assert refused.value.finding.code == "over-limit"
