"""A model per task: the writer (and its reader), the judge and the portraits can each name one."""

from __future__ import annotations

import json
from collections import defaultdict

from egregora_assets_tests.chain.test_llm_concurrency import write
from egregora_assets_tests.fake_openai import MARKER, FakeOpenAI
from egregora_assets_tests.helpers import query


def test_each_task_sends_its_own_model_and_records_it(tmp_path, monkeypatch):
    monkeypatch.setenv("EGREGORA_LLM__WRITER_MODEL", "big-writer")
    monkeypatch.setenv("EGREGORA_LLM__JUDGE_MODEL", "small-judge")
    with FakeOpenAI() as server:
        server.context_limit = 6_000  # some windows are read in parts: the reader is the writer's
        summary = write(tmp_path / "home", server, monkeypatch, 4)
    models = defaultdict(set)
    for body in map(json.loads, server.requests):
        if "messages" in body:  # a chat request (the others ask for embeddings)
            models[MARKER.search(body["messages"][0]["content"]).group(1)].add(body["model"])
    assert summary["posts"] > 0
    assert models["writer"] == models["reader"] == {"big-writer"}
    assert models["judge"] == {"small-judge"}
    assert models["portrait"] == {"golden-model"}  # no portrait_model: the chat model
    writers = query(tmp_path / "home", "SELECT DISTINCT writer FROM documents")
    assert [tuple(r) for r in writers] == [("llm:big-writer",)]
