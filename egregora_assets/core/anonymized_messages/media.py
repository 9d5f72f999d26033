"""Publishing a day's media: images re-encoded without metadata, under names that reveal nothing."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pyarrow as pa
from PIL import Image, ImageOps

from ..home import Home, write_atomic
from ..models import BadExport
from ..raw_exports.archive import read_member
from ..raw_exports.staging import covering, staged_exports
from .pseudonyms import publish_media_name

_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_MEDIA_BYTES = 20_000_000
MAX_SIDE = 1600
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def media_dir(home: Home, group: str) -> Path:
    return home.root / "media" / group


def publish_day_media(home: Home, group: str, day: date, messages: pa.Table, secret: bytes) -> int:
    """Copy the day's images that the exports carry into the home's media folder; returns how many."""
    members = {a for a in messages["attachment"].to_pylist() if a and a.lower().endswith(IMAGE_SUFFIXES)}
    exports = [p for p, _ in covering(staged_exports(home, group), day) if p.suffix == ".zip"]
    published = 0
    for member in sorted(members):
        target = media_dir(home, group) / publish_media_name(secret, member)
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


def _first_member(exports: list[Path], member: str) -> bytes | None:
    for path in exports:
        try:
            return read_member(path, member, MAX_MEDIA_BYTES)
        except (BadExport, KeyError):
            continue
    return None


def strip_image_metadata(data: bytes, max_side: int | None = None) -> tuple[bytes, str, int, int]:
    """The image re-encoded from its pixels alone (no EXIF, GPS, XMP, ICC, text), maybe shrunk."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = "JPEG" if img.format == "MPO" else img.format
            upright = ImageOps.exif_transpose(img)  # apply the rotation before EXIF goes
            alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            pixels = upright.convert("RGBA" if alpha and fmt != "JPEG" else "RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:  # incl. Unidentified
        raise BadExport("not a readable image") from exc
    if max_side:
        pixels.thumbnail((max_side, max_side))
    # A fresh image from raw pixels has no info dict, so no metadata can ride along.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    fmt = fmt if fmt in _MIME else "PNG"
    out = io.BytesIO()
    clean.save(out, fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue(), _MIME[fmt], clean.width, clean.height
