"""Source marks: a writer's "[id]" after a sentence becomes a numbered link to the cited message."""

from datetime import datetime

from egregora_assets.core.models import Message
from egregora_assets.core.quotes import anchor, link_marks, quote, strip_marks

A, B, C = "0123456789abcdef", "fedcba9876543210", "00000000ffffffff"


def test_marks_link_to_the_numbered_sources_and_unknown_ids_are_dropped():
    text = f"They left early [{A}]. The rain came [{B}, {C}] and [{C};{A}] then.\n> quoted [{A}]"
    linked = link_marks(text, {A: 1, B: 2})
    assert linked == (
        "They left early [[1]](#src:1). The rain came [[2]](#src:2) and [[1]](#src:1) then.\n> quoted [[1]](#src:1)"
    )
    assert anchor(2) == "src:2"


def test_what_is_not_a_mark_stays():
    kept = [
        f"[{A}](https://example.org) is a link",  # a Markdown link whose text looks like an id
        "[not an id] and [0123] and [0123456789ABCDEF]",  # too short, upper case
        f"[{A}x]",
    ]
    for text in kept:
        assert link_marks(text, {A: 1}) == text and strip_marks(text) == text


def test_strip_marks_leaves_the_sentence():
    assert strip_marks(f"They left early [{A}]. Then [{A}, {B}] rain.") == "They left early. Then rain."


def test_a_digest_quote_carries_its_mark():
    m = Message(id=A, group="g", timestamp=datetime(2026, 9, 1, 7, 5), author="amber-falcon", text="Bora [sim]")
    assert quote(m) == rf"> **amber-falcon** (07:05): Bora \[sim\] [{A}]"


def test_a_voice_note_is_quoted_by_what_was_said_marked_with_its_length():
    from datetime import datetime

    from egregora_assets.core.models import Message
    from egregora_assets.core.quotes import quote

    said = Message(
        id="0123456789abcdef",
        group="g",
        timestamp=datetime(2024, 3, 12, 19, 4),
        author="swift-anchor",
        text="media-gckiekgbgj.opus (file attached)",
        kind="media",
        attachment="media-gckiekgbgj.opus",
        transcript="I will bring the map",
        voice_seconds=102.4,
    )
    assert quote(said).startswith("> **swift-anchor** (19:04, 🎙 voice note, 1:42): I will bring the map")
    assert "media-gckiekgbgj" not in quote(said)
    typed = said.model_copy(update={"transcript": None, "voice_seconds": None})
    assert "media-gckiekgbgj.opus" in quote(typed) and "voice note" not in quote(typed)
