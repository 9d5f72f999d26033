"""`egregora write`: the export staged, what changed planned (see `plan.py`), then the chain over
those days for its group (see `runs.ChainRuns.write`), summarized."""

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
    from ..core.home import home_lock
    from ..plan import plan

    with home_lock(Home(settings.home), console):
        todo = plan(settings, staged)  # known before Dagster loads: an unchanged write runs nothing
        if todo.first is None or todo.last is None:
            summary = unchanged(todo.stamp["summary"])
            if not as_json:
                console.print(f"[green]✓[/] {todo.reason}: no run launched")
        else:
            summary = _run(settings, console, staged.group, todo)
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


def dry_run(
    settings: Settings, path: Path, *, group: str | None, timezone: str | None, as_json: bool, console: Console
) -> int:
    """Print what writing the export would do, having staged, written and sent nothing."""
    from ..dry_run import dry_run as preview

    with console.status(f"Reading {path.name}…"):
        plan = preview(settings, path, group=group, timezone=timezone)
    if as_json:
        print(json.dumps(plan))
        return 0
    privacy = plan["privacy"]
    lines = [
        f"dry run: nothing staged, written or sent ({plan['reason']})",
        f"group {plan['group']}: {plan['days_to_compute']} of {plan['days']} days to compute "
        f"({plan['first_day']} to {plan['last_day']}), {plan['days_unchanged']} unchanged; "
        f"{plan['messages']} messages in {plan['windows']} windows",
        f"privacy: {privacy['people']} people get pseudonyms; {privacy['names_replaced_in_text']} names, "
        f"{privacy['numbers_replaced']} numbers and {privacy['emails_replaced']} e-mails replaced in the text",
    ]
    if plan["llm"]:
        stages = ", ".join(f"{stage} {n} ({plan['llm_models'][stage]})" for stage, n in plan["llm_requests"].items())
        lines.append(f"LLM requests: {plan['llm_requests_total']} ({stages or 'none'})")
        if "writes_within_max_requests" in plan:
            runs = plan["writes_within_max_requests"]
            lines.append(
                f"budget: max_requests={settings.llm.max_requests}: "
                + (f"about {runs} write(s) to finish" if runs else "no LLM call will be sent")
            )
        cost = f"; cost about {plan['llm_cost_estimate']}" if "llm_cost_estimate" in plan else ""
        lines.append(
            f"tokens, estimated: {plan['llm_input_tokens']} in, {plan['llm_output_tokens']} out{cost} "
            f"(assuming {plan['estimates']['posts'].replace('per', 'post per')}; input from the rendered prompts)"
        )
    else:
        lines.append("LLM: none configured (the offline writer): 0 requests")
    print("\n".join(lines))
    return 0


def _run(settings: Settings, console: Console, group: str, todo) -> dict:
    """The chain over the planned days (the caller holds the home's lock); stamped when complete."""
    from ..plan import save_stamp
    from ..runs import ChainRuns, point_dagster_home  # Dagster and the chain load only now

    point_dagster_home(settings)
    summary = ChainRuns(settings, console).write(group, todo.first, todo.last)
    if not summary["windows_without_answer"] and not summary.get("partitions_left"):
        # Work left undone (no answer, or past the budget) is done by the next write.
        save_stamp(settings, group, todo.stamp, summary)
    return summary


def unchanged(last: dict) -> dict:
    """The summary of a write that found nothing changed: the last write's, with nothing computed."""
    cleared = {k: 0 for k in last if k.startswith("llm_") and k != "llm_cost_estimate"}
    total = last["partitions"] + last["skipped"]
    rest = {k: v for k, v in last.items() if k != "llm_cost_estimate"}
    return {**rest, **cleared, "partitions": 0, "skipped": total, "unchanged": True}


def print_summary(summary: dict, console: Console) -> None:
    console.print(
        f"[green]✓[/] {summary['partitions']} partitions computed, {summary['skipped']} unchanged; "
        f"{summary['messages']} messages, {summary['posts']} posts, {summary['llm_requests']} LLM requests"
    )
    if left := summary.get("partitions_left"):
        parts = ", ".join(f"{asset} {n}" for asset, n in left.items())
        console.print(
            f"[yellow]LLM budget reached ({summary['budget_reached']}): {sum(left.values())} partitions left "
            f"({parts}); what is done is kept: run the same command again to go on.[/]",
            soft_wrap=True,  # one line, whatever the terminal's width
        )
    for feed, site, analysis in zip(summary["feeds"], summary["sites"], summary["analysis"]):
        print(f"feed: {feed}\nsite: {site}\nanalysis: {analysis}")
