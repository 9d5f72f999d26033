"""A run's LLM budget, shared by its clients through a ledger file, against the loopback server."""

from __future__ import annotations

import pytest

from egregora_assets.core.llm import LLM, Budget
from egregora_assets.core.models import BudgetSpent, PostPlan
from egregora_assets_tests.core.test_llm import SECRET, make_window, writer_messages
from egregora_assets_tests.fake_openai import FakeOpenAI


@pytest.fixture
def make_llm(fake_llm: FakeOpenAI, tmp_path):
    def make(**overrides) -> LLM:
        return LLM(base_url=fake_llm.url, api_key=SECRET, model="m", cache_dir=tmp_path / "cache", **overrides)

    return make


def test_max_requests_is_shared_by_the_clients_of_a_run_and_cached_answers_stay_free(make_llm, fake_llm, tmp_path):
    budget = Budget(tmp_path / "run.json", max_requests=2)
    first, second = make_llm(budget=budget), make_llm(budget=budget)  # two steps of one run
    first.structured(writer_messages(make_window(3)), PostPlan)
    second.structured(writer_messages(make_window(4)), PostPlan)
    with pytest.raises(BudgetSpent, match="max_requests=2"):
        second.structured(writer_messages(make_window(5)), PostPlan)
    assert fake_llm.count() == 2
    second.structured(writer_messages(make_window(3)), PostPlan)  # answered before: read, not sent
    assert fake_llm.count() == 2 and budget.spent()["requests"] == 2
    # Another run has its own ledger.
    make_llm(budget=Budget(tmp_path / "next.json", max_requests=2)).structured(
        writer_messages(make_window(5)), PostPlan
    )
    assert fake_llm.count() == 3


def test_max_cost_stops_once_the_priced_tokens_reach_it(make_llm, fake_llm, tmp_path):
    budget = Budget(tmp_path / "run.json", max_cost=0.0001)
    llm = make_llm(budget=budget, price_in=1.0, price_out=1.0)  # per million tokens: 100 tokens is 0.0001
    sent = 0
    with pytest.raises(BudgetSpent, match="max_cost=0.0001"):
        for n in range(3, 40):
            llm.structured(writer_messages(make_window(n)), PostPlan)
            sent += 1
    spent = budget.spent()
    assert sent >= 1 and fake_llm.count() == sent
    assert spent["cost"] == pytest.approx(llm.stats.cost) and spent["cost"] >= 0.0001
    assert spent["cost"] - llm.stats.cost / sent < 0.0001  # the last call started below the budget


def test_retries_count_against_the_budget(make_llm, fake_llm, tmp_path):
    budget = Budget(tmp_path / "run.json", max_requests=3)
    fake_llm.retry_after_ms = 10
    fake_llm.script(["500", "ok"])
    llm = make_llm(budget=budget, max_retries=2)
    llm.structured(writer_messages(), PostPlan)
    assert budget.spent()["requests"] == 2 == fake_llm.count()
    llm.structured(writer_messages(make_window(4)), PostPlan)
    with pytest.raises(BudgetSpent):
        llm.structured(writer_messages(make_window(5)), PostPlan)
    assert fake_llm.count() == 3
