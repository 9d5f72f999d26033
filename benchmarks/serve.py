"""`egregora serve` under load: concurrent clients asking and searching against a loopback LLM.

    python benchmarks/serve.py                                  # 100,000 vectors, 50 clients, 60 s
    python benchmarks/serve.py --rows 20000 --clients 10 --seconds 10 --no-record

A temporary home gets the demo written into it; then its vectors table grows to --rows synthetic
vectors (retrieval.py's clustered vectors, each with a passage of the demo's own words), indexed as
a write indexes it (full text, and the ANN index past 20,000 rows). The service runs in a process
of its own (`egregora serve`), the loopback LLM (the tests' fake_openai server) in another, and the
clients (httpx, asyncio) in this one: half their requests are `GET /search`, half `POST /ask`,
whose answer streams from the loopback LLM (questions vary, so few answers come from the cache).

Reported: p50 and p95 of `/search` and of the first streamed chunk of `/ask`, each beside a
reference measured in the same run without load: the same search as an in-process hybrid_search
on the same table, and the first chunk of the same prompt asked of the loopback LLM directly.
With --record (the default) the figures are appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import lancedb
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from retrieval import clustered_vectors, percentiles  # noqa: E402

from egregora_assets.core.embeddings import hybrid_search, search_terms  # noqa: E402
from egregora_assets.core.vectors import TABLE, arrow_rows, refresh_indexes  # noqa: E402

CLI = [sys.executable, "-m", "egregora_assets.cli"]
QUESTIONS = [
    "O que o grupo decidiu sobre a travessia?",
    "Quem leva a lanterna e o fogareiro?",
    "Quando é a trilha da Pedra Grande?",
    "Qual foi o combinado das caronas?",
    "Onde dormimos no abrigo?",
    "O que falaram sobre a previsão do tempo?",
    "Quanto custa o ônibus para Petrópolis?",
    "Quem organizou a planilha?",
]
FAKE_LLM = (
    "import sys; from egregora_assets_tests.fake_openai import FakeOpenAI\n"
    "with FakeOpenAI() as fake:\n    print(fake.url, flush=True); sys.stdin.read()\n"
)


def question(rng: random.Random) -> str:
    """A question of the pool, made one of many (answers are cached per question and passages)."""
    return f"{rng.choice(QUESTIONS)} ({rng.randrange(100_000)})"


def grow_vectors(home: Path, rows: int, seed: int = 7) -> None:
    """Fill the home's vectors table up to `rows` with synthetic windows of the demo's group."""
    table = lancedb.connect(str(home / "lancedb")).open_table(TABLE)
    have = table.to_arrow().to_pylist()
    group = have[0]["group"]
    words = re.findall(r"\w{3,}", " ".join(r["text"] for r in have))
    rng = random.Random(seed)
    vectors = clustered_vectors(rows - len(have), len(have[0]["vector"]), seed)
    batch = 20_000
    for start in range(0, len(vectors), batch):
        part = vectors[start : start + batch]
        made = []
        for i in range(len(part)):
            day = date(2026, 9, 1) + timedelta(days=rng.randrange(27))
            made.append(
                {
                    "id": f"synthetic-{start + i}",
                    "group": group,
                    "date": day.isoformat(),
                    "kind": "window",
                    "title": f"{day} #{i % 3 + 1}",
                    "text": " ".join(rng.choices(words, k=60)),
                    "url": "",
                }
            )
        table.add(arrow_rows(made, part))
    refresh_indexes(table)


def wait_for(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer")
        time.sleep(0.2)


def references(home: Path, llm_url: str, count: int) -> tuple[list[float], list[float]]:
    """Unloaded, one at a time: in-process hybrid_search, and the loopback LLM's first chunk."""
    from openai import OpenAI

    from egregora_assets.core.local_model import local_model
    from egregora_assets.core.prompts import chat_messages

    table = lancedb.connect(str(home / "lancedb")).open_table(TABLE)
    rng, searches, chunks = random.Random(1), [], []
    model = local_model()
    for _ in range(count):
        asked = question(rng)
        started = time.perf_counter()
        vector = model.encode([asked])[0]
        hybrid_search(table, vector, search_terms(asked), group=None, k=21)
        searches.append(time.perf_counter() - started)
    client = OpenAI(base_url=llm_url, api_key="none")
    passages = [{"kind": "window", "title": "t", "date": "2026-09-01", "url": "", "text": "x"}]
    for _ in range(count):
        messages = chat_messages(REPO / "prompts", "answer", question=question(rng), passages=passages)
        started, first = time.perf_counter(), None
        for part in client.chat.completions.create(model="fake", messages=messages, stream=True):
            if first is None and part.choices and part.choices[0].delta.content:
                first = time.perf_counter() - started
        chunks.append(first or float("nan"))
    return searches, chunks


