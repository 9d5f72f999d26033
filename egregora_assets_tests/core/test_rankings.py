"""Ranking: the schedule of pairs, Elo ratings, the stored comparisons, the judges."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from egregora_assets.core import rankings as rk
from egregora_assets.core import site_text
from egregora_assets.core.journal import run_slices
from egregora_assets.core.languages import LANGUAGES
from egregora_assets.core.llm import LLM
from egregora_assets.core.mkdocs_site import best_markdown
from egregora_assets.core.models import Comparison, Message, Post, Window
from egregora_assets.core.rankings import Candidate
from egregora_assets.core.tables import WAREHOUSE_TABLES, posts_table, windows_table
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets.core.windows import message_bytes
from egregora_assets_tests.helpers import document

PROMPTS = Path(__file__).parents[2] / "prompts"


def ids(n: int) -> list[str]:
    return [f"tag:egregora.local,2026:g/post-{i:04d}" for i in range(n)]


def candidate(
    post_id: str, messages: int = 10, authors: int = 3, turns: int = 5, novelty: float = 0.5, key: str = ""
) -> Candidate:
    return Candidate(
        id=post_id,
        key=key,
        title=f"Post {post_id[-4:]}",
        summary="s",
        content="c",
        messages=messages,
        authors=authors,
        turns=turns,
        novelty=novelty,
    )


def game(a: str, b: str, winner: str, judge: str = rk.HEURISTIC) -> Comparison:
    return Comparison(group="g", post_a=a, post_b=b, hash_a="x", hash_b="y", judge=judge, winner=winner)


# --- the schedule ------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 2, 5, 13])
def test_few_posts_meet_every_other_post(n):
    assert rk.schedule(ids(n)) == list(itertools.combinations(sorted(ids(n)), 2))


@pytest.mark.parametrize("n", [14, 50, 400, 3000])
def test_many_posts_cost_a_bounded_number_of_comparisons_each(n):
    pairs = rk.schedule(ids(n))
    assert len(pairs) <= n * rk.NEIGHBOURS * rk.RINGS < n * (n - 1) / 2
    assert all(a < b for a, b in pairs) and len(set(pairs)) == len(pairs)
    opponents: dict[str, set[str]] = {}
    for a, b in pairs:
        opponents.setdefault(a, set()).add(b)
        opponents.setdefault(b, set()).add(a)
    # Everyone plays, no one plays more than 2 x NEIGHBOURS per ring.
    assert set(opponents) == set(ids(n))
    assert {len(o) for o in opponents.values()} <= set(range(2 * rk.NEIGHBOURS, 2 * rk.NEIGHBOURS * rk.RINGS + 1))


def test_the_schedule_is_seeded_and_ignores_the_order_posts_come_in():
    shuffled = ids(200)
    random.Random(7).shuffle(shuffled)
    assert rk.schedule(shuffled) == rk.schedule(ids(200))
    assert rk.schedule(ids(200), seed="another") != rk.schedule(ids(200))


@pytest.mark.parametrize("n", [12, 13, 14, 60, 500])
def test_a_new_post_brings_only_pairs_of_its_own(n):
    before = set(rk.schedule(ids(n)))
    new = "tag:egregora.local,2026:g/post-new"
    after = set(rk.schedule([*ids(n), new]))
    added = after - before
    assert added and all(new in pair for pair in added)
    assert len(added) <= max(n, 2 * rk.NEIGHBOURS * rk.RINGS)


# --- Elo ---------------------------------------------------------------------------------


def test_ratings_depend_only_on_the_comparisons_not_their_order():
    posts = ids(30)
    rng = random.Random(3)
    games = [game(a, b, rng.choice(["a", "b", "even"])) for a, b in rk.schedule(posts)]
    first = rk.elo_ratings("g", rk.HEURISTIC, posts, games)
    shuffled_games, shuffled_posts = list(games), list(posts)
    rng.shuffle(shuffled_games)
    rng.shuffle(shuffled_posts)
    assert rk.elo_ratings("g", rk.HEURISTIC, shuffled_posts, shuffled_games) == first
    assert [r.rank for r in first] == list(range(1, 31))
    assert sum(r.rating for r in first) == pytest.approx(30 * rk.ELO_START, abs=1)  # Elo moves points, makes none


def test_a_post_that_wins_everything_is_first_and_one_that_loses_everything_last():
    posts = ids(6)
    games = [game(a, b, "a") for a, b in rk.schedule(posts)]  # the smaller id always wins
    ranked = rk.elo_ratings("g", rk.HEURISTIC, posts, games)
    assert ranked[0].post_id == posts[0] and (ranked[0].wins, ranked[0].losses) == (5, 0)
    assert ranked[-1].post_id == posts[-1] and (ranked[-1].wins, ranked[-1].losses) == (0, 5)
    assert [r.rating for r in ranked] == sorted((r.rating for r in ranked), reverse=True)


def test_draws_leave_equal_posts_equal_and_unplayed_posts_at_the_start():
    a, b, c = ids(3)
    ranked = {r.post_id: r for r in rk.elo_ratings("g", rk.HEURISTIC, [a, b, c], [game(a, b, "even")])}
    assert ranked[a].rating == ranked[b].rating == ranked[c].rating == rk.ELO_START
    assert (ranked[a].draws, ranked[b].draws, ranked[c].draws) == (1, 1, 0)


def test_comparisons_of_posts_that_are_gone_are_ignored():
    a, b = ids(2)
    ranked = rk.elo_ratings("g", rk.HEURISTIC, [a], [game(a, b, "a")])
    assert [(r.post_id, r.rating, r.wins) for r in ranked] == [(a, rk.ELO_START, 0)]


def test_the_same_posts_rank_alike_in_every_home():
    # A post's id holds a keyed hash, so each home gives the same 40 posts other ids; its key
    # (day and slug) is the same everywhere. Equal scores make the order of play matter.
    keys = [f"2026-09-{1 + i // 3:02d}/post-{i}" for i in range(40)]

    def ranked(home: int) -> tuple[list, list]:
        rng = random.Random(home)
        ids = {k: f"tag:x/{rng.getrandbits(64):016x}" for k in keys}
        found = [
            candidate(ids[k], messages=i % 4, authors=3, turns=i % 3, novelty=0, key=k) for i, k in enumerate(keys)
        ]
        comparisons, _, _ = rk.compare("g", found, [], judge=rk.HEURISTIC, decide=rk.judge_heuristic)
        ratings = rk.elo_ratings("g", rk.HEURISTIC, list(ids.values()), comparisons, {c.id: c.key for c in found})
        key = {i: k for k, i in ids.items()}
        pairs = sorted(tuple(sorted((key[c.post_a], key[c.post_b]))) for c in comparisons)
        return [(key[r.post_id], r.rating, r.wins, r.losses) for r in ratings], pairs

    first = ranked(1)
    assert first == ranked(2) and len(first[1]) < 40 * 39 / 2  # on the rings, not every pair
    shown = [rk.shown_first(a, b) for a, b in first[1]]
    assert shown == [not rk.shown_first(b, a) for a, b in first[1]] and True in shown and False in shown


# --- the stored comparisons ----------------------------------------------------------------


class Counting:
    """A judge that counts the pairs it is asked about (the heuristic underneath)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def __call__(self, a: Candidate, b: Candidate):
        self.asked.append((a.id, b.id))
        return rk.judge_heuristic(a, b)


