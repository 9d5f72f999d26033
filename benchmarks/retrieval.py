"""LanceDB retrieval at scale: exact search against an ANN index, with numpy's exact search as the peer.

    python benchmarks/retrieval.py                 # 100,000 vectors of dimension 384
    python benchmarks/retrieval.py --rows 20000 --queries 50

The vectors are synthetic but shaped like MiniLM's: unit length, in topics of very unequal
sizes, living near a low-dimensional subspace (sentence embeddings have a small intrinsic
dimension), so nearest neighbours are neither trivial nor random. No model is loaded.
Ground truth is numpy's exact top 10 by cosine (dot product of unit vectors); LanceDB searches by
l2, which orders unit vectors the same way. Two ANN indexes are measured, with their default
query settings and with the refine factor hybrid_search uses: IVF_PQ, and IVF_HNSW_SQ, the one
VectorStore creates (`vector_index()` in egregora_assets/core/vectors.py). Smaller tables
(`--sizes`) show the size past which the index pays.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import lancedb
import numpy as np
import pyarrow as pa
from lancedb.index import IvfPq

from egregora_assets.core.embeddings import REFINE_FACTOR
from egregora_assets.core.vectors import vector_index

K = 10
DIM = 384


def clustered_vectors(rows: int, dim: int, seed: int = 7) -> np.ndarray:
    """Unit vectors in Zipf-sized topics around centres in a 48-dimensional subspace, plus noise."""
    rng = np.random.default_rng(seed)
    latent, topics = 48, max(8, rows // 100)
    basis = np.linalg.qr(rng.standard_normal((dim, latent)))[0].T  # latent x dim, orthonormal rows
    centres = rng.standard_normal((topics, latent))
    sizes = 1.0 / np.arange(1, topics + 1) ** 0.8
    topic = rng.choice(topics, size=rows, p=sizes / sizes.sum())
    points = centres[topic] + 0.6 * rng.standard_normal((rows, latent))
    vectors = points @ basis + 0.08 * rng.standard_normal((rows, dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ms = sorted(s * 1000 for s in seconds)
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def timed(search, queries: np.ndarray) -> tuple[list[list[int]], list[float]]:
    """Each query's result ids and latency, one query at a time (as `egregora ask` and the writer do)."""
    search(queries[0])  # warm caches and the index
    found, seconds = [], []
    for q in queries:
        start = time.perf_counter()
        found.append(search(q))
        seconds.append(time.perf_counter() - start)
    return found, seconds


def recall(found: list[list[int]], truth: list[list[int]]) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth)]))


def lance_search(table, *, exact: bool = False, refine: int | None = None):
    def search(q: np.ndarray) -> list[int]:
        query = table.search(q, vector_column_name="vector").distance_type("l2").select(["row", "_distance"]).limit(K)
        if exact:
            query = query.bypass_vector_index()
        if refine:
            query = query.refine_factor(refine)
        return query.to_arrow()["row"].to_pylist()

    return search


def measure(vectors: np.ndarray, queries: np.ndarray, folder: Path) -> list[dict]:
    """numpy exact, LanceDB exact and LanceDB with the ANN index, on one table of `vectors`."""

    def numpy_search(q: np.ndarray) -> list[int]:
        scores = vectors @ q
        top = np.argpartition(-scores, K)[:K]
        return top[np.argsort(-scores[top])].tolist()

    truth, numpy_s = timed(numpy_search, queries)
    data = pa.table(
        {
            "row": pa.array(np.arange(len(vectors)), pa.int64()),
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), DIM),
        }
    )
    table = lancedb.connect(folder).create_table(f"v{len(vectors)}", data)
    exact, exact_s = timed(lance_search(table, exact=True), queries)
    rows = [("numpy exact (peer)", truth, numpy_s, None), ("LanceDB exact", exact, exact_s, None)]
    for name, config in (("IVF_PQ", IvfPq(distance_type="l2")), ("IVF_HNSW_SQ", vector_index())):
        start = time.perf_counter()
        table.create_index("vector", config=config, replace=True)
        build = time.perf_counter() - start
        for refine in (None, REFINE_FACTOR):  # default query settings, then as hybrid_search asks
            found, seconds = timed(lance_search(table, refine=refine), queries)
            label = f"LanceDB {name}" + (f", refine_factor {refine}" if refine else "")
            rows.append((label, found, seconds, None if refine else build))
    return [
        {"rows": len(vectors), "method": m, "recall": recall(f, truth), "latency": percentiles(s), "build": b}
        for m, f, s, b in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--sizes", default="2000,5000,10000,20000,50000", help="smaller tables, for the break-even size"
    )
    args = parser.parse_args()
    everything = clustered_vectors(args.rows + args.queries, DIM)
    vectors, queries = everything[: args.rows], everything[args.rows :]
    sizes = sorted({int(s) for s in args.sizes.split(",") if int(s) < args.rows} | {args.rows})
    print(
        f"{platform.node()}: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; lancedb {lancedb.__version__}"
    )
    print(f"{args.queries} queries, top {K}, dimension {DIM}")
    print("| rows | method | recall@10 | p50 ms | p95 ms | index build s |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            for r in measure(vectors[:size], queries, Path(folder)):
                build = f"{r['build']:.1f}" if r["build"] is not None else ""
                p50, p95 = r["latency"]
                print(f"| {size:,} | {r['method']} | {r['recall']:.3f} | {p50:.2f} | {p95:.2f} | {build} |", flush=True)


if __name__ == "__main__":
    main()
