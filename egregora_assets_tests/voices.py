"""Real voice notes for tests: speech synthesized by Debian's espeak-ng, encoded to Ogg Opus as
WhatsApp records them (mono, libopus through PyAV), and put into export zips."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path

import av


def espeak() -> str:
    found = shutil.which("espeak-ng")
    if found is None:  # a missing tool fails, never skips: CI installs it (.ci/run)
        raise FileNotFoundError("espeak-ng is not installed (apt-get install espeak-ng)")
    return found


@lru_cache(maxsize=64)
def speak(text: str, voice: str = "en", words_per_minute: int = 140) -> bytes:
    """`text` said by espeak-ng in `voice`, as an Ogg Opus voice note."""
    wav = subprocess.run(
        [espeak(), "-v", voice, "-s", str(words_per_minute), "--stdout", text], capture_output=True, check=True
    ).stdout
    return opus(wav)


def opus(audio: bytes, rate: int = 48_000) -> bytes:
    """Any audio PyAV reads, re-encoded as WhatsApp's voice notes are: Ogg Opus, mono."""
    out = io.BytesIO()
    with av.open(io.BytesIO(audio)) as source, av.open(out, "w", format="ogg") as target:
        stream = target.add_stream("libopus", rate=rate)
        stream.layout = "mono"  # type: ignore[union-attr]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        for frame in [*source.decode(audio=0), None]:
            for chunk in resampler.resample(frame):
                target.mux(stream.encode(chunk))  # type: ignore[union-attr]
        target.mux(stream.encode(None))  # type: ignore[union-attr]
    return out.getvalue()


def export_zip(path: Path, chat: str, files: dict[str, bytes], name: str = "WhatsApp Chat with Trilhas.txt") -> Path:
    """An export zip: the chat text and its media files."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(name, chat)
        for member, data in files.items():
            archive.writestr(member, data)
    return path
