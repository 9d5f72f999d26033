"""DiscordChatExporter's JSON export of one channel: authors, replies, attachments, reactions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .parse import ParsedChat
from .sources import Rows, chat_of, mention, text_of, with_handles

# Message types that are a person writing; the others (joins, pins, calls, renames) are notices.
_WRITTEN = {"Default", "Reply", "ThreadStarterMessage", "ChatInputCommand", "ContextMenuCommand", "0", "19"}


def is_discord(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and isinstance(document.get("channel"), dict)
        and isinstance(document.get("messages"), list | Iterator)
        and "guild" in document
    )


def read_discord(document: dict) -> tuple[ParsedChat, str | None]:
    """The channel's messages, and its name as "server / channel"."""
    rows = Rows()
    for message in document["messages"]:
        if isinstance(message, dict):
            _add(rows, message)
    guild = _dict(document.get("guild"))
    names = [text_of(guild.get("name")), text_of(document["channel"].get("name"))]
    name = " / ".join(n for n in names if n and n != "Direct Messages") or None
    return chat_of(rows, "discord", "ISO dates (DiscordChatExporter)"), name


def _add(rows: Rows, m: dict) -> None:
    author = _dict(m.get("author"))
    name = text_of(author.get("nickname")) or text_of(author.get("name")) or "Deleted User"
    author_id = f"discord-{author['id']}" if author.get("id") else None
    reference = _dict(m.get("reference"))
    # A pin's reference points at the pinned message: only a reply replies.
    reply = text_of(reference.get("messageId")) or None if text_of(m.get("type")) == "Reply" else None
    ids = (text_of(m.get("id")) or None, reply, _reactions(m))
    when = text_of(m.get("timestamp"))
    text = _content(m)
    if text_of(m.get("type") or "Default") not in _WRITTEN:
        rows.add(when, None, f"{text_of(m.get('type'))} {mention(name)}", "system", ids=ids)
        return
    files = [a for a in m.get("attachments") or [] if isinstance(a, dict)]
    stickers = [s for s in m.get("stickers") or [] if isinstance(s, dict)]
    kind, attachment = "text", None
    if files:
        kind, attachment = "media", _file_name(files[0])
        text = "\n".join([text, *(f"<attached: {_file_name(f)}>" for f in files[1:])]).strip()
    elif stickers and not text:
        kind, text = "media", f"<sticker {text_of(stickers[0].get('name'))}>"
    if kind == "text" and m.get("timestampEdited"):
        kind = "edited"
    rows.add(when, name, text, kind, attachment, author_id, ids=ids)


def _content(m: dict) -> str:
    """The text, with each mentioned member's names marked as mentions (DiscordChatExporter
    writes them as "@name")."""
    text = text_of(m.get("content"))
    for who in m.get("mentions") or []:
        if isinstance(who, dict):
            for key in ("nickname", "name"):
                if (name := text_of(who.get(key))) and f"@{name}" in text:
                    text = text.replace(f"@{name}", mention(name))
    return with_handles(text)


def _file_name(attachment: dict) -> str:
    name = text_of(attachment.get("fileName")) or text_of(attachment.get("url")).rsplit("/", 1)[-1]
    return name or "attachment"


def _reactions(m: dict) -> dict[str, int] | None:
    """Emoji -> count; the `users` who reacted are left out."""
    found: dict[str, int] = {}
    for r in m.get("reactions") or []:
        if not isinstance(r, dict) or not isinstance(r.get("emoji"), dict):
            continue
        emoji, count = text_of(r["emoji"].get("name"))[:32], r.get("count")
        if emoji and isinstance(count, int) and count > 0:
            found[emoji] = found.get(emoji, 0) + count
    return found or None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}
