"""`egregora rank` after a demo write: the best posts, offline and with a loopback LLM judge."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from egregora_assets.cli import main
from egregora_assets.core.rankings import schedule
from egregora_assets_tests.helpers import query, run_json


def scheduled(home: Path) -> list[tuple[str, str]]:
    """The pairs the ranking of the home's posts compares (placed by day and slug, see rank_key)."""
    keys = {i: f"{day}/{slug}" for i, day, slug in query(home, "SELECT id, date, slug FROM documents")}
    return schedule(keys, keys=keys)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    """A home the offline demo was written into, and the write's summary."""
    home = tmp_path_factory.mktemp("home")
    return home, run_json("demo", "--home", str(home))


def test_rank_prints_the_best_posts_of_the_demo(demo, capsys):
    home, written = demo
    (group,) = written["groups"]
    ranked = run_json("rank", "--home", str(home), "--group", group)
    assert ranked["groups"] == [group] and ranked["partitions"] == 0  # the write ranked them already
    assert ranked["llm_requests"] == 0 and ranked["comparisons_judged"] == 0
    pairs = query(home, "SELECT post_a, post_b FROM comparisons")
    assert ranked["comparisons"] == len(pairs) == len(scheduled(home)) > 0
    top = ranked["top"][group]
    assert [p["rank"] for p in top] == list(range(1, min(10, written["posts"]) + 1))
    assert [p["rating"] for p in top] == sorted((p["rating"] for p in top), reverse=True)
    best = Path(written["sites"][0]).parent / "best" / "index.html"
    assert top[0]["title"] in best.read_text(encoding="utf-8")

    assert main(["rank", "--home", str(home)]) == 0  # every group, as text
    out = capsys.readouterr().out
    assert f"  1. {top[0]['rating']:>6.0f}  {top[0]['date']}  {top[0]['title']}" in out
    assert f"best of: {best}" in out


def test_rank_refuses_an_unknown_group_or_an_empty_home_in_one_line(demo, tmp_path, capsys):
    assert main(["rank", "--home", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"egregora: {tmp_path / 'nothing'}: nothing written yet; run `egregora write EXPORT` first"]
    assert not (tmp_path / "nothing").exists()

    home, written = demo
    (group,) = written["groups"]
    assert main(["rank", "--home", str(home), "--group", "no-such-group"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"egregora: no group 'no-such-group' in {home} (groups: {group})"]


def test_ranking_unchanged_posts_again_sends_no_request(tmp_path, fake_llm, monkeypatch):
    for name, value in {
        "BASE_URL": fake_llm.url,
        "API_KEY": "sk-test",
        "MODEL": "golden",
        "FETCH_URLS": "false",
    }.items():
        monkeypatch.setenv(f"EGREGORA_LLM__{name}", value)
    home = tmp_path / "home"
    written = run_json("demo", "--home", str(home))
    judged = fake_llm.count("judge")  # the fake's posts all read alike: its client's cache answers most
    comparisons = len(query(home, "SELECT * FROM comparisons"))
    assert judged > 0 and 0 < comparisons <= 3 * written["posts"]  # the LLM judge's budget, not the rings
    judges = query(home, "SELECT DISTINCT judge FROM ratings")
    assert len(judges) == 1 and judges[0][0].startswith("llm:golden+")

    again = run_json("rank", "--home", str(home))
    assert again["llm_requests"] == 0 and fake_llm.count("judge") == judged and again["partitions"] == 0

    # Without the journal and without the LLM's own cache, the stored comparisons still answer.
    shutil.rmtree(home / "cache" / "llm")
    with duckdb.connect(str(home / "egregora.duckdb")) as conn:
        conn.execute("DELETE FROM journal WHERE asset = 'rankings'")
    before = query(home, "SELECT post_id, rank, rating FROM ratings ORDER BY rank")
    third = run_json("rank", "--home", str(home))
    assert third["partitions"] >= 1 and third["comparisons_judged"] == 0 and third["llm_requests"] == 0
    assert fake_llm.count("judge") == judged
    assert query(home, "SELECT post_id, rank, rating FROM ratings ORDER BY rank") == before
    assert third["top"][written["groups"][0]][0]["rank"] == 1


def test_feed_top_is_checked_first_and_a_group_can_set_its_own(tmp_path, monkeypatch, capsys):
    from egregora_assets.core.settings import load_settings
    from egregora_assets.resources import build_resources

    monkeypatch.setenv("EGREGORA_FEED_TOP", "0")
    assert main(["rank", "--home", str(tmp_path)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("egregora: setting feed_top (EGREGORA_FEED_TOP or egregora.toml): ")
    monkeypatch.delenv("EGREGORA_FEED_TOP")
    (tmp_path / "egregora.toml").write_text("feed_top = 20\n\n[groups.trilhas]\nfeed_top = 5\n", encoding="utf-8")
    chain = build_resources(load_settings(tmp_path))["settings"]
    assert (chain.feed_top_of("trilhas"), chain.feed_top_of("other")) == (5, 20)
    (tmp_path / "egregora.toml").unlink()
    assert build_resources(load_settings(tmp_path))["settings"].feed_top_of("trilhas") is None  # every post
