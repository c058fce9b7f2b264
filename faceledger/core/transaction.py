"""A build's outputs put in place all together, or not at all, even if the build is killed.

A Transaction stages every output beside its destination first: a file as
`.NAME.tmp`, a folder as `.NAME.staging-XXXXXXXX`. Nothing the repository or
dist/ holds changes while staging; a failure then removes the staged copies.
`commit` writes a journal (JOURNAL, in the repository root) listing each
staged → final move and each file to remove, then makes the moves, each with
two renames: the old output to `.NAME.old`, the staged one to its name; a file
to remove is renamed to `.NAME.old` only. Last it removes the `.old` copies and
the journal. Only files under the repository's dataset/ can be removed (a
derived table's part that has no rows any more, or its single file from before
the repository kept parts).

The guarantee: a build that fails or is killed at any moment leaves the old
outputs or the new ones, never a mix, once the next build (or `faceledger
validate`) has started. A failure during the commit is undone at once (the
renames in reverse); a kill leaves the journal, and `recover` finishes the
moves it lists (every staged copy is complete before the journal is written,
so rolling forward is always possible). Between the kill and the next run the
files may be a mix, with the journal present to say so. `recover` then removes
what killed builds leave by name (`.NAME.tmp`, `.NAME.old`, staging folders),
only beside the outputs, in the repository and the dist folder. It guards
against a killed process, not a power cut: nothing is fsynced but the journal.
There is no lock: two builds of one repository at once are not supported.

Nothing is staged where a symbolic link would take it out of the repository: a
committed `dist -> /srv/www` is refused like a `docs` link (check_writable). A
release folder given outside the repository (`--dist`) is the caller's own
choice and is written as given.

FAULT is a test hook, with no effect unless set: FACELEDGER_FAULT=commit:N
kills the process (os._exit(137), as kill -9 would) just before step N of the
commit phase, where the steps are the journal's rename, each move's renames,
then the final cleanup; commit:N:raise raises OSError there instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from .findings import BuildFailed, Finding
from .package import DERIVED
from .safe_read import way_out

JOURNAL = ".faceledger-build.journal"
FAULT = "FACELEDGER_FAULT"
# Staging names: `.NAME.tmp`, `.NAME.old`, `.NAME.staging-XXXXXXXX` and older builds' `.NAME.XXXXXXXX`.
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old|(?:staging-)?[a-z0-9_]{8})$")
RELEASE_NAME = re.compile(r"^faceledger-[0-9A-Za-z.+-]+$")


def _old(final: Path) -> Path:
    return final.with_name(f".{final.name}.old")


def _remove(path: Path) -> None:
    """Remove a file, symlink or folder; never follows a symlink."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _way_out(root: Path, places: Iterable[Path], folder: Path) -> Path | None:
    """What would take a write into `folder` outside where the build writes, or None if nothing would.

    A place under the repository (the default ROOT/dist) is trusted no more than the rest of
    it, so a committed link there that leads out is refused; a place given outside the
    repository (`--dist`) is the caller's choice, taken as given, but not a link out of it.
    Raises ValueError for a folder in neither, or with a `..` in it.
    """
    root = _absolute(root)
    folder = _absolute(folder) if ".." not in folder.parts else folder
    for place in (root, *(p for p in map(_absolute, places) if not p.is_relative_to(root))):
        if folder.is_relative_to(place):
            return way_out(place, folder)
    raise ValueError(f"refusing to write into {folder}: it is neither in {root} nor in {list(places)}")


def _stays(root: Path, places: Iterable[Path], folder: Path) -> bool:
    try:
        return _way_out(root, places, folder) is None
    except ValueError:
        return False


def check_writable(root: Path, places: Iterable[Path], folder: Path) -> None:
    """Raise BuildFailed if a link takes a write into `folder` out of the repository (see _way_out)."""
    out = _way_out(root, places, folder)
    if out is not None:
        message = (
            f"a symbolic link that leads outside the repository (to {out.resolve()}): the build does "
            "not write through it; remove the link, or name a folder outside the repository (build --dist, site --release)"
        )
        where = out.relative_to(_absolute(root)) if out.is_relative_to(_absolute(root)) else out
        raise BuildFailed([Finding(str(where), None, "unsafe-file", message)])


