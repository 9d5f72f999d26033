"""Running the chain in-process on a home's Dagster instance, as single-run backfills, and summarizing it.

The commands open `ChainRuns` on a home (its lock held, Dagster pointed at `<home>/dagster`) and
call one method; the Dagster UI shows the same runs."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from rich.console import Console

from .core.home import Home, home_lock
from .core.journal import computed_at
from .core.settings import Settings
from .core.tables import count_authors, count_rows
from .core.warehouse import compact, duckdb_url
from .history import forget_old_vector_versions, forget_runs_naming, protected
from .package_data import INSTANCE_YAML

# Failures become one line (see require_success); EGREGORA_DEBUG=1 shows Dagster's own log.
QUIET = {"loggers": {"console": {"config": {"log_level": "DEBUG" if os.environ.get("EGREGORA_DEBUG") else "CRITICAL"}}}}
LLM_COUNTS = ("llm_requests", "llm_cache_hits", "llm_input_tokens", "llm_output_tokens")
RANK_COUNTS = ("comparisons_judged", "comparisons_without_answer", "llm_requests")
SHOWN = 10  # best posts listed per group after a ranking


class ChainRuns:
    """A home's Dagster instance with the chain's resources: each method runs part of the chain
    in-process and returns its summary. Open it with `ChainRuns.open`, which holds the home's lock."""

    def __init__(self, settings: Settings, console: Console | None = None, *, progress: bool = True) -> None:
        from .instance import write_instance
        from .resources import build_resources

        self.settings, self.home, self.console, self.progress = settings, Home(settings.home), console, progress
        self.instance = write_instance(Home(settings.home).dagster)  # inside the home: the UI sees these runs
        register_home(self.instance, self.home)
        self.resources = build_resources(settings)

    @classmethod
    @contextmanager
    def open(cls, settings: Settings, console: Console | None = None, *, progress: bool = True) -> Iterator[ChainRuns]:
        """The runs of the home, with its lock held; `console` hears of waits and cleanups, and shows
        each run's progress unless `progress` is False."""
        with home_lock(Home(settings.home), console):
            point_dagster_home(settings)
            yield cls(settings, console, progress=progress)

    def write(self, group: str, first: date, last: date) -> dict:
        """Materialize the group's days (one single run), then its feed and site; return the summary."""
        from dagster import AssetSelection

        from .partitions import key_of

        if not os.environ.get("EGREGORA_DEBUG"):  # instructor logs each failed attempt; the summary line says it
            logging.getLogger("instructor").setLevel(logging.CRITICAL)
        if ended := end_stale_runs(self.instance):
            self._say(f"[yellow]Marked {len(ended)} interrupted earlier run(s) as failed and freed their LLM slots.[/]")
        days = (last - first).days + 1
        before, known = journal_stamps(self.settings, [group]), protected(self.home, group)
        from .resources import BUDGET_TAG

        # Both runs spend one LLM budget (max_requests, max_cost), as the user's one write.
        tags = {"egregora/command": "write", "egregora/group": group, BUDGET_TAG: uuid.uuid4().hex}
        days_range = {
            "dagster/asset_partition_range_start": key_of(str(first), group),
            "dagster/asset_partition_range_end": key_of(str(last), group),
            "egregora/days": str(days),  # the run page shows the range and its size
        }
        writing, publishing = (
            f"Writing {days} days of {group} (single run)…",
            f"Publishing the feed and site of {group}…",
        )
        results = [
            self.run(AssetSelection.groups("ingest", "write"), writing, {**tags, **days_range}),
            self.run(AssetSelection.groups("publish"), publishing, tags, group),
        ]
        self.forget(protected(self.home, group) - known, known, [r.run_id for r in results])
        return write_summary(self.settings, [group], results, days, before)

    def rank(self, groups: list[str]) -> dict:
        """Rank each group's posts, then refresh what shows them (feed, site); the counts and best posts."""
        from dagster import AssetKey, AssetSelection

        from .assets.rankings import rankings
        from .resources import BUDGET_TAG

        before = journal_stamps(self.settings, groups)
        totals = dict.fromkeys(RANK_COUNTS, 0)
        budget = uuid.uuid4().hex  # one LLM budget for the command, whatever the number of groups
        for group in groups:
            tags = {"egregora/command": "rank", "egregora/group": group, BUDGET_TAG: budget}
            result = self.run(
                AssetSelection.assets(rankings).downstream(), f"Ranking the posts of {group}…", tags, group
            )
            for event in result.get_asset_materialization_events():
                if event.asset_key == AssetKey("rankings"):
                    metadata = event.materialization.metadata
                    for name in totals:
                        value = metadata[name].value if name in metadata else 0  # counted only when computed
                        totals[name] += value if isinstance(value, int) else 0
        computed = journal_stamps(self.settings, groups) - before
        stored, top = best_posts(self.settings, groups)
        return {"groups": groups, "partitions": len(computed), "comparisons": stored, **totals, "top": top}

    def run(self, selection, label: str, tags: dict[str, str], partition_key: str | None = None):
        """One in-process run of `selection` (a single-run backfill when `tags` name a range), which must succeed."""
        from dagster import materialize

        from .definitions import CHAIN, CHECKS

        with spinner(self.console if self.progress else None, label, self.instance):
            result = materialize(
                [*CHAIN, *CHECKS],
                selection=selection,
                instance=self.instance,
                resources=self.resources,
                partition_key=partition_key,
                run_config=QUIET,
                raise_on_error=False,
                tags=tags,
            )
        require_success(result)
        return result

    def forget(self, names: set[str], known: set[str], runs: list[str]) -> None:
        """After a write: no older version of the vectors, and no earlier run (nor warehouse bytes) naming
        someone newly protected in a group that `known` people were protected in before."""
        forget_old_vector_versions(self.resources["vectors"])
        if names and known:  # rows written before named them: no copy of their old bytes stays in the file
            compact(self.settings.warehouse.url or duckdb_url(self.home.warehouse))
        if deleted := forget_runs_naming(self.instance, names, keep=runs):
            self._say(f"Removed {len(deleted)} earlier run(s) from the history: they named people protected only now.")

    def _say(self, text: str) -> None:
        if self.console is not None:
            self.console.print(text)


