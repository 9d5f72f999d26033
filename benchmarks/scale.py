"""`egregora write` of 7, 30, 90 and 365 days of chat: first run, unchanged re-run, one more day,
beside `egregora parse --summary` of the same export (an unchanged re-run should cost at most 3 times that).

    python benchmarks/scale.py [--days 7 30 90 365] [--no-append]

Each size gets a fresh home and a synthetic export from benchmarks/year_export.py (about 137
messages a day). Every write is a separate `egregora write --json` process; its CPU time is
that of the whole process tree (the mkdocs build included) and its peak memory the largest
sum of the tree's RSS, sampled every 50 ms; the same samples give the `mkdocs build` child's CPU
seconds, printed with their share of the run's (the site build share), beside a plain `mkdocs build` of
the same pages (so the site step's own overhead shows), and the one-more-day write's Dagster steps
with their durations. The peer, in the same run, is plain Python doing
the least such a tool must: parse the export with one regex, store the messages in DuckDB and
write one Markdown page per day. Results are printed and appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from year_export import year_chat  # noqa: E402

PEER = r"""
import re, sys, duckdb, pathlib, pyarrow as pa
text = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
out = pathlib.Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
head = re.compile(r"^(\d\d)/(\d\d)/(\d{4}) (\d\d:\d\d) - (?:([^:]+): )?(.*)$")
rows = []
for line in text.splitlines():
    m = head.match(line)
    if m:
        d, mo, y, hm, who, said = m.groups()
        rows.append([f"{y}-{mo}-{d}", hm, who, said])
    elif rows:
        rows[-1][3] += "\n" + line
messages = pa.table({k: [r[i] for r in rows] for i, k in enumerate(["day", "time", "author", "text"])})
with duckdb.connect(str(out / "peer.duckdb")) as conn:
    conn.execute("CREATE TABLE m AS SELECT * FROM messages")
days = {}
for day, hm, who, said in rows:
    days.setdefault(day, []).append(f"- {hm} **{who or 'system'}**: {said}")
for day, lines in days.items():
    (out / f"{day}.md").write_text(f"# {day}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
print(len(rows))
"""


TICK = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> tuple[int, dict[int, float]]:
    """RSS in bytes of a process and all its descendants, and the CPU seconds so far of those
    that are `mkdocs build` (the site build)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        p = int(status.parent.name)
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(p)
        rss[p] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, site, todo = 0, {}, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
        try:
            if p != pid and b"mkdocs" in Path(f"/proc/{p}/cmdline").read_bytes():
                stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                site[p] = (int(stat[11]) + int(stat[12])) / TICK  # utime + stime
        except OSError:
            continue
    return total, site


def measure(command: list[str]) -> dict:
    """Wall and CPU seconds, peak tree RSS, the site build's CPU seconds (sampled, so up to 50 ms
    short each) and the last stdout line of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    site: dict[int, float] = {}

    def sample() -> None:
        while proc.poll() is None:
            rss, cpu = tree(proc.pid)
            peak[0] = max(peak[0], rss)
            site.update(cpu)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.monotonic() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{command} failed: {err[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = (out.strip().splitlines() or [""])[-1]
    return {"wall": wall, "cpu": cpu, "rss": peak[0], "site_cpu": sum(site.values()), "last": last}


def egregora(export: Path, home: Path) -> dict:
    command = [sys.executable, "-m", "egregora_assets.cli", "write", str(export), "--home", str(home)]
    result = measure([*command, "--group", "bench", "--json"])
    result["summary"] = json.loads(result["last"])
    return result


def run_size(days: int, folder: Path) -> dict:
    export = folder / f"{days}" / "Conversa do WhatsApp com Bench.txt"
    export.parent.mkdir()
    export.write_text(year_chat(days), encoding="utf-8")
    home = folder / f"home-{days}"
    parse = measure([sys.executable, "-m", "egregora_assets.cli", "parse", "--summary", str(export)])
    first = egregora(export, home)
    again = egregora(export, home)
    more_export = folder / "more" / export.name  # a re-export has the chat's name
    more_export.parent.mkdir(exist_ok=True)
    more_export.write_text(year_chat(days + 1), encoding="utf-8")
    more = egregora(more_export, home)
    steps = last_steps(home, 2)  # the day run, then the group's publishing
    project = home / "sites" / "bench" / "project"
    plain = measure(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(folder / "plain")]
    )
    peer = measure([sys.executable, "-c", PEER, str(export), str(folder / f"peer-{days}")])
    return {
        "days": days, "parse": parse, "first": first, "again": again, "more": more, "peer": peer,
        "plain": plain, "steps": steps,
    }  # fmt: skip


STEPS = r"""
import json, sys
from dagster import DagsterInstance
instance = DagsterInstance.get()
runs = instance.get_runs(limit=int(sys.argv[1]))[::-1]
out = []
for run in runs:
    stats = sorted(instance.get_run_step_stats(run.run_id), key=lambda s: s.start_time or 0)
    out.append([(s.step_key, (s.end_time or 0) - (s.start_time or 0)) for s in stats])
print(json.dumps(out))
"""


def last_steps(home: Path, runs: int) -> list[list[tuple[str, float]]]:
    """The steps of the last write's Dagster runs (a day run, then the group's publishing) and
    how long each took, read from the home's own instance."""
    env = {**os.environ, "DAGSTER_HOME": str(home / "dagster")}
    command = [sys.executable, "-c", STEPS, str(runs)]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def row(r: dict) -> str:
    first, again, more, peer, parse = r["first"], r["again"], r["more"], r["peer"], r["parse"]
    s = first["summary"]
    per = first["cpu"] / max(1, s["partitions"])
    return (
        f"| {r['days']} | {s['messages']:,} | {s['posts']} | {first['wall']:.1f} s | {first['cpu']:.1f} s "
        f"| {first['rss'] / 2**20:.0f} MB | {per:.2f} s | {again['wall']:.1f} s / {again['cpu']:.1f} s "
        f"({again['summary']['partitions']} recomputed) | {more['wall']:.1f} s / {more['cpu']:.1f} s "
        f"({more['summary']['partitions']} recomputed) | {share(first)} | {share(more)} "
        f"| {peer['wall']:.1f} s / {peer['cpu']:.1f} s | {parse['wall']:.1f} s "
        f"| {again['wall'] / parse['wall']:.1f}x | {r['plain']['wall']:.1f} s / {r['plain']['cpu']:.1f} s |"
    )


