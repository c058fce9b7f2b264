"""`faceledger show`: a document's id, sources and the very text its quotes are matched against."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from faceledger.checks.quotes import normalize
from faceledger.show import UnknownDocument, show

from .support import REPO, cli

SEED = "seeds/000_feff060093cf589f.txt"
SEED_DOC = "doc-6b2ffdc075ca2b3c"
RELATED = "doc-7e1c7702085be4f0"  # a related article seed 000 lists


def test_show_a_seed_by_path_or_file_name(repo: Path):
    raw = (repo / SEED).read_text(encoding="utf-8")
    phrase = "ICE has a new contract with a company called Trust Stamp"
    assert phrase in raw
    for what in (SEED, Path(SEED).name):
        result = cli("show", what, "--root", str(repo))
        assert result.exit_code == 0, result.output
        heading, blank, *text = result.stdout.splitlines()
        assert heading == f"{SEED_DOC}  {SEED}; lists {RELATED}, doc-f282ef1d30892ca7 as related"
        assert blank == ""
        assert text[0].startswith("Exclusive: ICE just paid $3.9 million for 'rapid'")
        assert phrase in "\n".join(text)


def test_show_a_related_article_prints_the_repaired_text_and_the_seed_it_comes_from(repo: Path):
    raw = (repo / SEED).read_text(encoding="utf-8")
    assert "Trust Stampâ€™s facial recognition" in raw  # the seed's bytes carry mojibake
    result = cli("show", RELATED, "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"{RELATED}  a related article listed by {SEED}"
    assert (
        "ICE drops $3.9M for Trust Stamp’s facial recognition, London Met taps NEC for $4.2M" in result.stdout
    )
    assert "â€™" not in result.stdout
    shown = show(repo, RELATED)
    assert (shown.seed_path, shown.sources, shown.related) == (None, [SEED], [])


def test_every_quote_in_the_dataset_is_in_the_text_show_prints_for_its_document():
    with (REPO / "dataset" / "evidence.csv").open(encoding="utf-8", newline="") as rows:
        evidence = list(csv.DictReader(rows))
    assert evidence
    texts = {doc: normalize(show(REPO, doc).text) for doc in {row["document_id"] for row in evidence}}
    for row in evidence:
        assert normalize(row["quote"]) in texts[row["document_id"]], row["evidence_id"]


@pytest.mark.parametrize(
    ("what", "says"),
    [
        ("doc-7e1c7702085be4f1", f"no document has the id doc-7e1c7702085be4f1; did you mean {RELATED}?"),
        (
            "004_2521c0302a7bf62.txt",
            "no seed in seeds/ is 004_2521c0302a7bf62.txt, and no document has that id; "
            "did you mean seeds/004_2521c0302a7bf621.txt?",
        ),
        (
            "seeds/nothing-like-it.md",
            "no seed in seeds/ is seeds/nothing-like-it.md, and no document has that id; "
            "dataset/documents/ lists every document_id",
        ),
    ],
)
def test_an_unknown_id_or_path_is_a_usage_error_suggesting_the_nearest(repo: Path, what: str, says: str):
    result = cli("show", what, "--root", str(repo))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {says}\n"
    with pytest.raises(UnknownDocument, match="no "):
        show(repo, what)
