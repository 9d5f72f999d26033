"""A run's LLM budget: reached, the write keeps what is done and says what is left; the next
write goes on from there, sending no request twice, until the archive is whole."""

from __future__ import annotations

from egregora_assets.cli import main
from egregora_assets.demo import DEMO_EXPORT
from egregora_assets_tests.chain.test_llm_concurrency import write
from egregora_assets_tests.fake_openai import FakeOpenAI
from egregora_assets_tests.helpers import run_json


def chat_requests(server: FakeOpenAI) -> list[str]:
    """The bodies of the chat requests the server received, in order."""
    return [raw.decode() for raw in server.requests if b'"messages"' in raw]  # not the embeddings


def test_a_budget_stops_the_run_and_the_next_run_goes_on_without_repeating(tmp_path, monkeypatch, capsys):
    with FakeOpenAI() as server:
        monkeypatch.setenv("EGREGORA_LLM__MAX_REQUESTS", "12")
        first = write(tmp_path / "budget", server, monkeypatch, 4)
        assert server.count() == 12  # no call is retried here: the budget is exact
        assert sum(first["partitions_left"].values()) > 0 and "max_requests=12" in first["budget_reached"]
        sent_first = chat_requests(server)

        monkeypatch.delenv("EGREGORA_LLM__MAX_REQUESTS")
        second = run_json("write", str(DEMO_EXPORT), "--home", str(tmp_path / "budget"))
        assert "partitions_left" not in second
        sent = chat_requests(server)
    # No request was sent twice: what the first run received, the second read from the cache.
    assert len(set(sent)) == len(sent) and len(sent) > len(sent_first)
    assert second["posts"] > first["posts"] and second["partitions"] > 0
    # Then the archive is whole: the next write has nothing left to do.
    with FakeOpenAI() as idle:
        monkeypatch.setenv("EGREGORA_LLM__BASE_URL", idle.url)
        third = run_json("write", str(DEMO_EXPORT), "--home", str(tmp_path / "budget"))
    assert idle.count() == 0 and third["partitions"] == 0 and third["posts"] == second["posts"]


def test_the_budget_line_says_what_is_left(tmp_path, monkeypatch, capsys):
    with FakeOpenAI() as server:
        monkeypatch.setenv("EGREGORA_LLM__MAX_REQUESTS", "0")
        write(tmp_path / "home", server, monkeypatch, 2)
        capsys.readouterr()
        monkeypatch.setenv("EGREGORA_LLM__MAX_REQUESTS", "0")  # still nothing: a budget of 0 sends nothing
        assert main(["write", str(DEMO_EXPORT), "--home", str(tmp_path / "home")]) == 0
    assert server.count() == 0
    line = [x for x in capsys.readouterr().err.splitlines() if "budget reached" in x]
    assert line and "max_requests=0" in line[0] and "partitions left" in line[0] and "run the same command" in line[0]


def test_bad_budgets_are_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    for name, value, said in (
        ("MAX_REQUESTS", "-1", "max_requests"),
        ("MAX_COST", "-0.5", "max_cost"),
        ("MAX_COST", "1.0", "max_cost needs a price"),
    ):
        monkeypatch.setenv(f"EGREGORA_LLM__{name}", value)
        assert main(["write", str(DEMO_EXPORT), "--home", str(tmp_path / "home")]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and said in err
        monkeypatch.delenv(f"EGREGORA_LLM__{name}")
    assert not (tmp_path / "home").exists()
