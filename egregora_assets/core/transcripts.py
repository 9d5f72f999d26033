"""Transcripts: each voice note of a day heard once per audio and engine, and redacted like typed
text (names, phone numbers, e-mails, numbers read aloud) before anything stores or reads it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date

from .anonymized_messages.pseudonyms import Roster
from .anonymized_messages.redact import redact_text
from .journal import Each, in_turn
from .models import Transcript
from .speech import Engine, RemoteEngine, Transcription, audio_hash, transcribe

# --- privacy ----------------------------------------------------------------------------------

_DIGIT_WORDS = {
    # en, pt, es, fr, de, it: what a speech model may write a spoken digit as
    **dict.fromkeys(["zero", "oh", "zéro", "null", "cero"], "0"),
    **dict.fromkeys(["one", "um", "uma", "uno", "un", "une", "eins", "ein"], "1"),
    **dict.fromkeys(["two", "dois", "duas", "dos", "deux", "zwei", "due"], "2"),
    **dict.fromkeys(["three", "três", "tres", "trois", "drei", "tre"], "3"),
    **dict.fromkeys(["four", "quatro", "cuatro", "quatre", "vier", "quattro"], "4"),
    **dict.fromkeys(["five", "cinco", "cinq", "fünf", "cinque"], "5"),
    **dict.fromkeys(["six", "seis", "sechs", "sei", "meia"], "6"),  # "meia" (meia dúzia): six in Brazil
    **dict.fromkeys(["seven", "sete", "siete", "sept", "sieben", "sette"], "7"),
    **dict.fromkeys(["eight", "oito", "ocho", "huit", "acht", "otto"], "8"),
    **dict.fromkeys(["nine", "nove", "nueve", "neuf", "neun"], "9"),
}
_WORD = "(?:" + "|".join(sorted(map(re.escape, _DIGIT_WORDS), key=len, reverse=True)) + ")"
# Four or more digit words (or digits) in a row: a number read aloud, which may be a phone number.
_SPOKEN = re.compile(rf"(?i)\b(?:(?:{_WORD}|\d+)[\s,.\-]+){{3,}}(?:{_WORD}|\d+)\b")


def spoken_digits(text: str) -> str:
    """`text` with numbers read aloud digit by digit written as digits, so the phone-number
    redaction finds them as it does in typed text."""

    def digits(m: re.Match) -> str:
        words = re.split(r"[\s,.\-]+", m.group())
        if sum(w.lower() in _DIGIT_WORDS for w in words) < 2:
            return m.group()  # plain digits: redact_text reads them already
        return "".join(_DIGIT_WORDS.get(w.lower(), w) for w in words)

    return _SPOKEN.sub(digits, text)


# Speech models drop and merge digits ("nine nine eight" heard as "i8"): in what was said aloud,
# any run of six or more digits is taken for a phone number, where typed text needs a whole one.
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ .\-()]{0,2}\d){5,}(?!\d)")


def redact_transcript(text: str | None, roster: Roster | None) -> str | None:
    """A transcript with names, numbers read aloud, phones and e-mails replaced, as typed text is."""
    if not text:
        return text
    return _DIGIT_RUN.sub("[phone]", redact_text(spoken_digits(text), roster))


@contextmanager
def hearing(engine: Engine | None, concurrency: int) -> Iterator[Each]:
    """How a day's notes are heard: by a server, several at once; by a local model (which already
    uses every core for one), in turn."""
    if not isinstance(engine, RemoteEngine):
        yield in_turn
        return
    with ThreadPoolExecutor(concurrency) as threads:
        yield lambda call, items: list(threads.map(call, items))


def day_transcripts(
    notes: Sequence[tuple[str, str, bytes | None]],
    engine: Engine | None,
    *,
    language: str | None,
    roster: Roster | None,
    known: Mapping[tuple[str, str], Transcript],
    group: str,
    day: date,
    each: Each = in_turn,
) -> tuple[list[Transcript], int]:
    """The redacted transcript (or status) of each (message id, file name, bytes) voice note of a
    day, and how many were heard now: an audio this engine already heard (`known`, by hash and
    engine) is not heard again, only redacted again (the roster may have grown since), and one
    forwarded twice is heard once. `each` runs the hearing (in turn, or on threads)."""
    name = engine.name if engine is not None else "none"
    digests = [audio_hash(data) if data is not None else "" for _, _, data in notes]
    outcomes: dict[str, Transcription] = {
        d: Transcription(c.status, c.text, c.seconds, c.language)
        for d in digests
        if d and (c := known.get((d, name))) is not None
    }
    pending = {d: (filename, data) for d, (_, filename, data) in zip(digests, notes) if d and d not in outcomes}
    new = each(lambda item: transcribe(item[1], item[0], engine, language), list(pending.values()))
    outcomes.update(zip(pending, new))
    heard = sum(o.seconds is not None for o in new)
    found = []
    for (message_id, filename, data), digest in zip(notes, digests):
        outcome = outcomes[digest] if digest else transcribe(data, filename, engine, language)
        found.append(
            Transcript(
                message_id=message_id,
                group=group,
                date=day,
                audio_hash=digest,
                engine=name,
                status=outcome.status,
                text=redact_transcript(outcome.text, roster),  # before it is stored or read
                seconds=outcome.seconds,
                language=outcome.language,
            )
        )
    return found, heard
