"""The offline digest at a glance: the title and tags of every post of the demo.

    python benchmarks/digest_sample.py [--home HOME]

Without --home, builds the demo into a temporary home first (about 2 minutes here); with
it, reads the posts already in HOME's `documents` table. Prints one line per post, then
the number of distinct tags against the number of posts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def build_demo(home: Path) -> None:
    """The demo written into `home` by the CLI from this checkout."""
    cmd = [sys.executable, "-m", "egregora_assets.cli", "demo", "--home", str(home), "--json"]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})


def posts(home: Path) -> list[tuple[str, str, list[str]]]:
    """(date, title, tags) of every post in the home, oldest first."""
    with duckdb.connect(str(home / "egregora.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "SELECT date, title, categories FROM documents WHERE kind = 'post' ORDER BY published, id"
        ).fetchall()
    return [(str(day), title, list(tags)) for day, title, tags in rows]


def report(rows: list[tuple[str, str, list[str]]]) -> str:
    lines = [f"{day}  {title}  [{', '.join(tags)}]" for day, title, tags in rows]
    distinct = {t for _, _, tags in rows for t in tags}
    per_post = len(distinct) / len(rows) if rows else 0
    lines.append(f"\n{len(distinct)} distinct tags for {len(rows)} posts ({per_post:.2f} per post)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a home already written (default: build the demo)")
    args = parser.parse_args()
    if args.home:
        print(report(posts(args.home)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        build_demo(Path(tmp) / "home")
        print(report(posts(Path(tmp) / "home")))


if __name__ == "__main__":
    main()
