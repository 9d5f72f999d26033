"""`egregora audit`: the three privacy checks over everything stored and published, not only what
changed since they last passed (the checks a run makes; see core/anonymized_messages/audit.py)."""

from __future__ import annotations

import json

from rich.console import Console

from ..core.home import Home
from ..core.models import BadExport
from ..core.settings import Settings
from ..core.warehouse import connect, duckdb_url


def full_audit(settings: Settings, *, as_json: bool, console: Console) -> int:
    """Audit every stored message, profile, post and feed of the home; 1 when anything is found."""
    from ..assets.anonymized_messages import message_scopes
    from ..assets.atom_feed import published_scopes
    from ..assets.author_profiles import profile_scopes
    from ..assets.transcripts import transcript_scopes
    from ..core.anonymized_messages.audit import audit, remember_stamps

    home = Home(settings.home)
    if not home.staging.exists() or not home.warehouse.exists() and not settings.warehouse.url:
        raise BadExport(f"{home.root}: nothing written yet; run `egregora write EXPORT` first")
    checks = {
        "no_real_identities": message_scopes,
        "nothing_identifying_heard": transcript_scopes,
        "profiles_name_no_one": profile_scopes,
        "nothing_identifying_published": published_scopes,
    }
    results = {}
    with (
        connect(duckdb_url(home.staging), read_only=True) as raw,
        connect(settings.warehouse.url or duckdb_url(home.warehouse), read_only=True) as db,
    ):
        for check, scopes in checks.items():
            results[check] = audit(raw, home, check, scopes(db, home))
            remember_stamps(home, check, results[check])
    findings = [f for r in results.values() for f in r.findings]
    summary = {
        "findings": len(findings),
        "checks": {c: {k: v for k, v in vars(r).items() if k != "stamps"} for c, r in results.items()},
    }
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for check, r in results.items():
            mark = "[green]✓[/]" if not r.findings else "[red]✗[/]"
            console.print(
                f"{mark} {check}: {r.fields_checked} fields in {r.parts_checked} parts, {len(r.findings)} found"
            )
        for line in findings[:20]:
            print(line)
    return 1 if findings else 0
