"""What a quote proves: whether it occurs in a document, and which amounts and dates it states.

Matching is deliberately literal. A quote is compared with the document after the
same normalization on both sides (NFC, runs of whitespace collapsed, typographic
quotes mapped to ASCII) and nothing looser: no case folding, no fuzzy distance, so
a quote that passes can be found with a plain text search of the source.
The fuzzy matching in passages.py only explains a quote that fails.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
_SPACE = re.compile(r"\s+")


# Fact checks compare the same few quotes and names many times over: each is normalized once.
@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_QUOTE_MARKS)).strip()


class Normalized(Mapping[str, str]):
    """Documents' texts, each normalized the first time it is asked for.

    Evidence cites a few documents of thousands, so most texts are never looked in
    (at 20k documents, normalizing them all took 0.6 s of every validate); only a
    failed quote's hint, which asks which other document holds it, reads them all.
    """

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = texts
        self._normalized: dict[str, str] = {}

    def __getitem__(self, document_id: str) -> str:
        if document_id not in self._normalized:
            self._normalized[document_id] = normalize(self._texts[document_id])
        return self._normalized[document_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def occurs_in(quote: str, text: str) -> bool:
    return normalize(quote) in normalize(text)


@lru_cache(maxsize=1 << 16)
def names_in(name: str, text: str) -> bool:
    """Whether `text` mentions `name` as whole words (a trailing possessive 's' allowed).

    The seeds drop apostrophes ("ICEs use of Clearview"), so "ICEs" still names ICE.
    """
    pattern = r"(?<!\w)" + re.escape(normalize(name)) + r"(?:'?s)?(?!\w)"
    return re.search(pattern, normalize(text)) is not None


# --- amounts ---------------------------------------------------------------------------

_MULTIPLIERS = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
}
_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s?(?P<scale>(?i:thousand|million|billion|mn|bn|k|m|b))(?!\w))?"
# ISO codes count only in upper case, so "for 3 years" is no amount in "FOR".
_MONEY_PATTERNS = [
    re.compile(rf"(?P<symbol>US\$|[A-Z]{{1,2}}\$|\$|£|€|¥|₹|\b[A-Z]{{3}}\s)\s?{_NUMBER}{_SCALE}"),
    re.compile(rf"(?<![\w.,$£€¥₹]){_NUMBER}{_SCALE}\s(?P<word>(?i:dollars|pounds|euros|yen)|[A-Z]{{3}})\b"),
]
# A figure after one of these words is a bound, not the amount itself ("nearly $4 million").
_HEDGE = re.compile(
    r"\b(?:nearly|almost|over|more than|less than|under|up to|at least|at most|upwards of|in excess of)\s*$",
    re.IGNORECASE,
)
_NAMED = {"$": None, "£": {"GBP"}, "€": {"EUR"}, "¥": {"JPY", "CNY"}, "₹": {"INR"}}
_NAMED |= {"dollars": None, "pounds": {"GBP"}, "euros": {"EUR"}, "yen": {"JPY"}, "us$": {"USD"}}


@dataclass(frozen=True)
class Money:
    text: str
    amount: Decimal
    currencies: frozenset[str] | None  # None: any of the dollars
    hedged: bool

    def states(self, amount: float | int, currency: str | None) -> bool:
        if self.hedged or currency is None:
            return False
        try:
            if Decimal(str(amount)) != self.amount:
                return False
        except InvalidOperation:
            return False
        return currency in (dollar_currencies() if self.currencies is None else self.currencies)


@cache
def currency_codes() -> frozenset[str]:
    import pycountry  # loads its ISO tables on first use, not at import of faceledger

    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def dollar_currencies() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies if "Dollar" in c.name)


def _currencies(marker: str) -> frozenset[str] | None | bool:
    """The currencies a symbol, word or code can mean; None for "a dollar"; False for no currency."""
    marker = marker.strip()
    if marker.lower() in _NAMED:
        named = _NAMED[marker.lower()]
        return None if named is None else frozenset(named)
    if marker.endswith("$"):
        return None  # A$, C$, NZ$: some dollar
    return frozenset({marker}) if marker in currency_codes() else False


def money_in(text: str) -> list[Money]:
    """Every money expression written with figures: "$3,750,000", "$3.9 million", "$4.2M", "EUR 5m"."""
    return list(_money_in(text))


@lru_cache(maxsize=1 << 14)
def _money_in(text: str) -> tuple[Money, ...]:
    text = normalize(text)
    found: list[tuple[int, Money]] = []
    for pattern in _MONEY_PATTERNS:
        for match in pattern.finditer(text):
            currencies = _currencies(match.groupdict().get("symbol") or match["word"])
            if currencies is False:
                continue
            scale = (match["scale"] or "").lower()
            found.append(
                (
                    match.start(),
                    Money(
                        text=match.group(0).strip(),
                        amount=Decimal(match["number"].replace(",", "")) * _MULTIPLIERS.get(scale, 1),
                        currencies=currencies,  # type: ignore[arg-type]
                        hedged=_HEDGE.search(text[: match.start()]) is not None,
                    ),
                )
            )
    return tuple(money for _, money in sorted(found, key=lambda f: f[0]))


# --- dates -----------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted((n.capitalize() for n in _MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_DATE_PATTERNS = [
    re.compile(r"(?<![\w-])(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?(?![\w-])"),
    re.compile(rf"\b{_MONTH}\s{_DAY}(?:,?\s{_YEAR})?\b"),
    re.compile(rf"\b{_DAY}\s{_MONTH}(?:,?\s{_YEAR})?\b"),
    re.compile(rf"\b{_MONTH},?\s{_YEAR}\b"),
    re.compile(rf"\b{_YEAR}\b"),
]
_PARTIAL = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?|--(?P<md>\d{2})-(?P<dd>\d{2})"
)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class PartialDate:
    """A date known to year, month or day; `year` is None for "September 5" with no year."""

    year: int | None
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def within(self, stated: PartialDate) -> bool:
        """Whether a quote stating `stated` supports this value: same parts, no stated year dropped."""
        if self.year is None and stated.year is not None:
            return False
        return all(
            mine is None or mine == theirs
            for mine, theirs in ((self.year, stated.year), (self.month, stated.month), (self.day, stated.day))
        )

    def earliest(self) -> tuple[int, int, int] | None:
        """The first day the value can mean, for comparing with a bound; None without a year."""
        return None if self.year is None else (self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)


def parse_partial_date(value: str) -> tuple[PartialDate | None, str | None]:
    """A partial ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD or --MM-DD), or why it is not one."""
    match = _PARTIAL.fullmatch(value)
    if not match:
        return None, f"{value!r} is not YYYY, YYYY-MM, YYYY-MM-DD or --MM-DD"
    if match["md"]:
        date = PartialDate(None, int(match["md"]), int(match["dd"]))
    else:
        date = PartialDate(
            int(match["year"]),
            int(match["month"]) if match["month"] else None,
            int(match["day"]) if match["day"] else None,
        )
    return date, _impossible(date)


def _impossible(date: PartialDate) -> str | None:
    if date.month is not None and not 1 <= date.month <= 12:
        return f"{date}: there is no month {date.month}"
    if date.day is not None:
        assert date.month is not None
        last = _DAYS_IN_MONTH[date.month - 1]
        if date.month == 2 and date.year is not None and not _leap(date.year):
            last = 28
        if not 1 <= date.day <= last:
            return f"{date}: there is no day {date.day} in that month"
    return None


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def dates_in(text: str) -> list[tuple[str, PartialDate]]:
    """Each date a text states, with its words: "September 5", "5 Sept. 2021", "2021-09", "2021"."""
    return list(_dates_in(text))


@lru_cache(maxsize=1 << 14)
def _dates_in(text: str) -> tuple[tuple[str, PartialDate], ...]:
    text = normalize(text)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str, PartialDate]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            parts = match.groupdict()
            month = parts.get("month")
            date = PartialDate(
                int(parts["year"]) if parts.get("year") else None,
                (int(month) if month.isdigit() else _MONTHS[month.lower()]) if month else None,
                int(parts["day"]) if parts.get("day") else None,
            )
            if _impossible(date) is None:
                taken.append(match.span())
                found.append((match.start(), match.group(0), date))
    return tuple((words, date) for _, words, date in sorted(found, key=lambda f: f[0]))
