"""URLs: those chat text holds, and the site's own addresses, which the feed links to."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .models import Post
from .text import slugify

# `www.` only counts at a word start, so "user@www.x.org" or "a.www.b" are not URLs.
URL_PATTERN = re.compile(r"(?:\bhttps?://|(?<![\w@./-])www\.)[^\s<>\"`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"…»”’"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from a URL's end."""
    while url:
        last = url[-1]
        if last in _TRAILING or last in _PAIRS and url.count(last) > url.count(_PAIRS[last]):
            url = url[:-1]
        else:
            break
    return url


def find_urls(text: str) -> list[str]:
    """The http(s) URLs in a text, in order, without duplicates; `www.x` becomes `https://www.x`.

    Sentence punctuation and unbalanced closing brackets after a URL are not part of it.
    """
    found: list[str] = []
    for match in URL_PATTERN.finditer(text or ""):
        url = trim_url(match.group(0))
        if url.lower().startswith("www."):
            url = "https://" + url
        if url_domain(url) and url not in found:
            found.append(url)
    return found


def url_domain(url: str) -> str | None:
    """The URL's host, lowercased and without `www.`; None when it has none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. a broken IPv6 literal
        return None
    return host.removeprefix("www.") if host else None


FEED_FILE = "feed.xml"  # the group's Atom feed, at the site's root: its relative links start there


def post_path(doc: Post) -> str:
    """A post's URL path below the site root; mkdocs.yml.j2's post_url_format must match."""
    return f"blog/{doc.date:%Y/%m/%d}/{slugify(doc.slug, fallback='post')}/"


def post_media(doc: Post) -> list[str]:
    """The names of the media files a post shows (it links them as `media/<name>`), in order."""
    return list(dict.fromkeys(re.findall(r"media/([\w.-]+)", doc.content)))
