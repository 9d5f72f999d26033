"""`egregora write` killed with SIGKILL at several moments, then run again, gives exactly what
an uninterrupted run gives: same documents, vectors, feed and site, nothing duplicated."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import lancedb
import pytest

from egregora_assets.core.home import Home
from egregora_assets_tests.helpers import CLI, egregora, query

DEMO = ["demo", "--json", "--home"]


def run_demo(home: Path) -> None:
    done = egregora(*DEMO, str(home), timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


def state(home: Path) -> dict:
    """Everything a run publishes or keeps, in comparable form."""
    paths = Home(home)
    docs = query(home, "SELECT id, kind, title, slug, content, categories, published FROM documents ORDER BY id")
    (messages,) = query(home, "SELECT count(*), count(DISTINCT id) FROM messages")
    table = lancedb.connect(str(paths.lancedb)).open_table("vectors").to_arrow()
    ids = table.column("id").to_pylist()
    (site,) = paths.sites.glob("*/public")
    return {
        "documents": docs,
        "messages": messages,
        "vector_ids": sorted(ids),
        "vectors_unique": len(ids) == len(set(ids)),
        "feeds": {p.name: p.read_bytes() for p in paths.feeds.glob("*.xml")},
        "site": {
            p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*"))
            if p.is_file() and p.suffix != ".gz"  # sitemap.xml.gz carries gzip's mtime
        },
        "site_folders": sorted(p.name for p in site.parent.iterdir()),
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, dict]:
    """An uninterrupted demo run; its secret makes the same pseudonyms in the killed homes."""
    home = tmp_path_factory.mktemp("reference")
    run_demo(home)
    return home, state(home)


def children(pid: int) -> list[int]:
    """Live processes whose parent is `pid`."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper is not)."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def inside_lancedb(home: Path) -> bool:
    return (Home(home).lancedb / "vectors.lance").exists()


def mkdocs_running(home: Path) -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        # `python -m mkdocs build ...`, or our child that runs mkdocs (core/mkdocs_site.py)
        if b"build" in args and any(b"mkdocs" in a for a in args) and str(home).encode() in b" ".join(args):
            return True
    return False


def after(seconds: float) -> Callable[[Path], bool]:
    start = time.monotonic()
    return lambda _: time.monotonic() - start > seconds


@pytest.mark.parametrize(
    "moment",
    [after(4), inside_lancedb, mkdocs_running],
    ids=["early", "inside-lancedb-writes", "inside-site-build"],
)
def test_killed_then_rerun_equals_uninterrupted(tmp_path, reference, moment):
    ref_home, expected = reference
    home = tmp_path / "home"
    (home / "private").mkdir(parents=True)
    shutil.copy(Home(ref_home).secret, Home(home).secret)
    writer = subprocess.Popen([*CLI, *DEMO, str(home)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not moment(home):
        assert writer.poll() is None, "the run ended before the moment to kill it"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    orphans = children(writer.pid)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    time.sleep(0.3)
    assert not mkdocs_running(home), "mkdocs kept building after its parent was killed"
    # Nothing the killed run started keeps writing after it: mkdocs dies with its parent, and
    # Dagster's log tails are ended by its own orphan watcher within a second or so.
    grace = time.monotonic() + 10
    while time.monotonic() < grace and [pid for pid in orphans if alive(pid)]:
        time.sleep(0.1)
    assert not [pid for pid in orphans if alive(pid)]
    run_demo(home)
    assert state(home) == expected