def test_stored_comparisons_are_reused_and_only_new_or_changed_posts_are_judged():
    found = [candidate(i, messages=k) for k, i in enumerate(ids(40))]
    judge = Counting()
    stored, judged, _ = rk.compare("g", found, [], judge=rk.HEURISTIC, decide=judge)
    assert judged == len(stored) == len(rk.schedule(ids(40))) == len(judge.asked)

    again = Counting()
    same, judged, _ = rk.compare("g", found, stored, judge=rk.HEURISTIC, decide=again)
    assert (same, judged, again.asked) == (stored, 0, [])

    changed = [c.model_copy(update={"turns": 99}) if c.id == ids(40)[7] else c for c in found]
    newcomer = candidate("tag:egregora.local,2026:g/post-new")
    later = Counting()
    _, judged, _ = rk.compare("g", [*changed, newcomer], stored, judge=rk.HEURISTIC, decide=later)
    assert later.asked and all({ids(40)[7], newcomer.id} & set(pair) for pair in later.asked)
    assert judged == len(later.asked)


# --- the LLM judge's budget -------------------------------------------------------------

LLM_JUDGE = "llm:m+1234"


def lively(n: int, offset: int = 0) -> list[Candidate]:
    """n posts whose conversations differ in liveliness (the heuristic's order is not the ids')."""
    return [
        candidate(i, messages=(k * 7) % 23 + 1, key=f"2025-01-{k % 28 + 1:02d}/{k}")
        for k, i in enumerate(ids(n + offset)[offset:], offset)
    ]


