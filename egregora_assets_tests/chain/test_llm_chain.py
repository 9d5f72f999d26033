"""The whole chain with an LLM: a real openai client against a loopback server replaying golden answers."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import duckdb

from egregora_assets.cli import main
from egregora_assets.demo import DEMO_EXPORT, DEMO_REAL_NAMES

API_KEY = "sk-test-7f3a9c1e5b2d4f6a8c0e"


def write(home: Path) -> dict:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["write", str(DEMO_EXPORT), "--home", str(home), "--json"]) == 0
    return json.loads(buffer.getvalue().strip().splitlines()[-1])


def test_llm_posts_are_cached_and_nothing_private_is_sent(tmp_path, fake_llm, monkeypatch):
    monkeypatch.setenv("EGREGORA_LLM__BASE_URL", fake_llm.url)
    monkeypatch.setenv("EGREGORA_LLM__API_KEY", API_KEY)
    monkeypatch.setenv("EGREGORA_LLM__MODEL", "golden-model")
    monkeypatch.setenv("EGREGORA_LLM__FETCH_URLS", "false")  # no network: pages are tested on loopback elsewhere
    home = tmp_path / "home"

    first = write(home)
    assert first["llm_requests"] > 0 and first["llm_requests"] == len(fake_llm.requests)
    assert first["posts"] > 0
    assert first["llm_input_tokens"] > 0 and first["llm_output_tokens"] > 0  # usage totals, from metadata
    with duckdb.connect(str(home / "egregora.duckdb"), read_only=True) as conn:
        writers = {w for (w,) in conn.execute("SELECT DISTINCT writer FROM documents").fetchall()}
    assert writers == {"llm:golden-model"}

    sent = len(fake_llm.requests)
    second = write(home)
    assert second["llm_requests"] == 0 and len(fake_llm.requests) == sent
    assert second["partitions"] == 0 and second["posts"] == first["posts"]

    bodies = json.dumps(json.loads("[" + ",".join(r.decode() for r in fake_llm.requests) + "]"), ensure_ascii=False)
    for name in DEMO_REAL_NAMES:
        assert not re.search(re.escape(name), bodies, re.IGNORECASE), f"{name!r} sent to the LLM"

    # The key never lands in any file of the home: caches, databases, Dagster's event log.
    for path in home.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), f"API key in {path}"
