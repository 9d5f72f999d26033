"""Dagster on PostgreSQL: the real daemon turns 4 exports dropped at once into 4 overlapping runs, nothing lost.

The instance is deploy/dagster-postgres.yaml, unchanged, against a real PostgreSQL server, and
the warehouse is a database of its own on that server (EGREGORA_WAREHOUSE__URL), so the 4 runs
write at once instead of taking turns at a DuckDB file; the webserver, on the same instance,
lists the runs over GraphQL."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import lancedb
import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.launcher import DefaultRunLauncher
from dagster._core.run_coordinator import QueuedRunCoordinator

from egregora_assets.core.raw_exports.archive import read_export
from egregora_assets.core.warehouse import connect
from egregora_assets_tests.exports import write_txt
from egregora_assets_tests.helpers import free_port
from egregora_assets_tests.postgres import bin_dir
from egregora_assets_tests.test_webserver import graphql

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GROUPS = {"grupo-a": (1, 2), "grupo-b": (6, 7), "grupo-c": (12, 13), "grupo-d": (19, 20)}  # days of the demo chat
INBOX_RUNS = RunsFilter(tags={"dagster/sensor_name": "inbox_sensor"})
DONE = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
RUNS_QUERY = """{ runsOrError(filter: {tags: [{key: "dagster/sensor_name", value: "inbox_sensor"}]}) {
  ... on Runs { results { runId status } } } }"""


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    # A process group of its own, so its run workers and step processes end with it.
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(condition, timeout: float, what: str, daemon: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert daemon.poll() is None, f"the daemon died:\n{log.read_text(errors='replace')[-3000:]}"
        found = condition()
        if found:
            return found
        time.sleep(2)
    raise AssertionError(f"{what} within {timeout} s; daemon log:\n{log.read_text(errors='replace')[-3000:]}")


def overlapping(records) -> bool:
    """Whether any two runs were in progress at the same moment."""
    spans = sorted((r.start_time, r.end_time) for r in records)
    return any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:]))


def test_four_groups_at_once_through_the_daemon_on_postgres(postgres, tmp_path, monkeypatch):
    home, dagster_home = tmp_path / "home", tmp_path / "home" / "dagster"
    dagster_home.mkdir(parents=True)
    shutil.copy(REPO / "deploy" / "dagster-postgres.yaml", dagster_home / "dagster.yaml")
    (home / "inbox").mkdir()
    exports = {g: write_txt(home / "inbox", a, b, f"Conversa do WhatsApp com {g.replace('-', ' ').title()}.txt") for g, (a, b) in GROUPS.items()}  # fmt: skip
    messages = {g: read_export(path).chat.messages.num_rows for g, path in exports.items()}
    warehouse = postgres.database(postgres.db + "_warehouse").url
    env = {
        **os.environ,
        **postgres.env(),
        "EGREGORA_HOME": str(home),
        "DAGSTER_HOME": str(dagster_home),
        "EGREGORA_WAREHOUSE__URL": warehouse,
    }
    for name, value in postgres.env().items():  # for this process's own view of the instance
        monkeypatch.setenv(name, value)
    daemon_log, web_log, port = tmp_path / "daemon.log", tmp_path / "webserver.log", free_port()
    daemon = start([str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"], env, daemon_log)
    web = start([str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"], env, web_log)  # fmt: skip
    try:
        with DagsterInstance.from_config(str(dagster_home)) as instance:
            assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
            assert isinstance(instance.run_launcher, DefaultRunLauncher)
            assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs >= 2

            def inbox_runs_done():
                records = instance.get_run_records(INBOX_RUNS)
                return records if len(records) >= 4 and all(r.dagster_run.status in DONE for r in records) else None

            def published():
                feeds = list((home / "feeds").glob("*.atom.xml"))
                busy = instance.get_run_records(RunsFilter(statuses=[s for s in DagsterRunStatus if s not in DONE]))
                # The automation asks for each site after its feed, on a later tick: wait for the sites too.
                sites = [home / "sites" / g / "public" / "index.html" for g in GROUPS]
                return len(feeds) == 4 and all(p.is_file() for p in sites) and not busy

            records = wait_for(inbox_runs_done, 480, "4 inbox runs did not finish", daemon, daemon_log)
            assert [r.dagster_run.status for r in records] == [DagsterRunStatus.SUCCESS] * 4, [
                (r.dagster_run.run_id, r.dagster_run.status) for r in records
            ]
            assert overlapping(records), [(r.start_time, r.end_time) for r in records]
            for record in records:  # queued by the sensor, then launched by the daemon
                types = {
                    e.dagster_event.event_type for e in instance.all_logs(record.dagster_run.run_id) if e.dagster_event
                }
                assert {DagsterEventType.RUN_ENQUEUED, DagsterEventType.RUN_STARTING, DagsterEventType.RUN_SUCCESS} <= types  # fmt: skip
            assert set(instance.get_dynamic_partitions("groups")) == set(GROUPS)
            wait_for(published, 300, "4 feeds were not published", daemon, daemon_log)

        # Nothing lost: every message, window vector and post of every group, and 4 valid feeds.
        with connect(warehouse) as db:

            def per_group(table: str) -> dict[str, int]:
                t = db.table(table)
                return {r["group"]: r["n"] for r in db.rows(t.group_by("group").aggregate(n=t.count()))}

            stored, windows, posts = per_group("messages"), per_group("windows"), per_group("documents")
        assert stored == messages
        assert not (home / "egregora.duckdb").exists()  # the warehouse was PostgreSQL only
        vectors = lancedb.connect(home / "lancedb").open_table("vectors").to_arrow().to_pylist()
        assert {g: sum(v["group"] == g and v["kind"] == "window" for v in vectors) for g in GROUPS} == windows
        assert set(posts) == set(GROUPS) and all(posts.values())
        for group in GROUPS:
            feed = feedparser.parse((home / "feeds" / f"{group}.atom.xml").read_bytes())
            assert not feed.bozo and len(feed.entries) == posts[group]
            assert (home / "sites" / group / "public" / "index.html").is_file()

        # The UI lists the 4 runs.
        ids = {r.dagster_run.run_id for r in records}
        listed = wait_for(lambda: _runs_listed(port), 60, "the webserver never answered", daemon, daemon_log)
        assert {r["runId"]: r["status"] for r in listed} == dict.fromkeys(ids, "SUCCESS")
    finally:
        stop(web)
        stop(daemon)


def test_missing_postgres_binaries_fail_with_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"apt-get install postgresql"):
        bin_dir(tmp_path)


def _runs_listed(port: int) -> list[dict] | None:
    try:
        return graphql(port, RUNS_QUERY)["data"]["runsOrError"]["results"]
    except (OSError, KeyError, TypeError, json.JSONDecodeError):
        return None
