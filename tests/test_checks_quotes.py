"""What a quote proves: quote matching, amounts, dates and names, on the seeds' own wording."""

from __future__ import annotations

import pytest

from faceledger.checks.privacy import name_digest, private_names_in
from faceledger.checks.quotes import PartialDate, dates_in, money_in, names_in, occurs_in, parse_partial_date


@pytest.mark.parametrize(
    ("quote", "text", "expected"),
    [
        ("Trust Stamp's facial", "ICE drops $3.9M for Trust Stamp’s facial recognition", True),
        ("“rapid” AI", 'paid for "rapid" AI-powered', True),
        ("the total value\n of the  contract", "the total value of the contract is $9,225,000.", True),
        ("Café", "Cafe\u0301 au lait", True),  # NFC on both sides
        ("the Total value", "the total value of the contract", False),  # no case folding
        ("the agency's officers", "clash with the agencys officers", False),  # nothing fuzzy
        ("total value of the contract is $9,225,000", "total value of the contract is $9,225,00", False),
    ],
)
def test_quote_occurs(quote: str, text: str, expected: bool) -> None:
    assert occurs_in(quote, text) is expected


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("The September 5 purchase awards $3,750,000 to", 3_750_000, "USD"),
        ("ICE just paid $3.9 million for 'rapid' AI-powered", 3_900_000, "USD"),
        ("London Met taps NEC for $4.2M", 4_200_000, "USD"),
        ("a $3.9 Million contract", 3_900_000, "USD"),
        ("a contract worth £3m", 3_000_000, "GBP"),
        ("EUR 1.5 billion", 1_500_000_000, "EUR"),
        ("4 million euros", 4_000_000, "EUR"),
        ("A$ 2bn", 2_000_000_000, "AUD"),
        ("US$250k", 250_000, "USD"),
    ],
)
def test_amount_stated(text: str, amount: int, currency: str) -> None:
    assert any(money.states(amount, currency) for money in money_in(text))


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("recently spent nearly four million dollars on facial recognition", 4_000_000, "USD"),  # words
        ("nearly $4 million", 4_000_000, "USD"),  # a bound
        ("more than $3.9 million", 3_900_000, "USD"),
        ("a contract worth £3m", 3_000_000, "USD"),  # another currency
        ("US$250k", 250_000, "CAD"),
        ("$3.9 million", 3_950_000, "USD"),
        ("for 3 years", 3, "USD"),
        ("3 ICE agents", 3, "USD"),
    ],
)
def test_amount_not_stated(text: str, amount: int, currency: str) -> None:
    assert not any(money.states(amount, currency) for money in money_in(text))


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("The September 5 purchase awards", [PartialDate(None, 9, 5)]),
        ("on Sept. 5, 2025", [PartialDate(2025, 9, 5)]),
        ("on 5 September 2025", [PartialDate(2025, 9, 5)]),
        ("in March 2020 and 2021-09-24", [PartialDate(2020, 3), PartialDate(2021, 9, 24)]),
        ("first revealed in the New York Times in 2020", [PartialDate(2020)]),
        ("procurement records reviewed by 404 Media", []),
        ("$3,750,000 and $9,225,000", []),
    ],
)
def test_dates_in(text: str, stated: list[PartialDate]) -> None:
    assert [date for _, date in dates_in(text)] == stated


@pytest.mark.parametrize(
    ("value", "parsed", "precision"),
    [
        ("2021", PartialDate(2021), "year"),
        ("2021-09", PartialDate(2021, 9), "month"),
        ("2021-09-05", PartialDate(2021, 9, 5), "day"),
        ("--09-05", PartialDate(None, 9, 5), "day"),
        ("--02-29", PartialDate(None, 2, 29), "day"),
    ],
)
def test_partial_dates(value: str, parsed: PartialDate, precision: str) -> None:
    date, reason = parse_partial_date(value)
    assert (date, reason, date.precision, str(date)) == (parsed, None, precision, value)


@pytest.mark.parametrize(
    "value", ["21", "2021-9", "September 5", "2021-13", "2023-02-29", "--04-31", "2021-09-05T00:00"]
)
def test_not_partial_dates(value: str) -> None:
    date, reason = parse_partial_date(value)
    assert reason is not None


def test_a_date_is_supported_by_what_a_quote_states() -> None:
    september_5 = PartialDate(None, 9, 5)
    assert september_5.within(PartialDate(None, 9, 5))
    assert not september_5.within(PartialDate(2025, 9, 5))  # the quote gives a year: write it
    assert not PartialDate(2025, 9, 5).within(september_5)  # a year the quote does not give
    assert PartialDate(2021).within(PartialDate(2021, 9, 24))
    assert not PartialDate(2021, 10).within(PartialDate(2021, 9, 24))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("ICE", "ICEs use of Clearview is in addition", True),  # the seed drops apostrophes
        ("ICE", "Immigration and Customs Enforcement (ICE) recently", True),
        ("ICE", "a NOTICE of award", False),
        ("Clearview", "controversial facial recognition firm Clearview AI.", True),
        ("Army", "the FBI, U.S. Marshals, the Army, and even NASA", True),
        ("NEC", "London Met taps NECTAR", False),
    ],
)
def test_names_in(name: str, text: str, expected: bool) -> None:
    assert names_in(name, text) is expected


def test_private_names_are_found_as_whole_word_runs() -> None:
    digests = frozenset({name_digest("Jane Q. Example"), name_digest("jane@example.org")})
    assert private_names_in("Officers said JANE Q EXAMPLE was there.", digests) == ["jane q example"]
    assert private_names_in("write to jane@example.org", digests) == ["jane example org"]
    assert private_names_in("Janet Q. Examples", digests) == []
    assert private_names_in("anything", frozenset()) == []
