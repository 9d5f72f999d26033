"""Speech: audio decoded without a system FFmpeg, and heard by a remote or a local engine."""

from __future__ import annotations

import hashlib
import io
import re
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# What WhatsApp exports voice notes and audio attachments as (PTT-*.opus, *-AUDIO-*.opus, .m4a ...).
AUDIO_SUFFIXES = (".opus", ".ogg", ".oga", ".m4a", ".mp3", ".aac", ".amr", ".wav", ".flac", ".weba")
SAMPLE_RATE = 16_000  # what every speech model reads
PART_SECONDS = 600  # a longer note is sent in parts: servers cap uploads (OpenAI: 25 MB)
MAX_AUDIO_BYTES = 100_000_000  # WhatsApp's own cap on a shared file
# Longer than any voice note; a small file that decodes to hours (FLAC of silence) would fill memory.
MAX_SECONDS = 3 * 3600
NO_ENGINE = "no transcription engine configured"
NO_DECODER = "audio decoding not installed (pip install 'egregora[audio]')"


def is_audio(name: str | None) -> bool:
    return bool(name) and name.lower().endswith(AUDIO_SUFFIXES)  # type: ignore[union-attr]


def audio_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- decoding ---------------------------------------------------------------------------------


def decode(data: bytes) -> np.ndarray:
    """The audio as 16 kHz mono float32 samples; ValueError naming the problem when it is not audio."""
    import av  # the `audio` extra: wheels that bundle FFmpeg's decoders

    if not data:
        raise ValueError("empty file")
    chunks: list[np.ndarray] = []
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise ValueError("no audio stream")
            for frame in container.decode(audio=0):
                chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
                if len(chunks) % 1000 == 0 and sum(c.size for c in chunks) > MAX_SECONDS * SAMPLE_RATE:
                    raise ValueError(f"longer than {MAX_SECONDS // 3600} hours")
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    except av.FFmpegError as error:
        if not chunks:
            raise ValueError(f"not readable audio ({type(error).__name__})") from None
        # A cut-off file (a download interrupted): what was decoded is kept.
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if samples.size < SAMPLE_RATE // 10:
        raise ValueError("no sound (shorter than 0.1 s)")
    return samples.astype(np.float32, copy=False)


def split(samples: np.ndarray, seconds: int | None = None) -> list[np.ndarray]:
    """Consecutive parts of at most `seconds` (PART_SECONDS), each cut at the quietest 0.1 s of
    its last 10%, so a word is rarely cut in two."""
    size, parts, start = (seconds or PART_SECONDS) * SAMPLE_RATE, [], 0
    while samples.size - start > size:
        tail = samples[start + size * 9 // 10 : start + size]
        step = SAMPLE_RATE // 10
        energy = [float(np.square(tail[i : i + step]).sum()) for i in range(0, tail.size - step + 1, step)]
        cut = start + size * 9 // 10 + step * int(np.argmin(energy)) if energy else start + size
        parts.append(samples[start:cut])
        start = cut
    return parts + [samples[start:]]


# OpenAI reads a file's format from its name, and accepts only these: a WhatsApp note sent as
# "PTT-...opus" is refused ("Unsupported file format opus") though it is Ogg, which it reads.
# So a file goes under the name of the container its bytes are, or as WAV when that is not one.
_CONTAINERS = (
    (b"OggS", 0, ".ogg"),
    (b"fLaC", 0, ".flac"),
    (b"WAVE", 8, ".wav"),
    (b"ID3", 0, ".mp3"),
    (b"ftyp", 4, ".m4a"),
    (b"\x1a\x45\xdf\xa3", 0, ".webm"),
)


def upload_name(data: bytes, filename: str) -> str | None:
    """The name to send `data` under so that servers which judge by the name read it, or None
    when it is a container they do not take (AMR, raw AAC): then it goes as WAV."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", filename.rsplit("/", 1)[-1]) or "audio"
    for magic, at, suffix in _CONTAINERS:
        if data[at : at + len(magic)] == magic:
            return stem + suffix
    if data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):  # an MPEG audio frame without ID3
        return stem + ".mp3"
    return None


def wav_bytes(samples: np.ndarray) -> bytes:
    """16-bit PCM WAV of the samples: what every transcription server reads."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


# --- engines ----------------------------------------------------------------------------------


@dataclass
class Heard:
    """What an engine heard in one part: the words and, when it says, the language."""

    text: str
    language: str | None = None


class RemoteEngine:
    """An OpenAI-compatible `POST /audio/transcriptions` (OpenAI, Groq, faster-whisper and
    whisper.cpp servers, LocalAI, vLLM)."""

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout: float = 120.0, max_retries: int = 4):
        self.url = base_url.rstrip("/") + "/audio/transcriptions"
        self.model, self.api_key, self.timeout, self.max_retries = model, api_key, timeout, max_retries
        self.name = f"remote:{model}"

    def hear(self, audio: bytes, filename: str, language: str | None) -> Heard:
        import httpx

        form = {"model": self.model, "response_format": "json", **({"language": language} if language else {})}
        headers = {"Authorization": f"Bearer {self.api_key or 'none'}"}
        for attempt in range(self.max_retries + 1):
            try:
                answer = httpx.post(
                    self.url, data=form, files={"file": (filename, audio)}, headers=headers, timeout=self.timeout
                )
            except httpx.TransportError as error:
                failure = f"{type(error).__name__}"
            else:
                if answer.status_code == 200:
                    return _heard(answer)
                failure = f"HTTP {answer.status_code}"
                if answer.status_code not in (408, 409, 429) and answer.status_code < 500:
                    break  # the request itself is wrong: asking again gives the same answer
            if attempt < self.max_retries:
                time.sleep(min(0.5 * 2**attempt, 8.0))
        raise RuntimeError(f"transcription server {self.url}: {failure}")


