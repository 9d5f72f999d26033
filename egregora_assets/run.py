"""Running the chain for one group in-process, as single-run backfills the Dagster UI shows."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import date

import duckdb
from dagster import DagsterEventType, DagsterInstance, materialize
from rich.console import Console

from .core.home import Home
from .core.raw_exports.staging import StagedExport
from .core.settings import Settings
from .definitions import CHECKS, DAILY, PER_GROUP, build_resources
from .partitions import groups, key_of

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_export(settings: Settings, staged: StagedExport, console: Console | None = None) -> dict:
    """Materialize every day of the export, then the group's feed and site; return the summary."""
    return run_group(settings, staged.group, staged.first_day, staged.last_day, console)


def run_group(settings: Settings, group: str, first: date, last: date, console: Console | None = None) -> dict:
    instance = DagsterInstance.get()  # $DAGSTER_HOME inside the home: the UI sees these runs
    if not instance.has_dynamic_partition(groups.name, group):
        instance.add_dynamic_partitions(groups.name, [group])
    resources = build_resources(settings)
    days = (last - first).days + 1
    with _status(console, f"Writing {days} days of {group} (single run)…", instance):
        daily = materialize(
            [*DAILY, CHECKS[0]], instance=instance, resources=resources, run_config=QUIET, raise_on_error=False,
            tags={"dagster/asset_partition_range_start": key_of(str(first), group),
                  "dagster/asset_partition_range_end": key_of(str(last), group),
                  "egregora/command": "write"},
        )
    _require_success(daily)
    with _status(console, f"Publishing the feed and site of {group}…", instance):
        publish = materialize(
            [*PER_GROUP, CHECKS[1]], instance=instance, resources=resources, partition_key=group,
            run_config=QUIET, tags={"egregora/command": "write"}, raise_on_error=False,
        )
    _require_success(publish)
    return _summary(settings, [group], [daily, publish], days)


def _require_success(result) -> None:
    """A failed run becomes one line naming the failed check or step (details are in the UI)."""
    if result.success:
        return
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            findings = evaluation.metadata.get("first_findings")
            first = (findings.value.splitlines() or [""])[0] if findings else ""
            raise RuntimeError(f"privacy check {evaluation.check_name} failed ({first}); run {result.run_id} has the rest")
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        message = (error.message or "").strip().splitlines()[0] if error else "unknown error"
        raise RuntimeError(f"step {event.step_key} failed: {message} (run {result.run_id})")
    raise RuntimeError(f"run {result.run_id} failed")


@contextmanager
def _status(console: Console | None, text: str, instance: DagsterInstance | None = None):
    """A spinner that follows the run in Dagster's event log: the step and its last progress line."""
    if console is None:
        yield
        return
    done = threading.Event()
    with console.status(text) as status:
        def follow() -> None:
            started = time.time()
            while not done.wait(0.5) and instance is not None:
                runs = [r for r in instance.get_run_records(limit=1) if r.create_timestamp.timestamp() >= started - 1]
                if runs:
                    status.update(f"{text} {_latest(instance, runs[0].dagster_run.run_id)}")

        watcher = threading.Thread(target=follow, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join()


def _latest(instance: DagsterInstance, run_id: str) -> str:
    step, note = "", ""
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is not None and event.event_type == DagsterEventType.STEP_START:
            step, note = record.step_key or "", ""
        elif event is None and record.step_key == step and record.user_message:
            note = record.user_message
    return f"[dim]{step}{' · ' + note if note else ''}[/]"


def _summary(settings: Settings, group_list: list[str], results, days: int) -> dict:
    home = Home(settings.home)
    computed: set[str] = set()
    llm = {"llm_requests": 0, "llm_cache_hits": 0, "llm_input_tokens": 0, "llm_output_tokens": 0}
    cost, without_answer = None, 0
    for result in results:
        counted: set = set()
        for event in result.get_asset_materialization_events():
            # A single run over many partitions repeats the step's metadata on each of them.
            metadata, key = event.materialization.metadata, event.asset_key
            computed.update(metadata["computed"].value if "computed" in metadata else [])
            if key not in counted and "llm_requests" in metadata:
                counted.add(key)
                for name in llm:
                    llm[name] += int(metadata[name].value) if name in metadata else 0
                if "llm_cost_estimate" in metadata:
                    cost = (cost or 0.0) + float(metadata["llm_cost_estimate"].value)
                without_answer += int(metadata["windows_without_answer"].value) if "windows_without_answer" in metadata else 0
    total = days * len(group_list) + len(group_list)
    with duckdb.connect(str(home.warehouse), read_only=True) as conn:
        marks = ", ".join("?" for _ in group_list)
        messages = conn.execute(f'SELECT count(*) FROM messages WHERE "group" IN ({marks})', group_list).fetchone()[0]
        posts = conn.execute(f'SELECT count(*) FROM documents WHERE kind = \'post\' AND "group" IN ({marks})',
                             group_list).fetchone()[0]
    return {
        "groups": group_list,
        "partitions": len(computed),
        "skipped": total - len(computed),
        "messages": messages,
        "posts": posts,
        "feeds": [str(home.feed(g)) for g in group_list],
        "sites": [str(home.site_html(g) / "index.html") for g in group_list],
        **llm,
        "windows_without_answer": without_answer,
        **({"llm_cost_estimate": round(cost, 6)} if cost is not None else {}),
    }
