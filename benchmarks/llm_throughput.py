"""`egregora write` of a month of a busy chat with an LLM that answers after 1 s, beside the same
month offline: requests by stage, peak and average requests in flight, wall time.

    python benchmarks/llm_throughput.py [--days 30] [--latency 1.0] [--concurrency 8] [--no-append]

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


def run(days: int, latency: float, concurrency: int, folder: Path) -> dict:
    export = folder / "Conversa do WhatsApp com Bench.txt"
    export.write_text(year_chat(days), encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if not k.startswith("EGREGORA_")}
    offline, offline_summary = write(export, folder / "offline", base)
    with FakeOpenAI() as server:
        server.latency = latency
        llm = {"BASE_URL": server.url, "API_KEY": "sk-bench", "MODEL": "bench-model", "FETCH_URLS": "false"}
        env = {**base, **{f"EGREGORA_LLM__{k}": v for k, v in llm.items()}}
        env["EGREGORA_LLM__CONCURRENCY"] = str(concurrency)
        wall, summary = write(export, folder / "llm", env)
    stages = Counter(marker or path for path, marker, _ in server.calls)
    chats = sum(stages[s] for s in STAGES)
    return {
        "days": days,
        "messages": export.read_text(encoding="utf-8").count("\n"),
        "latency": latency,
        "concurrency": concurrency,
        "offline": offline,
        "offline_posts": offline_summary.get("posts"),
        "wall": wall,
        "posts": summary.get("posts"),
        "requests": chats,
        "stages": {s: stages[s] for s in STAGES if stages[s]},
        "peak": server.peak_in_flight,
        "average": server.average_in_flight(),
        "stage_average": {s: server.average_in_flight(s) for s in STAGES if stages[s]},
        "stage_seconds": {s: _seconds(server.spans, s) for s in STAGES if stages[s]},
        "budget": offline + chats / 6,
    }


def _seconds(spans: list[tuple[float, float, str | None]], marker: str) -> float:
    """From the first request of a stage to the end of its last."""
    mine = [(start, end) for start, end, m in spans if m == marker]
    return max(end for _, end in mine) - min(start for start, _ in mine)


def report(r: dict, load: float, note: str) -> str:
    stages = ", ".join(
        f"{name} {count} ({r['stage_seconds'][name]:.0f} s, {r['stage_average'][name]:.1f} in flight)"
        for name, count in r["stages"].items()
    )
    verdict = lambda ok: "met" if ok else "missed"  # noqa: E731
    return (
        f"\n## LLM throughput, {datetime.date.today()} ({os.cpu_count()} cores, Python {platform.python_version()})\n\n"
        f"`python benchmarks/llm_throughput.py --days {r['days']}`: `egregora write` of {r['days']} days of "
        f"benchmarks/year_export.py ({r['messages']:,} lines) against the loopback server answering after "
        f"{r['latency']:g} s, at concurrency {r['concurrency']}, beside the same export offline (same run, "
        f"fresh homes). Load average when started: {load:.2f} (a shared machine).{(' ' + note) if note else ''}\n\n"
        "| run | wall | posts | requests | by stage (its span, its average in flight) | peak in flight "
        "| average in flight |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        f"| offline | {r['offline']:.1f} s | {r['offline_posts']} | 0 | | | |\n"
        f"| LLM | {r['wall']:.1f} s | {r['posts']} | {r['requests']} | {stages} | {r['peak']} | {r['average']:.2f} |\n\n"
        f"Goals: average in flight >= 6: {r['average']:.2f}, {verdict(r['average'] >= 6)}; wall <= offline + "
        f"requests / 6 = {r['offline']:.1f} + {r['requests'] / 6:.1f} = {r['budget']:.1f} s: {r['wall']:.1f} s, "
        f"{verdict(r['wall'] <= r['budget'])}.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=8)
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
