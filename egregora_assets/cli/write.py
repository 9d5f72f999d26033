"""`egregora write`: the chain for one group, in-process, as single-run backfills the Dagster UI shows."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from rich.console import Console

from ..core.home import Home
from ..core.journal import computed_at
from ..core.settings import Settings
from ..core.tables import count_authors, count_rows
from ..history import forget_old_vector_versions, forget_runs_naming, protected

INSTANCE_YAML = Path(__file__).resolve().parents[2] / "dagster.yaml"
# Failures become one line (see _require_success); EGREGORA_DEBUG=1 shows Dagster's own log.
QUIET = {"loggers": {"console": {"config": {"log_level": "DEBUG" if os.environ.get("EGREGORA_DEBUG") else "CRITICAL"}}}}


@contextmanager
def home_lock(home: Home, console: Console | None) -> Iterator[None]:
    """One writer per home at a time: a second one waits, saying for whom, so no group is half-published."""
    home.root.mkdir(parents=True, exist_ok=True)
    with open(home.write_lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            if console is not None:
                console.print(f"[yellow]Waiting for {holder}, which is writing into {home.root}…[/]")
            fcntl.flock(handle, fcntl.LOCK_EX)  # the lock dies with its holder, even on kill -9
        handle.seek(0)
        handle.truncate()
        handle.write(f"egregora write (pid {os.getpid()})")
        handle.flush()
        yield


def point_dagster_home(settings: Settings) -> None:
    """Dagster's instance lives inside the home, so the UI shows the same runs."""
    dagster_home = Home(settings.home).dagster
    dagster_home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    if not (dagster_home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_YAML, dagster_home / "dagster.yaml")


def end_stale_runs(instance) -> list[str]:
    """Mark failed the earlier `egregora write` runs still shown as running, and free their pool slots.

    Call while holding the home lock: then no other writer is alive, so such runs were killed."""
    from dagster import DagsterRunStatus, RunsFilter

    stale = instance.get_runs(
        RunsFilter(
            statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.NOT_STARTED],
            tags={"egregora/command": "write"},
        )
    )
    for run in stale:
        instance.report_run_failed(run, "the process running it is gone (killed?); a later write ended it")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return [run.run_id for run in stale]


def run_group(settings: Settings, group: str, first: date, last: date, console: Console | None = None) -> dict:
    """Materialize the group's days, then its feed and site; return the summary."""
    from dagster import AssetSelection, materialize

    from ..definitions import CHAIN, CHECKS
    from ..instance import write_instance
    from ..partitions import key_of
    from ..resources import build_resources

    instance = write_instance(Home(settings.home).dagster)  # inside the home: the UI sees these runs
    if not os.environ.get("EGREGORA_DEBUG"):  # instructor logs each failed attempt; the summary line says it
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
    ended = end_stale_runs(instance)
    if ended and console is not None:
        console.print(f"[yellow]Marked {len(ended)} interrupted earlier run(s) as failed and freed their LLM slots.[/]")
    register_home(instance, Home(settings.home))
    resources, tags = build_resources(settings), {"egregora/command": "write", "egregora/group": group}
    days = (last - first).days + 1
    results, before = [], journal_stamps(settings, [group])
    home, known = Home(settings.home), protected(Home(settings.home), group)
    for selection, label, partition in [
        (AssetSelection.groups("ingest", "write"), f"Writing {days} days of {group} (single run)…", None),
        (AssetSelection.groups("publish"), f"Publishing the feed and site of {group}…", group),
    ]:
        range_tags = (
            {}
            if partition
            else {
                "dagster/asset_partition_range_start": key_of(str(first), group),
                "dagster/asset_partition_range_end": key_of(str(last), group),
                "egregora/days": str(days),  # the run page shows the range and its size
            }
        )
        with _status(console, label, instance):
            result = materialize(
                [*CHAIN, *CHECKS],
                selection=selection,
                instance=instance,
                resources=resources,
                partition_key=partition,
                run_config=QUIET,
                raise_on_error=False,
                tags={**tags, **range_tags},
            )
        _require_success(result)
        results.append(result)
    forget(instance, resources["vectors"], protected(home, group) - known, [r.run_id for r in results], console)
    return _summary(settings, [group], results, days, before)


def forget(instance, vectors, names: set[str], runs: list[str], console: Console | None) -> None:
    """After a write: no older version of the vectors, and no earlier run naming someone newly protected."""
    forget_old_vector_versions(vectors)
    deleted = forget_runs_naming(instance, names, keep=runs)
    if deleted and console is not None:
        console.print(f"Removed {len(deleted)} earlier run(s) from the history: they named people protected only now.")


def register_home(instance, home: Home) -> None:
    """Give the instance every group and every day the home's exports cover (older homes had none)."""
    from ..core.raw_exports.staging import covered_days, every_staged
    from ..partitions import register

    records = every_staged(home)
    register(instance, {r.group for r in records}, covered_days(records))


