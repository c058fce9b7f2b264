"""The entry point: info, export and --version on the standard library, the rest on the typer app.

That the data commands really run without the build extra is tests/test_wheel.py's job (a fresh
virtual environment); here, that the two halves agree and hand arguments over intact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faceledger import cli as entry
from faceledger import loader
from faceledger.cli import light

from .support import cli


def test_the_entry_point_knows_every_command_of_the_typer_app():
    registered = {command.name for command in entry.app.registered_commands}
    assert registered == set(entry.TOOL_COMMANDS) | set(light.SUMMARIES)
    assert not set(entry.TOOL_COMMANDS) & set(light.SUMMARIES)


def test_the_typer_app_lists_the_data_commands_with_their_one_line_help():
    result = cli("--help")
    assert result.exit_code == 0
    for name in light.SUMMARIES:
        assert name in result.stdout
    assert "faceledger --version" in result.stdout


def test_the_typer_app_hands_a_data_command_its_arguments_help_included():
    result = cli("export", "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("usage: faceledger export")
    assert "--output" in result.stdout


def test_version_is_the_dataset_version(bundled: Path, capsys: pytest.CaptureFixture[str]):
    assert entry.main(["--version"]) == 0
    assert capsys.readouterr().out == f"faceledger {loader.version()}\n"


def test_the_entry_point_and_the_typer_app_print_the_same_info(
    bundled: Path, capsys: pytest.CaptureFixture[str]
):
    assert entry.main(["info", "--format", "json"]) == 0
    assert capsys.readouterr().out == cli("info", "--format", "json").stdout


def test_every_build_tool_is_installed_here():
    assert entry.missing_build_tools() == []


def test_a_usage_error_in_a_data_command_is_exit_2(capsys: pytest.CaptureFixture[str]):
    assert entry.main(["info", "--format", "yaml"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_command_keeps_pyarrow_and_sqlite_utils_from_importing_pandas_and_pandas_still_works_after(
    tmp_path: Path,
):
    import subprocess
    import sys

    # A process of its own: the test session has imported pandas long ago.
    script = (
        "import sys, pyarrow as pa\n"
        "from faceledger.cli import main\n"
        "try:\n"
        "    main(['validate', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "pa.table({'a': ['x', 'y']})\n"
        "import faceledger.publish.sqlite_db, sqlite_utils.db\n"
        "print('pandas' in sys.modules, sqlite_utils.db.pd)\n"
        "print(pa.table({'a': [1, 2]}).to_pandas().shape)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert done.stdout.splitlines()[-2:] == ["False None", "(2, 1)"]


@pytest.mark.parametrize(("chosen", "expected"), [(None, "jemalloc"), ("system", "system")])
def test_a_command_uses_arrows_jemalloc_pool_unless_the_user_chose_one(
    tmp_path: Path, chosen: str | None, expected: str
):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    script = (
        "import pyarrow as pa\n"
        "from faceledger.cli import main\n"
        "try:\n"
        "    main(['validate', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(pa.default_memory_pool().backend_name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env, check=True
    )
    assert done.stdout.splitlines()[-1] == expected
