"""Canonical URLs: one address per article, whichever copy the feed linked."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from w3lib.html import replace_entities
from w3lib.url import canonicalize_url, safe_url_string, url_query_cleaner

# Query parameters that identify a campaign, click or AMP rendering rather than the article.
_TRACKING_PREFIXES = ("utm_", "mc_", "_hs", "pk_")
_TRACKING_NAMES = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "ocid",
    "cmpid",
    "_ga",
    "amp",
    "outputtype",
    "source",
    "ref",
    "ref_src",
    "smid",
    "sr_share",
}


def canonical_url(raw: str | None) -> str | None:
    """The URL with entities decoded, tracking parameters and fragment removed.

    Returns None when `raw` is not an absolute http(s) URL, including one urllib or
    w3lib refuses (a malformed IPv6 host, a port over 65535, a host that changes
    under NFKC normalization).
    """
    if not raw or not isinstance(raw, str):
        return None
    return _canonical_url(raw)


# A feed links one article many times (addresses, related lists, copies on other dates), and
# the answer depends on the text alone: a bounded cache saves most of the work.
@lru_cache(maxsize=65536)
def _canonical_url(raw: str) -> str | None:
    try:
        url = _canonical(raw)
        if url is not None:
            # The identity key (identity.article_key) reads the URL again; it must not fail there.
            urlsplit(canonicalize_url(url, keep_fragments=False)).port  # noqa: B018
        return url
    except (ValueError, UnicodeError):
        return None


def _canonical(raw: str) -> str | None:
    url = replace_entities(raw.strip())
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    parts.port  # noqa: B018 -- raises ValueError for a port that is not a number up to 65535
    names = [pair.split("=", 1)[0] for pair in parts.query.split("&") if pair]
    drop = [n for n in names if n.lower() in _TRACKING_NAMES or n.lower().startswith(_TRACKING_PREFIXES)]
    url = url_query_cleaner(url, drop, remove=True, keep_fragments=False)
    parts = urlsplit(safe_url_string(url))
    netloc = parts.netloc.lower()
    path = parts.path or "/"
    return f"{parts.scheme.lower()}://{netloc}{path}" + (f"?{parts.query}" if parts.query else "")
