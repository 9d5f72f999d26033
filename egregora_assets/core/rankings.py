"""Ranking a group's posts: pairwise comparisons by a judge, turned into Elo ratings.

Which pairs, for the LLM judge (`budget_pairs`): at most JUDGE_BUDGET calls per new or changed
post, none for a pair already judged, against the posts nearest its place in the current
rating (established posts first; the heuristic below seeds a new post's place).

Which pairs, offline (`schedule`): up to 2 x NEIGHBOURS x RINGS + 1 posts, every pair. Past that, the
posts are placed on RINGS rings, each in its own seeded pseudo-random order, and each post
meets the NEIGHBOURS posts after it on every ring: at most NEIGHBOURS x RINGS comparisons per
post (n x 6 in all, not n²/2), against up to 12 opponents spread over the archive. A new post
takes one place on each ring, so the only new pairs are its own (pairs of older posts can
drop out, never come in): re-ranking judges only what is new or changed.

Judges (`judge_llm`, `judge_heuristic`): with an LLM, the model reads both posts
(prompts/judge.md.j2) and picks one; which post it sees first is seeded per pair, so neither
the older nor the newer post always gets the first place LLM judges tend to favour. Offline,
the post with the higher `heuristic_score` wins, from the conversation it was written from:

    score = ln(1 + messages) + ln(1 + turns) + ln(1 + authors) + 2 x novelty

where messages counts what people wrote in the post's window, authors the distinct people,
turns the messages answering someone else (the previous message is another person's: the
export marks no replies), and novelty is 1 minus the highest cosine similarity between the
post's vector and any earlier post's (1 for the first post, 0 without a vector).

Each comparison is stored with a hash of what the judge read of both posts; it is reused
while both hashes and the judge are the same. Ratings are Elo (start 1500, K 32) over the
comparisons in a fixed seeded order, so they depend only on the set of comparisons.

The rings, the order of play, which post the LLM judge sees first and the order of equal
ratings follow each post's `rank_key` (its day and slug), never its id: an id is a keyed hash,
and the same export must rank the same in every home.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from .journal import Each, fingerprint, in_turn
from .models import MAX_TITLE_CHARS, Comparison, Post, Rating, Verdict, Window, post_order
from .prompts import chat_messages
from .quotes import md_escape
from .sanitize import plain_line
from .tables import COMPARISONS, RATINGS, group_comparisons, group_posts, group_ratings, per_group_rows, post_windows
from .warehouse import Database

SEED = "egregora-rank-1"
NEIGHBOURS = 3
JUDGE_BUDGET = 3  # LLM judge calls per new or changed post
RINGS = 2
ELO_START = 1500.0
ELO_K = 32.0
NOVELTY_WEIGHT = 2.0
HEURISTIC = "heuristic-1"  # the offline judge's name; change it when the score changes
JUDGE_CHARS = 3000  # of each post's content shown to the LLM judge
JUDGE_ANSWER_TOKENS = 200
TOP_SHOWN = 10  # posts in the step's metadata
BEST_OF_POSTS = 20  # posts on the site's "best of" page
_SPOKEN = {"text", "edited", "media", "poll", "location", "contact"}

Outcome = tuple[str, str]  # (winner "a" | "b" | "even", reason)
Decide = Callable[["Candidate", "Candidate"], Outcome | None]


class Candidate(BaseModel):
    """A post as the judges see it: its text, and the engagement and novelty of its conversation."""

    model_config = ConfigDict(frozen=True)

    id: str
    key: str = ""  # its rank_key; the id when empty
    title: str
    summary: str
    content: str
    messages: int = 0
    authors: int = 0
    turns: int = 0
    novelty: float = 0.0
    reactions: int = 0  # reactions its messages got, where the source carries them
    replies: int = 0  # its messages that answer another by a reply link


def _hash(*parts: Any) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def rank_key(doc: Post) -> str:
    """Where a post stands on the rings and in the order of play: its day and slug, the same in
    every home (slugs are unique in a day)."""
    return f"{doc.date}/{doc.slug}"


def engagement(window: Window | None) -> tuple[int, int, int]:
    """(messages, distinct authors, turns) of the conversation a post was written from."""
    said = [m for m in (window.messages if window else []) if m.author and m.kind in _SPOKEN]
    turns = sum(1 for before, m in zip(said, said[1:]) if m.author != before.author)
    return len(said), len({m.author for m in said}), turns


def response(window: Window | None) -> tuple[int, int]:
    """(reactions, replies) its conversation drew, counted from what the source recorded people
    did: both 0 for a WhatsApp .txt, which records neither."""
    messages = window.messages if window else []
    return sum(sum(m.reactions.values()) for m in messages), sum(1 for m in messages if m.reply_to)


def novelty(docs: Sequence[Post], vectors: Mapping[str, Any], block: int = 512) -> dict[str, float]:
    """1 minus each post's highest cosine similarity to an earlier post (1 for the first), by id."""
    ordered = [d.id for d in sorted(docs, key=post_order) if d.id in vectors]
    if not ordered:
        return {}
    matrix = np.asarray([vectors[i] for i in ordered], dtype=np.float64)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    found: dict[str, float] = {}
    for start in range(0, len(ordered), block):  # rows of a block against every post up to it
        sims = matrix[start : start + block] @ matrix[: start + block].T
        sims[np.arange(sims.shape[1])[None, :] >= np.arange(start, start + len(sims))[:, None]] = -np.inf
        for offset, best in enumerate(sims.max(axis=1)):
            # Rounded, so the hash of what the judge reads does not move with float noise.
            found[ordered[start + offset]] = 1.0 if math.isinf(best) else round(1.0 - max(float(best), 0.0), 4)
    return found


