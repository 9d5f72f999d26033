"""The LLM writer: the posts of one window. A window too long for the model is read in parts
(the reader's notes on each half, recursively) and written once from the notes and the messages
they cite, so a model with a small context writes about as many posts as a large one.

A model that never gives a usable answer (a small local model's invalid or truncated JSON,
after the re-asks) costs that window its posts, not the run: the reason is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..llm import LLM
from ..models import Enrichment, Note, Notes, PostDraft, PostPlan, Window, split_window
from ..prompts import chat_messages
from .records import unique_slugs

MIN_TRUNCATED_CHARS = 400  # below this, a lone message is not shortened further
TRUNCATION_NOTE = " [...truncated: too long for the model's context]"
MAX_ANSWER_TOKENS = 3000  # a few posts; bounds a small model that rambles until its context ends
READ_ANSWER_TOKENS = 1000  # a part's notes


def write_posts_llm(
    llm: LLM, prompts_dir: Path, window: Window, enrichments: Sequence[Enrichment], related: Sequence[str]
) -> tuple[list[PostDraft], str | None]:
    """The posts the LLM writes for one window, and why (part of) it got none, if the model failed it."""
    posts, reasons = _write(llm, prompts_dir, window, list(enrichments), list(related))
    return unique_slugs(posts), "; ".join(reasons) or None


def _write(
    llm: LLM, prompts_dir: Path, window: Window, enrichments: list[Enrichment], related: list[str]
) -> tuple[list[PostDraft], list[str]]:
    try:
        return _plan(llm, prompts_dir, window, enrichments, related), []
    except ValueError as no_answer:
        return [], [f"{window.id}: {no_answer}"]
    except OverflowError:
        pass
    if len(window.messages) > 1:
        # Too long for the model: read it in parts, then write once from the notes, so a small
        # model writes as many posts for the window as a large one.
        notes, reasons = _read(llm, prompts_dir, window, "1")
        if not notes:
            return [], reasons
        posts, more = _from_notes(llm, prompts_dir, window, enrichments, related, notes)
        return posts, reasons + more
    # One message: drop the surrounding context, then cut the message's text.
    if related or window.context:
        return _write(llm, prompts_dir, window.model_copy(update={"context": []}), enrichments, [])
    shorter = _shrink(window)
    if shorter is None:
        raise OverflowError(f"prompt too long for the model: {window.id}, one message, even when cut")
    return _write(llm, prompts_dir, shorter, enrichments, [])


def _plan(
    llm: LLM,
    prompts_dir: Path,
    window: Window,
    enrichments: list[Enrichment],
    related: list[str],
    notes: list[Note] | None = None,
) -> list[PostDraft]:
    """The model's posts for the window (from `notes` of all of it, when given), citing only its messages."""
    ids = {m.id for m in window.messages}
    mine = [e for e in enrichments if e.message_id in ids]
    messages = chat_messages(prompts_dir, "writer", window=window, enrichments=mine, related=related, notes=notes or [])
    plan = llm.structured(messages, PostPlan, max_tokens=MAX_ANSWER_TOKENS)
    # Keep only ids that exist here: a model may cite ids it made up; and drop empty posts.
    return [
        p.model_copy(update={"message_ids": [i for i in p.message_ids if i in ids]})
        for p in plan.posts
        if p.title.strip() and p.body.strip()
    ]


def _read(llm: LLM, prompts_dir: Path, window: Window, part: str) -> tuple[list[Note], list[str]]:
    """The reader's notes on a window, read whole or, when too long, in halves (recursively; a
    lone message too long is cut); and why a part got none, if the model failed it."""
    ids = {m.id for m in window.messages}
    messages = chat_messages(prompts_dir, "reader", window=window, part=part)
    try:
        found = llm.structured(messages, Notes, max_tokens=READ_ANSWER_TOKENS).notes
    except ValueError as no_answer:
        return [], [f"{window.id}: {no_answer}"]
    except OverflowError:
        if len(window.messages) == 1:
            shorter = _shrink(window)
            if shorter is None:
                raise
            return _read(llm, prompts_dir, shorter, part)
        halves = [_read(llm, prompts_dir, half, f"{part}.{i}") for i, half in enumerate(split_window(window), 1)]
        return [n for notes, _ in halves for n in notes], [r for _, reasons in halves for r in reasons]
    kept = [n.model_copy(update={"message_ids": [i for i in n.message_ids if i in ids]}) for n in found]
    return [n for n in kept if n.text.strip()], []


def _from_notes(
    llm: LLM,
    prompts_dir: Path,
    window: Window,
    enrichments: list[Enrichment],
    related: list[str],
    notes: list[Note],
) -> tuple[list[PostDraft], list[str]]:
    """The window's posts written once from the notes of all its parts, with the messages the
    notes cite (each note's first ones first, as many as fit), then without the earlier posts,
    then on fewer notes; and why it got none, if the model failed it."""
    cited = _cited(window, notes)
    attempts = [(len(cited), related), (len(cited), [])]
    shown = len(cited) // 2
    while shown >= 1:
        attempts.append((shown, []))
        shown //= 2
    for count, earlier in attempts:
        chosen = set(cited[: max(count, 1)])
        part: Window | None = window.model_copy(
            update={"messages": [m for m in window.messages if m.id in chosen], "context": []}
        )
        while part is not None:  # the last, one message, is cut while it is too long
            try:
                return _plan(llm, prompts_dir, part, enrichments, earlier, notes), []
            except ValueError as no_answer:
                return [], [f"{window.id}: {no_answer}"]
            except OverflowError:
                part = _shrink(part) if len(part.messages) == 1 and count <= 1 else None
    if len(notes) > 1:  # the notes alone are too long: write from the first half of them
        return _from_notes(llm, prompts_dir, window, enrichments, [], notes[: len(notes) // 2])
    return [], [f"{window.id}: too long for the model even as notes"]


def _cited(window: Window, notes: list[Note]) -> list[str]:
    """The ids the notes cite, each note's first before any note's second (and so on), once each;
    the window's first message when they cite none."""
    order: list[str] = []
    for rank in range(max((len(n.message_ids) for n in notes), default=0)):
        order += [n.message_ids[rank] for n in notes if rank < len(n.message_ids)]
    return list(dict.fromkeys(order)) or [window.messages[0].id]


def _shrink(window: Window) -> Window | None:
    """The one-message window with its text halved, or None when the text is short already."""
    message = window.messages[0]
    text = message.text.removesuffix(TRUNCATION_NOTE)
    if len(text) <= MIN_TRUNCATED_CHARS:
        return None
    shorter = message.model_copy(update={"text": text[: len(text) // 2] + TRUNCATION_NOTE})
    return window.model_copy(update={"messages": [shorter]})
