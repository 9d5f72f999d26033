"""The README's first command on a fresh clone: install time, the environment's size, the first demo.

    python benchmarks/install.py                       # with python3
    python benchmarks/install.py --python python3.13   # any interpreter

Each figure is printed beside a reference from the same run, since machines here differ 2-3x:
- the install from an empty uv cache (download included) beside the same install from the
  filled cache (no download), so the download's share shows;
- the first `egregora demo` beside the second (nothing changed, no run), beside the same demo
  into a new home (all the work again, bytecode compiled) and beside `egregora parse --summary`;
- the environment's size, and each large distribution's, beside the whole.
Budgets (issue #20): install plus demo at most 3 minutes on 2 cores, the default environment at
most 1 GB, the first demo at most 20 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


def readme_install() -> str:
    """The install half of the README's first command (before `&& .venv/bin/egregora demo`)."""
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    first = next(line.strip() for line in readme.splitlines() if line.startswith("    python3 -m venv"))
    install, _, demo = first.partition(" && .venv/bin/egregora demo")
    assert demo, "the README's first command no longer ends with the demo"
    return install.replace("python3 -m venv", "{python} -m venv", 1)


CPU: dict[str, float] = {}  # CPU seconds of each timed command's processes: on a shared machine, the steadier figure


def timed(command: str, cwd: Path, env: dict) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, shell=True, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[command] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall


def fresh_clone(root: Path, name: str) -> Path:
    target = root / name
    subprocess.run(["git", "clone", "-q", str(CHECKOUT), str(target)], check=True)
    return target


def size_mb(path: Path) -> float:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def distributions(venv: Path) -> list[tuple[str, float]]:
    """Each installed distribution's size on disk, from its RECORD (the files it installed)."""
    site = next(venv.glob("lib/python3*/site-packages"))
    sizes = []
    for record in site.glob("*.dist-info/RECORD"):
        name = record.parent.name.split("-")[0]
        total = 0
        for row in csv.reader(record.read_text(encoding="utf-8").splitlines()):
            path = (site / row[0]).resolve() if row else None
            if path and path.is_file():
                total += path.stat().st_size
        sizes.append((name, total / 1e6))
    return sorted(sizes, key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default="python3")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    python = shutil.which(args.python) or args.python
    version = subprocess.run([python, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    root = Path(tempfile.mkdtemp(prefix="egregora-install-"))
    env = {**os.environ, "UV_CACHE_DIR": str(root / "uv-cache")}
    env.pop("VIRTUAL_ENV", None)
    print(f"{platform.node()} · {os.cpu_count()} cores · {version} · {time.strftime('%Y-%m-%d')}")

    cold = fresh_clone(root, "cold")
    install_cold = timed(readme_install().format(python=python), cold, env)
    demo = f"{cold}/.venv/bin/egregora demo --home {cold}/demo-home"
    first_demo = timed(demo, cold, env)
    first_demo_cpu = CPU[demo]
    again = timed(demo, cold, env)
    # The same demo into a new home: all the work again, with Python's bytecode already compiled.
    fresh_home = f"{cold}/.venv/bin/egregora demo --home {cold}/demo-home-2"
    second_demo = timed(fresh_home, cold, env)
    second_demo_cpu = CPU[fresh_home]
    export = subprocess.run(
        [f"{cold}/.venv/bin/python", "-c", "from egregora_assets.demo import DEMO_EXPORT; print(DEMO_EXPORT)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    parse = timed(f"{cold}/.venv/bin/egregora parse {export} --summary", cold, env)
    warm = fresh_clone(root, "warm")
    install_warm = timed(readme_install().format(python=python), warm, env)

    venv = cold / ".venv"
    total = size_mb(venv)
    print(f"install, empty cache (download included): {install_cold:6.1f} s")
    print(f"install, filled cache (reference, no download): {install_warm:6.1f} s")
    print(
        f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores: above 2, others' work stretched the wall times)"
    )
    print(
        f"first demo: {first_demo:6.1f} s wall, {first_demo_cpu:.1f} CPU-s · again, nothing changed: {again:.1f} s · parse --summary: {parse:.1f} s"
    )
    print(f"the same demo into a new home (bytecode compiled): {second_demo:6.1f} s wall, {second_demo_cpu:.1f} CPU-s")
    print(f"install + first demo: {install_cold + first_demo:6.1f} s (budget 180 s)")
    print(f"environment: {total:,.0f} MB after the demo (budget 1,000 MB), bytecode included")
    print(f"largest distributions (of {total:,.0f} MB):")
    for name, mb in distributions(venv)[: args.top]:
        print(f"  {name:<28} {mb:7.1f} MB  {100 * mb / total:4.1f}%")
    if any(name.lower() == "torch" for name, _ in distributions(venv)):
        print("torch is installed: the default install must not bring it")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
