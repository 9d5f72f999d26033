"""`egregora rank`: each group's rankings, then the feed and site that show them (see `runs.ChainRuns.rank`)."""

from __future__ import annotations

import json

from rich.console import Console

from ..core.home import Home
from ..core.models import BadExport
from ..core.raw_exports.staging import every_staged
from ..core.settings import Settings
from ..core.text import printable
from ..runs import ChainRuns


def rank(settings: Settings, *, group: str | None, as_json: bool, console: Console) -> int:
    """Rank the posts of `group` (or of every group of the home); print the best ones."""
    home = Home(settings.home)
    known = sorted({r.group for r in every_staged(home)})
    if not known or not home.warehouse.exists():
        raise BadExport(f"{home.root}: nothing written yet; run `egregora write EXPORT` first")
    if group is not None and group not in known:
        raise BadExport(f"no group {group!r} in {home.root} (groups: {', '.join(known)})")
    chosen = [group] if group else known
    with ChainRuns.open(settings, console, progress=not as_json) as runs:
        summary = runs.rank(chosen)
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
