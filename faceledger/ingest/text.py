"""Text repair shared by every field that carries prose."""

from __future__ import annotations

import re
import unicodedata

import ftfy

_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Characters a reader cannot see that change how text reads or runs (README, "Hidden characters").
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]))
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
LINE_SEPARATORS = frozenset("\u2028\u2029")
# What a spreadsheet runs as a formula when a cell starts with it (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How many hidden characters a finding names before it counts the rest.
SHOWN = 5
# ftfy's defaults also straighten curly quotes, expand ligatures and fold full-width
# characters, which would rewrite text that is already correct, so only the encoding
# repairs are enabled.
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization="NFC",
    explain=False,
)
# Text that ftfy leaves as it is: printable ASCII, tabs and newlines cannot be mojibake and are
# already NFC. `&` is not in it (ftfy decodes HTML entities), nor CR, escapes or other controls.
_UNTOUCHED = re.compile(r"[\t\n\x20-\x25\x27-\x7e]*")


def clean(text: str | None) -> str | None:
    """Repair mojibake and normalize to NFC; empty text becomes None."""
    if text is None:
        return None
    if _UNTOUCHED.fullmatch(text):
        return text.strip() or None
    return repaired(text)


def repaired(text: str) -> str | None:
    """What `clean` gives, by ftfy whatever the text (its reference)."""
    fixed = unicodedata.normalize("NFC", ftfy.fix_text(text, FTFY_CONFIG)).strip()
    return fixed or None


def hidden_kind(char: str) -> str | None:
    """What kind of hidden character `char` is, or None for a visible one (tab and newline are visible)."""
    code = ord(char)
    if char in "\t\n":
        return None
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "control character"
    if char in BIDI_CONTROLS:
        return "bidi control"
    if char in ZERO_WIDTH:
        return "zero-width character"
    if char in LINE_SEPARATORS:
        return "line separator"
    return None


def _hidden_chars() -> re.Pattern[str]:
    controls = {chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)]} - set("\t\n")
    chars = sorted(controls | BIDI_CONTROLS | ZERO_WIDTH | LINE_SEPARATORS)
    return re.compile("[" + "".join(map(re.escape, chars)) + "]")


# Any character hidden_kind names: most text has none, and is passed over at C speed.
_HIDDEN = _hidden_chars()


def hidden(value: str) -> list[str]:
    """Each hidden character in `value`, named with its code point and place: `bidi control U+202E at character 4`."""
    if not _HIDDEN.search(value):
        return []
    return [
        f"{kind} U+{ord(char):04X} at character {place}"
        for place, char in enumerate(value, start=1)
        if (kind := hidden_kind(char)) is not None
    ]


def scrub(value: str) -> tuple[str, str | None]:
    """`value` without its hidden characters (a line separator becomes a space), and what was changed."""
    found = hidden(value)
    if not found:
        return value, None
    kept = "".join(" " if char in LINE_SEPARATORS else "" if hidden_kind(char) else char for char in value)
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    spaced = " (a line separator becomes a space)" if LINE_SEPARATORS & set(value) else ""
    return kept, f"removed {', '.join(found[:SHOWN])}{more}{spaced}"


def formula_like(value: str) -> bool:
    """Whether a spreadsheet opening a CSV cell of `value` would run it as a formula."""
    return value.startswith(FORMULA_STARTS)


def word_count(*parts: str | None) -> int:
    return sum(len(_WORD.findall(part)) for part in parts if part)
