"""Chat messages as inert Markdown: escaped text, kept links, signed quotes."""

from __future__ import annotations

import re

from ..enrichments.enrich import URL_PATTERN, trim_url, url_domain
from ..models import Message

QUOTE_CHARS = 280


def md_escape(text: str) -> str:
    """Chat text made inert in Markdown: no links, emphasis, code or raw HTML of its own."""
    # Always used mid-line (after a signature or a list marker), so block syntax cannot start.
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text).replace("<", "&lt;")


def md_text(text: str) -> str:
    """Chat text as Markdown: escaped, with its URLs kept intact as autolinks."""
    parts, pos = [], 0
    for match in URL_PATTERN.finditer(text):
        url = trim_url(match.group(0))
        href = url if "://" in url[:8] else "https://" + url
        if not url_domain(href):  # a bare "https://" is just text
            continue
        parts += [md_escape(text[pos : match.start()]), f"<{href}>"]
        pos = match.start() + len(url)
    return "".join(parts) + md_escape(text[pos:])


def shorten(text: str, limit: int) -> str:
    """The text on one line, cut at a space before `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit or " " not in text[:limit]:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(".,;:") + "…"


def quote(message: Message) -> str:
    """A message as a Markdown blockquote, signed with its pseudonym and time."""
    text = md_text(shorten(message.text, QUOTE_CHARS))
    return f"> **{message.author}** ({message.timestamp:%H:%M}): {text}"