def step_lines(r: dict) -> str:
    """The one-more-day write's runs, a line each: its steps and their seconds."""
    return "\n".join(
        f"- {r['days']} days, run {i + 1}: " + ", ".join(f"{k} {v:.1f} s" for k, v in run)
        for i, run in enumerate(r["steps"])
    )


def share(run: dict) -> str:
    """The site build's CPU seconds in a run, and their share of the run's."""
    return f"{run['site_cpu']:.1f} s ({run['site_cpu'] / max(run['cpu'], 1e-9):.0%})"


HEADER = (
    "| days | messages | posts | first: wall | CPU | peak RSS (tree) | CPU per partition | unchanged re-run: "
    "wall / CPU | one more day: wall / CPU | site build CPU (share): first | one more day "
    "| peer (parse + DuckDB + Markdown): wall / CPU | `egregora parse --summary`: wall "
    "| unchanged re-run ÷ parse | plain `mkdocs build` of the same pages: wall / CPU |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=[7, 30, 90, 365])
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument("--note", default="", help="a line for RESULTS.md (what changed, what else ran)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows, steps = [], []
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        for days in args.days:
            result = run_size(days, Path(tmp))
            rows.append(row(result))
            steps.append(step_lines(result))
            print(rows[-1], steps[-1], sep="\n", flush=True)
    text = (
        f"\n## Scale, {datetime.date.today()} (2-core / 24 GiB, Python {platform.python_version()})\n\n"
        f"`python benchmarks/scale.py`: `egregora write` of a synthetic export (benchmarks/year_export.py),\n"
        f"offline, in a fresh home per size; CPU is the process tree's. Load average when started: {load:.2f}\n"
        f"(a shared machine: wall times include waiting for a core).{(' ' + args.note) if args.note else ''}\n\n"
        f"{HEADER}\n"
        + "\n".join(rows)
        + "\n\nThe one-more-day write's Dagster steps (seconds, from the run's step stats):\n\n"
        + "\n".join(steps)
        + "\n"
    )
    print(text)
    if not args.no_append:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as results:
            results.write(text)


if __name__ == "__main__":
    main()