def candidates(
    docs: Sequence[Post], windows: Mapping[str, Window], vectors: Mapping[str, Any] | None = None
) -> list[Candidate]:
    """The group's posts with what the judges read of them (novelty only given vectors)."""
    new = novelty(docs, vectors or {})
    found = []
    for doc in docs:
        messages, authors, turns = engagement(windows.get(doc.window_id))
        reactions, replies = response(windows.get(doc.window_id))
        found.append(
            Candidate(
                id=doc.id,
                key=rank_key(doc),
                title=doc.title,
                summary=doc.summary,
                content=doc.content[:JUDGE_CHARS],
                messages=messages,
                authors=authors,
                turns=turns,
                novelty=new.get(doc.id, 0.0),
                reactions=reactions,
                replies=replies,
            )
        )
    return found


def view_hash(candidate: Candidate, judge: str) -> str:
    """A hash of what `judge` reads of a post: its features offline, its text for an LLM."""
    if judge == HEURISTIC:
        # Reactions and replies join the hash only where a source has them: a .txt group's
        # stored comparisons stay valid.
        acted = [candidate.reactions, candidate.replies] if candidate.reactions or candidate.replies else []
        return fingerprint(candidate.messages, candidate.authors, candidate.turns, candidate.novelty, *acted)
    return fingerprint(candidate.title, candidate.summary, candidate.content)


def schedule(
    ids: Iterable[str],
    *,
    keys: Mapping[str, str] = {},
    neighbours: int = NEIGHBOURS,
    rings: int = RINGS,
    seed: str = SEED,
) -> list[tuple[str, str]]:
    """The pairs (a, b), a < b, to compare: all of them for few posts, else each post against its
    `neighbours` successors on `rings` seeded rings (see the module's docstring). A post takes
    its place on a ring by its key in `keys` (id -> rank_key), by its id when it has none."""
    unique = sorted(set(ids))
    n = len(unique)
    if n - 1 <= 2 * neighbours * rings:  # every pair costs no more than the rings would
        return [(a, b) for i, a in enumerate(unique) for b in unique[i + 1 :]]
    pairs: set[tuple[str, str]] = set()
    for ring in range(rings):
        order = sorted(unique, key=lambda i: (_hash(seed, ring, keys.get(i, i)), keys.get(i, i)))
        for j, a in enumerate(order):
            for step in range(1, neighbours + 1):
                b = order[(j + step) % n]
                pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)


