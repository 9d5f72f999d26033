"""`egregora write` of a month of a busy chat with an LLM that answers after 1 s, beside the same
month offline: requests by stage, peak and average requests in flight, wall time.

    python benchmarks/llm_throughput.py [--days 30] [--latency 1.0] [--concurrency 8 [1 ...]] [--no-append]

The export is benchmarks/year_export.py's (about 137 messages a day). The LLM is the tests'
loopback OpenAI-compatible server (egregora_assets_tests/fake_openai.py) replaying recorded
answers after `--latency` seconds each; pages are not fetched. Each write is a separate
`egregora write --json` process in a fresh home. Goals (issue #22): on average at least 6
requests in flight at the default concurrency, and a wall time of at most the offline run's
plus requests / 6 seconds. Results are printed and appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from year_export import year_chat  # noqa: E402

from egregora_assets_tests.fake_openai import FakeOpenAI  # noqa: E402

STAGES = ("enrich_url", "describe_media", "writer", "portrait", "judge")  # the prompts' markers


def write(export: Path, home: Path, env: dict[str, str]) -> tuple[float, dict]:
    """Wall seconds and the `--json` summary of one `egregora write` in its own process."""
    command = [sys.executable, "-m", "egregora_assets.cli", "write", str(export), "--home", str(home)]
    start = time.monotonic()
    done = subprocess.run(
        [*command, "--group", "bench", "--json"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    wall = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"egregora write failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def run(days: int, latency: float, concurrencies: list[int], folder: Path) -> dict:
    """The offline write, then one LLM write per concurrency, each in a fresh home."""
    export = folder / "Conversa do WhatsApp com Bench.txt"
    export.write_text(year_chat(days), encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if not k.startswith("EGREGORA_")}
    offline, offline_summary = write(export, folder / "offline", base)
    runs = [llm_write(export, folder / f"llm-{c}", base, latency, c) for c in concurrencies]
    return {
        "days": days,
        "messages": export.read_text(encoding="utf-8").count("\n"),
        "latency": latency,
        "offline": offline,
        "offline_posts": offline_summary.get("posts"),
        "runs": runs,
    }


def llm_write(export: Path, home: Path, base: dict[str, str], latency: float, concurrency: int) -> dict:
    """One write against the loopback server, and what the server saw."""
    with FakeOpenAI() as server:
        server.latency = latency
        llm = {"BASE_URL": server.url, "API_KEY": "sk-bench", "MODEL": "bench-model", "FETCH_URLS": "false"}
        env = {**base, **{f"EGREGORA_LLM__{k}": v for k, v in llm.items()}}
        env["EGREGORA_LLM__CONCURRENCY"] = str(concurrency)
        wall, summary = write(export, home, env)
    stages = Counter(marker or path for path, marker, _ in server.calls)
    return {
        "concurrency": concurrency,
        "wall": wall,
        "posts": summary.get("posts"),
        "requests": sum(stages[s] for s in STAGES),
        "stages": {s: stages[s] for s in STAGES if stages[s]},
        "peak": server.peak_in_flight,
        "average": server.average_in_flight(),
        "busy": _busy(server.spans),
        "stage_average": {s: server.average_in_flight(s) for s in STAGES if stages[s]},
        "stage_seconds": {s: _seconds(server.spans, s) for s in STAGES if stages[s]},
    }


def _busy(spans: list[tuple[float, float, str | None]]) -> float:
    """Requests in flight on average while at least one is (the time between steps left out)."""
    busy, reach = 0.0, float("-inf")
    for start, end, _ in sorted(spans):
        busy += max(0.0, end - max(start, reach))
        reach = max(reach, end)
    return sum(end - start for start, end, _ in spans) / busy if busy else 0.0


def _seconds(spans: list[tuple[float, float, str | None]], marker: str) -> float:
    """From the first request of a stage to the end of its last."""
    mine = [(start, end) for start, end, m in spans if m == marker]
    return max(end for _, end in mine) - min(start for start, _ in mine)


def report(r: dict, load: float, note: str) -> str:
    first = r["runs"][0]
    budget = r["offline"] + first["requests"] / 6
    verdict = lambda ok: "met" if ok else "missed"  # noqa: E731
    return (
        f"\n## LLM throughput, {datetime.date.today()} ({os.cpu_count()} cores, Python {platform.python_version()})\n\n"
        f"`python benchmarks/llm_throughput.py --days {r['days']} --concurrency "
        f"{' '.join(str(x['concurrency']) for x in r['runs'])}`: `egregora write` of {r['days']} days of "
        f"benchmarks/year_export.py ({r['messages']:,} lines) against the loopback server answering after "
        f"{r['latency']:g} s, beside the same export offline (same run, fresh homes, pages not fetched). "
        f"Load average when started: {load:.2f} (a shared machine).{(' ' + note) if note else ''}\n\n"
        "| run | wall | posts | requests | by stage (its span, its average in flight) | peak in flight "
        "| average in flight | average while any is in flight |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        f"| offline | {r['offline']:.1f} s | {r['offline_posts']} | 0 | | | | |\n"
        + "".join(_row(x) for x in r["runs"])
        + f"\nGoals at concurrency {first['concurrency']}: average in flight >= 6: {first['average']:.2f}, "
        f"{verdict(first['average'] >= 6)}; wall <= offline + requests / 6 = {r['offline']:.1f} + "
        f"{first['requests'] / 6:.1f} = {budget:.1f} s: {first['wall']:.1f} s, {verdict(first['wall'] <= budget)}.\n"
    )


def _row(x: dict) -> str:
    stages = ", ".join(
        f"{name} {count} ({x['stage_seconds'][name]:.0f} s, {x['stage_average'][name]:.1f})"
        for name, count in x["stages"].items()
    )
    return (
        f"| LLM, concurrency {x['concurrency']} | {x['wall']:.1f} s | {x['posts']} | {x['requests']} | {stages} "
        f"| {x['peak']} | {x['average']:.2f} | {x['busy']:.2f} |\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8], help="the first is held to the goals")
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument("--note", default="", help="a line for RESULTS.md (what changed, what else ran)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        result = run(args.days, args.latency, args.concurrency, Path(tmp))
    text = report(result, load, args.note)
    print(text)
    if not args.no_append:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as results:
            results.write(text)


if __name__ == "__main__":
    main()
