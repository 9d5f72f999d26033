"""A model's context size does not decide how long the blog is: the demo written against a model
whose context holds 6,000 characters gives about as many posts as one holding 100,000."""

from __future__ import annotations

from collections import Counter

from egregora_assets_tests.chain.test_llm_concurrency import write
from egregora_assets_tests.fake_openai import FakeOpenAI


def test_a_small_context_writes_about_as_many_posts_as_a_large_one(tmp_path, monkeypatch):
    written = {}
    for context in (6_000, 100_000):
        with FakeOpenAI() as server:
            server.context_limit = context
            summary = write(tmp_path / str(context), server, monkeypatch, 4)
        written[context] = summary["posts"], Counter((m, o) for p, m, o in server.calls if p.endswith("completions"))
    (small, small_calls), (large, large_calls) = written[6_000], written[100_000]
    assert small_calls[("writer", "context_length")] > 0 and small_calls[("reader", "ok")] > 0  # it was too small
    assert large > 0 and 2 / 3 <= small / large <= 4 / 3
    assert small_calls[("writer", "ok")] == large_calls[("writer", "ok")]  # one written answer per window