def shown_first(a: str, b: str, seed: str = SEED) -> bool:
    """Whether the post keyed `a` is shown to the LLM judge as A: seeded per pair (whichever way
    round it comes), about half the time."""
    low, high = sorted((a, b))
    return (int(_hash(seed, "order", low, high)[:8], 16) % 2 == 0) == (a == low)


def heuristic_score(c: Candidate) -> float:
    """The offline judge's score of a post: engagement of its conversation (with the reactions
    and replies people gave it, where the source records them) and novelty."""
    acted = math.log1p(c.reactions) + math.log1p(c.replies)
    return math.log1p(c.messages) + math.log1p(c.turns) + math.log1p(c.authors) + acted + NOVELTY_WEIGHT * c.novelty


def judge_heuristic(a: Candidate, b: Candidate) -> Outcome:
    """The offline judge: the higher `heuristic_score` wins; equal scores are even."""
    score_a, score_b = heuristic_score(a), heuristic_score(b)
    reason = f"score {score_a:.3f} vs {score_b:.3f}"
    if abs(score_a - score_b) < 1e-9:
        return "even", reason
    return ("a" if score_a > score_b else "b"), reason


def judge_llm(client: Any, prompts_dir: Path, a: Candidate, b: Candidate) -> Outcome | None:
    """The LLM judge's pick of one pair (cached by the client); None when it gave no usable answer."""
    first, second = (a, b) if shown_first(a.key or a.id, b.key or b.id) else (b, a)
    messages = chat_messages(prompts_dir, "judge", first=first, second=second)
    try:
        verdict = client.structured(messages, Verdict, max_tokens=JUDGE_ANSWER_TOKENS)
    except (ValueError, OverflowError):
        return None
    chosen = first if verdict.winner == "A" else second
    return ("a" if chosen.id == a.id else "b"), verdict.reason[:300]


def compare(
    group: str,
    found: Sequence[Candidate],
    stored: Iterable[Comparison],
    *,
    judge: str,
    decide: Decide,
    budget: int | None = None,
    each: Each = in_turn,
) -> tuple[list[Comparison], int, int]:
    """The group's comparisons: the stored ones kept while both posts read the same to `judge`,
    and the pairs judged now. Without a `budget`, the pairs are the rings' (`schedule`); with one,
    every kept comparison stays and each new post gets at most `budget` more (`budget_pairs`).
    `each(call, pairs)` judges them (an LLM client's `map`, in parallel). Returns the comparisons,
    how many pairs were judged now and how many got no answer."""
    by_id = {c.id: c for c in found}
    view = {c.id: view_hash(c, judge) for c in found}
    valid = still_valid(found, stored, judge)
    if budget is None:
        pairs = schedule(by_id, keys={c.id: c.key for c in found if c.key})
        kept, fresh = [valid[p] for p in pairs if p in valid], [p for p in pairs if p not in valid]
    else:
        kept = list(valid.values())
        fresh = budget_pairs(found, kept, judge, budget)
    outcomes = each(lambda pair: decide(by_id[pair[0]], by_id[pair[1]]), fresh)
    judged_now = [
        Comparison(
            group=group, post_a=a, post_b=b, hash_a=view[a], hash_b=view[b], judge=judge, winner=winner, reason=reason
        )
        for (a, b), outcome in zip(fresh, outcomes)
        if outcome is not None
        for winner, reason in [outcome]
    ]
    comparisons = sorted(kept + judged_now, key=lambda c: (c.post_a, c.post_b))
    return comparisons, len(fresh), sum(o is None for o in outcomes)


def still_valid(
    found: Sequence[Candidate], stored: Iterable[Comparison], judge: str
) -> dict[tuple[str, str], Comparison]:
    """The stored comparisons by `judge` of these posts, by pair, while both read as they did."""
    view = {c.id: view_hash(c, judge) for c in found}
    return {
        (c.post_a, c.post_b): c
        for c in stored
        if c.judge == judge and (c.hash_a, c.hash_b) == (view.get(c.post_a), view.get(c.post_b))
    }


