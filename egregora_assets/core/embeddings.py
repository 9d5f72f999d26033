"""Hybrid retrieval over the LanceDB `vectors` table: vector plus full-text, fused and reranked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from .languages import LANGUAGES, stopwords
from .text import fold, sql_string

RRF_K = 60  # the usual reciprocal-rank-fusion constant; dampens the weight of the very top ranks
OVERLAP_WEIGHT = 0.5 / RRF_K  # a passage holding every search term gains half a first place
FIELDS = ("id", "group", "date", "kind", "title", "text", "url")

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


def index_text(table) -> None:
    """(Re)build the native LanceDB full-text index on `text` that hybrid_search relies on."""
    from lancedb.index import FTS

    # lancedb 0.40: the first argument of create_index is the column when `config` is given.
    table.create_index("text", config=FTS(), replace=True)


VECTOR_INDEX = "vector_idx"
# Past this many rows an ANN index is faster than a full scan at a recall@10 above 0.95; below
# it a scan is exact and cheap (benchmarks/retrieval.py, figures in benchmarks/RESULTS.md).
ANN_MIN_ROWS = 20_000
# The index ranks by 8-bit quantized vectors; re-ranking this many times the limit by the full
# vectors gives exact answers under narrow filters (one group of many). A scan ignores it.
REFINE_FACTOR = 4


def vector_index():
    """The ANN index of the vectors: IVF_HNSW_SQ, by l2 (the distance hybrid_search ranks by)."""
    from lancedb.index import HnswSq

    return HnswSq(distance_type="l2")


def index_vectors(table, min_rows: int = ANN_MIN_ROWS) -> str | None:
    """Create the ANN index once the table holds `min_rows`, then fold new rows into it.

    Rows added after the index are still found (LanceDB scans them beside it) until they
    pass a tenth of the table; then `optimize` adds them to the index. Returns what it did."""
    stats = table.index_stats(VECTOR_INDEX) if any(i.name == VECTOR_INDEX for i in table.list_indices()) else None
    if stats is None:
        if table.count_rows() < min_rows:
            return None
        table.create_index("vector", config=vector_index(), name=VECTOR_INDEX)
        return "created"
    if stats.num_unindexed_rows * 10 > stats.num_indexed_rows:
        table.optimize()
        return "optimized"
    return None


def _where(group: str | None, before: str | None) -> str | None:
    """The SQL filter shared by both searches (`group` is a keyword, hence the backticks)."""
    clauses = []
    if group is not None:
        clauses.append(f"`group` = {sql_string(group)}")
    if before is not None:
        clauses.append(f"date < {sql_string(before)}")  # ISO dates sort as strings
    return " AND ".join(clauses) or None


def _ranked(query, where: str | None, limit: int) -> list[dict]:
    """The rows of a LanceDB query, best first, filtered before ranking."""
    if where:
        query = query.where(where, prefilter=True)
    return query.limit(limit).to_list()


def _full_text(table, terms: str, where: str | None, limit: int) -> list[dict]:
    """Full-text hits for `terms`, or none when there are no terms or no index yet."""
    if not terms.strip():
        return []
    try:
        return _ranked(table.search(terms, query_type="fts", fts_columns="text"), where, limit)
    except ValueError:  # LanceDB's answer when the table has no full-text index (e.g. empty)
        return []


def _stem(word: str) -> str:
    """A crude language-blind stem: enough to match "bikes" with "bike"."""
    return word.rstrip("s")[:6]


def _overlap(terms: list[str], row: dict) -> float:
    """The share of search terms (by crude stem) found in a row's title or text."""
    if not terms:
        return 0.0
    words = {_stem(w) for w in re.findall(r"\w+", fold(f"{row['title']} {row['text']}"))}
    return sum(_stem(t) in words for t in terms) / len(terms)


def hybrid_search(
    table,
    query_vector: Sequence[float],
    terms: str,
    *,
    group: str | None,
    k: int = 8,
    before: str | None = None,
) -> list[dict]:
    """The k best passages for a question: vector and full-text ranks fused (RRF), then reranked."""
    where, pool = _where(group, before), max(4 * k, 20)
    vector_query = table.search(list(query_vector), vector_column_name="vector").refine_factor(REFINE_FACTOR)
    rankings = [_ranked(vector_query, where, pool), _full_text(table, terms, where, pool)]
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
    return [{**{f: rows[i][f] for f in FIELDS}, "score": round(scores[i], 6)} for i in best]
