"""Offline enrichment: what can be known about a window's links and media without a network."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit

from ..models import Enrichment, Message, Window
from ..urls import find_urls, url_domain

MediaInfo = Callable[[str], tuple[str | None, int | None, int | None] | None]


# Only the built-in table: the system's mime.types differs between machines, and
# enrichments must not. A few types WhatsApp exports use are missing from it.
_MIME = mimetypes.MimeTypes()
for _type, _ext in [("image/webp", ".webp"), ("audio/mp4", ".m4a"), ("audio/ogg", ".ogg")]:
    _MIME.add_type(_type, _ext)


def guess_media_type(name: str) -> str | None:
    """The media type a file name or URL path suggests by its extension."""
    return _MIME.guess_type(name, strict=False)[0]


def enrichment_id(group: str, kind: str, ref: str, message_id: str) -> str:
    """A stable short id for one enrichment."""
    key = "\x1f".join([group, kind, ref, message_id])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _record(window: Window, message: Message, kind: Literal["url", "media"], ref: str, **facts) -> Enrichment:
    return Enrichment(
        id=enrichment_id(window.group, kind, ref, message.id),
        group=window.group,
        date=window.date,
        window_id=window.id,
        message_id=message.id,
        kind=kind,
        ref=ref,
        **facts,
    )


def _url_enrichment(window: Window, message: Message, url: str) -> Enrichment:
    try:
        path = urlsplit(url).path
    except ValueError:
        path = ""
    return _record(
        window,
        message,
        "url",
        url,
        domain=url_domain(url),
        media_type=guess_media_type(path) if path not in ("", "/") else None,
    )


def _media_enrichment(window: Window, message: Message, info: MediaInfo) -> Enrichment:
    name = message.attachment or ""
    known = info(name)
    mime, width, height = known if known is not None else (None, None, None)
    return _record(
        window,
        message,
        "media",
        name,
        media_type=guess_media_type(name) or mime,
        width=width,
        height=height,
        status="ok" if known is not None else "missing from export",
    )


def offline_enrichments(window: Window, *, media_info: MediaInfo) -> list[Enrichment]:
    """One record per distinct URL and media attachment of the window, in message order.

    `media_info(name)` returns (mime, width, height) for an attachment found in the
    export, or None when the export lacks it.
    """
    records: list[Enrichment] = []
    seen: set[tuple[str, str]] = set()
    for message in window.messages:
        if message.kind == "system":  # group-admin lines, not something a member shared
            continue
        for url in find_urls(message.text):
            if ("url", url) not in seen:
                seen.add(("url", url))
                records.append(_url_enrichment(window, message, url))
        if message.attachment and ("media", message.attachment) not in seen:
            seen.add(("media", message.attachment))
            records.append(_media_enrichment(window, message, media_info))
    return records
