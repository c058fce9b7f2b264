"""Document field values read from a seed's metadata or a related entry: times, domains, text, topics."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..core.limits import FIELD_CHARS
from ..core.schema import format_datetime
from ..core.schema_types import datetime_problem
from . import text


def parse_timestamp(value: Any) -> tuple[datetime | None, str | None]:
    """A timezone-aware timestamp in UTC, or the reason it is not one."""
    if isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            return None, f"{value!r} is {datetime_problem(value.strip(), exc)}"
    else:
        return None, f"{value!r} is not a date and time"
    if stamp.tzinfo is None:
        return None, f"{value!r} has no time zone (add 'Z' for UTC)"
    try:
        return stamp.astimezone(UTC).replace(microsecond=0), None
    except OverflowError:  # an offset that moves it before year 1 or after 9999
        return None, f"{value!r} is outside the years 1 to 9999 in UTC"


def too_long(key: str, value: Any) -> str | None:
    """Why a text field's value is over its limit (core/limits.py FIELD_CHARS), or None."""
    limit = FIELD_CHARS.get(key)
    if limit is None or not isinstance(value, str) or len(value) <= limit:
        return None
    return f"{key} is {len(value):,} characters long; at most {limit:,} are read"


# A host name's labels once IDNA-encoded: letters, digits and inner hyphens, at least one dot.
_HOST = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
)

# bad(key, message, code="bad-value", severity="error"): how a field's problem is reported.
Bad = Callable[..., None]


def check_year(stamp: datetime, now: datetime | None, key: str, bad: Bad) -> bool:
    """Report a publication time later than the build's reference time (an error) or before 1900; False for an error."""
    if now is not None and stamp > now:
        bad(
            key,
            f"{format_datetime(stamp)} is later than this build's reference time {format_datetime(now)} "
            "(SOURCE_DATE_EPOCH, else the last commit): an article cannot be published in the future",
            "future-date",
        )
        return False
    if stamp.year < 1900:
        bad(key, f"{format_datetime(stamp)} is before 1900: check the year", "old-date", "warning")
    return True


def domain(value: Any) -> str | None:
    """A publisher domain as published (lower case, no www.), or None for one that is not a domain."""
    return domain_value(value)[0]


def domain_value(value: Any) -> tuple[str | None, str | None]:
    """A publisher domain as published, or the reason it is not one (None, None for no value)."""
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, f"{value!r} is not text: a domain is a name such as example.org"
    name = value.strip().lower().removeprefix("www.")
    if not name:
        return None, None
    try:
        encoded = name.encode("idna").decode("ascii")
    except UnicodeError:
        encoded = ""
    if not _HOST.fullmatch(encoded):
        return (
            None,
            f"{value!r} is not a domain name (letters, digits, dots and hyphens, such as example.org)",
        )
    return name, None


def checked_text(value: str, key: str, bad: Bad) -> str | None:
    """Text repaired for publishing; a hidden character removed or a formula-like start is a warning."""
    kept, change = text.scrub(value)
    if change:
        bad(key, f"{change}: check the published text", "hidden-character", "warning")
    cleaned = text.clean(kept)
    if cleaned and text.formula_like(cleaned):
        bad(
            key,
            f"{cleaned[:40]!r} starts as a spreadsheet formula: it is published as it is, and the release "
            "CSV writes it with a leading ' so a spreadsheet shows it as text",
            "formula-like-text",
            "warning",
        )
    return cleaned


def text_value(meta: dict[str, Any], key: str, bad: Bad) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        bad(key, f"{key} must be text, not {value!r}")
        return None
    return checked_text(value, key, bad)


def topics(value: Any, bad: Callable[[str], None], warn: Bad) -> list[str] | None:
    """The topic labels; `bad` reports an error, `warn` a warning (a blank label, a hidden character removed)."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        bad("topics must be a list of text labels")
        return None
    labels = []
    for index, label in enumerate(value):
        kept, change = text.scrub(label)
        cleaned = text.clean(kept)
        if change:
            warn("topics", f"topics[{index}]: {change}", "hidden-character", "warning")
        if not cleaned:
            warn("topics", f"topics[{index}] is blank; it is not published", "blank-value", "warning")
        elif "|" in cleaned:
            bad(f"topic {cleaned!r} contains '|', the CSV list delimiter")
            return None
        else:
            labels.append(cleaned)
    return labels or None


def publisher(provider: Any, bad: Bad, key: str = "provider") -> dict[str, str | None]:
    """The publisher fields a feed's `provider` mapping gives (none for anything else); bad values reported."""
    if not isinstance(provider, dict):
        return {}
    name = provider.get("name")
    if name is not None and not isinstance(name, str):
        bad(key, f"{key}.name must be text, not {name!r}")
    site, reason = domain_value(provider.get("domain"))
    if reason:
        bad(key, f"{key}.domain {reason}")
    return {
        "publisher": checked_text(name, key, bad) if isinstance(name, str) else None,
        "publisher_domain": site,
    }
