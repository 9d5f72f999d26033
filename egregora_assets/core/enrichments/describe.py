"""Descriptions of links and media: pages fetched once per URL, then described by the LLM."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from PIL import Image

from .enrich import guess_media_type
from .fetch import Page, fetch_page
from ..home import Home
from ..anonymized_messages.media import media_dir
from ..models import Enrichment


def media_info_reader(home: Home, group: str):
    """(mime, width, height) of a published media file, or None when the export lacked it."""
    folder = media_dir(home, group)

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
    path = home.root / "cache" / "pages" / (hashlib.sha256(url.encode()).hexdigest() + ".json")
    if path.exists():
        return Page(**json.loads(path.read_text()))
    page = fetch_page(url, allow_loopback=allow_loopback)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(asdict(page)))
    os.replace(tmp, path)
    return page


def describe_enrichments(client, prompts_dir: Path, home: Home, found: Sequence[Enrichment], llm) -> list[Enrichment]:
    """The same records with titles and descriptions from the page and the LLM."""
    from ..posts.llm_writer import describe_image, describe_url

    described = []
    for item in found:
        update: dict = {}
        if item.kind == "url" and llm.fetch_urls:
            page = cached_page(home, item.ref, allow_loopback=llm.allow_loopback_fetch)
            update = {"title": page.title, "status": page.status}
            if page.status == "ok":
                update["description"] = describe_url(client, prompts_dir, item.ref, page.title, page.description, page.text)
        elif item.kind == "media" and item.width:
            data = (media_dir(home, item.group) / item.ref).read_bytes()
            update = {"description": describe_image(client, prompts_dir, data, item.media_type or "image/jpeg")}
        described.append(item.model_copy(update=update))
    return described