def _heard(answer: Any) -> Heard:
    if "json" not in answer.headers.get("content-type", ""):
        return Heard(answer.text.strip())  # response_format ignored: plain text
    body = answer.json()
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise RuntimeError("transcription server answered without a text")
    language = body.get("language")
    return Heard(body["text"].strip(), language if isinstance(language, str) else None)


class LocalEngine:
    """A model in a folder the user names, never downloaded: a CTranslate2 Whisper model
    (`model.bin`, read by faster-whisper) or a PocketSphinx model (`mdef` with a `.lm.bin` and
    a `.dict`, read by pocketsphinx)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder).expanduser()
        self.kind = local_model_kind(self.folder)
        self.name = f"local:{self.kind}:{model_fingerprint(self.folder)}"
        self._model: Any = None

    def hear(self, samples: np.ndarray, language: str | None) -> Heard:
        if self.kind == "whisper":
            if self._model is None:
                from faster_whisper import WhisperModel

                self._model = WhisperModel(str(self.folder), device="cpu", compute_type="int8", local_files_only=True)
            segments, info = self._model.transcribe(samples, language=language, beam_size=1)
            return Heard(" ".join(s.text.strip() for s in segments).strip(), info.language)
        return Heard(self._sphinx(samples), None)

    def _sphinx(self, samples: np.ndarray) -> str:
        if self._model is None:  # loading the model takes longer than hearing a short note
            from pocketsphinx import Decoder

            self._model = Decoder(
                hmm=str(next(p.parent for p in self.folder.rglob("mdef"))),
                lm=str(_one(self.folder, "*.lm.bin", exclude="phone")),
                dict=str(_one(self.folder, "*.dict")),
                loglevel="FATAL",
            )
        decoder = self._model
        decoder.start_utt()
        decoder.process_raw((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes(), full_utt=True)
        decoder.end_utt()
        return decoder.hyp().hypstr if decoder.hyp() else ""


def local_model_kind(folder: Path) -> str:
    """ "whisper" or "sphinx": what the folder holds; ValueError naming what is missing."""
    if not folder.is_dir():
        raise ValueError(f"transcription model folder {folder} does not exist")
    if (folder / "model.bin").is_file():
        if not (folder / "tokenizer.json").is_file():  # faster-whisper would fetch one from the hub
            raise ValueError(f"{folder}: a CTranslate2 model.bin without its tokenizer.json")
        return "whisper"
    if any(folder.rglob("mdef")) and any(folder.rglob("*.lm.bin")) and any(folder.rglob("*.dict")):
        return "sphinx"
    raise ValueError(
        f"{folder}: neither a CTranslate2 Whisper model (model.bin) nor a PocketSphinx model (mdef, .lm.bin, .dict)"
    )


def model_fingerprint(folder: Path) -> str:
    """The model folder's name and a hash of its files' names and sizes: a new model, new transcripts."""
    files = sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*") if p.is_file())
    return f"{folder.name}+{hashlib.sha256(repr(files).encode()).hexdigest()[:12]}"


def _one(folder: Path, pattern: str, exclude: str = "\0") -> Path:
    return min((p for p in folder.rglob(pattern) if exclude not in p.name), key=lambda p: len(str(p)))


Engine = RemoteEngine | LocalEngine


# --- one note ---------------------------------------------------------------------------------


@dataclass
class Transcription:
    """One note's outcome: the redacted transcript, its length and language, or why there is none."""

    status: str
    text: str | None = None
    seconds: float | None = None
    language: str | None = None


def transcribe(data: bytes | None, filename: str, engine: Engine | None, language: str | None) -> Transcription:
    """The note's words as the engine hears them (not yet redacted), or a status saying why not.
    Bad audio is a status; an engine that fails raises (the partition is retried later)."""
    if engine is None:
        return Transcription(NO_ENGINE)
    if data is None:
        return Transcription("missing from the export")
    if len(data) > MAX_AUDIO_BYTES:
        return Transcription(f"too large ({len(data) // 1_000_000} MB)")
    try:
        samples = decode(data)
    except ImportError:
        return Transcription(NO_DECODER)
    except ValueError as error:
        return Transcription(f"unreadable: {error}")
    parts = split(samples)
    heard: list[Heard] = []
    for i, part in enumerate(parts):
        if isinstance(engine, RemoteEngine):
            # One part: the file as it came, if servers take its container (Opus is a tenth of
            # WAV's size); else WAV.
            name = upload_name(data, filename) if len(parts) == 1 else None
            upload, name = (data, name) if name else (wav_bytes(part), f"part{i}.wav")
            heard.append(engine.hear(upload, name, language))
        else:
            heard.append(engine.hear(part, language))
    text = " ".join(h.text for h in heard if h.text).strip()
    said = next((h.language for h in heard if h.language), None) or language
    return Transcription("ok" if text else "no speech heard", text, round(samples.size / SAMPLE_RATE, 2), said)
