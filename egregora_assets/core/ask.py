"""Answering a question about the archive from retrieved passages, with citations."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .prompts import chat_messages
from .text import fold

if TYPE_CHECKING:  # the openai client loads only when a model answers
    from .llm import LLM

PASSAGE_CHARS = 1200  # what the offline answer shows of one passage
_MESSAGE = re.compile(r"^\d{2}:\d{2} [^\s:]+: ", re.MULTILINE)  # a window line (windows.render_message)
_QUOTE = re.compile(r"^> \*\*[^*\n]+\*\* \(\d{2}:\d{2}(?:, [^)\n]*)?\): ")  # a post's quote of a message
_SENTENCE_END = re.compile(r"[.!?…](?=\s)")


def answer_stream(llm: LLM, prompts_dir: Path, question: str, passages: Sequence[dict]) -> Iterator[str]:
    """The answer to a question about the archive, streamed; it cites passages as [1], [2]..."""
    messages = chat_messages(prompts_dir, "answer", question=question, passages=list(passages))
    return llm.stream(messages)


def offline_passages(hits: Sequence[dict], limit: int = PASSAGE_CHARS) -> list[tuple[dict, str]]:
    """The hits as the offline answer shows them: whole messages (a window) or whole lines
    (a post) up to `limit` characters, and nothing said twice, within a passage or across them."""
    seen: set[str] = set()
    shown = []
    for hit in hits:
        fresh, keys = [], set(seen)
        for sep, unit in _units(hit):
            if unit.startswith("#") or _key(unit) not in keys:  # headings are structure, not passages
                fresh.append((sep, unit))
                keys.add(_key(unit))
        kept = _fit(_without_empty_sections(fresh), limit)
        if not kept:
            continue  # all of it was shown already
        seen.update(_key(unit) for _, unit in kept)
        shown.append((hit, "".join(sep + unit for sep, unit in kept).lstrip("\n")))
    return shown


def _units(hit: dict) -> list[tuple[str, str]]:
    """(separator, unit) pieces of a hit's text: a window's messages, a post's non-empty lines."""
    text = hit["text"].strip("\n")
    if hit["kind"] == "window":
        starts = [m.start() for m in _MESSAGE.finditer(text)] or [0]
        starts[0] = 0
        return [("\n", text[a:b].rstrip("\n")) for a, b in zip(starts, [*starts[1:], len(text)])]
    units: list[tuple[str, str]] = []
    sep = "\n"
    for line in text.split("\n"):
        if not line.strip():
            sep = "\n\n"
        elif line.strip() != hit["title"].strip() or units:  # the title is the passage's heading
            units.append((sep, line.rstrip()))
            sep = "\n"
    return units


def _without_empty_sections(units: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The units without headings that nothing follows before the next heading."""
    return [
        (sep, unit)
        for i, (sep, unit) in enumerate(units)
        if not unit.startswith("#") or (i + 1 < len(units) and not units[i + 1][1].startswith("#"))
    ]


def _fit(units: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    """The leading units that fit in `limit` characters; the first cut at a sentence if it alone is over."""
    kept: list[tuple[str, str]] = []
    size = 0
    for sep, unit in units:
        if size + len(sep) + len(unit) > limit:
            if not kept:
                kept.append((sep, _cut(unit, limit)))
            break
        kept.append((sep, unit))
        size += len(sep) + len(unit)
    while kept and kept[-1][1].startswith("#"):  # a heading with nothing under it
        kept.pop()
    return kept


def _cut(text: str, limit: int) -> str:
    """`text` cut before `limit` at a sentence's end, else at a space (marked "…"); a word stays whole."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, limit)]
    if ends:
        return text[: ends[-1]]
    space = text.rfind(" ", 0, limit)
    return (text[:space] if space > 0 else text[:limit]).rstrip(" ,;:") + " …"


def _key(unit: str) -> str:
    """What a unit says, whichever way it is written: a window's line and a post's quote of it match."""
    said = _QUOTE.sub("", _MESSAGE.sub("", unit, count=1), count=1)
    return " ".join(re.findall(r"\w+", fold(said)))[:80]


_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_ANSWER_QUOTE = re.compile(r"^>\s?(.+)$", re.MULTILINE)


def citations(answer: str, passages: Sequence[dict]) -> dict:
    """What an answer cites, checked as `citations_hold` checks a post: the passage numbers it
    gives that were among those it was given (`cited`), those that were not (`invalid`), and how
    many of its quotes (Markdown blockquotes) are in none of the passages (`unsupported_quotes`)."""
    numbers = [int(n) for found in _CITATION.findall(answer) for n in re.findall(r"\d+", found)]
    given = range(1, len(passages) + 1)
    said = [_comparable(p["text"]) for p in passages]
    quotes = [_comparable(q).removesuffix("…").strip() for q in _ANSWER_QUOTE.findall(answer)]
    return {
        "cited": [n for n in dict.fromkeys(numbers) if n in given],
        "invalid": [n for n in dict.fromkeys(numbers) if n not in given],
        "unsupported_quotes": sum(1 for q in quotes if q and not any(q in text for text in said)),
    }


def _comparable(text: str) -> str:
    """Text as a quote is compared: its words only, folded (a quote drops marks and emphasis)."""
    return " ".join(re.findall(r"\w+", fold(_CITATION.sub("", text))))
