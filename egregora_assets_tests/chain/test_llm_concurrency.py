"""Requests in parallel change nothing but the time: the demo written at concurrency 1 and 8,
and through a storm of 429s, gives the same posts, feed and site, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

from egregora_assets.core.home import Home
from egregora_assets.demo import DEMO_EXPORT
from egregora_assets_tests.fake_openai import FakeOpenAI
from egregora_assets_tests.helpers import query, run_json

SECRET = bytes(range(32))  # the same pseudonyms and ids in every home


def write(home: Path, server: FakeOpenAI, monkeypatch, concurrency: int) -> dict:
    """The demo written into a new `home` against `server`, with `concurrency` requests in flight."""
    Home(home).private.mkdir(parents=True, mode=0o700)
    Home(home).secret.write_bytes(SECRET)
    os.chmod(Home(home).secret, 0o600)
    settings = {"BASE_URL": server.url, "API_KEY": "sk-test", "MODEL": "golden-model", "FETCH_URLS": "false"}
    for name, value in {**settings, "MAX_RETRIES": "1", "CONCURRENCY": str(concurrency)}.items():
        monkeypatch.setenv(f"EGREGORA_LLM__{name}", value)
    return run_json("write", str(DEMO_EXPORT), "--home", str(home))


def published(home: Path) -> dict[str, bytes]:
    """Every file of the home's sites and feeds, by path, and its posts' rows."""
    files = {
        str(path.relative_to(home)): path.read_bytes()
        for folder in ("sites", "feeds")
        for path in sorted((home / folder).rglob("*"))
        if path.is_file()
    }
    rows = query(home, "SELECT * FROM documents ORDER BY id")
    return {**files, "documents": repr(rows).encode()}


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def test_one_request_at_a_time_or_eight_give_the_same_bytes(tmp_path, monkeypatch):
    runs = {}
    for concurrency in (1, 8):
        with FakeOpenAI() as server:
            server.latency = 0.05  # answers overlap, and finish in another order than they began
            summary = write(tmp_path / f"home-{concurrency}", server, monkeypatch, concurrency)
        runs[concurrency] = (summary, server.peak_in_flight, published(tmp_path / f"home-{concurrency}"))
        assert server.count("judge") <= 3 * summary["posts"]  # the judge's budget: 3 calls per new post
    (one, peak_one, files_one), (eight, peak_eight, files_eight) = runs[1], runs[8]
    assert peak_one == 1 and peak_eight > 1
    assert one["posts"] > 0 and one["llm_requests"] == eight["llm_requests"]
    assert len(files_one) > 20 and not differing(files_one, files_eight)


def test_a_storm_of_rate_limits_slows_the_run_and_loses_nothing(tmp_path, monkeypatch):
    with FakeOpenAI() as calm:
        write(tmp_path / "calm", calm, monkeypatch, 8)
    with FakeOpenAI() as stormy:
        stormy.retry_after_ms = 50
        stormy.script(["429"] * 40)  # more than the openai client retries any call (MAX_RETRIES 1)
        summary = write(tmp_path / "stormy", stormy, monkeypatch, 8)
    assert len(stormy.refusals) == 40 and summary["llm_requests"] == len(calm.calls) + 40
    assert not differing(published(tmp_path / "calm"), published(tmp_path / "stormy"))
