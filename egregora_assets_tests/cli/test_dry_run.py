"""`egregora write --dry-run`: nothing staged, written or sent, and estimates a real run bears out."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

from egregora_assets.cli import main
from egregora_assets.demo import DEMO_EXPORT
from egregora_assets_tests.chain.test_llm_concurrency import write
from egregora_assets_tests.fake_openai import FakeOpenAI

TOKENS_IN = 1.5  # the estimate's input tokens are within this factor of the real run's (README)
TOKENS_OUT = 3.0  # and its output tokens within this one (a model's answers are what they are)


def snapshot(home: Path) -> dict[str, str]:
    """Every file under the home, by path, with a hash of its bytes."""
    return {
        str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(home.rglob("*"))
        if p.is_file()
    }


def dry(home: Path, export: Path = DEMO_EXPORT) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["write", str(export), "--home", str(home), "--dry-run", "--json"]) == 0
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_a_dry_run_sends_nothing_writes_nothing_and_a_real_run_bears_it_out(tmp_path, monkeypatch):
    home = tmp_path / "home"
    with FakeOpenAI() as server:
        for name, value in {"BASE_URL": server.url, "PRICE_IN": "0.15", "PRICE_OUT": "0.60"}.items():
            monkeypatch.setenv(f"EGREGORA_LLM__{name}", value)
        monkeypatch.setenv("EGREGORA_LLM__FETCH_URLS", "false")
        plan = dry(home)
        assert server.count() == 0 and not home.exists()  # not even the home's folder
        summary = write(home, server, monkeypatch, 4)  # the same input, for real
        real = Counter(m for p, m, _ in server.calls if p == "/v1/chat/completions")

        assert plan["dry_run"] and plan["days_to_compute"] == plan["days"] > 0
        assert plan["messages"] == summary["messages"]
        # Requests by stage: the writer's and the portraits' exactly; the judge's within its bound.
        assert plan["llm_requests"]["writer"] == real["writer"]
        assert plan["llm_requests"]["portrait"] == real["portrait"]
        assert real["judge"] <= plan["llm_requests"]["judge"] <= 3 * plan["windows"]
        assert 1 / TOKENS_IN <= plan["llm_input_tokens"] / summary["llm_input_tokens"] <= TOKENS_IN
        assert 1 / TOKENS_OUT <= plan["llm_output_tokens"] / summary["llm_output_tokens"] <= TOKENS_OUT
        assert plan["llm_cost_estimate"] > 0
        assert plan["privacy"]["people"] >= summary["authors"] and plan["privacy"]["emails_replaced"] > 0

        # After the write, a dry run of the same export has nothing to do, and touches nothing.
        before, sent = snapshot(home), server.count()
        again = dry(home)
        assert server.count() == sent and snapshot(home) == before
        assert again["days_to_compute"] == 0 and again["llm_requests"] == {}


def test_a_dry_run_without_an_llm_says_so_and_bad_input_is_one_line(tmp_path, capsys):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["write", str(DEMO_EXPORT), "--home", str(tmp_path / "home"), "--dry-run"]) == 0
    text = out.getvalue()
    assert "nothing staged, written or sent" in text and "0 requests" in text and "e-mails replaced" in text
    bad = tmp_path / "chat.txt"
    bad.write_text("not a chat at all\n")
    assert main(["write", str(bad), "--home", str(tmp_path / "home"), "--dry-run"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not (tmp_path / "home").exists()


def test_after_a_write_a_dry_run_of_a_longer_export_plans_only_the_changed_day(tmp_path):
    chat = zipfile.ZipFile(DEMO_EXPORT).read("Conversa do WhatsApp com Trilhas da Serra.txt").decode()
    first, later = tmp_path / "Conversa do WhatsApp com Trilhas da Serra.txt", tmp_path / "later"
    first.write_text(chat, encoding="utf-8")
    home = tmp_path / "home"
    assert main(["write", str(first), "--home", str(home), "--json"]) == 0  # offline: no LLM configured
    later.mkdir()
    longer = later / first.name
    longer.write_text(chat + "27/09/2026 21:58 - Rafael Souza: Até sábado então, trilha nova\n", encoding="utf-8")
    before = snapshot(home)
    plan = dry(home, longer)
    assert snapshot(home) == before
    assert (plan["days_to_compute"], plan["first_day"], plan["reason"]) == (1, "2026-09-27", "1 day(s) changed")
    assert plan["days_unchanged"] == plan["days"] - 1 and plan["llm_requests"] == {}


def test_a_dry_run_says_how_many_writes_a_request_budget_takes(tmp_path, monkeypatch):
    monkeypatch.setenv("EGREGORA_LLM__BASE_URL", "http://127.0.0.1:9/v1")  # never asked: nothing is sent
    monkeypatch.setenv("EGREGORA_LLM__MAX_REQUESTS", "10")
    plan = dry(tmp_path / "home")
    assert plan["writes_within_max_requests"] == -(-plan["llm_requests_total"] // 10) > 1
    assert not (tmp_path / "home").exists()