@pytest.mark.parametrize("n", [2, 4, 13, 40])
def test_a_first_ranking_costs_at_most_the_budget_per_post(n):
    judge = Counting()
    found = lively(n)
    comparisons, judged, _ = rk.compare("g", found, [], judge=LLM_JUDGE, decide=judge, budget=3)
    assert judged == len(judge.asked) == len(comparisons) <= 3 * n
    assert len(set(judge.asked)) == len(judge.asked)  # no pair twice
    assert {i for pair in judge.asked for i in pair} == {c.id for c in found}  # every post placed


def test_new_posts_meet_established_posts_near_their_place_and_no_judged_pair_again():
    found = lively(30)
    stored, _, _ = rk.compare("g", found, [], judge=LLM_JUDGE, decide=rk.judge_heuristic, budget=3)
    newcomers = lively(5, offset=30)
    judge = Counting()
    everything, judged, _ = rk.compare("g", found + newcomers, stored, judge=LLM_JUDGE, decide=judge, budget=3)
    assert judged == len(judge.asked) <= 3 * len(newcomers)
    old, new = {c.id for c in found}, {c.id for c in newcomers}
    for pair in judge.asked:
        assert len(set(pair) & new) == 1 and len(set(pair) & old) == 1  # new against established
    assert not {(c.post_a, c.post_b) for c in stored} & set(judge.asked)
    assert set(stored) <= set(everything)  # what was judged stays

    again = Counting()
    same, judged, _ = rk.compare("g", found + newcomers, everything, judge=LLM_JUDGE, decide=again, budget=3)
    assert (same, judged, again.asked) == (everything, 0, [])  # a re-run judges nothing


def test_a_new_post_meets_the_established_posts_nearest_its_seeded_place():
    # Established: a chain where a higher number of messages always won, so the Elo order follows it.
    found = [candidate(i, messages=k * 3 + 1, key=f"k{k:02d}") for k, i in enumerate(ids(12))]
    stored, _, _ = rk.compare("g", found, [], judge=LLM_JUDGE, decide=rk.judge_heuristic, budget=3)
    newcomer = candidate("tag:egregora.local,2026:g/post-new", messages=6 * 3 + 1, key="k99")  # like post 6
    judge = Counting()
    rk.compare("g", [*found, newcomer], stored, judge=LLM_JUDGE, decide=judge, budget=3)
    opponents = {b if a == newcomer.id else a for a, b in judge.asked}
    rating = {r.post_id: r.rating for r in rk.elo_ratings("g", LLM_JUDGE, ids(12), stored)}
    assert len(opponents) == 3
    nearest = sorted(rating, key=lambda i: abs(rating[i] - rating[ids(12)[6]]))[:5]
    assert opponents <= set(nearest)


def test_the_budgeted_pairs_ignore_the_order_posts_and_answers_come_in():
    found = lively(25)
    first = rk.budget_pairs(found, [], LLM_JUDGE, 3)
    assert rk.budget_pairs(list(reversed(found)), [], LLM_JUDGE, 3) == first
    stored, _, _ = rk.compare("g", found, [], judge=LLM_JUDGE, decide=rk.judge_heuristic, budget=3)
    more = lively(4, offset=25)
    assert rk.budget_pairs(found + more, stored, LLM_JUDGE, 3) == rk.budget_pairs(
        list(reversed(found + more)), list(reversed(stored)), LLM_JUDGE, 3
    )


def test_another_judge_judges_every_pair_again():
    found = [candidate(i) for i in ids(5)]
    stored, _, _ = rk.compare("g", found, [], judge=rk.HEURISTIC, decide=rk.judge_heuristic)
    other = Counting()
    _, judged, _ = rk.compare("g", found, stored, judge="llm:m+1234", decide=other)
    assert judged == len(other.asked) == 10


def test_a_pair_without_an_answer_is_left_out_and_counted():
    found = [candidate(i) for i in ids(4)]
    comparisons, judged, unanswered = rk.compare("g", found, [], judge="llm:m", decide=lambda a, b: None)
    assert (comparisons, judged, unanswered) == ([], 6, 6)


