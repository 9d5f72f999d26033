"""Author profiles by pseudonym: each person's activity, topics and (with an LLM) a portrait; the
site shows them on author pages (core/author_pages.py).

Everything here reads one person's own pseudonymized messages; an opted-out person has none
stored, so no profile and no page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from .journal import Each, fingerprint, in_turn
from .models import AuthorProfile, Message
from .prompts import chat_messages
from .quotes import shorten
from .sanitize import plain_line
from .topics import TEXT_KINDS, topic_texts, topics_of

if TYPE_CHECKING:  # the openai client loads only when an LLM is used
    from .llm import LLM

PORTRAIT_CHARS = 6000  # how much of their own words a portrait is written from
PORTRAIT_MESSAGE_CHARS = 400
PORTRAIT_TOKENS = 300
PORTRAIT_MAX_CHARS = 1200

Portraitist = Callable[[str, list[Message]], str | None]


def portrait_messages(messages: Sequence[Message], chars: int = PORTRAIT_CHARS) -> list[Message]:
    """What a portrait is written from: someone's latest text messages within `chars`, in time order."""
    picked: list[Message] = []
    for m in reversed(messages):
        if m.kind not in TEXT_KINDS or not m.text.strip():
            continue
        text = shorten(m.text, PORTRAIT_MESSAGE_CHARS)
        if sum(len(p.text) for p in picked) + len(text) > chars:
            break
        picked.append(m.model_copy(update={"text": text}))
    return picked[::-1]


def portrait_input(identity: str, author: str, messages: Sequence[Message]) -> str:
    """The fingerprint of a portrait's whole input: the model and prompt, the pseudonym and its words."""
    return fingerprint(identity, author, [(m.timestamp, m.text) for m in messages])


def write_portrait(llm: LLM, prompts_dir: Path, author: str, messages: list[Message]) -> str | None:
    """A short portrait of `author` written by the LLM from their own messages; None if too long for it."""
    chat = chat_messages(prompts_dir, "portrait", author=author, messages=messages)
    try:
        answer = llm.text(chat, max_tokens=PORTRAIT_TOKENS)
    except OverflowError:
        return None
    return plain_line(answer, PORTRAIT_MAX_CHARS) or None


def build_profiles(
    group: str,
    messages: Sequence[Message],
    *,
    previous: Mapping[str, AuthorProfile] = {},
    identity: str | None = None,
    portraitist: Portraitist | None = None,
    each: Each = in_turn,
) -> tuple[list[AuthorProfile], int]:
    """Every author's profile from the group's messages, and how many portraits were written.

    What is costly is redone only for those whose words changed: topics are kept when what they
    are read from is what `previous` recorded, and with a `portraitist` (an LLM), a portrait is
    written only when its input (`identity`, the pseudonym, their latest words) differs.
    `each(call, items)` runs the portraits to write (an LLM client's `map` writes them in
    parallel), while the topics are read."""
    mine: dict[str, list[Message]] = {}
    for m in messages:
        if m.author:
            mine.setdefault(m.author, []).append(m)
    portraits = _portraits(mine, previous, identity) if portraitist is not None else {}
    todo = [(author, words) for author, (_, words, kept) in portraits.items() if words and not kept]
    with ThreadPoolExecutor(1, thread_name_prefix="portraits") as aside:  # the model writes, the topics are read
        written = aside.submit(each, lambda job: portraitist(*job) if portraitist else None, todo)
        profiles = [
            _profile(group, author, said, previous.get(author), frozenset(mine))
            for author, said in sorted(mine.items())
        ]
        new = dict(zip((author for author, _ in todo), written.result()))
    for at, profile in enumerate(profiles):
        if profile.author in portraits:
            key, _, kept = portraits[profile.author]
            old = previous.get(profile.author)
            portrait = old.portrait if old is not None and kept else new.get(profile.author)
            profiles[at] = profile.model_copy(update={"portrait": portrait, "portrait_input": key})
    return profiles, len(todo)


def _portraits(
    mine: Mapping[str, list[Message]], previous: Mapping[str, AuthorProfile], identity: str | None
) -> dict[str, tuple[str, list[Message], bool]]:
    """Each author's portrait input: its fingerprint, their words, and whether the stored portrait holds."""
    if identity is None:
        return {}
    found = {}
    for author, said in mine.items():
        words = portrait_messages(said)
        key = portrait_input(identity, author, words)
        old = previous.get(author)
        found[author] = (key, words, old is not None and old.portrait_input == key)
    return found


def _profile(
    group: str, author: str, said: list[Message], old: AuthorProfile | None, names: frozenset[str]
) -> AuthorProfile:
    """One author's activity and topics (kept from `old` while what they are read from is the same)."""
    activity: dict[str, int] = {}
    for m in said:
        activity[m.timestamp.date().isoformat()] = activity.get(m.timestamp.date().isoformat(), 0) + 1
    texts = topic_texts(said)
    read = fingerprint(sorted(names), [(m.id, m.text) for m in texts])  # nobody's pseudonym is anyone's topic
    topics = old.topics if old is not None and old.topics_input == read else topics_of(texts, names)
    return AuthorProfile(
        group=group, author=author, messages=len(said), activity=activity, topics=topics, topics_input=read
    )


def profiles_preview(profiles: Sequence[AuthorProfile]) -> str:
    """Markdown for the Dagster UI: the first profiles' pseudonyms, counts, topics and portrait openings."""
    parts = [
        f"**{p.author}** · {p.messages} messages on {len(p.activity)} days · {', '.join(p.topics[:5]) or '-'}"
        + (f"\n\n> {shorten(p.portrait, 200)}" if p.portrait else "")
        for p in profiles
    ]
    return "\n\n".join(parts) or "_no profiles_"
