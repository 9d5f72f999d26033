"""Packing a day's messages into windows that fit the writer's token budget."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping, Sequence
from datetime import date

from .models import CONTEXT_MESSAGES, Message, Window
from .text import PSEUDONYM_BYTES, VOICE_BYTES, measured, voice_label

BYTES_PER_TOKEN = 4  # a conservative average for chat text across languages


def render_message(message: Message, replied: Message | None = None) -> str:
    """One message as the writer and the embedder see it (and whom it answers, when known)."""
    author = message.author or "system"
    suffix = f" [{message.attachment}]" if message.attachment else ""
    if replied is not None:
        suffix += f" (replying to {replied.author or 'system'} at {replied.timestamp:%H:%M})"
    if message.transcript:  # the member's own words, said aloud
        suffix += f" ({voice_label(message.voice_seconds)}): {message.transcript}"
    return f"{message.timestamp:%H:%M} {author}: {message.text}{suffix}"


def window_text(window: Window) -> str:
    return "\n".join(render_message(m, window.replied(m)) for m in window.messages)


MAX_REPLIED = 20  # earlier messages a window's replies point to, carried as its context


def missing_replies(windows: Sequence[Window]) -> set[str]:
    """The refs of messages the windows' messages reply to that no window of theirs carries."""
    wanted = {m.reply_to for w in windows for m in w.messages if m.reply_to}
    return wanted - {m.ref for w in windows for m in [*w.context, *w.messages] if m.ref}


def with_replies(windows: Sequence[Window], found: Mapping[str, Message]) -> list[Window]:
    """Each window with the messages its messages reply to (from `found` or from its own day's
    other windows) added to its context, in time order: the writer then reads what is answered."""
    day = {m.ref: m for w in windows for m in w.messages if m.ref}
    result = []
    for window in windows:
        have = {m.ref for m in [*window.context, *window.messages]}
        wanted = [m.reply_to for m in window.messages if m.reply_to and m.reply_to not in have]
        extra = {r: day.get(r) or found.get(r) for r in dict.fromkeys(wanted)}
        added = [m for m in extra.values() if m is not None][:MAX_REPLIED]
        if added:
            context = sorted([*window.context, *added], key=lambda m: m.timestamp)
            window = window.model_copy(update={"context": context})
        result.append(window)
    return result


def message_bytes(message: Message) -> int:
    """The size of a rendered message and its newline, every name in it measured as
    PSEUDONYM_BYTES: which word pair a home's secret drew for someone must not move a window's end."""
    suffix = len(message.attachment.encode()) + 3 if message.attachment else 0
    if message.transcript:
        suffix += len(measured(message.transcript).encode()) + VOICE_BYTES
    return len(measured(message.text).encode()) + PSEUDONYM_BYTES + suffix + 9  # "HH:MM ", ": ", newline


def window_id(group: str, messages: Sequence[Message]) -> str:
    digest = hashlib.sha256(group.encode())
    for message in messages:
        digest.update(message.id.encode())
    return "w-" + digest.hexdigest()[:16]


def pack_windows(
    messages: Sequence[Message], *, group: str, day: date, max_tokens: int, through: Sequence[int] | None = None
) -> list[Window]:
    """Consecutive windows under `max_tokens`; a message is never cut, so one that is
    larger than the budget gets a window of its own.

    `through[i]` is the running total of message_bytes up to message i (the warehouse sums it
    in the database); without it, it is summed here."""
    budget = max_tokens * BYTES_PER_TOKEN
    if through is None:
        through = list(itertools.accumulate(message_bytes(m) for m in messages))
    starts: list[int] = []
    opened = 0  # the running total where the current window starts
    for i, total in enumerate(through):
        before = through[i - 1] if i else 0
        if not starts or total - opened > budget:
            starts.append(i)
            opened = before
    bounds = zip(starts, starts[1:] + [len(messages)])
    return [
        Window(
            id=window_id(group, messages[a:b]),
            group=group,
            date=day,
            index=index,
            messages=list(messages[a:b]),
            context=list(messages[max(0, a - CONTEXT_MESSAGES) : a]),
        )
        for index, (a, b) in enumerate(bounds)
    ]
