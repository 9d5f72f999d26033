"""The Dagster UI of a written home: the real `egregora ui` on 127.0.0.1, read through its GraphQL API."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from egregora_assets.definitions import CHAIN as ASSETS
from egregora_assets_tests.helpers import CLI, egregora, free_port, last_json

CHAIN = [a.key.to_user_string() for a in ASSETS]
DAILY = CHAIN[:6]
DEMO_DAYS = [f"2026-09-{d:02d}" for d in range(1, 28)]  # the demo's messages, 1 to 27 September


def graphql(port: int, query: str, **variables) -> dict:
    """The webserver's whole GraphQL answer (data, or errors) to `query`."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@dataclass
class UI:
    port: int
    group: str
    log: Path
    home: Path

    def query(self, query: str, **variables) -> dict:
        answer = graphql(self.port, query, **variables)
        assert "errors" not in answer, answer["errors"]
        return answer["data"]


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """`egregora demo` written into a home, then `egregora ui` on it, its output kept in a file."""
    home, logs = tmp_path_factory.mktemp("home"), tmp_path_factory.mktemp("logs")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "EGREGORA_"))}
    demo = egregora("demo", "--home", str(home), "--json", env=env, timeout=900)
    assert demo.returncode == 0, demo.stderr[-2000:]
    group = last_json(demo.stdout)["groups"][0]
    port, log = free_port(), logs / "ui.log"
    with open(log, "wb") as out:  # started from elsewhere than the checkout, as users do
        server = subprocess.Popen(
            [*CLI, "ui", "--home", str(home), "--port", str(port)],
            cwd=logs,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = UI(port, group, log, home)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()[-3000:]
            try:
                if len(served.query("{ assetNodes { id } }")["assetNodes"]) == len(CHAIN):
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            pytest.fail("the UI never answered: " + log.read_text()[-3000:])
        yield served
    finally:
        server.send_signal(signal.SIGTERM)  # `egregora ui` stops its webserver and daemon on it
        try:
            server.wait(timeout=60)
        finally:
            try:
                os.killpg(server.pid, signal.SIGKILL)  # whatever of the session is left
            except ProcessLookupError:
                pass


def test_ui_shows_the_chain(ui):
    nodes = ui.query("{ assetNodes { assetKey { path } isPartitioned } }")["assetNodes"]
    assert {n["assetKey"]["path"][0] for n in nodes} == set(CHAIN)
    assert all(n["isPartitioned"] for n in nodes)


STATS = """{ assetNodes { assetKey { path }
  partitionStats { numMaterialized numPartitions numFailed numMaterializing }
  partitionKeysByDimension { name partitionKeys } } }"""


def stats(ui: UI) -> dict[str, dict]:
    return {n["assetKey"]["path"][0]: n for n in ui.query(STATS)["assetNodes"]}


def test_the_written_days_show_as_materialized_and_none_as_missing(ui):
    nodes = stats(ui)
    for name in DAILY:
        counts = nodes[name]["partitionStats"]
        assert counts == {"numMaterialized": 27, "numPartitions": 27, "numFailed": 0, "numMaterializing": 0}, name
        dimensions = {d["name"]: d["partitionKeys"] for d in nodes[name]["partitionKeysByDimension"]}
        assert dimensions == {"date": DEMO_DAYS, "group": [ui.group]}  # in calendar order
    for name in ("atom_feed", "mkdocs_site"):
        assert nodes[name]["partitionStats"]["numMaterialized"] == nodes[name]["partitionStats"]["numPartitions"] == 1


def test_the_run_page_shows_the_range_counts_and_a_preview_of_the_posts(ui):
    (posts,) = ui.query(
        """{ assetNodes(assetKeys: [{path: ["posts"]}]) { assetMaterializations(limit: 1) { runId
             metadataEntries { label ... on IntMetadataEntry { intValue } ... on MarkdownMetadataEntry { mdStr } } } } }"""
    )["assetNodes"]
    (latest,) = posts["assetMaterializations"]
    metadata = {e["label"]: e.get("intValue", e.get("mdStr")) for e in latest["metadataEntries"]}
    assert metadata["partitions_computed"] == 27 and metadata["partitions_skipped"] == 0
    assert metadata["posts"] >= 3 and metadata["preview"].count("\n> ") == min(10, metadata["posts"])
    assert metadata["preview"].startswith("**")  # a title
    run = ui.query(
        "query($id: ID!) { runOrError(runId: $id) { ... on Run { tags { key value } } } }", id=latest["runId"]
    )["runOrError"]
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert tags["egregora/days"] == "27" and tags["egregora/group"] == ui.group
    assert tags["dagster/asset_partition_range_start"] == f"2026-09-01|{ui.group}"
    assert tags["dagster/asset_partition_range_end"] == f"2026-09-27|{ui.group}"


LAUNCH = """mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }"""
BACKFILL = """query($id: String!) { partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill {
  status runs(limit: 10) { status tags { key value } assetMaterializations { assetKey { path } partition } } } } }"""


def test_a_backfill_of_a_range_of_days_materializes_exactly_those_days_in_one_run(ui):
    days = [f"{d}|{ui.group}" for d in DEMO_DAYS[2:5]]  # what the UI sends for 3 to 5 September
    params = {
        "partitionNames": days,
        "assetSelection": [{"path": ["raw_exports"]}, {"path": ["anonymized_messages"]}],
        "fromFailure": False,
        "tags": [],
    }
    launched = ui.query(LAUNCH, params=params)["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    deadline, backfill = time.monotonic() + 300, None
    while time.monotonic() < deadline:
        backfill = ui.query(BACKFILL, id=launched["backfillId"])["partitionBackfillOrError"]
        if backfill["status"] not in ("REQUESTED", "CANCELING"):
            break
        time.sleep(2)
    assert backfill and backfill["status"] == "COMPLETED_SUCCESS", backfill
    (run,) = backfill["runs"]  # a single run over the range
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert tags["dagster/asset_partition_range_start"] == days[0]
    assert tags["dagster/asset_partition_range_end"] == days[-1]
    done = sorted((m["assetKey"]["path"][0], m["partition"]) for m in run["assetMaterializations"])
    assert done == sorted((a, d) for a in ("raw_exports", "anonymized_messages") for d in days)
    assert stats(ui)["raw_exports"]["partitionStats"]["numMaterialized"] == 27


RUNS = """{ runsOrError { ... on Runs { results { runId status startTime endTime tags { key value } } } } }"""


def runs(ui: UI) -> list[dict]:
    return ui.query(RUNS)["runsOrError"]["results"]


def wait_until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(1)
    raise AssertionError(what)


def tag(run: dict, key: str) -> str | None:
    return {t["key"]: t["value"] for t in run["tags"]}.get(key)


def test_a_backfill_and_the_inbox_sensor_write_the_warehouse_at_once(ui):
    """A UI backfill of the whole daily chain and the inbox sensor's run of a new group, both held
    at the DuckDB file's lock at once: both wait, both succeed, and no row is lost."""
    import duckdb

    from egregora_assets.core.raw_exports.archive import read_export
    from egregora_assets.core.tables import count_rows
    from egregora_assets.core.warehouse import connect, duckdb_url
    from egregora_assets_tests.exports import write_txt

    before = {r["runId"] for r in runs(ui)}
    held = duckdb.connect(str(ui.home / "egregora.duckdb"))  # another writer, holding the file
    try:
        export = write_txt(ui.home / "inbox", 1, 12, "Conversa do WhatsApp com Vizinhos.txt")
        expected = read_export(export).chat.messages.num_rows
        params = {
            "partitionNames": [f"{d}|{ui.group}" for d in DEMO_DAYS],
            "assetSelection": [{"path": [name]} for name in DAILY],
            "fromFailure": False,
            "tags": [],
        }
        launched = ui.query(LAUNCH, params=params)["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched

        def both_started() -> list[dict] | None:
            new = [r for r in runs(ui) if r["runId"] not in before]
            started = [r for r in new if r["status"] == "STARTED"]
            kinds = {tag(r, "dagster/sensor_name") or tag(r, "dagster/backfill") for r in started}
            return new if {"inbox_sensor", launched["backfillId"]} <= kinds else None

        wait_until(both_started, 300, "the sensor's run and the backfill's run were not running at once")
        time.sleep(5)  # both are at the lock now, or past what they can do without it
    finally:
        held.close()

    def finished() -> list[dict] | None:
        new = [r for r in runs(ui) if r["runId"] not in before]
        return new if new and all(r["status"] not in ("QUEUED", "STARTING", "STARTED") for r in new) else None

    new = wait_until(finished, 480, "the runs did not finish")
    assert sorted(r["status"] for r in new) == ["SUCCESS", "SUCCESS"], new
    with connect(duckdb_url(ui.home / "egregora.duckdb"), read_only=True) as db:
        assert count_rows(db, "messages", ["vizinhos"]) == expected
        assert count_rows(db, "messages", [ui.group]) == 440
    assert "Traceback" not in ui.log.read_text(errors="replace")


# Python's warnings (DeprecationWarning, SupersessionWarning...) and Dagster's WARNING log lines.
WARNING = re.compile(r"warn", re.IGNORECASE)


def test_the_ui_logged_no_warning(ui):
    """Runs last in this module: the log covers the start, the queries and the backfill's run."""
    text = ui.log.read_text(errors="replace")
    assert "Serving dagster-webserver" in text
    assert [line for line in text.splitlines() if WARNING.search(line)] == []
