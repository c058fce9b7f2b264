"""URL canonicalization and text repair rules."""

from __future__ import annotations

import pytest

from faceledger.ingest.text import clean, word_count
from faceledger.ingest.urls import canonical_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Example.COM/a?utm_source=x&id=3#frag", "https://example.com/a?id=3"),
        (" https://e.org/p?amp=1 ", "https://e.org/p"),
        ("https://e.org/p?outputType=amp&page=2", "https://e.org/p?page=2"),
        ("https://medium.com/x?source=topic_page---------2------------------1", "https://medium.com/x"),
        ("https://e.org/a?x=1&#038;fbclid=abc", "https://e.org/a?x=1"),
        ("https://e.org", "https://e.org/"),
        ("not a url", None),
        ("ftp://e.org/file", None),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url(raw, expected):
    assert canonical_url(raw) == expected


def test_clean_repairs_mojibake_and_keeps_typography():
    assert clean("Trust Stampâ€™s") == "Trust Stamp’s"
    # Already-correct text is left alone: curly quotes, ligatures, full-width forms.
    assert clean("“ﬁne” Ｆ") == "“ﬁne” Ｆ"


def test_clean_normalizes_to_nfc_and_empties_to_none():
    assert clean("Cafe\u0301") == "Café"
    assert clean("   ") is None and clean(None) is None


def test_word_count_counts_contractions_once():
    assert word_count("Trust Stamp’s app", None, "doesn't  work") == 5
