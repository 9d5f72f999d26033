"""Telegram Desktop's machine-readable export (result.json): one chat's messages, with replies,
reactions, service messages, media and forwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..models import BadExport
from .parse import ParsedChat
from .sources import Rows, chat_of, mention, text_of, with_handles

_CHAT_TYPES = {
    "personal_chat",
    "bot_chat",
    "private_group",
    "private_supergroup",
    "public_supergroup",
    "private_channel",
    "public_channel",
    "saved_messages",
}
# Files Telegram Desktop did not save write their place as a sentence in parentheses.
_NOT_SAVED = "("
_MEDIA_FIELDS = ("photo", "file")


def is_telegram(document: Any) -> bool:
    """A single chat's result.json, or the whole account's (with its chats list)."""
    if not isinstance(document, dict):
        return False
    if isinstance(document.get("chats"), dict) and isinstance(document["chats"].get("list"), list):
        return True
    return isinstance(document.get("messages"), list | Iterator) and (
        document.get("type") in _CHAT_TYPES or "id" in document and "name" in document
    )


def read_telegram(document: dict) -> tuple[ParsedChat, str | None]:
    """The chat's messages and its name."""
    chat = _one_chat(document)
    rows = Rows()
    for message in chat["messages"]:
        if isinstance(message, dict):
            _add(rows, message)
    return chat_of(rows, "telegram", "ISO dates (Telegram Desktop)"), chat.get("name") or None


def _one_chat(document: dict) -> dict:
    if "chats" not in document:
        return document
    chats = [c for c in document["chats"]["list"] if isinstance(c, dict) and isinstance(c.get("messages"), list)]
    if len(chats) != 1:
        raise BadExport(
            f"a whole-account Telegram export holding {len(chats)} chats: export one chat "
            "(its menu > Export chat history, Format 'Machine-readable JSON')"
        )
    return chats[0]


def _add(rows: Rows, m: dict) -> None:
    when = text_of(m.get("date"))
    ids = (text_of(m.get("id")) or None, _reply(m), _reactions(m))
    if m.get("type") == "service":
        rows.add(when, None, _service_text(m), "system", ids=ids)
        return
    author = text_of(m.get("from")) or "Deleted Account"
    author_id = text_of(m.get("from_id")) or None
    text = _text(m.get("text"))
    kind, attachment, extra = _kind(m)
    if extra:
        text = f"{extra}\n{text}" if text else extra
    if forwarded := m.get("forwarded_from"):
        text = f"[forwarded from {mention(text_of(forwarded))}] {text}"
    if kind == "text" and m.get("edited"):
        kind = "edited"
    rows.add(when, author, text, kind, attachment, author_id, ids=ids)


def _reply(m: dict) -> str | None:
    reply = m.get("reply_to_message_id")
    return None if reply is None else text_of(reply)


def _reactions(m: dict) -> dict[str, int] | None:
    """Emoji -> count; the names of who reacted (`recent`) are left out."""
    found: dict[str, int] = {}
    for r in m.get("reactions") or []:
        if not isinstance(r, dict):
            continue
        emoji = r.get("emoji") if r.get("type") == "emoji" else r.get("type")
        count = r.get("count")
        if isinstance(emoji, str) and emoji and isinstance(count, int) and count > 0:
            key = emoji[:32]
            found[key] = found.get(key, 0) + count
    return found or None


def _text(value: Any) -> str:
    """The message's text: a string, or a list of strings and entities."""
    if not isinstance(value, list):
        return with_handles(text_of(value))
    parts = []
    for part in value:
        if not isinstance(part, dict):
            parts.append(with_handles(text_of(part)))
            continue
        kind, text = part.get("type"), text_of(part.get("text"))
        if kind in ("mention", "mention_name"):
            parts.append(mention(text.lstrip("@")))
        elif kind == "text_link" and part.get("href"):
            parts.append(f"{text} ({text_of(part['href'])})")
        else:
            parts.append(with_handles(text) if kind in ("plain", None) else text)
    return "".join(parts)


def _kind(m: dict) -> tuple[str, str | None, str]:
    """The kind, the attached file (when saved) and text that stands for what is not text."""
    if poll := m.get("poll"):
        answers = [
            f"OPTION: {text_of(a.get('text'))} ({a.get('voters', 0)} votes)"
            for a in poll.get("answers") or []
            if isinstance(a, dict)
        ]
        return "poll", None, "\n".join([f"POLL: {text_of(poll.get('question'))}", *answers])
    if place := m.get("location_information"):
        return "location", None, f"location: {place.get('latitude')}, {place.get('longitude')}"
    if card := m.get("contact_information"):
        name = " ".join(text_of(card.get(k)) for k in ("first_name", "last_name")).strip() or "contact"
        return "contact", None, f"{name}.vcf"
    for key in _MEDIA_FIELDS:
        if key in m:
            path = text_of(m[key])
            attachment = None if not path or path.startswith(_NOT_SAVED) else path
            label = text_of(m.get("media_type")) or key
            if m.get("sticker_emoji"):
                label += f" {m['sticker_emoji']}"
            return "media", attachment, "" if attachment else f"<{label}>"
    return "text", None, ""


def _service_text(m: dict) -> str:
    """A service message (joins, pins, renames): its action, and whom it names as mentions, so
    the privacy stage learns them; stored as a notice."""
    names = [text_of(m.get("actor"))] + [text_of(n) for n in m.get("members") or [] if n]
    named = " ".join(mention(n) for n in names if n)
    return f"{text_of(m.get('action')).replace('_', ' ')} {named}".strip()