@dataclass
class Transaction:
    """Outputs staged under `root` or the folders in `places`, committed together (see the module docstring)."""

    root: Path
    places: tuple[Path, ...] = ()
    moves: list[tuple[Path, Path]] = field(default_factory=list)
    made: list[Path] = field(default_factory=list)  # folders made for staging, removed on abort if empty
    removals: list[Path] = field(default_factory=list)
    _step: int = 0

    def __enter__(self) -> Transaction:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is not None:
            self.abort()

    def _parent(self, path: Path) -> None:
        check_writable(self.root, self.places, path.parent)
        if not path.parent.exists():
            path.parent.mkdir(parents=True)
            self.made.append(path.parent)

    def file(self, target: Path, data: bytes) -> None:
        self._parent(target)
        staged = target.with_name(f".{target.name}.tmp")
        self.moves.append((staged, target))
        _remove(staged)  # a leftover of that name, perhaps a link, is replaced and not written through
        staged.write_bytes(data)

    def remove(self, target: Path) -> None:
        """Remove the file `target` on commit; it must be under the repository's dataset/."""
        if not _removable(self.root, target):
            raise ValueError(f"refusing to remove {target}: only files under {self.root / 'dataset'} are")
        self.removals.append(target)

    def folder(self, final: Path) -> Path:
        """A new empty folder that replaces `final` on commit; `final` must be a folder if it exists."""
        if final.is_symlink() or (final.exists() and not final.is_dir()):
            raise NotADirectoryError(f"{final} is not a folder")
        self._parent(final)
        staged = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
        staged.chmod(0o755)
        self.moves.append((staged, final))
        return staged

    def abort(self) -> None:
        for staged, _ in self.moves:
            _remove(staged)
        self.moves, self.removals = [], []
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):
                folder.rmdir()

    def commit(self) -> None:
        journal = self.root / JOURNAL
        for final in [*(f for _, f in self.moves), *self.removals]:
            _remove(_old(final))
        entries: list[dict[str, str]] = [
            {"staged": self._name(s), "final": self._name(f)} for s, f in self.moves
        ]
        entries += [{"remove": self._name(f)} for f in self.removals]
        temp = journal.with_name(f".{journal.name}.tmp")
        done: list[tuple[Path, Path, bool]] = []
        removed: list[Path] = []
        try:
            with temp.open("w", encoding="utf-8") as handle:
                json.dump({"moves": entries}, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            self._fault()
            os.replace(temp, journal)
            for staged, final in self.moves:
                existed = final.exists() or final.is_symlink()
                if existed:
                    self._fault()
                    final.rename(_old(final))
                done.append((staged, final, existed))
                self._fault()
                staged.rename(final)
            for final in self.removals:
                if final.exists() or final.is_symlink():
                    self._fault()
                    final.rename(_old(final))
                    removed.append(final)
        except BaseException:
            for final in reversed(removed):
                _old(final).rename(final)
            self._undo(done)
            temp.unlink(missing_ok=True)
            journal.unlink(missing_ok=True)
            self.abort()
            raise
        finals = [*(f for _, f in self.moves), *self.removals]
        self.moves, self.removals = [], []
        try:
            self._fault()
            for final in finals:
                _remove(_old(final))
            journal.unlink()
        except OSError:
            pass  # Everything is in place: the next run's recover() removes what is left.

    def _undo(self, done: list[tuple[Path, Path, bool]]) -> None:
        """Reverse the renames made so far, last first: each state on the way is one the forward pass passes."""
        for staged, final, existed in reversed(done):
            if not staged.exists() and (final.exists() or final.is_symlink()):
                final.rename(staged)
            if existed and _old(final).exists():
                _old(final).rename(final)

    def _name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path.resolve())

    def _fault(self) -> None:
        self._step += 1
        fault = os.environ.get(FAULT, "").split(":")
        if len(fault) >= 2 and fault[0] == "commit" and fault[1] == str(self._step):
            if fault[2:] == ["raise"]:
                raise OSError(f"{FAULT}: injected failure at commit step {self._step}")
            os._exit(137)


def recover(root: Path, places: Iterable[Path] = (), outputs: Iterable[Path] = ()) -> list[Path]:
    """Finish the commit a killed build left in its journal, then remove its leftovers; return what was moved.

    A journal entry is followed only when its final path lies in `root` or one of
    `places` and its staged path is a staging name beside it: a journal committed
    by someone else cannot move anything else. Leftovers are removed beside
    `outputs` and beside whatever `root`, its dataset/, docs/ and faceledger/
    folders and `places` hold, by name only (LEFTOVER), and every one in the derived tables'
    part folders (dataset/documents/...), which builds alone write; such a folder left empty goes too.
    """
    places = (root, *places)
    moved = []
    journal = root / JOURNAL
    if journal.is_file() and not journal.is_symlink():
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))["moves"]
        except (OSError, ValueError, KeyError, TypeError):
            entries = []
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("remove"), str):
                gone = root / entry["remove"]
                if _removable(root, gone) and _stays(root, places, gone.parent):
                    _remove(gone)
                    _remove(_old(gone))
                continue
            move = _move(root, entry, places)
            if move is not None and _roll_forward(*move):
                moved.append(move[1])
    _remove(journal)
    _remove(journal.with_name(f".{journal.name}.tmp"))
    names = {(p.parent, p.name) for p in outputs}
    dataset = root / "dataset"
    # The derived tables' part folders hold only what builds write: every staging name there is a leftover.
    parts = {dataset / name for name in DERIVED}
    for folder in {root, dataset, *parts, root / "docs", root / "faceledger", *places}:
        if not folder.is_dir() or folder.is_symlink():
            continue
        dist = folder != root and folder in places
        for entry in folder.iterdir():
            found = LEFTOVER.match(entry.name)
            if found is None:
                continue
            name = found["name"]
            if (
                folder in parts
                or (folder / name).exists()
                or (folder, name) in names
                or (dist and RELEASE_NAME.match(name))
            ):
                _remove(entry)
        if folder in parts and not any(folder.iterdir()):
            folder.rmdir()  # made for staging by a build that did not commit
    return moved


def _removable(root: Path, target: Path) -> bool:
    """Whether a build may remove `target`: a file (not a folder) under the repository's dataset/."""
    dataset = root / "dataset"
    return (
        ".." not in target.parts
        and target.is_relative_to(dataset)
        and target.parent.resolve().is_relative_to(dataset.resolve())
        and (target.is_symlink() or not target.is_dir())
    )


def _move(root: Path, entry: object, places: tuple[Path, ...]) -> tuple[Path, Path] | None:
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("staged", "final")):
        return None
    staged, final = root / entry["staged"], root / entry["final"]
    found = LEFTOVER.match(staged.name)
    if staged.parent != final.parent or found is None or found["name"] != final.name:
        return None
    if staged.name == _old(final).name or not _stays(root, places, final.parent):
        return None
    return staged, final


def _roll_forward(staged: Path, final: Path) -> bool:
    """Finish one move from whatever state the forward renames left it in."""
    if not (staged.exists() and not staged.is_symlink()):
        return False
    if final.exists() or final.is_symlink():
        _remove(_old(final))
        final.rename(_old(final))
    staged.rename(final)
    _remove(_old(final))
    return True
