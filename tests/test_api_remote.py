"""`faceledger.load(name, version=...)` and `faceledger export --version`: a published release, fetched.

The release is built by the project's own code (the session's `built` release), its
assets laid out as GitHub publishes them (the top-level files, SHA256SUMS among
them, in a folder per tag) and served by http.server on 127.0.0.1. Every test has
its own empty cache (FACELEDGER_CACHE_DIR).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import faceledger
from faceledger.core.files import sha256_file
from faceledger.core.versions import VersionError
from faceledger.remote import CACHE_ENV, URL_ENV

from .support import cli


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1; yields the releases URL template for it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=partial(server.serve_forever, poll_interval=0.05), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v{{version}}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def version_of(release: Path) -> str:
    return str(json.loads((release / "parquet" / "datapackage.json").read_text(encoding="utf-8"))["version"])


@pytest.fixture
def assets(built: Path, tmp_path: Path) -> Path:
    """A private copy of the release's assets as GitHub serves them: <root>/v<version>/<top-level files>."""
    root = tmp_path / "server"
    tag = root / f"v{version_of(built)}"
    tag.mkdir(parents=True)
    for path in built.iterdir():
        if path.is_file():
            shutil.copyfile(path, tag / path.name)
    return root


@pytest.fixture
def version(built: Path) -> str:
    return version_of(built)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def online(assets: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The assets are being served and FACELEDGER_RELEASES_URL points at them."""
    with serving(assets) as url:
        monkeypatch.setenv(URL_ENV, url)
        yield url


@pytest.fixture
def offline(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """FACELEDGER_RELEASES_URL points at a port nothing listens on any more."""
    with serving(tmp_path) as url:
        pass
    monkeypatch.setenv(URL_ENV, url)
    return url


def cached_files(cache: Path) -> list[Path]:
    return sorted(path for path in cache.rglob("*") if path.is_file())


def flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_every_resource_of_a_version_is_the_release_built(bundled: Path, online: str, version: str, capfd):
    for name in faceledger.resources():
        fetched = faceledger.load(name, version=version)
        assert fetched.equals(faceledger.load(name)), name
        assert fetched.schema.equals(faceledger.load(name).schema, check_metadata=True), name
        assert faceledger.schema(name, version=version) == faceledger.schema(name), name
    assert faceledger.loader.resources(version) == faceledger.resources()
    assert capfd.readouterr().err == ""  # pooch's download log stays quiet


def test_a_cached_version_loads_offline(bundled: Path, assets: Path, cache: Path, version: str, monkeypatch):
    with serving(assets) as url:
        monkeypatch.setenv(URL_ENV, url)
        first = faceledger.load("contracts", version=version)
    folder = cache / "releases" / version
    assert (folder / "SHA256SUMS").read_bytes() == (assets / f"v{version}" / "SHA256SUMS").read_bytes()
    assert faceledger.data_dir(version) == folder / "parquet"
    assert faceledger.path("contracts", version=version) == folder / "parquet" / "contracts.parquet"
    # The server is gone: the second load reads the cache and asks the network nothing.
    assert faceledger.load("contracts", version=version).equals(first)
    assert faceledger.load("documents", version=version).equals(faceledger.load("documents"))


def test_a_cached_load_imports_neither_the_downloader_nor_pooch(online: str, cache: Path, version: str):
    faceledger.load("contracts", version=version)
    code = (
        f"import sys, faceledger; faceledger.load('contracts', version={version!r}); "
        "print(sorted(m for m in sys.modules if m.startswith(('pooch', 'requests', 'faceledger.remote.'))))"
    )
    env = {**os.environ, URL_ENV: "http://127.0.0.1:9/v{version}/"}  # nothing answers there
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "[]", done.stdout
    assert done.stderr == ""


def test_a_cache_entry_missing_a_file_is_fetched_again(online: str, cache: Path, version: str):
    first = faceledger.load("contracts", version=version)
    (cache / "releases" / version / "parquet" / "contracts.parquet").unlink()
    assert faceledger.load("contracts", version=version).equals(first)
    assert not [p for p in (cache / "releases").iterdir() if p.name != version]  # no staging left


def test_the_cached_folder_verifies_as_a_release_download(online: str, cache: Path, version: str):
    faceledger.load("contracts", version=version)
    result = cli("verify", "--ignore-missing", str(cache / "releases" / version))
    assert result.exit_code == 0, result.output
    assert {p.relative_to(cache).parts[2] for p in cached_files(cache)} == {"SHA256SUMS", "parquet"}


def test_an_uncached_version_offline_says_it_needs_the_network(offline: str, cache: Path, version: str):
    with pytest.raises(faceledger.NetworkNeeded) as raised:
        faceledger.load("contracts", version=version)
    url = offline.replace("{version}", version) + "SHA256SUMS"
    assert raised.value.url == url
    assert url in str(raised.value)
    assert "needs the network" in str(raised.value)
    assert cached_files(cache) == []


@pytest.mark.parametrize("damage", ["flipped", "truncated"])
def test_a_damaged_zip_is_refused_and_nothing_is_cached(
    online: str, assets: Path, cache: Path, version: str, damage: str
):
    archive = assets / f"v{version}" / f"faceledger-{version}-parquet.zip"
    if damage == "flipped":
        flip(archive, archive.stat().st_size // 2)
    else:
        archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(faceledger.DownloadMismatch) as raised:
        faceledger.load("contracts", version=version)
    assert raised.value.file == archive.name
    assert f"{archive.name}: error checksum-mismatch" in str(raised.value)
    assert cached_files(cache) == []
    assert not (cache / "releases" / version).exists()


def rewrite_member(archive: Path, member: str, edit) -> None:
    with zipfile.ZipFile(archive) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(archive, "w") as target:
        for info, data in members:
            target.writestr(info, edit(data) if info.filename.endswith(member) else data)


def vouch_for(folder: Path, name: str) -> None:
    """SHA256SUMS rewritten to vouch for the zip as it now is (its members' lines left as they were)."""
    sums = folder / "SHA256SUMS"
    lines = [
        f"{sha256_file(folder / name)}  {name}" if line.endswith(f"  {name}") else line
        for line in sums.read_text(encoding="utf-8").splitlines()
    ]
    sums.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_zip_whose_member_differs_from_sha256sums_is_refused(
    online: str, assets: Path, cache: Path, version: str
):
    """The zip's own line agrees, but one Parquet file inside is not the one SHA256SUMS lists."""
    folder = assets / f"v{version}"
    archive = folder / f"faceledger-{version}-parquet.zip"
    rewrite_member(archive, "/contracts.parquet", lambda data: data[:-9] + bytes([data[-9] ^ 1]) + data[-8:])
    vouch_for(folder, archive.name)
    with pytest.raises(faceledger.DownloadMismatch) as raised:
        faceledger.load("contracts", version=version)
    message = str(raised.value)
    assert (
        f"{archive.name}:faceledger-{version}-parquet/contracts.parquet: error checksum-mismatch" in message
    )
    assert cached_files(cache) == []


def test_a_zip_member_that_climbs_out_is_refused(online: str, assets: Path, cache: Path, version: str):
    folder = assets / f"v{version}"
    archive = folder / f"faceledger-{version}-parquet.zip"
    with zipfile.ZipFile(archive, "a") as opened:
        opened.writestr("../../escaped.txt", b"outside")
    vouch_for(folder, archive.name)
    with pytest.raises(faceledger.DownloadMismatch) as raised:
        faceledger.load("contracts", version=version)
    assert "unsafe-path" in str(raised.value)
    assert cached_files(cache) == []
    assert not list(cache.parent.rglob("escaped.txt"))


def test_an_unpublished_version_is_unknown(online: str, cache: Path):
    with pytest.raises(faceledger.UnknownVersion) as raised:
        faceledger.load("contracts", version="9.9.9")
    assert "no published release 9.9.9" in str(raised.value)
    assert online.replace("{version}", "9.9.9") + "SHA256SUMS" in str(raised.value)
    assert cached_files(cache) == []


@pytest.mark.parametrize("bad", ["../0.1.0", "0.1", "v0.1.0", "0.1.0/../../x"])
def test_a_version_is_checked_before_it_reaches_a_url_or_a_path(offline: str, cache: Path, bad: str):
    # Offline: a request would raise NetworkNeeded, not VersionError.
    with pytest.raises(VersionError):
        faceledger.load("contracts", version=bad)
    assert not cache.exists()


def test_load_without_a_version_stays_bundled_and_offline(bundled: Path, offline: str, cache: Path):
    assert faceledger.load("contracts").num_rows > 0
    assert not cache.exists()


@pytest.mark.parametrize("flavour", ["pandas", "polars"])
def test_frames_of_a_version(bundled: Path, online: str, version: str, flavour: str):
    fetched = faceledger.load("contracts", as_=flavour, version=version)
    assert type(fetched).__module__.split(".")[0] == flavour
    assert fetched.equals(faceledger.load("contracts", as_=flavour))


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export_a_version_gives_the_release_bytes(
    online: str, built: Path, version: str, tmp_path: Path, fmt: str
):
    target = tmp_path / f"contracts.{fmt}"
    result = cli("export", "contracts", "--version", version, "--format", fmt, "--output", str(target))
    assert result.exit_code == 0, result.output
    descriptor = json.loads((built / fmt / "datapackage.json").read_text(encoding="utf-8"))
    (rel,) = [r["path"] for r in descriptor["resources"] if r["name"] == "contracts"]
    assert target.read_bytes() == (built / fmt / rel).read_bytes()


def test_export_offline_or_a_bad_version_is_a_clear_error(offline: str, version: str):
    result = cli("export", "contracts", "--version", version)
    assert result.exit_code == 1
    assert "error: faceledger" in result.stderr and "needs the network" in result.stderr
    result = cli("export", "contracts", "--version", "0.1")
    assert result.exit_code == 2
    assert "not a semantic version" in result.stderr


def test_export_an_unpublished_version(online: str):
    result = cli("export", "contracts", "--version", "9.9.9")
    assert result.exit_code == 2
    assert "error: no published release 9.9.9" in result.stderr
