"""Hybrid retrieval over the LanceDB `vectors` table: vector plus full-text, fused and reranked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import cache, lru_cache

from .languages import LANGUAGES, stopwords
from .text import fold
from .vectors import FIELDS, days_filter, where

RRF_K = 60  # the usual reciprocal-rank-fusion constant; dampens the weight of the very top ranks
OVERLAP_WEIGHT = 0.5 / RRF_K  # a passage holding every search term gains half a first place

# What questions about a chat say that YAKE's stopword lists lack: who said or talked, a few pronouns.
_QUESTION_WORDS = (
    "cuál cuándo dónde dela dele deles disse disseram falaram falou group hablaron hablo habló lhe mesmo talk talked"
)


@cache
def _stopwords() -> frozenset[str]:
    """Words that carry no topic in any chat language; chat text often drops accents ("nao",
    "voce"), so the folded forms are stopwords too."""
    words = {w for lang in LANGUAGES for w in stopwords(lang)} | set(_QUESTION_WORDS.split())
    return frozenset(words | {fold(w) for w in words})


def search_terms(question: str) -> str:
    """The content words of a question, space-separated, in order and without repeats."""
    words = re.findall(r"\w+", question.lower())
    kept = [w for w in words if w not in _stopwords() and (len(w) > 1 or w.isdigit())]
    return " ".join(dict.fromkeys(kept))


# The index ranks by 8-bit quantized vectors; re-ranking this many times the limit by the full
# vectors gives exact answers under narrow filters (one group of many). A scan ignores it.
REFINE_FACTOR = 4


def _ranked(query, only: str, limit: int, score: str) -> list[dict]:
    """The rows of a LanceDB query, best first, filtered before ranking, with their `score`
    column (`_distance` or `_score`) but not their vectors (384 floats a row to convert)."""
    if only:
        query = query.where(only, prefilter=True)
    return query.select([*FIELDS, score]).limit(limit).to_list()


def _full_text(table, terms: str, only: str, limit: int) -> list[dict]:
    """Full-text hits for `terms`, or none when there are no terms or no index yet."""
    if not terms.strip():
        return []
    try:
        return _ranked(table.search(terms, query_type="fts", fts_columns="text"), only, limit, "_score")
    except ValueError:  # LanceDB's answer when the table has no full-text index (e.g. empty)
        return []


def _stem(word: str) -> str:
    """A crude language-blind stem: enough to match "bikes" with "bike"."""
    return word.rstrip("s")[:6]


@lru_cache(maxsize=1 << 16)  # a chat's vocabulary repeats from passage to passage
def _stems(word: str) -> frozenset[str]:
    """The stems of a word as written, folded (folding may split it, as "ﬁ" does not but "¼" does)."""
    return frozenset(_stem(w) for w in fold(word).split())


def _overlap(terms: list[str], row: dict) -> float:
    """The share of search terms (by crude stem) found in a row's title or text."""
    if not terms:
        return 0.0
    # Each distinct word's stems once: a window is kilobytes of a few hundred words.
    stems = frozenset().union(*map(_stems, set(re.findall(r"\w+", f"{row['title']} {row['text']}"))))
    return sum(_stem(t) in stems for t in terms) / len(terms)


def hybrid_search(
    table,
    query_vector: Sequence[float],
    terms: str,
    *,
    group: str | None,
    k: int = 8,
    before: str | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    hide_posts: Sequence[tuple[str, date]] = (),
) -> list[dict]:
    """The k best passages for a question: vector and full-text ranks fused (RRF), then reranked.
    `hide_posts` names (group, day) partitions whose posts are left out.

    Each carries its `similarity` to the question (the cosine of the unit vectors), None for a
    passage only the full-text search found."""
    only, pool = where(group=group, before=before, kind=kind, since=since, until=until), max(4 * k, 20)
    if hidden := days_filter("post", hide_posts):
        only = f"{only} AND NOT ({hidden})" if only else f"NOT ({hidden})"
    vector_query = table.search(list(query_vector), vector_column_name="vector").refine_factor(REFINE_FACTOR)
    rankings = [_ranked(vector_query, only, pool, "_distance"), _full_text(table, terms, only, pool)]
    rows: dict[str, dict] = {}
    scores: dict[str, float] = {}
    for hits in rankings:
        for rank, row in enumerate(hits, start=1):
            rows.setdefault(row["id"], row)
            scores[row["id"]] = scores.get(row["id"], 0.0) + 1 / (RRF_K + rank)
    # Without a cross-encoder offline, literal term overlap is the rerank signal.
    folded = [fold(t) for t in terms.split()]
    for id_, row in rows.items():
        scores[id_] += OVERLAP_WEIGHT * _overlap(folded, row)
    best = sorted(rows, key=lambda id_: (-scores[id_], id_))[:k]
    return [
        {**{f: rows[i][f] for f in FIELDS}, "score": round(scores[i], 6), "similarity": _cosine(rows[i])} for i in best
    ]


def _cosine(row: dict) -> float | None:
    """A vector hit's cosine similarity: its squared l2 distance between unit vectors is 2 - 2 cos."""
    distance = row.get("_distance")
    return None if distance is None else round(1 - float(distance) / 2, 4)
