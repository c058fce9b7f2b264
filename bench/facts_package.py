"""A repository copy whose curated facts are scaled to N rows, optionally with known errors.

The real curated rows are replicated: copy 0 is the repository's own rows, copy k keeps
every cell but suffixes each id with `-n<k>`, so keys stay unique, foreign keys resolve
within the copy and every quote still occurs in the (unchanged) cited document. The
documents side stays the repository's seeds, so what grows is the curated-fact work.

Errors are injected one to a chosen row, each a kind that is one finding and has no
consequence elsewhere (so "same findings" means each real error once):

- bad-type: a contract amount that is no number;
- foreign-key: a use row's system_id that names no system;
- duplicate-key: an evidence id equal to the one on the line above;
- constraint: a contract status outside its enum;
- quote: an evidence quote with a word added, so it is not in its document;
- private: an organization's reference URL that names a listed private person.

The first four are what frictionless checks too; `FRICTIONLESS_KINDS` names them.

    python bench/facts_package.py TARGET --rows 100000 --errors 1000
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from faceledger.checks.privacy import PRIVATE_NAMES, name_digest  # noqa: E402
from faceledger.core.package import copy_repository  # noqa: E402

CURATED = ("organizations", "systems", "contracts", "evidence")
ID = re.compile(r"(org|sys|con|ev)-[a-z0-9]+(-[a-z0-9]+)*")
# Not a real person: the name the private-person errors put in a URL, added to the list.
PRIVATE = "Jane Roe"
KINDS = ("bad-type", "foreign-key", "duplicate-key", "constraint", "quote", "private")
FRICTIONLESS_KINDS = ("bad-type", "foreign-key", "duplicate-key", "constraint")


@dataclass
class Generated:
    root: Path
    rows: int
    # Each injected error: (kind, file, line, field).
    errors: list[tuple[str, str, int, str]] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(kind for kind, *_ in self.errors)


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *body = list(csv.reader(handle))
    return header, body


def _copy(row: list[str], copy: int) -> list[str]:
    if copy == 0:
        return list(row)
    suffix = f"-n{copy}"
    return [c + suffix if ID.fullmatch(c) else c for c in row]


def generate(target: Path, rows: int, errors: int = 0, source: Path = REPO) -> Generated:
    """Write the scaled repository at `target`: about `rows` curated rows in all, `errors` of them wrong."""
    copy_repository(source, target)
    tables = {name: _read(target / "dataset" / f"{name}.csv") for name in CURATED}
    per_copy = sum(len(body) for _, body in tables.values())
    copies = max(1, round(rows / per_copy))
    out: dict[str, tuple[list[str], list[list[str]]]] = {}
    for name, (header, body) in tables.items():
        scaled = [_copy(row, k) for k in range(copies) for row in body]
        key = header.index(f"{name[:-1]}_id" if name != "evidence" else "evidence_id")
        scaled.sort(key=lambda r: r[key])
        out[name] = (header, scaled)
    result = Generated(target, copies * per_copy)
    if errors:
        _inject(out, errors, result)
        with (target / PRIVATE_NAMES).open("a", encoding="utf-8") as handle:
            handle.write(f"{name_digest(PRIVATE)}\n")
    for name, (header, body) in out.items():
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows([header, *body])
        (target / "dataset" / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return result


def _candidates(out: dict[str, tuple[list[str], list[list[str]]]]) -> dict[str, tuple[str, str, list[int]]]:
    """For each kind: the table, the field and the rows it can be injected in without a consequence."""

    def where(name: str, column: str, keep: object) -> tuple[str, str, list[int]]:
        header, body = out[name]
        return name, column, [i for i, row in enumerate(body) if keep(dict(zip(header, row, strict=True)))]

    return {
        "bad-type": where("contracts", "amount", lambda r: r["amount"] != ""),
        "foreign-key": where(
            "contracts", "system_id", lambda r: r["relationship"] == "use" and r["system_id"]
        ),
        # Not the first row: it copies the id of the row above.
        "duplicate-key": where("evidence", "evidence_id", lambda r: True),
        "constraint": where("contracts", "status", lambda r: True),
        "quote": where("evidence", "quote", lambda r: True),
        "private": where("organizations", "reference_url", lambda r: r["reference_url"] != ""),
    }


def _inject(out: dict[str, tuple[list[str], list[list[str]]]], errors: int, result: Generated) -> None:
    candidates = _candidates(out)
    taken: set[tuple[str, int]] = set()
    for n in range(errors):
        kind = KINDS[n % len(KINDS)]
        name, column, rows = candidates[kind]
        header, body = out[name]
        position = header.index(column)
        # Spread over the file, deterministically; a row takes one error (not the first: a
        # duplicate copies the id of the row above).
        step = max(1, len(rows) // (errors // len(KINDS) + 1))
        index = next(
            (
                i
                for offset in range(len(rows))
                if (i := rows[((n // len(KINDS)) * step + offset) % len(rows)]) > 0 and (name, i) not in taken
            ),
            None,
        )
        if index is None:
            raise ValueError(f"{errors} errors are too many for {len(body)} rows of {name}")
        taken.add((name, index))
        row = body[index]
        if kind == "bad-type":
            row[position] = row[position] + "x"
        elif kind == "foreign-key":
            row[position] = f"sys-nowhere-{n}"
        elif kind == "duplicate-key":
            row[position] = body[index - 1][position]
        elif kind == "constraint":
            row[position] = "unknown"
        elif kind == "quote":
            row[position] = row[position] + " indeed"
        elif kind == "private":
            row[position] = row[position].rstrip("/") + "/jane-roe"
        result.errors.append((kind, f"dataset/{name}.csv", index + 2, column))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("target", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()
    made = generate(args.target, args.rows, args.errors)
    print(f"{made.rows} curated rows, {len(made.errors)} errors injected: {dict(made.counts)}")


if __name__ == "__main__":
    main()
