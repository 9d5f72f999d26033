"""Images made safe to publish or send: re-encoded from their pixels, so no metadata rides along."""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from .models import BadExport

_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


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
