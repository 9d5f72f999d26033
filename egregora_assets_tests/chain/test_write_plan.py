"""A write knows before any run what it must recompute (core/plan.py): nothing when nothing
changed, only the new days when only days were added, and everything otherwise; a narrowed write
gives exactly what a full one gives."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import duckdb
import pytest

from egregora_assets.cli import main
from egregora_assets.core.home import Home
from egregora_assets.core.raw_exports.staging import stage_export
from egregora_assets.core.settings import load_settings
from egregora_assets.plan import plan
from egregora_assets_tests.exports import chat_between


def write(export: Path, home: Path) -> dict:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["write", str(export), "--home", str(home), "--json", "--group", "trilhas"]) == 0
    return json.loads(buffer.getvalue().strip().splitlines()[-1])


def export(folder: Path, first: int, last: int, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Conversa do WhatsApp com Trilhas.txt"
    path.write_text(chat_between(first, last) + extra, encoding="utf-8")
    return path


def planned(home: Path, path: Path):
    settings = load_settings(home)
    return plan(settings, stage_export(path, Home(settings.home), group="trilhas"))


def documents(home: Path) -> list:
    with duckdb.connect(str(home / "egregora.duckdb"), read_only=True) as conn:
        return conn.execute("SELECT id, date, title, content FROM documents ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Days 1-20 of the demo written into a home."""
    root = tmp_path_factory.mktemp("plan")
    home = root / "home"
    first = write(export(root / "a", 1, 20), home)
    return root, home, first


def test_unchanged_write_launches_no_run(written):
    root, home, first = written
    runs = len(list((home / "dagster" / "history" / "runs").glob("*.db")))
    again = write(export(root / "a", 1, 20), home)
    assert again["unchanged"] is True and again["partitions"] == 0 and again["llm_requests"] == 0
    assert (again["posts"], again["messages"]) == (first["posts"], first["messages"])
    assert len(list((home / "dagster" / "history" / "runs").glob("*.db"))) == runs  # no run launched


def test_what_makes_a_write_run_again(written, monkeypatch, tmp_path):
    root, written_home, _ = written
    home = tmp_path / "home"  # a copy: what this test stages must not reach the others
    shutil.copytree(written_home, home)
    root, path = tmp_path, export(tmp_path / "a", 1, 20)
    assert planned(home, path).nothing
    grown = planned(home, export(root / "b", 1, 22))
    assert (grown.first.day, grown.last.day, grown.reason) == (21, 22, "2 day(s) changed")
    monkeypatch.setenv("EGREGORA_FEED_TOP", "3")
    assert not planned(home, path).nothing  # a setting changed
    monkeypatch.delenv("EGREGORA_FEED_TOP")
    site = home / "sites" / "trilhas" / "public"
    shutil.move(site, root / "site-aside")
    assert planned(home, path).reason == "an output was deleted"
    shutil.move(root / "site-aside", site)
    someone = "21/09/2026 10:00 - Mariana Costa adicionou Lukas Brandstätter\n"
    assert planned(home, export(root / "c", 1, 20, someone)).first.day == 1  # a new person: every day
    command = "21/09/2026 10:01 - Mariana Costa: /egregora opt-out\n"
    assert planned(home, export(root / "d", 1, 20, command)).first.day == 1  # an opt-out: every day
    assert not planned(home, path).nothing  # what was staged since is written by the next write


def test_a_narrowed_write_gives_what_a_full_write_gives(written, tmp_path):
    root, home, _ = written
    grown = export(tmp_path / "grown", 1, 23)
    narrowed = write(grown, home)
    assert narrowed["partitions"] > 0 and narrowed["skipped"] <= 3 * 2  # the daily run covered 3 days
    fresh = tmp_path / "fresh"
    Home(fresh).private.mkdir(parents=True)
    shutil.copy(Home(home).secret, Home(fresh).secret)
    write(export(tmp_path / "a", 1, 20), fresh)  # the same history, written in full
    shutil.rmtree(fresh / "stamps")
    write(grown, fresh)
    assert documents(home) == documents(fresh)
    feed = lambda h: (h / "feeds" / "trilhas.atom.xml").read_text(encoding="utf-8")  # noqa: E731
    assert feed(home).split("<updated>", 2)[2] == feed(fresh).split("<updated>", 2)[2]
