"""What `egregora write --dry-run` shows: what a write of an export would do, computed in memory.

Nothing is staged, written or sent: the export is parsed and anonymized here (with the home's
secret and the owner's map when they exist, read only), its changed days packed into windows,
and every LLM call the chain would make is rendered from its prompt template and counted.
Input tokens are the rendered prompts' characters / 4 (what `windows.BYTES_PER_TOKEN` assumes);
what no prompt shows before the model answers (how many posts it writes, so the judge's pairs;
whether a page can be fetched) is estimated from the assumptions named in ESTIMATES."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .core.anonymized_messages.anonymize import anonymize
from .core.anonymized_messages.people import people_named
from .core.anonymized_messages.pseudonyms import build_roster, load_aliases, load_owner_map
from .core.author_profiles import PORTRAIT_TOKENS, portrait_messages
from .core.enrichments.describe import MAX_DESCRIPTION_TOKENS, MAX_PAGE_CHARS
from .core.enrichments.enrich import offline_enrichments
from .core.groups import covering, staged_exports
from .core.home import Home
from .core.models import Message, Window
from .core.posts.llm_writer import MAX_ANSWER_TOKENS
from .core.prompts import chat_messages, render
from .core.rankings import JUDGE_ANSWER_TOKENS, JUDGE_BUDGET
from .core.raw_exports.archive import read_export
from .core.raw_exports.staging import (
    StagedExport,
    _check_dates,
    _check_someone_wrote,
    _export_record,
    day_signature,
    group_slug,
    split_by_day,
)
from .core.settings import Settings
from .core.text import PSEUDONYM
from .core.windows import BYTES_PER_TOKEN, pack_windows, window_text

# What the estimates assume where no prompt can tell (each is stated in the output, too).
POSTS_PER_WINDOW = 1  # the writer's posts per window: 0 for a quiet stretch, more for a busy one
POST_CHARS = 1_600  # a post as the judge reads it (title, summary, body)
WRITER_OUTPUT_TOKENS = 450  # one post's JSON
RELATED = 5  # earlier texts the writer's search adds to each window's prompt, 800 characters each
ESTIMATES = {
    "tokens": f"characters / {BYTES_PER_TOKEN} of each rendered prompt",
    "posts": f"{POSTS_PER_WINDOW} per window",
    "judge": f"at most {JUDGE_BUDGET} comparisons per new post, each post {POST_CHARS} characters",
    "urls": "one description per distinct link, its page at the most the prompt takes",
}


def dry_run(settings: Settings, path: Path, *, group: str | None = None, timezone: str | None = None) -> dict:
    """What writing the export at `path` into the settings' home would do; touches nothing."""
    home = Home(settings.home)
    parsed = read_export(path, day_first=None)
    _check_someone_wrote(path, parsed)
    slug = group_slug(parsed, path, group)
    days = split_by_day(parsed.chat.messages)
    _check_dates(path, min(days), max(days))
    record = _export_record(parsed, path, slug, days, timezone)
    staged = StagedExport.of(record, parsed)
    todo, reason = planned_days(settings, home, staged, record, path)
    raw = _days(parsed.chat.messages, todo)
    rows, privacy = _anonymized(home, slug, parsed.chat.messages, raw)
    windows = _windows(rows, slug, sorted(todo), settings.window_tokens)
    llm = llm_plan(settings, windows, rows)
    return {
        "dry_run": True,
        "group": slug,
        "reason": reason,
        "days": len(days),
        "days_to_compute": len(todo),
        "days_unchanged": len(days) - len(todo),
        "first_day": min(todo).isoformat() if todo else None,
        "last_day": max(todo).isoformat() if todo else None,
        "messages": raw.num_rows,
        "windows": len(windows),
        "privacy": privacy,
        **llm,
    }


