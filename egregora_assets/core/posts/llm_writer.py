"""The LLM's work: writing posts for a window, describing links and images, answering questions."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from PIL import Image

from egregora_assets.core.llm import LLM
from egregora_assets.core.models import Enrichment, PostDraft, PostPlan, Window
from egregora_assets.core.prompts import chat_messages

MAX_PAGE_CHARS = 6000  # enough for a description; pages can be megabytes
MAX_IMAGE_SIDE = 1024  # what vision models look at anyway; smaller costs fewer tokens
MIN_TRUNCATED_CHARS = 400  # below this, a lone message is not shortened further
TRUNCATION_NOTE = " [...truncated: too long for the model's context]"


def write_posts_llm(
    llm: LLM, prompts_dir: Path, window: Window, enrichments: Sequence[Enrichment], related: Sequence[str]
) -> list[PostDraft]:
    """The posts the LLM writes for one window, given its enrichments and earlier related texts."""
    return _unique_slugs(_write(llm, prompts_dir, window, list(enrichments), list(related)))


def _write(
    llm: LLM, prompts_dir: Path, window: Window, enrichments: list[Enrichment], related: list[str]
) -> list[PostDraft]:
    ids = {m.id for m in window.messages}
    mine = [e for e in enrichments if e.message_id in ids]
    messages = chat_messages(prompts_dir, "writer", window=window, enrichments=mine, related=related)
    try:
        plan = llm.structured(messages, PostPlan)
    except OverflowError:
        # Too long for the model: write each half on its own, down to one message; then drop
        # the surrounding context, then cut the lone message's text.
        if len(window.messages) > 1:
            return [post for half in _halves(window) for post in _write(llm, prompts_dir, half, mine, related)]
        if related or window.context:
            return _write(llm, prompts_dir, window.model_copy(update={"context": []}), mine, [])
        shorter = _shrink(window)
        if shorter is None:
            raise
        return _write(llm, prompts_dir, shorter, mine, [])
    # Keep only ids that exist here: a model may cite ids it made up.
    return [p.model_copy(update={"message_ids": [i for i in p.message_ids if i in ids]}) for p in plan.posts]


def _halves(window: Window) -> tuple[Window, Window]:
    """The window's messages split in two windows, ids suffixed `.1` and `.2`."""
    middle = len(window.messages) // 2
    first = window.model_copy(update={"id": f"{window.id}.1", "messages": window.messages[:middle]})
    second = window.model_copy(
        update={"id": f"{window.id}.2", "messages": window.messages[middle:], "context": []}
    )
    return first, second


def _shrink(window: Window) -> Window | None:
    """The one-message window with its text halved, or None when the text is short already."""
    message = window.messages[0]
    text = message.text.removesuffix(TRUNCATION_NOTE)
    if len(text) <= MIN_TRUNCATED_CHARS:
        return None
    shorter = message.model_copy(update={"text": text[: len(text) // 2] + TRUNCATION_NOTE})
    return window.model_copy(update={"messages": [shorter]})


def _unique_slugs(posts: list[PostDraft]) -> list[PostDraft]:
    """The posts with repeated slugs suffixed -2, -3..., as split halves may reuse a slug."""
    seen: dict[str, int] = {}
    unique = []
    for post in posts:
        count = seen[post.slug] = seen.get(post.slug, 0) + 1
        unique.append(post if count == 1 else post.model_copy(update={"slug": f"{post.slug}-{count}"}))
    return unique


def describe_url(llm: LLM, prompts_dir: Path, url: str, title: str | None, description: str | None, text: str) -> str:
    """A short LLM description of a fetched web page."""
    messages = chat_messages(
        prompts_dir, "enrich_url", url=url, title=title, description=description, text=text[:MAX_PAGE_CHARS]
    )
    return llm.text(messages).strip()


def describe_image(llm: LLM, prompts_dir: Path, image: bytes, mime: str) -> str:
    """A short description of an image by the vision model, sent resized and without metadata."""
    data, sent_mime = _prepare_image(image)
    system, user = chat_messages(prompts_dir, "describe_media", mime=mime)
    data_uri = f"data:{sent_mime};base64,{base64.b64encode(data).decode()}"
    user["content"] = [
        {"type": "text", "text": user["content"]},
        {"type": "image_url", "image_url": {"url": data_uri}},
    ]
    return llm.text([system, user], model=llm.vision_model).strip()


def _prepare_image(image: bytes) -> tuple[bytes, str]:
    """The image re-encoded at most MAX_IMAGE_SIDE wide and high; re-encoding drops EXIF (GPS, camera)."""
    with Image.open(io.BytesIO(image)) as picture:
        picture.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
        keeps_alpha = picture.mode in ("RGBA", "LA", "P")
        picture = picture.convert("RGBA" if keeps_alpha else "RGB")
        out = io.BytesIO()
        if keeps_alpha:
            picture.save(out, format="PNG", optimize=True)
        else:
            picture.save(out, format="JPEG", quality=85)
    return out.getvalue(), "image/png" if keeps_alpha else "image/jpeg"


def answer_stream(llm: LLM, prompts_dir: Path, question: str, passages: Sequence[dict]) -> Iterator[str]:
    """The answer to a question about the archive, streamed; it cites passages as [1], [2]..."""
    messages = chat_messages(prompts_dir, "answer", question=question, passages=list(passages))
    return llm.stream(messages)