def budget_pairs(
    found: Sequence[Candidate], judged: Sequence[Comparison], judge: str, budget: int = JUDGE_BUDGET
) -> list[tuple[str, str]]:
    """The pairs (a, b), a < b, to judge now: at most `budget` per new post (one no kept
    comparison places yet), none already judged, where they inform the most.

    Each new post, in key order, takes opponents until it is in `budget` pairs: established posts
    first, nearest its place in the current rating, then other new posts, nearest in
    `heuristic_score`. An established post's place is its Elo rating over `judged`; a new post's
    is the rating of the established post nearest it in heuristic score (the offline judge seeds
    the order). Pairs depend only on the stored comparisons and the posts, never on when or in
    what order the judge answers."""
    keys = {c.id: c.key or c.id for c in found}
    score = {c.id: heuristic_score(c) for c in found}
    done = {(c.post_a, c.post_b) for c in judged}
    established = sorted({i for pair in done for i in pair}, key=keys.__getitem__)
    rating = {r.post_id: r.rating for r in elo_ratings("", judge, established, judged, keys)}

    def seeded(i: str) -> float:
        nearest = min(established, key=lambda e: (abs(score[e] - score[i]), keys[e]), default=None)
        return ELO_START if nearest is None else rating[nearest]

    place = {i: rating[i] if i in rating else seeded(i) for i in keys}
    degree = dict.fromkeys(keys, 0)
    chosen: list[tuple[str, str]] = []
    for new in sorted((i for i in keys if i not in rating), key=keys.__getitem__):
        nearest = sorted(
            (i for i in keys if i != new),
            key=lambda i: (
                i not in rating,
                abs(place[i] - place[new]) if i in rating else 0.0,
                abs(score[i] - score[new]),
                keys[i],
            ),
        )
        for other in nearest:
            pair = (min(new, other), max(new, other))
            if degree[new] >= budget:
                break
            if pair not in done:
                done.add(pair)
                chosen.append(pair)
                degree[new], degree[other] = degree[new] + 1, degree[other] + 1
    return sorted(chosen)


def elo_ratings(
    group: str, judge: str, ids: Iterable[str], comparisons: Iterable[Comparison], keys: Mapping[str, str] = {}
) -> list[Rating]:
    """Elo ratings of the posts from these comparisons, best first.

    Elo depends on the order of games, so they are played in one seeded order of their
    pairs (by the posts' `keys`, id -> rank_key, or ids): the same comparisons give the same
    ratings, in whatever order they come."""
    rating = dict.fromkeys(sorted(set(ids)), ELO_START)
    record = {i: [0, 0, 0] for i in rating}  # wins, losses, draws

    def pair(c: Comparison) -> list[str]:  # a post_a in one home may be the post_b of another
        return sorted((keys.get(c.post_a, c.post_a), keys.get(c.post_b, c.post_b)))

    played = sorted(
        (c for c in comparisons if c.post_a in rating and c.post_b in rating),
        key=lambda c: (_hash(SEED, "elo", *pair(c)), pair(c)),
    )
    for c in played:
        expected = 1.0 / (1.0 + 10.0 ** ((rating[c.post_b] - rating[c.post_a]) / 400.0))
        score = {"a": 1.0, "b": 0.0, "even": 0.5}[c.winner]
        rating[c.post_a] += ELO_K * (score - expected)
        rating[c.post_b] -= ELO_K * (score - expected)
        outcome = {"a": (0, 1), "b": (1, 0), "even": (2, 2)}[c.winner]
        record[c.post_a][outcome[0]] += 1
        record[c.post_b][outcome[1]] += 1
    order = sorted(rating, key=lambda i: (-round(rating[i], 6), keys.get(i, i)))
    return [
        Rating(
            group=group,
            post_id=i,
            rank=place,
            rating=round(rating[i], 1),
            wins=record[i][0],
            losses=record[i][1],
            draws=record[i][2],
            judge=judge,
        )
        for place, i in enumerate(order, start=1)
    ]


