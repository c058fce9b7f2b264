"""Document field values read from a seed's metadata or a related entry: times, domains, text, topics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..core.limits import FIELD_CHARS
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


def domain(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower().removeprefix("www.")


def text_value(meta: dict[str, Any], key: str, bad: Callable[..., None]) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        bad(key, f"{key} must be text")
        return None
    return text.clean(value)


def topics(value: Any, bad: Callable[[str], None]) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        bad("topics must be a list of text labels")
        return None
    labels = [t for t in (text.clean(t) for t in value) if t]
    for label in labels:
        if "|" in label:
            bad(f"topic {label!r} contains '|', the CSV list delimiter")
            return None
    return labels or None


def publisher(provider: Any) -> dict[str, str | None]:
    """The publisher fields a feed's `provider` mapping gives (none for anything else)."""
    if not isinstance(provider, dict):
        return {}
    name = provider.get("name")
    return {
        "publisher": text.clean(name) if isinstance(name, str) else None,
        "publisher_domain": domain(provider.get("domain")),
    }
