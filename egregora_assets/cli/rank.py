"""`egregora rank`: each group's rankings, then the feed and site that show them, as Dagster runs."""

from __future__ import annotations

import json

from rich.console import Console

from ..core.home import Home
from ..core.models import BadExport
from ..core.raw_exports.staging import every_staged
from ..core.settings import Settings
from ..core.text import printable
from .write import QUIET, _require_success, _status, home_lock, journal_stamps, point_dagster_home, register_home

SHOWN = 10  # posts printed per group


def rank(settings: Settings, *, group: str | None, as_json: bool, console: Console) -> int:
    """Rank the posts of `group` (or of every group of the home); print the best ones."""
    home = Home(settings.home)
    known = sorted({r.group for r in every_staged(home)})
    if not known or not home.warehouse.exists():
        raise BadExport(f"{home.root}: nothing written yet; run `egregora write EXPORT` first")
    if group is not None and group not in known:
        raise BadExport(f"no group {group!r} in {home.root} (groups: {', '.join(known)})")
    chosen = [group] if group else known
    with home_lock(home, console):
        point_dagster_home(settings)
        before = journal_stamps(settings, chosen)
        facts = _run(settings, chosen, None if as_json else console)
        computed = journal_stamps(settings, chosen) - before
    stored, top = _top(settings, chosen)
    summary = {"groups": chosen, "partitions": len(computed), "comparisons": stored, **facts, "top": top}
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    console.print(
        f"[green]✓[/] {summary['comparisons']} comparisons, {summary['comparisons_judged']} judged in this run, "
        f"{summary['llm_requests']} LLM requests"
    )
    for name in chosen:
        print(f"\n{name}")
        for post in summary["top"][name]:
            print(f"{post['rank']:>3}. {post['rating']:>6.0f}  {post['date']}  {printable(post['title'])}")
        print(f"best of: {home.site_html(name) / 'best' / 'index.html'}")
    return 0


def _run(settings: Settings, chosen: list[str], console: Console | None) -> dict:
    """Materialize rankings and what shows it (feed, site) for each group; the rankings' counts."""
    from dagster import AssetKey, AssetSelection, materialize

    from ..assets.rankings import rankings
    from ..definitions import CHAIN, CHECKS
    from ..instance import write_instance
    from ..resources import build_resources

    instance = write_instance(Home(settings.home).dagster)
    register_home(instance, Home(settings.home))
    resources = build_resources(settings)
    totals = dict.fromkeys(("comparisons_judged", "comparisons_without_answer", "llm_requests"), 0)
    for group in chosen:
        with _status(console, f"Ranking the posts of {group}…", instance):
            result = materialize(
                [*CHAIN, *CHECKS],
                selection=AssetSelection.assets(rankings).downstream(),
                instance=instance,
                resources=resources,
                partition_key=group,
                run_config=QUIET,
                raise_on_error=False,
                tags={"egregora/command": "rank", "egregora/group": group},
            )
        _require_success(result)
        for event in result.get_asset_materialization_events():
            if event.asset_key == AssetKey("rankings"):
                metadata = event.materialization.metadata
                for name in totals:
                    value = metadata[name].value if name in metadata else 0  # counted only when computed
                    totals[name] += value if isinstance(value, int) else 0
    return totals


def _top(settings: Settings, chosen: list[str]) -> tuple[int, dict[str, list[dict]]]:
    """How many comparisons are stored, and the best posts of each group: rank, rating, record, title, day, page."""
    from ..core.tables import group_comparisons, group_documents, group_ratings
    from ..core.urls import post_path
    from ..core.warehouse import connect
    from .write import warehouse_url

    stored, top = 0, {}
    with connect(warehouse_url(settings), read_only=True) as conn:
        for group in chosen:
            stored += len(group_comparisons(conn, group))
            docs = {d.id: d for d in group_documents(conn, group)}
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
