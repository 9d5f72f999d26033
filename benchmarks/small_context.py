"""Posts per day do not depend on the model's context: the demo written against a model whose
context holds 6,000 characters and one whose context holds 100,000.

    python benchmarks/small_context.py [--small 6000] [--large 100000] [--no-append]

The model is the tests' loopback OpenAI-compatible server (egregora_assets_tests/fake_openai.py),
which answers HTTP 400 context_length_exceeded to a prompt longer than its `context_limit` (in
characters, as llama.cpp and OpenAI answer a prompt beyond their context) and otherwise
replays recorded answers. Each write is a separate `egregora write --json` process in a fresh
home; pages are not fetched. Goal (issue #22): the small model writes within a third as many
posts as the large one. The figure is the ratio of posts, small over large, and the requests
by stage; results are printed and appended to benchmarks/RESULTS.md.
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
sys.path.insert(0, str(ROOT))

from egregora_assets.demo import DEMO_EXPORT  # noqa: E402
from egregora_assets_tests.fake_openai import FakeOpenAI  # noqa: E402


def write(home: Path, context: int) -> dict:
    """One demo write against a model of `context` characters: posts, requests by stage, wall time."""
    with FakeOpenAI() as server:
        server.context_limit = context
        env = {k: v for k, v in os.environ.items() if not k.startswith("EGREGORA_")}
        env.update(
            EGREGORA_LLM__BASE_URL=server.url,
            EGREGORA_LLM__API_KEY="sk-bench",
            EGREGORA_LLM__MODEL="bench-model",
            EGREGORA_LLM__FETCH_URLS="false",
            EGREGORA_LLM__MAX_RETRIES="1",
        )
        command = [sys.executable, "-m", "egregora_assets.cli", "write", str(DEMO_EXPORT), "--home", str(home)]
        start = time.monotonic()
        done = subprocess.run(
            [*command, "--timezone", "America/Sao_Paulo", "--json"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        wall = time.monotonic() - start
        if done.returncode != 0:
            sys.exit(f"egregora write failed ({done.returncode}):\n{done.stderr[-3000:]}")
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        stages = Counter(
            f"{m}{'' if o == 'ok' else ' (too long)'}" for p, m, o in server.calls if p.endswith("/chat/completions")
        )
    return {
        "context": context,
        "posts": summary["posts"],
        "requests": dict(sorted(stages.items())),
        "wall_s": round(wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=6_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small, large = (write(Path(folder) / str(c), c) for c in (args.small, args.large))
    ratio = small["posts"] / max(large["posts"], 1)
    lines = [
        f"context {r['context']:>7,} chars: {r['posts']} posts, requests {r['requests']}, {r['wall_s']} s"
        for r in (small, large)
    ]
    lines.append(f"posts, small over large context: {ratio:.2f} (goal: between 0.67 and 1.33)")
    print("\n".join(lines))
    if not args.no_append:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        block = (
            f"\n## small_context.py, {stamp}, {platform.node()} ({os.cpu_count()} cores)\n\n```\n"
            + "\n".join(lines)
            + "\n```\n"
        )
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as results:
            results.write(block)


if __name__ == "__main__":
    main()
