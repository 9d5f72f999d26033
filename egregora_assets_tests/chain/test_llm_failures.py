"""LLM failures through the whole chain: a failing partition fails alone and a re-run resumes."""

from __future__ import annotations

import json
import subprocess

from egregora_assets.cli import main
from egregora_assets.demo import DEMO_EXPORT
from egregora_assets_tests.helpers import CLI, egregora, query, run_json


def test_500_storm_fails_one_partition_and_rerun_resumes_from_cache(tmp_path, fake_llm, monkeypatch, capsys):
    monkeypatch.setenv("EGREGORA_LLM__BASE_URL", fake_llm.url)
    monkeypatch.setenv("EGREGORA_LLM__API_KEY", "sk-test")
    monkeypatch.setenv("EGREGORA_LLM__MODEL", "golden-model")
    monkeypatch.setenv("EGREGORA_LLM__MAX_RETRIES", "1")
    monkeypatch.setenv("EGREGORA_LLM__FETCH_URLS", "false")
    home = tmp_path / "home"
    fake_llm.script(["500"] * 6, marker="writer")  # the first writer calls all fail, for good

    assert main(["write", str(DEMO_EXPORT), "--home", str(home)]) == 1
    error = capsys.readouterr().err
    assert "posts" in error and "partition(s) failed" in error
    done = {d for (d,) in query(home, "SELECT CAST(date AS VARCHAR) FROM journal WHERE asset = 'posts'")}
    assert 0 < len(done) < 27  # the others were written and kept

    sent, wrote = len(fake_llm.requests), fake_llm.count("writer")
    summary = run_json("write", str(DEMO_EXPORT), "--home", str(home))
    assert summary["partitions"] == 27 - len(done) + 1  # only the failed days, then the feed/site
    assert summary["llm_requests"] == len(fake_llm.requests) - sent
    # The writer asked again only for the failed days (the rest came from the cache); the ranking
    # and the portraits that the failure had held back are written now.
    assert fake_llm.count("writer") - wrote <= (27 - len(done)) * 2
    assert fake_llm.count("portrait") == summary["authors"]


def test_ask_streams_a_cited_answer_and_raw_returns_passages(tmp_path, fake_llm):
    home = tmp_path / "home"
    env = {"EGREGORA_HOME": str(home), "PATH": "", "HOME": str(tmp_path)}
    demo = egregora("demo", env=env, timeout=600)
    assert demo.returncode == 0, demo.stderr[-2000:]

    raw = egregora("ask", "onde vamos fazer a trilha no sábado?", "--raw", env=env, timeout=300)
    assert raw.returncode == 0, raw.stderr
    passages = json.loads(raw.stdout)
    assert passages and {"id", "date", "kind", "text"} <= set(passages[0])

    offline = egregora("ask", "trilha", env=env, timeout=300)
    assert offline.returncode == 0 and "##" in offline.stdout  # offline: the passages themselves

    online = {**env, "EGREGORA_LLM__BASE_URL": fake_llm.url, "EGREGORA_LLM__API_KEY": "sk-test"}
    with subprocess.Popen(
        [*CLI, "ask", "onde vamos fazer a trilha?"],
        env=online,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert out.strip() and fake_llm.count("answer") == 1
    assert b'"stream":true' in fake_llm.requests[-1].replace(b" ", b"")
