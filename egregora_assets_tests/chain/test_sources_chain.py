"""Each source from its file to a built site and feed, offline, through the real CLI; the names,
handles, ids, numbers and e-mails seeded into each are found nowhere outside `private/`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from egregora_assets_tests.helpers import query, run_json
from egregora_assets_tests.leaks import home_texts, leaks
from egregora_assets_tests.sources import (
    PII,
    atom_feed,
    discord_export,
    telegram_export,
    whatsapp_db_export,
    whatsapp_txt_of_db,
)

SOURCES = {
    "telegram": lambda folder: [telegram_export(folder)],
    "discord": lambda folder: [discord_export(folder)],
    "whatsapp-db": lambda folder: [whatsapp_db_export(folder)],
    "whatsapp-txt-and-db": lambda folder: [whatsapp_txt_of_db(folder), whatsapp_db_export(folder)],
    "feed": lambda folder: [atom_feed(folder)],
}


@pytest.mark.parametrize("source", SOURCES)
def test_source_to_site_and_feed_without_leaks(tmp_path, source):
    home = tmp_path / "home"
    summary = {}
    for export in SOURCES[source](tmp_path):
        summary = run_json("write", str(export), "--home", str(home))
    assert summary["posts"] >= 1 and summary["llm_requests"] == 0
    feed = feedparser.parse(Path(summary["feeds"][0]).read_bytes())
    assert not feed.bozo and len(feed.entries) >= 1
    index = Path(summary["sites"][0])
    app = {"telegram": "Telegram", "discord": "Discord", "feed": "Atom/RSS"}.get(source, "WhatsApp")
    assert f"grupo de {app}" in index.read_text(encoding="utf-8")  # the about line (in Portuguese) names the source
    stored = query(home, "SELECT count(*), count(ref), count(reply_to), count(reactions) FROM messages")[0]
    assert stored[1] == stored[0]  # every message has its ref
    assert stored[2] >= 10  # replies reach the warehouse
    assert stored[3] >= 5 or source == "feed"  # and reactions, where the source has them
    assert leaks(home_texts(home), PII) == []


def test_txt_and_database_json_give_each_message_once(tmp_path):
    home = tmp_path / "home"
    run_json("write", str(whatsapp_txt_of_db(tmp_path)), "--home", str(home))
    before = query(home, "SELECT id FROM messages ORDER BY id")
    run_json("write", str(whatsapp_db_export(tmp_path)), "--home", str(home))
    after = query(home, "SELECT id, reply_to IS NOT NULL, reactions IS NOT NULL FROM messages ORDER BY id")
    assert [r[0] for r in after] == [r[0] for r in before]  # the same messages, under the same ids
    assert sum(r[1] for r in after) == 11 and sum(r[2] for r in after) == 9  # now with replies and reactions


def test_reply_links_thread_the_posts_and_the_feed(tmp_path):
    """A message of the second day answers one of the first: the second day's post continues the
    first's (RFC 4685 in the feed), and the answered message is in the second day's window."""
    home = tmp_path / "home"
    summary = run_json("write", str(telegram_export(tmp_path, days=2)), "--home", str(home))
    posts = query(home, "SELECT id, date, continues FROM documents ORDER BY published")
    first = next(p for p in posts if str(p[1]) == "2026-10-02")
    second = next(p for p in posts if str(p[1]) == "2026-10-03")
    assert second[2] == first[0]
    feed = Path(summary["feeds"][0]).read_text(encoding="utf-8")
    assert f'<thr:in-reply-to ref="{first[0]}"' in feed
    windows = query(home, "SELECT payload FROM windows WHERE date = DATE '2026-10-03'")
    assert any('"ref"' in w[0] and "2026-10-02" in w[0] for w in windows)  # the answered message, as context


def test_llm_writer_reads_who_answers_whom_and_nothing_private(tmp_path, fake_llm, monkeypatch):
    """With an LLM, the writer's request says which message answers which (with the answered one
    from the day before as context) and shows reactions; no name, handle, id or number is sent."""
    monkeypatch.setenv("EGREGORA_LLM__BASE_URL", fake_llm.url)
    monkeypatch.setenv("EGREGORA_LLM__API_KEY", "sk-test")
    home = tmp_path / "home"
    summary = run_json("write", str(telegram_export(tmp_path, days=2)), "--home", str(home))
    assert summary["llm_requests"] == len(fake_llm.requests) > 0
    sent = json.dumps([json.loads(r) for r in fake_llm.requests], ensure_ascii=False)
    assert "(replying to " in sent and "[reactions: 👍" in sent
    writer = [json.loads(r)["messages"][-1]["content"] for r in fake_llm.requests]
    writer = [c for c in writer if isinstance(c, str) and "\nDate: " in c]
    assert writer and not any(re.search(r"\]\[[0-9a-f]{16}\]", c) for c in writer)  # one line per message
    # The second day speaks of music; its window carries the first day's message it answers.
    (second,) = [c for c in writer if "Date: 2026-10-03" in c]
    assert "show de domingo" in second and "lanterna e bolo para a trilha" in second
    for value in PII:
        assert value not in sent, f"{value!r} sent to the LLM"