async def load(base: str, clients: int, seconds: float) -> dict:
    """`clients` tasks alternating /search and /ask for `seconds`; latencies and errors."""
    found: dict = {"search": [], "first_chunk": [], "ask": [], "errors": [], "requests": 0}
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(n: int, http: httpx.AsyncClient) -> None:
        rng = random.Random(n)
        turn = n % 2
        while time.monotonic() < deadline:
            turn ^= 1
            started = time.perf_counter()
            found["requests"] += 1
            try:
                if turn:
                    response = await http.get("/search", params={"q": question(rng), "limit": 20})
                    if response.status_code != 200:
                        found["errors"].append(f"search {response.status_code}")
                    found["search"].append(time.perf_counter() - started)
                    continue
                first = None
                async with http.stream("POST", "/ask", json={"question": question(rng)}) as response:
                    async for line in response.aiter_lines():
                        if first is None and line == "event: chunk":
                            first = time.perf_counter() - started
                        if line == "event: error":
                            found["errors"].append("ask: error event")
                    if response.status_code != 200 or first is None:
                        found["errors"].append(f"ask {response.status_code}, first chunk {first}")
                found["ask"].append(time.perf_counter() - started)
                if first is not None:
                    found["first_chunk"].append(first)
            except httpx.HTTPError as error:
                found["errors"].append(f"{type(error).__name__}: {error}")

    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    return found


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()}-core {cpu}, {memory:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--references", type=int, default=100, help="unloaded calls per reference")
    parser.add_argument("--no-record", dest="record", action="store_false")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory(prefix="egregora-serve-") as tmp:
        home = Path(tmp) / "home"
        started = time.monotonic()
        subprocess.run([*CLI, "demo", "--home", str(home)], env=env, check=True, capture_output=True)
        grow_vectors(home, args.rows)
        print(f"home: demo + {args.rows:,} vectors, indexed, in {time.monotonic() - started:.0f} s", flush=True)
        llm = subprocess.Popen(
            [sys.executable, "-c", FAKE_LLM], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        llm_url = llm.stdout.readline().strip()  # type: ignore[union-attr]
        port = free_port()
        serve_env = {**env, "EGREGORA_LLM__BASE_URL": llm_url, "EGREGORA_LLM__MODEL": "fake"}
        server = subprocess.Popen([*CLI, "serve", "--home", str(home), "--port", str(port)], env=serve_env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/healthz", server)
            httpx.get(f"{base}/search", params={"q": "trilha"}, timeout=120)  # loads the model and the index
            search_ref, chunk_ref = references(home, llm_url, args.references)
            load_avg = os.getloadavg()[0]
            found = asyncio.run(load(base, args.clients, args.seconds))
            metrics = httpx.get(f"{base}/metrics").text
        finally:
            server.terminate()
            server.wait(timeout=30)
            llm.stdin.close()  # type: ignore[union-attr]
            llm.wait(timeout=30)
    report(args, found, search_ref, chunk_ref, metrics, load_avg)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report(args, found: dict, search_ref: list[float], chunk_ref: list[float], metrics: str, load_avg: float) -> None:
    hits = re.search(r"^egregora_llm_cache_hits_total (\S+)", metrics, re.MULTILINE)
    rows = [
        ("`GET /search`, under load", found["search"]),
        ("in-process hybrid_search, unloaded (reference)", search_ref),
        ("`POST /ask` first chunk, under load", found["first_chunk"]),
        ("loopback LLM first chunk, direct, unloaded (reference)", chunk_ref),
        ("`POST /ask` whole answer, under load", found["ask"]),
    ]
    lines = ["| what | calls | p50 | p95 |", "| --- | --- | --- | --- |"]
    for name, seconds in rows:
        p50, p95 = percentiles(seconds) if seconds else (float("nan"), float("nan"))
        lines.append(f"| {name} | {len(seconds):,} | {p50:.0f} ms | {p95:.0f} ms |")
    errors = len(found["errors"])
    summary = (
        f"{args.clients} clients for {args.seconds:.0f} s, {args.rows:,} vectors: {found['requests']:,} requests, "
        f"{errors} errors, {float(hits.group(1)) if hits else 0:.0f} answers from the LLM cache; "
        f"load average when the load started {load_avg:.2f}."
    )
    table = "\n".join(lines)
    print(f"\n{summary}\n\n{table}")
    if found["errors"]:
        print("first errors:", json.dumps(found["errors"][:5]))
    if args.record:
        with (REPO / "benchmarks" / "RESULTS.md").open("a", encoding="utf-8") as out:
            out.write(
                f"\n## Serve under load, {date.today()} ({machine()})\n\n"
                f"`python benchmarks/serve.py --rows {args.rows} --clients {args.clients} --seconds {args.seconds:.0f}`: "
                f"{summary}\n\n{table}\n"
            )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