def test_the_llm_reads_the_text_and_the_heuristic_the_features():
    post = candidate(ids(1)[0])
    livelier = post.model_copy(update={"messages": 99})
    retitled = post.model_copy(update={"title": "Another title"})
    assert rk.view_hash(livelier, rk.HEURISTIC) != rk.view_hash(post, rk.HEURISTIC)
    assert rk.view_hash(livelier, "llm:m") == rk.view_hash(post, "llm:m")
    assert rk.view_hash(retitled, "llm:m") != rk.view_hash(post, "llm:m")
    assert rk.view_hash(retitled, rk.HEURISTIC) == rk.view_hash(post, rk.HEURISTIC)


# --- the offline judge ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "better, worse",
    [
        (dict(messages=40), dict(messages=10)),
        (dict(authors=6), dict(authors=2)),
        (dict(turns=30), dict(turns=3)),
        (dict(novelty=0.9), dict(novelty=0.1)),
    ],
)
def test_more_engagement_or_novelty_wins_offline(better, worse):
    a, b = ids(2)
    assert rk.judge_heuristic(candidate(a, **better), candidate(b, **worse))[0] == "a"
    assert rk.judge_heuristic(candidate(a, **worse), candidate(b, **better))[0] == "b"
    assert rk.judge_heuristic(candidate(a), candidate(b))[0] == "even"


def message(i: int, author: str | None, kind: str = "text") -> Message:
    return Message(id=f"m{i}", group="g", timestamp=datetime(2026, 9, 6, 9, i), author=author, text="x", kind=kind)


def test_engagement_counts_messages_people_and_turns():
    said = [message(0, "Ana"), message(1, "Ana"), message(2, "Bia"), message(3, None, "system"), message(4, "Ana")]
    window = Window(id="w", group="g", date=date(2026, 9, 6), index=0, messages=said)
    assert rk.engagement(window) == (4, 2, 2)  # Ana, Ana -> Bia -> Ana: two answers
    assert rk.engagement(None) == (0, 0, 0)


def doc(n: int, **changes) -> Post:
    fields = dict(id=ids(n + 1)[n], group="g", window_id=f"w{n}", title=f"Post {n}", slug=f"post-{n}",
                  authors=["Ana"], summary="s", content="c")  # fmt: skip
    return document(date(2026, 9, 1) + timedelta(days=n), hour=0, tz=UTC, **{**fields, **changes})


def test_novelty_is_distance_from_the_closest_earlier_post():
    docs = [doc(0), doc(1), doc(2), doc(3)]
    vectors = {
        docs[0].id: np.array([1.0, 0.0]),
        docs[1].id: np.array([2.0, 0.0]),  # the first one's topic again
        docs[2].id: np.array([0.0, 1.0]),  # something new
        docs[3].id: np.array([1.0, 1.0]),
    }
    found = rk.novelty(list(reversed(docs)), vectors, block=2)  # blocks smaller than the archive
    assert found[docs[0].id] == 1.0 and found[docs[1].id] == 0.0 and found[docs[2].id] == 1.0
    assert found[docs[3].id] == pytest.approx(1 - 2**-0.5, abs=1e-4)
    assert rk.novelty(docs, {}) == {}


# --- the LLM judge -------------------------------------------------------------------------


def test_the_llm_judge_maps_its_a_or_b_back_to_the_pair_and_is_cached(fake_llm, tmp_path):
    llm = LLM(base_url=fake_llm.url, api_key="sk-test", model="m", cache_dir=tmp_path / "cache")
    pairs = rk.schedule(ids(6))
    shown = [rk.shown_first(a, b) for a, b in pairs]
    assert True in shown and False in shown  # each side is shown first for some pairs
    by_id = {i: candidate(i) for i in ids(6)}
    answers = [rk.judge_llm(llm, PROMPTS, by_id[a], by_id[b]) for a, b in pairs]
    # The golden answer always picks A: the post shown first.
    assert [w for w, _ in answers] == ["a" if first else "b" for first in shown]  # type: ignore[misc]
    assert fake_llm.count("judge") == len(pairs)
    again = [rk.judge_llm(llm, PROMPTS, by_id[a], by_id[b]) for a, b in pairs]
    assert again == answers and fake_llm.count("judge") == len(pairs)


def test_the_llm_judge_gives_no_answer_rather_than_failing_the_ranking(fake_llm, tmp_path):
    llm = LLM(base_url=fake_llm.url, api_key="sk-test", model="m", cache_dir=tmp_path / "cache", max_retries=0)
    fake_llm.script(["invalid_json"] * 3, marker="judge")
    a, b = ids(2)
    assert rk.judge_llm(llm, PROMPTS, candidate(a), candidate(b)) is None


