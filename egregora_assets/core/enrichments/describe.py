"""LLM descriptions of links and images: pages fetched once per URL, images sent without metadata.

A description that fails for good is recorded on its item's status and the others go on:
a description is a nicety, never worth a partition. Images go only to a model that sees.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from ..home import Home, write_atomic
from ..images import strip_image_metadata
from ..models import Enrichment
from ..prompts import chat_messages
from .enrich import guess_media_type
from .fetch import Page, fetch_page

if TYPE_CHECKING:  # openai and instructor load only when an LLM is configured (~1 s)
    from ..llm import LLM

MAX_PAGE_CHARS = 6000  # enough for a description; pages can be megabytes
MAX_IMAGE_SIDE = 1024  # what vision models look at anyway; smaller costs fewer tokens
MAX_DESCRIPTION_TOKENS = 300  # two or three sentences, with room to spare
NO_VISION = "no vision model configured"


def media_info_reader(home: Home, group: str):
    """(mime, width, height) of a published media file, or None when the export lacked it."""
    folder = home.media(group)

    def info(name: str) -> tuple[str | None, int | None, int | None] | None:
        path = folder / name
        if not path.exists():
            return None
        try:
            with Image.open(path) as image:
                return Image.MIME.get(image.format or ""), image.width, image.height
        except OSError:
            return guess_media_type(name), None, None

    return info


def cached_page(home: Home, url: str, *, allow_loopback: bool) -> Page:
    """A page fetched at most once per home, so a link shared ten times costs one fetch."""
    path = home.page_cache / (hashlib.sha256(url.encode()).hexdigest() + ".json")
    if path.exists():
        return Page(**json.loads(path.read_text()))
    page = fetch_page(url, allow_loopback=allow_loopback)
    write_atomic(path, json.dumps(asdict(page)).encode())
    return page


def describe_enrichment(client, prompts_dir: Path, home: Home, item: Enrichment, llm) -> Enrichment:
    """The same record with a title and a description from the page and the LLM."""
    update: dict = {}
    if item.kind == "url" and llm.fetch_urls:
        page = cached_page(home, item.ref, allow_loopback=llm.allow_loopback_fetch)
        update = {"title": page.title, "status": page.status}
        if page.status == "ok":
            update.update(
                _described(describe_url, client, prompts_dir, item.ref, page.title, page.description, page.text)
            )
    elif item.kind == "media" and item.width:
        if client.image_model() is None:
            update = {"status": NO_VISION}
        else:
            data = (home.media(item.group) / item.ref).read_bytes()
            update = _described(describe_image, client, prompts_dir, data, item.media_type or "image/jpeg")
    return item.model_copy(update=update)


def _described(describe, *args) -> dict:
    """The description as an update of the item, or its failure as the item's status."""
    try:
        return {"description": describe(*args)}
    except (RuntimeError, ValueError, OverflowError) as failure:
        return {"status": f"description failed: {' '.join(str(failure).split())[:200]}"}


def describe_url(llm: LLM, prompts_dir: Path, url: str, title: str | None, description: str | None, text: str) -> str:
    """A short LLM description of a fetched web page."""
    messages = chat_messages(
        prompts_dir, "enrich_url", url=url, title=title, description=description, text=text[:MAX_PAGE_CHARS]
    )
    return llm.text(messages, max_tokens=MAX_DESCRIPTION_TOKENS).strip()


def describe_image(llm: LLM, prompts_dir: Path, image: bytes, mime: str) -> str:
    """A short description of an image by the vision model, sent resized and without metadata."""
    model = llm.image_model()
    if model is None:
        raise ValueError(NO_VISION)
    data, sent_mime, _, _ = strip_image_metadata(image, max_side=MAX_IMAGE_SIDE)
    system, user = chat_messages(prompts_dir, "describe_media", mime=mime)
    data_uri = f"data:{sent_mime};base64,{base64.b64encode(data).decode()}"
    user["content"] = [
        {"type": "text", "text": user["content"]},
        {"type": "image_url", "image_url": {"url": data_uri}},
    ]
    return llm.text([system, user], model=model, max_tokens=MAX_DESCRIPTION_TOKENS).strip()
