"""What reply links and reactions change downstream: the windows' context, the writer's prompt,
threads, the offline ranking signal and quotes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from egregora_assets.core import rankings as rk
from egregora_assets.core.models import Message, Window
from egregora_assets.core.quotes import quote
from egregora_assets.core.threads import replied_post
from egregora_assets.core.windows import missing_replies, pack_windows, window_text, with_replies
from egregora_assets_tests.helpers import document

DAY = date(2026, 10, 2)
T0 = datetime(2026, 10, 2, 10, 0)


def msg(n: int, author: str = "ana", *, ref: str | None = None, reply_to: str | None = None, **more) -> Message:
    return Message(
        id=f"{n:016x}",
        group="g",
        timestamp=T0 + timedelta(minutes=n),
        author=author,
        text=f"message {n}",
        ref=ref or f"r{n}",
        reply_to=reply_to,
        **more,
    )


def test_replied_messages_join_the_window_context():
    earlier = msg(0, "bia", ref="r-yesterday")
    day = [msg(1), msg(2, "bia", reply_to="r1"), msg(3, reply_to="r-yesterday"), msg(4, reply_to="r-unknown")]
    (window,) = pack_windows(day, group="g", day=DAY, max_tokens=10_000)
    assert missing_replies([window]) == {"r-yesterday", "r-unknown"}
    (window,) = with_replies([window], {"r-yesterday": earlier})
    assert window.context == [earlier]
    assert window.replied(day[2]) == earlier and window.replied(day[1]) == day[0]
    assert window.replied(day[3]) is None  # not found anywhere: the reply stays unexplained
    text = window_text(window)
    assert "message 3 (replying to bia at 10:00)" in text and "message 2 (replying to ana at 10:01)" in text


def test_a_window_of_the_day_answers_from_another_window_of_that_day():
    day = [msg(n) for n in range(6)] + [msg(6, reply_to="r0")]
    windows = pack_windows(day, group="g", day=DAY, max_tokens=8)  # one message each, about
    assert len(windows) > 3
    last = with_replies(windows, {})[-1]
    assert day[0] in last.context


def test_txt_windows_are_unchanged():
    day = [msg(n, ref=None) for n in range(3)]
    day = [m.model_copy(update={"ref": None}) for m in day]
    windows = pack_windows(day, group="g", day=DAY, max_tokens=10_000)
    assert with_replies(windows, {}) == windows and missing_replies(windows) == set()


def test_reactions_and_replies_raise_the_offline_score():
    plain = rk.Candidate(id="a", title="t", summary="s", content="c", messages=10, authors=3, turns=5)
    liked = plain.model_copy(update={"id": "b", "reactions": 12, "replies": 4})
    assert rk.judge_heuristic(liked, plain)[0] == "a"
    # A .txt group's candidates read as before: its stored comparisons stay valid.
    assert rk.view_hash(plain, rk.HEURISTIC) == rk.fingerprint(10, 3, 5, 0.0)
    assert rk.view_hash(liked, rk.HEURISTIC) != rk.view_hash(liked.model_copy(update={"reactions": 0}), rk.HEURISTIC)


def test_response_counts_reactions_and_replies():
    messages = [msg(0, reactions={"👍": 3, "❤": 1}), msg(1, reply_to="r0"), msg(2)]
    window = Window(id="w", group="g", date=DAY, index=0, messages=messages)
    assert rk.response(window) == (4, 1)
    assert rk.response(None) == (0, 0)


def test_reactions_show_on_quotes_most_first():
    assert quote(msg(0, reactions={"❤": 1, "👍": 3})).startswith("> **ana** (10:00): message 0 (👍 3, ❤ 1) [")
    assert "(" not in quote(msg(1)).split("): ")[1]


def test_a_post_answering_an_earlier_posts_conversation_continues_it():
    old_window = Window(id="w-old", group="g", date=DAY, index=0, messages=[msg(0, "bia")])
    new_window = Window(
        id="w-new", group="g", date=DAY, index=1, messages=[msg(5, reply_to="r0")], context=[msg(0, "bia")]
    )
    old = document(DAY, 0, hour=10, window_id="w-old")
    other = document(DAY, 1, hour=11, window_id="w-other")
    new = document(DAY, 2, hour=12, window_id="w-new")
    windows = {"w-old": old_window, "w-new": new_window}

    def window_of(post):
        return windows.get(post.window_id)

    assert replied_post(new, new_window, [other, old], window_of) == old.id
    quiet = new_window.model_copy(update={"messages": [msg(5)]})
    assert replied_post(new, quiet, [other, old], window_of) is None
    # An earlier post whose window is gone: the messages it cites stand for its conversation.
    cited = old.model_copy(update={"window_id": "w-gone", "message_ids": [msg(0).id]})
    assert replied_post(new, new_window, [cited], window_of) == old.id


def test_writer_prompt_shows_replies_and_reactions_one_message_a_line():
    from egregora_assets.core.prompts import chat_messages
    from egregora_assets.package_data import PROMPTS

    messages = [msg(0, reactions={"👍": 2}), msg(1, "bia", reply_to="r0"), msg(2)]
    window = Window(id="w", group="g", date=DAY, index=0, messages=messages)
    text = chat_messages(PROMPTS, "writer", window=window, enrichments=[], related=[], notes=[])[-1]["content"]
    lines = [line for line in text.splitlines() if line.startswith("[")]
    assert lines == [
        f"[{msg(0).id}] 10:00 ana: message 0 [reactions: 👍 2]",
        f"[{msg(1).id}] 10:01 bia (replying to ana at 10:00): message 1",
        f"[{msg(2).id}] 10:02 ana: message 2",
    ]
