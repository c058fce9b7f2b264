"""How long `faceledger.load(name, version=...)` takes once the version is cached, beside the bundled load.

Usage: python bench/bench_remote.py [--runs N] [--name RESOURCE]

Builds a release of a copy of this repository, serves its assets as a GitHub
release (http.server on 127.0.0.1) for one first load that downloads and caches
it, then stops the server: every timed load reads the cache, offline. Fresh
processes time a first load as a user's script meets it (interpreter, imports,
cache check, read), interleaved with the bundled load; then both are timed in
one process after their first call.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import timeit
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import faceledger
from faceledger.build import build
from faceledger.core.package import copy_repository
from faceledger.remote import CACHE_ENV, URL_ENV

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import interleaved  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def assets(release: Path, root: Path, version: str) -> None:
    """The release's top-level files, as GitHub serves a release's assets: root/v<version>/<file>."""
    tag = root / f"v{version}"
    tag.mkdir(parents=True)
    for path in release.iterdir():
        if path.is_file():
            shutil.copyfile(path, tag / path.name)


def first_download(root: Path, name: str, version: str) -> float:
    """Serve `root` for one load of `version`, which fills the cache; its seconds."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=partial(server.serve_forever, poll_interval=0.05), daemon=True)
    thread.start()
    os.environ[URL_ENV] = f"http://127.0.0.1:{server.server_address[1]}/v{{version}}/"
    try:
        start = time.perf_counter()
        faceledger.load(name, version=version)
        return time.perf_counter() - start
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        # Nothing answers there now: a timed load that reached for the network would fail.
        os.environ[URL_ENV] = "http://127.0.0.1:9/v{version}/"


def in_process(name: str, version: str | None, calls: int) -> list[float]:
    """Seconds per load in this process, after a first call that imports pyarrow."""
    faceledger.load(name, version=version)
    return timeit.repeat(lambda: faceledger.load(name, version=version), number=1, repeat=calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--name", default="documents", help="the resource to load")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        result = build(copy_repository(REPO, base / "repo"))
        release = result.release
        assert release is not None
        version = str(json.loads((release / "parquet" / "datapackage.json").read_text())["version"])
        assets(release, base / "server", version)
        os.environ[CACHE_ENV] = str(base / "cache")
        download = first_download(base / "server", args.name, version)
        bundled = f"import faceledger; faceledger.load({args.name!r})"
        versioned = f"import faceledger; faceledger.load({args.name!r}, version={version!r})"
        py = sys.executable
        cases = {
            "python -c pass (baseline)": [py, "-c", "pass"],
            f"load({args.name!r}) (bundled)": [py, "-c", bundled],
            f"load({args.name!r}, version={version!r}) (cached)": [py, "-c", versioned],
        }
        timings = interleaved(cases, args.runs)
        calls = 200
        warm = {
            "bundled": in_process(args.name, None, calls),
            "cached": in_process(args.name, version, calls),
        }
    print(f"faceledger {version}, {args.name}; first load with the download: {download * 1e3:.0f} ms")
    print(f"fresh processes, runs={args.runs}, offline")
    print(f"{'case':48} {'median ms':>9} {'min ms':>7}")
    for case, values in timings.items():
        print(f"{case:48} {statistics.median(values) * 1e3:9.1f} {min(values) * 1e3:7.1f}")
    print(f"\nin one process, after the first call, {calls} calls")
    for case, times in warm.items():
        print(
            f"load({args.name!r}) {case}: median {statistics.median(times) * 1e3:.2f} ms, "
            f"min {min(times) * 1e3:.2f} ms"
        )


if __name__ == "__main__":
    main()
