"""What was said aloud is redacted as typed text is, and each audio is heard once per engine."""

from __future__ import annotations

from datetime import date

import pytest

from egregora_assets.core.anonymized_messages.pseudonyms import build_roster
from egregora_assets.core.speech import NO_ENGINE, RemoteEngine, audio_hash
from egregora_assets.core.transcripts import day_transcripts, redact_transcript, spoken_digits
from egregora_assets_tests.voices import speak

ROSTER = build_roster(b"k" * 32, "trilhas", ["Helena Duarte", "Rodrigo Lima", "+55 21 99876-5432"])
DAY = date(2024, 3, 12)


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("nine nine eight seven six five four three two", "998765432"),
        ("nove nove oito sete seis, cinco quatro três dois", "998765432"),
        ("meu número é nove nove oito sete meia cinco", "meu número é 998765"),
        ("nueve nueve ocho siete seis cinco cuatro", "9987654"),
        ("two one nine nine 8 7 6 5", "21998765"),
    ],
)
def test_numbers_read_aloud_are_written_as_digits(said, written):
    assert spoken_digits(said) == written


@pytest.mark.parametrize(
    "kept",
    [
        "one or two of us",
        "I have one dog and two cats",
        "a um quilômetro da ponte",
        "call 2 or 3 people",  # digits alone: typed text's own rules apply
    ],
)
def test_ordinary_speech_with_numbers_is_left_alone(kept):
    assert spoken_digits(kept) == kept


def test_a_transcript_naming_a_member_and_reading_a_phone_number_keeps_neither():
    said = (
        "Oi, aqui é a Helena Duarte, me liga no nove nove oito sete seis, cinco quatro três dois, ou fala com o Rodrigo"
    )
    clean = redact_transcript(said, ROSTER)
    assert clean is not None
    for value in ("Helena", "Duarte", "Rodrigo", "998765432", "nove nove oito"):
        assert value not in clean
    assert ROSTER.pseudonym("Helena Duarte") in clean and ROSTER.pseudonym("Rodrigo Lima") in clean


def test_a_transcript_with_a_typed_style_phone_and_email_is_redacted():
    clean = redact_transcript("Send it to helena.duarte@example.com or (21) 99876-5432.", ROSTER)
    assert clean is not None and "example.com" not in clean and "99876" not in clean


def test_without_an_engine_every_note_says_so():
    found, heard = day_transcripts(
        [("m1", "media-a.opus", speak("hello"))], None, language="en", roster=ROSTER, known={}, group="g", day=DAY
    )
    assert heard == 0 and [(t.status, t.text, t.engine) for t in found] == [(NO_ENGINE, None, "none")]


def test_an_audio_heard_by_the_engine_is_not_heard_again_but_is_redacted_again(fake_llm):
    note = speak("call me")
    fake_llm.default_transcript = "call me, Helena"
    engine = RemoteEngine(fake_llm.url, "whisper-1")
    notes = [("m1", "media-a.opus", note), ("m2", "media-b.opus", b""), ("m3", "media-c.opus", None)]
    first, heard = day_transcripts(notes, engine, language="en", roster=ROSTER, known={}, group="g", day=DAY)
    assert heard == 1 and len(fake_llm.uploads) == 1
    assert [t.status for t in first] == ["ok", "unreadable: empty file", "missing from the export"]
    assert first[0].text == f"call me, {ROSTER.pseudonym('Helena Duarte')}" and first[0].audio_hash == audio_hash(note)

    # Stored before a new member named "Zeca" was known: the stored words are redacted again.
    stored = first[0].model_copy(update={"text": "call me, Zeca"})
    grown = build_roster(b"k" * 32, "trilhas", ["Helena Duarte", "Rodrigo Lima", "+55 21 99876-5432", "Zeca Pires"])
    known = {(stored.audio_hash, stored.engine): stored}
    again, heard = day_transcripts(notes[:1], engine, language="en", roster=grown, known=known, group="g", day=DAY)
    assert heard == 0 and len(fake_llm.uploads) == 1  # nothing sent again
    assert again[0].text == f"call me, {grown.pseudonym('Zeca Pires')}"

    other = RemoteEngine(fake_llm.url, "whisper-large-v3")  # another model hears it anew
    _, heard = day_transcripts(notes[:1], other, language="en", roster=ROSTER, known=known, group="g", day=DAY)
    assert heard == 1 and len(fake_llm.uploads) == 2


@pytest.mark.parametrize(
    ("heard", "clean"),
    [
        # What Whisper tiny.en wrote for espeak's "nine nine eight seven six, five four three two".
        ("Please call me at I'd hate 766-542.", "Please call me at I'd hate [phone]."),
        ("Call me at i8-7-6-5-4-3-2.", "Call me at i[phone]."),
        ("we leave at 7 and walk 12 km", "we leave at 7 and walk 12 km"),
        ("it costs 1500 reais", "it costs 1500 reais"),
    ],
)
def test_a_phone_number_misheard_with_digits_missing_is_still_replaced(heard, clean):
    assert redact_transcript(heard, ROSTER) == clean


def test_a_server_hears_a_days_notes_at_once_and_a_forwarded_note_once(fake_llm):
    from egregora_assets.core.transcripts import hearing

    fake_llm.default_transcript = "see you there"
    fake_llm.latency = 0.3
    notes = [(f"m{i}", f"PTT-{i}.opus", speak(f"note number {i}")) for i in range(4)]
    notes.append(("m9", "PTT-9.opus", notes[0][2]))  # the first note, forwarded
    engine = RemoteEngine(fake_llm.url, "whisper-1")
    with hearing(engine, 4) as each:
        found, heard = day_transcripts(
            notes, engine, language="en", roster=ROSTER, known={}, group="g", day=DAY, each=each
        )
    assert heard == 4 and len(fake_llm.uploads) == 4  # the forwarded copy was not sent again
    assert [t.text for t in found] == ["see you there"] * 5 and found[4].audio_hash == found[0].audio_hash
    assert fake_llm.peak_in_flight >= 2  # several at once (4 threads, 0.3 s each)
