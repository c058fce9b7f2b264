"""Files: hashing, JSON bytes, relative paths that stay put, and writes that land whole or not at all."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dump_json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def safe_path(path: str) -> bool:
    """A relative path with forward slashes that cannot climb out of the folder it is read in."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in path


# A scheme (http:, file:, C:) at the start of a path: a descriptor read here names local files only.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def local_path(path: str) -> bool:
    """A safe_path that is no URL either: what a descriptor's resource `path` or `schema` must be."""
    return safe_path(path) and not _SCHEME.match(path)


def write_files(root: Path, files: dict[str, bytes], names: list[str] | None = None) -> None:
    """Write each file (of `names`, default all) beside its destination first, then rename them all into place."""
    staged = []
    try:
        for rel in sorted(files) if names is None else names:
            target = root / rel
            # Descriptors are checked before anything is written (ingest/descriptor.py); this is the backstop.
            if not safe_path(rel) or not target.parent.resolve().is_relative_to(root.resolve()):
                raise ValueError(f"refusing to write {rel!r}: it is not inside {root}")
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.tmp")
            temp.write_bytes(files[rel])
            staged.append((temp, target))
        for temp, target in staged:
            os.replace(temp, target)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)


@contextmanager
def staged_file(target: Path) -> Iterator[Path]:
    """A path beside `target` to write to; it replaces `target` when the block succeeds, else it is removed."""
    temp = target.with_name(f".{target.name}.tmp")
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


@contextmanager
def staged_folder(final: Path) -> Iterator[Path]:
    """A new folder beside `final` that replaces it when the block succeeds and is removed when it fails."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        yield staging
        staging.chmod(0o755)
        replace_folder(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def replace_folder(new: Path, final: Path) -> None:
    """Move `new` to `final`, replacing what was there with two renames."""
    if not final.exists():
        new.rename(final)
        return
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)
