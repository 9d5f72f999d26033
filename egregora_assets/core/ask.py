"""Answering a question about the archive from retrieved passages, with citations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from .llm import LLM
from .prompts import chat_messages


def answer_stream(llm: LLM, prompts_dir: Path, question: str, passages: Sequence[dict]) -> Iterator[str]:
    """The answer to a question about the archive, streamed; it cites passages as [1], [2]..."""
    messages = chat_messages(prompts_dir, "answer", question=question, passages=list(passages))
    return llm.stream(messages)
