"""Helpers that follow a feed's links the way a feed reader does, into a built site."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import feedparser


def feed_links(feed: bytes) -> list[str]:
    """The feed's self and alternate links, then each entry's alternate link (newest first)."""
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    hrefs = [link.href for link in parsed.feed.links]
    hrefs += [link.href for e in parsed.entries for link in e.links if link.rel == "alternate"]
    assert len(hrefs) == 2 + len(parsed.entries), hrefs
    return hrefs


def built_page(html: Path, feed_url: str, href: str) -> Path:
    """The built file a link opens, resolved against the address the feed was fetched from (RFC 3986)."""
    url = urljoin(feed_url, href)
    root = feed_url.rsplit("/", 1)[0] + "/"
    assert url.startswith(root), f"{href} leaves the site"
    path = html / url.removeprefix(root).split("#")[0]
    return path / "index.html" if url.endswith("/") else path
