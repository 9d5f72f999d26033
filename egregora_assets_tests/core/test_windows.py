"""Windows: packing under a byte budget, never cutting a message, splitting to fit."""

from datetime import date, datetime, timedelta

import pytest

from egregora_assets.core.models import CONTEXT_MESSAGES, Message, split_window
from egregora_assets.core.windows import BYTES_PER_TOKEN, message_bytes, pack_windows

DAY = date(2026, 9, 5)


def messages(sizes: list[int]) -> list[Message]:
    start = datetime(2026, 9, 5, 8, 0)
    return [
        Message(id=f"m{i}", group="g", timestamp=start + timedelta(minutes=i), author="amber-falcon", text="x" * size)
        for i, size in enumerate(sizes)
    ]


@pytest.mark.parametrize(
    "sizes, tokens, expected_counts",
    [
        ([10] * 10, 1000, [10]),  # all fit
        ([100] * 10, 70, [2] * 5),  # 280-byte budget, 121 bytes each -> 2 per window
        ([10, 5000, 10], 100, [1, 1, 1]),  # an oversized message gets a window alone
        ([], 100, []),
    ],
)
def test_pack_windows_counts(sizes, tokens, expected_counts):
    packed = pack_windows(messages(sizes), group="g", day=DAY, max_tokens=tokens)
    assert [len(w.messages) for w in packed] == expected_counts
    flattened = [m.id for w in packed for m in w.messages]
    assert flattened == [f"m{i}" for i in range(len(sizes))]  # order kept, nothing lost or cut


def test_windows_respect_budget_and_carry_context():
    msgs = messages([100] * 30)
    packed = pack_windows(msgs, group="g", day=DAY, max_tokens=100)
    for w in packed:
        assert sum(message_bytes(m) for m in w.messages) <= 100 * BYTES_PER_TOKEN
    assert packed[0].context == []
    second = packed[1]
    start = msgs.index(second.messages[0])
    assert second.context == msgs[start - CONTEXT_MESSAGES : start]
    assert [w.index for w in packed] == list(range(len(packed)))


def test_window_ids_are_stable_and_content_addressed():
    a = pack_windows(messages([50] * 5), group="g", day=DAY, max_tokens=1000)
    b = pack_windows(messages([50] * 5), group="g", day=DAY, max_tokens=1000)
    c = pack_windows(messages([50] * 4), group="g", day=DAY, max_tokens=1000)
    assert a[0].id == b[0].id != c[0].id


def test_split_halves_carry_context_and_suffixed_ids():
    window = pack_windows(messages([100] * 9), group="g", day=DAY, max_tokens=10_000)[0]
    halves = split_window(window)
    assert [len(h.messages) for h in halves] == [4, 5]
    assert [h.id for h in halves] == [f"{window.id}.1", f"{window.id}.2"]
    assert halves[1].context[-1] == halves[0].messages[-1]
    assert (
        split_window(halves[0].model_copy(update={"messages": halves[0].messages[:1]}))[0].messages
        == halves[0].messages[:1]
    )


def test_which_word_pair_a_home_drew_moves_no_window_end():
    # The same chat in two homes: names of 8 to 16 letters, as authors, mentions and in the text.
    def day(names: list[str]) -> list[Message]:
        start = datetime(2026, 9, 5, 8, 0)
        return [
            Message(
                id=f"m{i}",
                group="g",
                timestamp=start + timedelta(minutes=i),
                author=names[i % 3],
                text=f"@{names[(i + 1) % 3]} falei com {names[(i + 2) % 3]} " + "x" * (i * 37 % 200),
            )
            for i in range(120)
        ]

    first = day(["fast-yak", "ample-lagoon", "sunken-bell"])
    second = day(["distant-beetle-2", "cozy-zebra", "brisk-fountain"])
    assert [message_bytes(m) for m in first] == [message_bytes(m) for m in second]
    packed = [pack_windows(d, group="g", day=DAY, max_tokens=500) for d in (first, second)]
    assert [len(w.messages) for w in packed[0]] == [len(w.messages) for w in packed[1]] and len(packed[0]) > 3