def point_dagster_home(settings: Settings) -> None:
    """Dagster's instance lives inside the home, so the UI shows the same runs."""
    dagster_home = Home(settings.home).dagster
    dagster_home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    if not (dagster_home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_YAML, dagster_home / "dagster.yaml")


def register_home(instance, home: Home) -> None:
    """Give the instance every group and every day the home's exports cover (older homes had none)."""
    from .core.raw_exports.staging import covered_days, every_staged
    from .partitions import register

    records = every_staged(home)
    register(instance, {r.group for r in records}, covered_days(records))


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


def require_success(result) -> None:
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
def spinner(console: Console | None, text: str, instance) -> Iterator[None]:
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


def journal_stamps(settings: Settings, groups: list[str]) -> set[tuple]:
    """(database, asset, group, day, when) of every journaled partition of these groups."""
    from .core.warehouse import connect, duckdb_url

    stamps: set[tuple] = set()
    for name, url in (("staging", duckdb_url(Home(settings.home).staging)), ("warehouse", warehouse_url(settings))):
        if not url.startswith("duckdb://") or Path(url.removeprefix("duckdb://")).exists():
            with connect(url, read_only=True) as db:
                stamps |= {(name, *row) for row in computed_at(db, groups)}
    return stamps


def warehouse_url(settings: Settings) -> str:
    from .core.warehouse import duckdb_url

    return settings.warehouse.url or duckdb_url(Home(settings.home).warehouse)


def write_summary(settings: Settings, groups: list[str], results, days: int, before: set[tuple]) -> dict:
    """What a write computed (the partitions whose journal entries are new), holds and cost."""
    from .core.warehouse import connect

    home = Home(settings.home)
    # Not read from metadata, which a single run repeats on each of its partitions and so must stay small.
    computed = {(group, day) for _, _, group, day, _ in journal_stamps(settings, groups) - before}
    llm, cost, without_answer = llm_totals(results)
    left, reached = budget_left(results)
    with connect(warehouse_url(settings), read_only=True) as db:
        messages = count_rows(db, "messages", groups)
        authors = count_authors(db, groups)
        posts = count_rows(db, "documents", groups, "post")
    return {
        "groups": groups,
        "partitions": len(computed),
        "skipped": days * len(groups) + len(groups) - len(computed),
        "messages": messages,
        "authors": authors,
        "posts": posts,
        "feeds": [str(home.feed(g)) for g in groups],
        "sites": [str(home.site_html(g) / "index.html") for g in groups],
        "analysis": [str(home.analysis / g) for g in groups],  # the Parquet, CSV and SQLite exports
        **llm,
        "windows_without_answer": without_answer,
        **({"partitions_left": left, "budget_reached": reached} if left else {}),
        **({"llm_cost_estimate": round(cost, 6)} if cost is not None else {}),
    }


def budget_left(results) -> tuple[dict[str, int], str]:
    """The partitions each asset left because the LLM budget was spent, and which budget it was."""
    left, reached = {}, ""
    for result in results:
        for event in result.get_asset_materialization_events():
            metadata = event.materialization.metadata
            if "partitions_left" in metadata:  # repeated on each partition of a single run: taken once
                left[event.asset_key.to_user_string()] = int(metadata["partitions_left"].value)
                reached = str(metadata["budget_reached"].value)
    return left, reached


def llm_totals(results) -> tuple[dict[str, int], float | None, int]:
    """The runs' LLM counts, cost estimate (None when no asset gave one) and windows left without an answer."""
    llm, cost, without_answer = dict.fromkeys(LLM_COUNTS, 0), None, 0
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
    return llm, cost, without_answer


def best_posts(settings: Settings, groups: list[str]) -> tuple[int, dict[str, list[dict]]]:
    """How many comparisons are stored, and the best posts of each group: rank, rating, record, title, day, page."""
    from .core.tables import group_comparisons, group_posts, group_ratings
    from .core.urls import post_path
    from .core.warehouse import connect

    stored, top = 0, {}
    with connect(warehouse_url(settings), read_only=True) as conn:
        for group in groups:
            stored += len(group_comparisons(conn, group))
            docs = {d.id: d for d in group_posts(conn, group)}
            top[group] = [
                {
                    "rank": r.rank,
                    "rating": r.rating,
                    "record": [r.wins, r.losses, r.draws],
                    "title": docs[r.post_id].title,
                    "date": docs[r.post_id].date.isoformat(),
                    "page": post_path(docs[r.post_id]),
                }
                for r in group_ratings(conn, group)[:SHOWN]
                if r.post_id in docs
            ]
    return stored, top
