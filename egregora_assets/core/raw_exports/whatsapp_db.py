"""The JSON that WhatsApp-Chat-Exporter writes from the phone's database: quoted replies,
reactions and (on Android) WhatsApp's own voice-note transcripts, which the .txt leaves out."""

from __future__ import annotations

from typing import Any

from ..models import BadExport
from .parse import ParsedChat
from .sources import Rows, chat_of, text_of, with_handles

ME = "You"  # the exporting phone's owner: the database writes no name for them
_QUARTER = 15 * 60


def is_whatsapp_db(document: Any) -> bool:
    """The tool's result.json (chat id -> chat), or one chat of it (--per-chat)."""
    if not isinstance(document, dict):
        return False
    if isinstance(document.get("messages"), dict):
        return True
    chats = [v for v in document.values() if isinstance(v, dict)]
    return bool(chats) and all(isinstance(c.get("messages"), dict) for c in chats)


def read_whatsapp_db(document: dict) -> tuple[ParsedChat, str | None]:
    """The chat's messages and its name."""
    chat = _one_chat(document)
    rows = Rows()
    name = text_of(chat.get("name")) or None
    clock = _Clock()
    for key, message in chat["messages"].items():
        if isinstance(message, dict):
            _add(rows, key, message, name, clock)
    return chat_of(rows, "whatsapp-db", "Unix times at the exporter's UTC offset (WhatsApp-Chat-Exporter)"), name


def _one_chat(document: dict) -> dict:
    if isinstance(document.get("messages"), dict):
        return document
    chats = [c for c in document.values() if c.get("messages")]
    if len(chats) != 1:
        raise BadExport(
            f"a WhatsApp-Chat-Exporter result.json holding {len(chats)} chats: give one chat's JSON "
            "(the tool's --per-chat option writes one file per chat)"
        )
    return chats[0]


def _add(rows: Rows, key: str, m: dict, chat_name: str | None, clock: _Clock) -> None:
    when = clock.wall(m.get("timestamp"), m.get("time"))
    if when is None:
        return
    ids = (text_of(m.get("key_id")) or key, text_of(m.get("reply")) or None, _reactions(m.get("reactions")))
    if m.get("meta"):
        rows.add(when, None, text_of(m.get("data")), "system", ids=ids)
        return
    author = ME if m.get("from_me") else text_of(m.get("sender")) or chat_name or "unknown"
    data = text_of(m.get("data"))
    if m.get("media"):
        caption = text_of(m.get("caption"))
        spoken = text_of(m.get("transcription"))
        text = "\n".join(t for t in (caption, spoken and f"[transcript] {spoken}") if t)
        attachment = data.replace("\\", "/").rsplit("/", 1)[-1] or None
        rows.add(when, author, with_handles(text), "media", attachment, ids=ids)
        return
    kind = "deleted" if data == "" and m.get("message_type") == 15 else "text"
    rows.add(when, author, with_handles(data), kind, ids=ids)


class _Clock:
    """Messages' times on the phone's clock: their Unix time moved by the exporter's UTC offset,
    read from the "HH:MM" it wrote beside them (the .txt of the same chat shows that clock).
    The offset changes at most with the hour (daylight saving): it is read once an hour."""

    def __init__(self) -> None:
        self.hour, self.offset = -1, 0

    def wall(self, timestamp: Any, time: Any) -> int | None:
        """Seconds since 1970 on the phone's clock, or None for a message without a time."""
        if not isinstance(timestamp, (int, float)) or isinstance(timestamp, bool):
            return None
        seconds = int(timestamp / 1000 if timestamp > 9_999_999_999 else timestamp)
        if seconds // 3600 != self.hour:
            self.hour, self.offset = seconds // 3600, _offset(seconds, text_of(time))
        return seconds + self.offset


def _offset(seconds: int, time: str) -> int:
    """The UTC offset, in quarter hours, that turns `seconds` into the clock time `time`."""
    if not (len(time) == 5 and time[2] == ":" and time.replace(":", "").isdigit()):
        return 0
    local = int(time[:2]) * 3600 + int(time[3:]) * 60
    difference = (local - seconds % 86400 // 60 * 60) % 86400
    signed = difference if difference <= 14 * 3600 else difference - 86400
    return round(signed / _QUARTER) * _QUARTER


def _reactions(value: Any) -> dict[str, int] | None:
    """Emoji -> count, from the tool's reactor -> emoji map (the reactors are left out)."""
    found: dict[str, int] = {}
    if isinstance(value, dict):
        for emoji in value.values():
            if isinstance(emoji, str) and emoji:
                found[emoji[:32]] = found.get(emoji[:32], 0) + 1
    return found or None