def planned_days(settings: Settings, home: Home, staged: StagedExport, record, path: Path) -> tuple[set[date], str]:
    """The days a write would compute, and why: `plan.plan` with this export as if staged."""
    from .plan import plan  # the plan reads the home's stamps; it writes nothing once a secret exists

    every = set(staged.day_hashes)
    if not home.secret.exists():
        return every, "first write of this group"  # before the first write, plan() would create the secret
    exports = [e for e in staged_exports(home, staged.group) if e[1].sha256 != record.sha256]
    exports.append((path, record))
    day_first = settings.group(staged.group).day_first
    found = {d for _, r in exports for d in r.day_hashes}
    signatures = {d.isoformat(): day_signature(covering(exports, d), d, day_first) for d in sorted(found)}
    todo = plan(settings, staged, days=signatures)
    if todo.first is None or todo.last is None:
        return set(), todo.reason
    return {d for d in every if todo.first <= d <= todo.last}, todo.reason


def _days(messages: pa.Table, days: set[date]) -> pa.Table:
    on = pc.is_in(pc.cast(messages["timestamp"], pa.date32()), value_set=pa.array(sorted(days), pa.date32()))
    return messages.filter(on)


def _anonymized(home: Home, group: str, whole: pa.Table, raw: pa.Table) -> tuple[pa.Table, dict[str, int]]:
    """The days' messages as the chain would store them, and what anonymizing them replaces."""
    secret = home.secret.read_bytes() if home.secret.exists() else os.urandom(32)  # kept nowhere
    known = load_owner_map(home.owner_map(group)) if home.owner_map(group).exists() else {}
    aliases = load_aliases(home.aliases) if home.aliases.exists() else {}
    authors = [a for a in whole["author"].unique().to_pylist() if a]
    roster = build_roster(secret, group, people_named(authors, whole), aliases=aliases, known=known)
    rows = anonymize(raw, group=group, roster=roster, secret=secret)
    before, after = _texts(raw["message"]), _texts(rows["text"])
    pseudonyms = re.compile(rf"(?<![\w-])(?:{PSEUDONYM})(?![\w-])")
    placeholders = Counter(re.findall(r"\[(email|phone|cpf|ssn|card)\]", after))
    placeholders.subtract(re.findall(r"\[(email|phone|cpf|ssn|card)\]", before))
    return rows, {
        "people": len(set(roster.pseudonyms.values())),
        "authors_replaced": sum(a is not None for a in raw["author"].to_pylist()),
        "names_replaced_in_text": max(0, len(pseudonyms.findall(after)) - len(pseudonyms.findall(before))),
        "numbers_replaced": max(
            0, placeholders["phone"] + placeholders["cpf"] + placeholders["ssn"] + placeholders["card"]
        ),
        "emails_replaced": max(0, placeholders["email"]),
    }


def _texts(column: pa.ChunkedArray) -> str:
    return "\n".join(t for t in column.to_pylist() if t)


def _windows(rows: pa.Table, group: str, days: Sequence[date], tokens: int) -> list[Window]:
    """Each day's windows, packed as the windows asset packs them."""
    found: list[Window] = []
    for day in days:
        on_day = rows.filter(pc.equal(rows["date"], pa.scalar(day, pa.date32())))
        ordered = on_day.sort_by([("timestamp", "ascending"), ("pos", "ascending"), ("id", "ascending")])
        messages = [
            Message(**{k: r[k] for k in ("id", "group", "timestamp", "author", "text", "kind", "attachment")})
            for r in ordered.to_pylist()
            if r["text"] is not None
        ]
        found += pack_windows(messages, group=group, day=day, max_tokens=tokens)
    return found


