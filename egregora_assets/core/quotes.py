"""Chat messages as inert Markdown: escaped text, kept links, signed quotes."""

from __future__ import annotations

import re

from .models import Message
from .text import voice_label
from .urls import URL_PATTERN, trim_url, url_domain

QUOTE_CHARS = 280
MESSAGE_ID = r"[0-9a-f]{16}"  # core/anonymized_messages: the first 16 hex digits of a keyed hash
# A writer marks the sentence or quote that draws on messages with their ids: "... [id]" or
# "[id, id]". Never a Markdown link ("[text](url)").
_MARK = re.compile(rf"[ \t]?\[({MESSAGE_ID}(?:\s*[,;]\s*{MESSAGE_ID})*)\](?!\()")


def mark(message: Message) -> str:
    """The mark a post puts after what draws on `message`."""
    return f" [{message.id}]"


def strip_marks(text: str) -> str:
    """`text` without its source marks (for the feed, the embedder and previews)."""
    return _MARK.sub("", text)


def link_marks(text: str, numbers: dict[str, int]) -> str:
    """Each source mark as links to the cited messages' anchors, numbered as the sources list
    numbers them (`numbers`: message id -> n); ids the post does not hold are dropped."""

    def links(match: re.Match[str]) -> str:
        ids = [i for i in re.findall(MESSAGE_ID, match.group(1)) if i in numbers]
        return "".join(f" [[{numbers[i]}]](#{anchor(numbers[i])})" for i in dict.fromkeys(ids))

    return _MARK.sub(links, text)


def anchor(number: int) -> str:
    """The HTML id of the n-th message in the sources under a post (by number: a message id
    is a run of hex digits, which the privacy audit would rightly read as a possible number).
    The colon keeps it apart from every heading anchor: the table of contents' slugs drop it."""
    return f"src:{number}"


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
    if message.transcript:  # a voice note is quoted by what was said, marked as said aloud
        text = md_text(shorten(message.transcript, QUOTE_CHARS))
        when = f"{message.timestamp:%H:%M}, 🎙 {voice_label(message.voice_seconds)}"
        return f"> **{message.author}** ({when}): {text}{mark(message)}"
    text = md_text(shorten(message.text, QUOTE_CHARS))
    reacted = f" ({md_escape(message.reactions_text)})" if message.reactions else ""
    return f"> **{message.author}** ({message.timestamp:%H:%M}): {text}{reacted}{mark(message)}"
