"""Helpers that cut the demo export into overlapping re-exports, as users produce them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from egregora_assets.demo import DEMO_EXPORT

HEADER = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) \d{2}:\d{2} - ")


def demo_chat() -> tuple[str, str]:
    """(member name, text) of the demo's chat file."""
    with zipfile.ZipFile(DEMO_EXPORT) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".txt"))
        return name, archive.read(name).decode("utf-8")


def chat_between(first_day: int, last_day: int) -> str:
    """The demo chat's lines from day `first_day` to `last_day` of its month (continuations kept)."""
    _, text = demo_chat()
    kept, keep = [], False
    for line in text.splitlines(keepends=True):
        header = HEADER.match(line)
        if header:
            keep = first_day <= int(header.group(1)) <= last_day
        if keep:
            kept.append(line)
    return "".join(kept)


def write_txt(folder: Path, first_day: int, last_day: int, name: str = "Conversa do WhatsApp com Trilhas.txt") -> Path:
    path = folder / name
    path.write_text(chat_between(first_day, last_day), encoding="utf-8")
    return path