# --- the order shown -----------------------------------------------------------------------


def test_top_posts_follow_the_ratings_and_unrated_posts_come_last_newest_first():
    docs = [doc(n) for n in range(5)]
    ratings = rk.elo_ratings("g", rk.HEURISTIC, [docs[3].id, docs[1].id], [game(docs[1].id, docs[3].id, "b")])
    top = rk.top_posts(docs, ratings)
    assert [d.id for d in top] == [docs[3].id, docs[1].id, docs[4].id, docs[2].id, docs[0].id]
    assert rk.top_posts(docs, ratings, 3) == top[:3]
    assert rk.best_of(docs, ratings) == top[:2]


def test_the_ranking_markdown_escapes_titles():
    docs = [doc(0, title="[click](javascript:alert(1)) *bold*")]
    ratings = rk.elo_ratings("g", rk.HEURISTIC, [docs[0].id], [])
    text = rk.ranking_markdown(docs, ratings)
    assert text.startswith("1. **\\[click\\](javascript:alert(1)) \\*bold\\***") and "1500" in text
    assert rk.ranking_markdown([], []) == "_no posts yet_"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_best_of_page_speaks_each_language_and_links_each_post_file(language):
    docs = [doc(3, title="Pedra [do] Baú", slug="pedra-do-bau"), doc(1)]
    page = best_markdown(docs, language)
    title, intro = site_text.text("best_of_title", language), site_text.text("best_of_intro", language)
    assert page.startswith(f"# {title}\n\n{intro}\n\n") and len({title, intro}) == 2
    assert "1. [Pedra \\[do\\] Baú](blog/posts/2026-09-04-pedra-do-bau.md) · 2026-09-04" in page
    assert page.index("pedra-do-bau") < page.index("post-1")  # in the order given
    assert site_text.text("best_of_empty", language) in best_markdown([], language)
    assert all(set(site_text.STRINGS[k]) == set(LANGUAGES) for k in ("best_of_title", "best_of_intro"))


# --- a group's ranking, from the warehouse -------------------------------------------------


def test_a_group_is_ranked_from_its_stored_posts_and_ranked_again_without_judging(tmp_path):
    docs = [doc(n) for n in range(4)]
    people = ["Ana", "Bia", "Caio"]
    # Post 2 was written from the liveliest conversation: it wins every comparison offline.
    chats = {n: [message(i, people[i % (3 if n == 2 else 1)]) for i in range(12 if n == 2 else 3)] for n in range(4)}
    windows = [Window(id=f"w{n}", group="g", date=d.date, index=0, messages=chats[n]) for n, d in enumerate(docs)]
    judged: list[tuple[str, str]] = []

    def decide(a: Candidate, b: Candidate):
        judged.append((a.id, b.id))
        return rk.judge_heuristic(a, b)

    def rank(db):
        return rk.rank_group(db, "g", judge=rk.HEURISTIC, decide=decide, post_vectors=lambda group: {})

    with connect(duckdb_url(str(tmp_path / "w.duckdb"))) as db:
        db.create(WAREHOUSE_TABLES)
        store(db, "windows", {("g", w.date): {"windows": windows_table([w], message_bytes)} for w in windows})
        store(db, "posts", {("g", d.date): {"documents": posts_table([d])} for d in docs})
        output, facts, rows = rank(db)
        assert facts == {
            "posts": 4,
            "posts_new": 4,
            "comparisons": 6,
            "comparisons_judged": 6,
            "comparisons_without_answer": 0,
        }
        ratings = group_ratings_of(rows)
        assert ratings[0] == (docs[2].id, 1, 3)  # (post, rank, wins)
        store(db, "rankings", {("g", None): rows})

        judged.clear()
        again, facts, rows = rank(db)
        assert not judged and facts["comparisons_judged"] == 0 and facts["comparisons"] == 6
        assert facts["posts_new"] == 0
        assert again == output and group_ratings_of(rows) == ratings


def store(db, asset: str, parts: dict) -> None:
    """Commit (group, day) -> rows per table through the journal, as an asset does."""
    run_slices(db, asset, list(parts), lambda g, d: "sig", lambda g, d: (f"{g}{d}", {}, parts[(g, d)]))


def group_ratings_of(rows) -> list[tuple[str, int, int]]:
    return [(r["post_id"], r["rank"], r["wins"]) for r in rows["ratings"].to_pylist()]