def rank_group(
    db: Database,
    group: str,
    *,
    judge: str,
    decide: Decide,
    post_vectors: Callable[[str], Mapping[str, Any]] | None = None,
    budget: int | None = None,
    each: Each = in_turn,
) -> tuple[str, dict[str, int], dict[str, pa.Table]]:
    """A group's ranking from its stored posts: pairs compared by `judge` (stored comparisons
    reused; at most `budget` new ones per new post, see `compare`), and the Elo ratings.
    Returns its hash, its counts and the rows to store.

    `post_vectors(group)` gives the posts' vectors, for the heuristic's novelty."""
    docs = group_posts(db, group)
    found = candidates(docs, post_windows(db, group), post_vectors(group) if post_vectors else None)
    stored = group_comparisons(db, group)
    comparisons, judged, unanswered = compare(
        group, found, stored, judge=judge, decide=decide, budget=budget, each=each
    )
    ratings = elo_ratings(group, judge, [c.id for c in found], comparisons, {c.id: c.key for c in found})
    placed = {i for pair in still_valid(found, stored, judge) for i in pair}
    facts = {
        "posts": len(docs),
        "posts_new": len(found) - len(placed),  # no comparison kept from earlier runs places them
        "comparisons": len(comparisons),
        "comparisons_judged": judged,
        "comparisons_without_answer": unanswered,
    }
    rows = {"comparisons": per_group_rows(comparisons, COMPARISONS), "ratings": per_group_rows(ratings, RATINGS)}
    return fingerprint([r.model_dump() for r in ratings]), facts, rows


def per_post(facts: Mapping[str, int]) -> dict[str, float]:
    """The run's comparisons per post and pairs judged per new post, from `rank_group`'s summed counts."""
    return {
        "comparisons_per_post": round(facts.get("comparisons", 0) / max(facts.get("posts", 0), 1), 2),
        "judged_per_new_post": round(facts.get("comparisons_judged", 0) / max(facts.get("posts_new", 0), 1), 2),
    }


def top_posts(docs: Sequence[Post], ratings: Sequence[Rating], n: int | None = None) -> list[Post]:
    """The `n` best-rated posts (all of them when `n` is None), best first; unrated ones last, newest first."""
    rank = {r.post_id: r.rank for r in ratings}
    newest = sorted(docs, key=post_order, reverse=True)
    ordered = sorted(newest, key=lambda d: rank.get(d.id, len(rank) + 1))  # stable: newest first among unrated
    return ordered if n is None else ordered[:n]


def best_of(docs: Sequence[Post], ratings: Sequence[Rating], n: int = BEST_OF_POSTS) -> list[Post]:
    """The `n` best-rated posts, best first (only posts that have a rating)."""
    rated = {r.post_id for r in ratings}
    return top_posts([d for d in docs if d.id in rated], ratings, n)


def ranking_markdown(docs: Sequence[Post], ratings: Sequence[Rating], limit: int = TOP_SHOWN) -> str:
    """The best posts as a Markdown list, for the Dagster UI: title, day, rating and record."""
    by_id = {d.id: d for d in docs}
    lines = [
        f"{r.rank}. **{md_escape(plain_line(by_id[r.post_id].title, MAX_TITLE_CHARS))}** · "
        f"{by_id[r.post_id].date} · {r.rating:.0f} ({r.wins}-{r.losses}-{r.draws})"
        for r in ratings[:limit]
        if r.post_id in by_id
    ]
    return "\n".join(lines) or "_no posts yet_"


def rankings_markdown(db: Database, groups: Sequence[str]) -> str:
    """The stored ranking of each group as Markdown, under the group's name."""
    return "\n\n".join(f"**{g}**\n\n{ranking_markdown(group_posts(db, g), group_ratings(db, g))}" for g in groups)
