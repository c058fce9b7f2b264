"""Text repair shared by every field that carries prose."""

from __future__ import annotations

import re
import unicodedata

import ftfy

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def clean(text: str | None) -> str | None:
    """Repair mojibake and normalize to NFC; empty text becomes None.

    ftfy's defaults also straighten curly quotes, expand ligatures and fold
    full-width characters, which would rewrite text that is already correct,
    so only the encoding repairs are enabled.
    """
    if text is None:
        return None
    fixed = ftfy.fix_text(
        text,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        normalization="NFC",
    )
    fixed = unicodedata.normalize("NFC", fixed).strip()
    return fixed or None


def word_count(*parts: str | None) -> int:
    return sum(len(_WORD.findall(part)) for part in parts if part)
