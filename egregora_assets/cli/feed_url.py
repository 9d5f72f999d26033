"""A feed given by its URL (`egregora write https://.../feed.xml`): fetched with the link previews'
SSRF-safe fetcher into a file that is then read like a saved one."""

from __future__ import annotations

import re
from pathlib import Path

from ..core.models import BadExport

MAX_FEED_BYTES = 20 << 20  # a feed fetched from a URL: far above any real one, bounded all the same
_URL = re.compile(r"^https?://", re.IGNORECASE)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def is_url(value: str) -> bool:
    """Whether what the user gave is an http(s) URL rather than a file."""
    return bool(_URL.match(value))


def download_feed(url: str, folder: Path, *, allow_loopback: bool = False) -> Path:
    """The feed at `url`, fetched through the enrichments' SSRF-safe fetcher (every address and
    redirect checked, MAX_FEED_BYTES at most) into a file of `folder`; BadExport saying why not."""
    from ..core.enrichments.fetch import fetch_file

    shown = url if len(url) <= 120 else url[:117] + "..."
    page = fetch_file(url, allow_loopback=allow_loopback, max_bytes=MAX_FEED_BYTES)
    if not page.ok or page.body is None:
        why = f"larger than {MAX_FEED_BYTES:,} bytes" if page.status == "too large" else page.status
        raise BadExport(f"{shown}: cannot fetch the feed: {why}")
    from ..core.raw_exports.sources import sniff

    if sniff(page.body[:4096]) != "xml":
        sent = f" (the server sent {page.content_type})" if page.content_type else ""
        raise BadExport(f"{shown}: not an Atom or RSS feed{sent}")
    last = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    name = _SAFE_NAME.sub("-", last).strip(".-")[:80] or "feed"
    path = folder / (name if name.lower().endswith((".xml", ".atom", ".rss")) else f"{name}.xml")
    path.write_bytes(page.body)
    return path
