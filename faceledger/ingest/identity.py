"""A document's identity: the article, not the bytes of one copy of it (docs/identity.md).

A document's id is "doc-" and 16 hex digits of the SHA-256 of its identity key:

- the article key of its URL when any source gives one: the canonical URL
  (urls.canonical_url) without its scheme, a leading "www.", "m." or "amp.",
  the AMP cache wrapping, a trailing "/amp" segment and a trailing slash, with
  the remaining query parameters sorted, so every copy of an address gives one key;
- else, for a seed, "seed:" and its file name under seeds/;
- else, for a related entry, its title and publication time.

The published `url` stays the canonical URL; only the key is normalized further.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from .urls import canonical_url

# Host prefixes that name another rendering of the same site, dropped when a domain remains.
HOST_PREFIXES = ("www.", "m.", "amp.")
# Google's AMP cache serves https://<host>/<path> as https://<host-with-dashes>.cdn.ampproject.org/c/s/<host>/<path>
# (c/ without s/ for an http origin; v/ for the viewer); Google's viewer as google.com/amp/s/<host>/<path>.
AMP_CACHE_SUFFIX = ".cdn.ampproject.org"
AMP_CACHE_PATHS = ("/c/s/", "/v/s/", "/c/", "/v/")
AMP_VIEWER_HOSTS = ("google.com", "www.google.com")
AMP_VIEWER_PATHS = ("/amp/s/", "/amp/")
# Query parameters the AMP cache and viewer add to the article's own.
AMP_PARAMETERS = ("amp_", "usqp", "__amp_source_origin", "ampshare", "_gsa")
DEFAULT_PORTS = {80, 443}


def document_id(key: str) -> str:
    return "doc-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1 << 16)
def article_key(raw: str | None) -> str | None:
    """The key every copy of an article's address shares; None when `raw` is not an http(s) URL."""
    url = canonical_url(raw)
    if url is None:
        return None
    parts = urlsplit(canonicalize_url(url, keep_fragments=False))
    host, path = parts.hostname or "", parts.path
    inner = _unwrapped(host, path)
    if inner is not None:
        return article_key(f"https://{inner}" + (f"?{parts.query}" if parts.query else ""))
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix) and "." in host[len(prefix) :]:
            host = host[len(prefix) :]
            break
    try:
        port = parts.port
    except ValueError:  # canonical_url has vouched for the address; a strange port stays as written
        port = None
    netloc = host if port is None or port in DEFAULT_PORTS else f"{host}:{port}"
    if path.rstrip("/").endswith("/amp"):
        path = path.rstrip("/").removesuffix("/amp")
    path = path.rstrip("/")
    # canonicalize_url sorted the parameters and normalized their encoding; the AMP ones go.
    query = sorted(
        pair for pair in parts.query.split("&") if pair and not pair.lower().startswith(AMP_PARAMETERS)
    )
    return netloc + path + ("?" + "&".join(query) if query else "")


def _unwrapped(host: str, path: str) -> str | None:
    """The host and path an AMP cache or viewer address wraps, or None for any other address."""
    if host.endswith(AMP_CACHE_SUFFIX):
        prefixes: tuple[str, ...] = AMP_CACHE_PATHS
    elif host in AMP_VIEWER_HOSTS:
        prefixes = AMP_VIEWER_PATHS
    else:
        return None
    for prefix in prefixes:
        if path.startswith(prefix) and "." in path[len(prefix) :].split("/", 1)[0]:
            return path[len(prefix) :]
    return None


def seed_key(seed_path: str) -> str:
    """The key of a seed that gives no URL: its file name, which a contributor does not change."""
    return "seed:" + PurePosixPath(seed_path).name


def headline_key(title: str, published: datetime | None) -> str:
    """The key of a related entry that gives no URL (the key related entries always had)."""
    return f"{title}\n{published}"
