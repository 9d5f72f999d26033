"""Publishing a day's media: images re-encoded without metadata, under names that reveal nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa

from ..groups import covering, staged_exports
from ..home import Home, write_atomic
from ..images import strip_image_metadata
from ..models import BadExport
from ..raw_exports.archive import read_member, zip_members
from .pseudonyms import publish_media_name

MAX_MEDIA_BYTES = 20_000_000
MAX_SIDE = 1600
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def publish_day_media(home: Home, group: str, day: date, messages: pa.Table, secret: bytes) -> int:
    """Copy the day's images that the exports carry into the home's media folder; returns how many."""
    members = {a for a in messages["attachment"].to_pylist() if a and a.lower().endswith(IMAGE_SUFFIXES)}
    exports = [p for p, _ in covering(staged_exports(home, group), day) if p.suffix == ".zip"]
    published = 0
    for member in sorted(members):
        target = home.media(group) / publish_media_name(secret, member)
        if target.exists():
            published += 1
            continue
        data = _first_member(exports, member)
        if data is None:
            continue
        try:
            clean, _, _, _ = strip_image_metadata(data, MAX_SIDE)
        except BadExport:
            continue  # not an image after all: never published
        write_atomic(target, clean)
        published += 1
    return published


def day_voice_notes(
    home: Home, group: str, day: date, attachments: dict[str, str], secret: bytes
) -> list[tuple[str, str, bytes | None]]:
    """(message id, published name, the file's bytes or None when no export holds it) of each
    stored message id -> published audio name: the day's voice notes, read from the staged exports."""
    exports = [p for p, _ in covering(staged_exports(home, group), day) if p.suffix == ".zip"]
    wanted, where = set(attachments.values()), {}
    for path in exports:
        for member in zip_members(path):
            name = publish_media_name(secret, member)
            if name in wanted and name not in where:
                where[name] = (path, member)
    notes = []
    for message_id, published in sorted(attachments.items()):
        found = where.get(published)
        data = _first_member([found[0]], found[1]) if found else None
        notes.append((message_id, published, data))
    return notes


def _first_member(exports: list[Path], member: str) -> bytes | None:
    for path in exports:
        try:
            return read_member(path, member, MAX_MEDIA_BYTES)
        except (BadExport, KeyError):
            continue
    return None
