"""The LLM writer: the posts of one window, split in halves when the window is too long.

A model that never gives a usable answer (a small local model's invalid or truncated JSON,
after the re-asks) costs that window its posts, not the run: the reason is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..llm import LLM
from ..models import Enrichment, PostDraft, PostPlan, Window, split_window
from ..prompts import chat_messages
from .records import unique_slugs

MIN_TRUNCATED_CHARS = 400  # below this, a lone message is not shortened further
TRUNCATION_NOTE = " [...truncated: too long for the model's context]"
MAX_ANSWER_TOKENS = 3000  # a few posts; bounds a small model that rambles until its context ends


def write_posts_llm(
    llm: LLM, prompts_dir: Path, window: Window, enrichments: Sequence[Enrichment], related: Sequence[str]
) -> tuple[list[PostDraft], str | None]:
    """The posts the LLM writes for one window, and why (part of) it got none, if the model failed it."""
    posts, reasons = _write(llm, prompts_dir, window, list(enrichments), list(related))
    return unique_slugs(posts), "; ".join(reasons) or None


def _write(
    llm: LLM, prompts_dir: Path, window: Window, enrichments: list[Enrichment], related: list[str]
) -> tuple[list[PostDraft], list[str]]:
    ids = {m.id for m in window.messages}
    mine = [e for e in enrichments if e.message_id in ids]
    messages = chat_messages(prompts_dir, "writer", window=window, enrichments=mine, related=related)
    try:
        plan = llm.structured(messages, PostPlan, max_tokens=MAX_ANSWER_TOKENS)
    except ValueError as no_answer:
        return [], [f"{window.id}: {no_answer}"]
    except OverflowError:
        # Too long for the model: write each half on its own, down to one message; then drop
        # the surrounding context, then cut the lone message's text.
        if len(window.messages) > 1:
            halves = [_write(llm, prompts_dir, half, mine, related) for half in split_window(window)]
            return [p for posts, _ in halves for p in posts], [r for _, reasons in halves for r in reasons]
        if related or window.context:
            return _write(llm, prompts_dir, window.model_copy(update={"context": []}), mine, [])
        shorter = _shrink(window)
        if shorter is None:
            raise
        return _write(llm, prompts_dir, shorter, mine, [])
    # Keep only ids that exist here: a model may cite ids it made up; and drop empty posts.
    posts = [
        p.model_copy(update={"message_ids": [i for i in p.message_ids if i in ids]})
        for p in plan.posts
        if p.title.strip() and p.body.strip()
    ]
    return posts, []


def _shrink(window: Window) -> Window | None:
    """The one-message window with its text halved, or None when the text is short already."""
    message = window.messages[0]
    text = message.text.removesuffix(TRUNCATION_NOTE)
    if len(text) <= MIN_TRUNCATED_CHARS:
        return None
    shorter = message.model_copy(update={"text": text[: len(text) // 2] + TRUNCATION_NOTE})
    return window.model_copy(update={"messages": [shorter]})