def llm_plan(settings: Settings, windows: list[Window], rows: pa.Table) -> dict[str, Any]:
    """The LLM requests by stage and their estimated tokens and cost (none without an LLM)."""
    if not settings.llm.base_url:
        return {"llm": False, "llm_requests": {}, "llm_input_tokens": 0, "llm_output_tokens": 0}
    from .package_data import PROMPTS

    stages: dict[str, dict[str, int]] = {}

    def add(stage: str, prompt: list[dict] | str, output: int) -> None:
        chars = len(prompt) if isinstance(prompt, str) else sum(len(m["content"]) for m in prompt)
        counts = stages.setdefault(stage, {"requests": 0, "input_tokens": 0, "output_tokens": 0})
        counts["requests"] += 1
        counts["input_tokens"] += chars // BYTES_PER_TOKEN
        counts["output_tokens"] += output

    earlier: list[str] = []
    for window in windows:
        extras = offline_enrichments(window, media_info=lambda _: None)
        if settings.llm.fetch_urls:
            for url in {e.ref for e in extras if e.kind == "url"}:
                page = "x" * MAX_PAGE_CHARS
                add(
                    "describe_url",
                    chat_messages(PROMPTS, "enrich_url", url=url, title="", description="", text=page),
                    MAX_DESCRIPTION_TOKENS,
                )
        related = [f"{window.date} {t[:800]}" for t in earlier[-RELATED:]]
        add(
            "writer",
            chat_messages(PROMPTS, "writer", window=window, enrichments=extras, related=related, notes=[]),
            WRITER_OUTPUT_TOKENS,
        )
        earlier.append(window_text(window))
    judge_prompt = len(render(PROMPTS, "judge", first=_Shown(), second=_Shown()))
    for _ in range(judge_pairs(POSTS_PER_WINDOW * len(windows))):
        add("judge", "x" * (judge_prompt + 2 * POST_CHARS), JUDGE_ANSWER_TOKENS // 2)
    by_author: dict[str, list[Message]] = {}
    for window in windows:
        for m in window.messages:
            if m.author:
                by_author.setdefault(m.author, []).append(m)
    for author, said in sorted(by_author.items()):
        add(
            "portrait",
            chat_messages(PROMPTS, "portrait", author=author, messages=portrait_messages(said)),
            PORTRAIT_TOKENS // 2,
        )
    total_in = sum(s["input_tokens"] for s in stages.values())
    total_out = sum(s["output_tokens"] for s in stages.values())
    plan: dict[str, Any] = {
        "llm": True,
        "llm_requests": {k: v["requests"] for k, v in stages.items()},
        "llm_requests_total": sum(s["requests"] for s in stages.values()),
        "llm_input_tokens": total_in,
        "llm_output_tokens": total_out,
        "llm_by_stage": stages,
        "llm_models": {stage: _model(settings, stage) for stage in stages},
        "estimates": ESTIMATES,
        "max_answer_tokens": MAX_ANSWER_TOKENS,
    }
    price_in, price_out = settings.llm.price_in, settings.llm.price_out
    if price_in is not None or price_out is not None:
        plan["llm_cost_estimate"] = round((total_in * (price_in or 0) + total_out * (price_out or 0)) / 1e6, 6)
    if (most := settings.llm.max_requests) is not None:  # how many writes the budget spreads it over
        plan["writes_within_max_requests"] = -(-plan["llm_requests_total"] // most) if most else None
    return plan


def _model(settings: Settings, stage: str) -> str:
    """The model a stage's requests name (the reader is the writer's)."""
    own = {"writer": settings.llm.writer_model, "judge": settings.llm.judge_model}
    own["portrait"] = settings.llm.portrait_model
    return own.get(stage) or settings.llm.model


class _Shown:
    """A post as the judge's prompt shows it, with nothing in it (the prompt's own length)."""

    def __getattr__(self, name: str) -> str:
        return ""


def judge_pairs(posts: int, budget: int = JUDGE_BUDGET) -> int:
    """How many pairs `rankings.budget_pairs` picks for `posts` new posts and none judged before:
    each post in turn takes opponents until it is in `budget` pairs."""
    degree, done = [0] * posts, set()
    for new in range(posts):
        for other in sorted((i for i in range(posts) if i != new), key=lambda i: abs(i - new)):
            if degree[new] >= budget:
                break
            pair = (min(new, other), max(new, other))
            if pair not in done:
                done.add(pair)
                degree[new] += 1
                degree[other] += 1
    return len(done)