def journal_stamps(settings: Settings, group_list: list[str]) -> set[tuple]:
    """(database, asset, group, day, when) of every journaled partition of these groups."""
    from ..core.warehouse import connect, duckdb_url

    home = Home(settings.home)
    stamps: set[tuple] = set()
    for name, url in (("staging", duckdb_url(home.staging)), ("warehouse", warehouse_url(settings))):
        if not url.startswith("duckdb://") or Path(url.removeprefix("duckdb://")).exists():
            with connect(url, read_only=True) as db:
                stamps |= {(name, *row) for row in computed_at(db, group_list)}
    return stamps


def warehouse_url(settings: Settings) -> str:
    from ..core.warehouse import duckdb_url

    return settings.warehouse.url or duckdb_url(Home(settings.home).warehouse)


def _require_success(result) -> None:
    """A failed run becomes one line naming the failed check or step (details are in the UI)."""
    if result.success:
        return
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            findings = evaluation.metadata.get("first_findings") or evaluation.metadata.get("first_problems")
            first = (findings.value.splitlines() or [""])[0] if findings else ""
            raise RuntimeError(f"check {evaluation.check_name} failed ({first}); run {result.run_id} has the rest")
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        message = (error.message or "").strip().splitlines()[0] if error else "unknown error"
        message = message.removeprefix("dagster._core.definitions.events.Failure: ")
        raise RuntimeError(f"step {event.step_key} failed: {message} (run {result.run_id})")
    raise RuntimeError(f"run {result.run_id} failed")


@contextmanager
def _status(console: Console | None, text: str, instance) -> Iterator[None]:
    """A spinner that follows the run's new log records: the running step and its last progress line."""
    if console is None:
        yield
        return
    done = threading.Event()
    with console.status(text) as status:

        def follow() -> None:
            run_id, cursor, step, note, started = None, None, "", "", time.time() - 1
            while not done.wait(0.5):
                if run_id is None:
                    runs = [r for r in instance.get_run_records(limit=1) if r.create_timestamp.timestamp() >= started]
                    run_id = runs[0].dagster_run.run_id if runs else None
                    continue
                page = instance.get_records_for_run(run_id, cursor=cursor, limit=500)
                cursor = page.cursor
                for record in page.records:
                    entry = record.event_log_entry
                    event = entry.dagster_event
                    if event is not None and event.event_type_value == "STEP_START":
                        step, note = entry.step_key or "", ""
                    elif event is None and entry.step_key == step and entry.user_message:
                        note = entry.user_message
                status.update(f"{text} [dim]{step}{' · ' + note if note else ''}[/]")

        watcher = threading.Thread(target=follow, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join()


def _summary(settings: Settings, group_list: list[str], results, days: int, before: set[tuple]) -> dict:

    home = Home(settings.home)
    # Partitions any asset recomputed: their journal entries are new (not read from metadata, which
    # a single run repeats on each of its partitions and so must stay small).
    computed = {(group, day) for _, _, group, day, _ in journal_stamps(settings, group_list) - before}
    llm = {"llm_requests": 0, "llm_cache_hits": 0, "llm_input_tokens": 0, "llm_output_tokens": 0}
    cost, without_answer = None, 0
    for result in results:
        counted: set = set()
        for event in result.get_asset_materialization_events():
            # A single run over many partitions repeats the step's metadata on each of them.
            metadata, key = event.materialization.metadata, event.asset_key
            if key not in counted and "llm_requests" in metadata:
                counted.add(key)
                for name in llm:
                    llm[name] += int(metadata[name].value) if name in metadata else 0
                if "llm_cost_estimate" in metadata:
                    cost = (cost or 0.0) + float(metadata["llm_cost_estimate"].value)
                if "windows_without_answer" in metadata:
                    without_answer += int(metadata["windows_without_answer"].value)
    from ..core.warehouse import connect

    with connect(warehouse_url(settings), read_only=True) as db:
        messages = count_rows(db, "messages", group_list)
        authors = count_authors(db, group_list)
        posts = count_rows(db, "documents", group_list, "post")
    return {
        "groups": group_list,
        "partitions": len(computed),
        "skipped": days * len(group_list) + len(group_list) - len(computed),
        "messages": messages,
        "authors": authors,
        "posts": posts,
        "feeds": [str(home.feed(g)) for g in group_list],
        "sites": [str(home.site_html(g) / "index.html") for g in group_list],
        "analysis": [str(home.analysis / g) for g in group_list],  # the Parquet, CSV and SQLite exports
        **llm,
        "windows_without_answer": without_answer,
        **({"llm_cost_estimate": round(cost, 6)} if cost is not None else {}),
    }
