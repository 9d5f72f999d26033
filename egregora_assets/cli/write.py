"""`egregora write`: the export staged, then the chain for its group (see `runs.ChainRuns.write`), summarized."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.console import Console

from ..core.home import Home
from ..core.raw_exports.staging import stage_export
from ..core.settings import Settings


def write(
    settings: Settings, path: Path, *, group: str | None, timezone: str | None, as_json: bool, console: Console
) -> int:
    """Stage the export into the home, run the chain for its group, print what it wrote."""
    with console.status(f"Reading {path.name}…"):
        staged = stage_export(path, Home(settings.home), group=group, timezone=timezone)
    if not as_json:
        console.print(
            f"[green]✓[/] {staged.messages} messages from {staged.first_day} to {staged.last_day} → group [bold]{staged.group}[/]"
        )
    from ..runs import ChainRuns  # Dagster and the chain load only once the export reads well

    with ChainRuns.open(settings, console) as runs:
        summary = runs.write(staged.group, staged.first_day, staged.last_day)
    if as_json:
        print(json.dumps(summary))
    else:
        print_summary(summary, console)
    if not summary["posts"]:  # not a silently empty blog: the last line says why
        from ..core.posts.digest import quiet_chat_note

        sys.stdout.flush()
        note = quiet_chat_note(summary["messages"], summary["authors"], llm=settings.llm.base_url is not None)
        print(f"egregora: {note}", file=sys.stderr)
    return 0


def print_summary(summary: dict, console: Console) -> None:
    console.print(
        f"[green]✓[/] {summary['partitions']} partitions computed, {summary['skipped']} unchanged; "
        f"{summary['messages']} messages, {summary['posts']} posts, {summary['llm_requests']} LLM requests"
    )
    for feed, site, analysis in zip(summary["feeds"], summary["sites"], summary["analysis"]):
        print(f"feed: {feed}\nsite: {site}\nanalysis: {analysis}")
