"""Author pages by pseudonym: each person's activity, topics and (with an LLM) a portrait.

Everything here reads one person's own pseudonymized messages; an opted-out person has none
stored, so no profile and no page.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from . import site_text
from .journal import fingerprint
from .models import AuthorProfile, Document, Message
from .prompts import chat_messages
from .quotes import md_escape, shorten
from .sanitize import plain_line
from .text import slugify
from .topics import TEXT_KINDS, favourite_topics

if TYPE_CHECKING:  # the openai client loads only when an LLM is used
    from .llm import LLM

PORTRAIT_CHARS = 6000  # how much of their own words a portrait is written from
PORTRAIT_MESSAGE_CHARS = 400
PORTRAIT_TOKENS = 300
PORTRAIT_MAX_CHARS = 1200
AUTHORS_DIR = Path("docs/blog/author")  # the blog plugin's authors_profiles_url_format: author/{slug}
PALETTE = ("#00897b", "#5e35b1", "#c62828", "#2e7d32", "#ef6c00", "#1565c0", "#6d4c41")

Portraitist = Callable[[str, list[Message]], str | None]


def colour_of(name: str) -> str:
    """A pseudonym's colour (its avatar's and its chart's), from its hash."""
    return PALETTE[hashlib.sha256(name.encode()).digest()[0] % len(PALETTE)]


def author_key(name: str) -> str:
    """A pseudonym's id in `.authors.yml`, its page's slug."""
    return slugify(name, fallback="anon")


def portrait_messages(messages: Sequence[Message], chars: int = PORTRAIT_CHARS) -> list[Message]:
    """What a portrait is written from: someone's latest text messages within `chars`, in time order."""
    picked: list[Message] = []
    for m in reversed(messages):
        if m.kind not in TEXT_KINDS or not m.text.strip():
            continue
        text = shorten(m.text, PORTRAIT_MESSAGE_CHARS)
        if sum(len(p.text) for p in picked) + len(text) > chars:
            break
        picked.append(m.model_copy(update={"text": text}))
    return picked[::-1]


def portrait_input(identity: str, author: str, messages: Sequence[Message]) -> str:
    """The fingerprint of a portrait's whole input: the model and prompt, the pseudonym and its words."""
    return fingerprint(identity, author, [(m.timestamp, m.text) for m in messages])


def write_portrait(llm: LLM, prompts_dir: Path, author: str, messages: list[Message]) -> str | None:
    """A short portrait of `author` written by the LLM from their own messages; None if too long for it."""
    chat = chat_messages(prompts_dir, "portrait", author=author, messages=messages)
    try:
        answer = llm.text(chat, max_tokens=PORTRAIT_TOKENS)
    except OverflowError:
        return None
    return plain_line(answer, PORTRAIT_MAX_CHARS) or None


def build_profiles(
    group: str,
    messages: Sequence[Message],
    *,
    previous: Mapping[str, AuthorProfile] = {},
    identity: str | None = None,
    portraitist: Portraitist | None = None,
) -> tuple[list[AuthorProfile], int]:
    """Every author's profile from the group's messages, and how many portraits were written.

    With a `portraitist` (an LLM), a portrait is written only when its input (`identity`, the
    pseudonym, their latest words) differs from the one `previous` recorded; else it is kept."""
    mine: dict[str, list[Message]] = {}
    for m in messages:
        if m.author:
            mine.setdefault(m.author, []).append(m)
    names = frozenset(mine)  # nobody's pseudonym is anyone's topic
    profiles, written = [], 0
    for author, said in sorted(mine.items()):
        activity: dict[str, int] = {}
        for m in said:
            activity[m.timestamp.date().isoformat()] = activity.get(m.timestamp.date().isoformat(), 0) + 1
        profile = AuthorProfile(
            group=group,
            author=author,
            messages=len(said),
            activity=activity,
            topics=favourite_topics(said, names),
        )
        if portraitist is not None and identity is not None:
            words = portrait_messages(said)
            key, old = portrait_input(identity, author, words), previous.get(author)
            if old is not None and old.portrait_input == key:
                portrait = old.portrait
            else:
                portrait, written = portraitist(author, words) if words else None, written + bool(words)
            profile = profile.model_copy(update={"portrait": portrait, "portrait_input": key})
        profiles.append(profile)
    return profiles, written


def _buckets(first: date, last: date) -> tuple[str, list[date]]:
    """The chart's bars: a day each over a season, a week each over two years, else a month each."""
    span = (last - first).days
    if span <= 92:
        return "day", [first + timedelta(days=i) for i in range(span + 1)]
    if span <= 730:
        monday = first - timedelta(days=first.weekday())
        return "week", [monday + timedelta(weeks=i) for i in range((last - monday).days // 7 + 1)]
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return "month", months


def _bucket_of(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if unit == "month" else day


def activity_svg(profile: AuthorProfile, first: date, last: date) -> bytes:
    """A bar chart of someone's messages from `first` to `last` (the group's span, so pages compare)."""
    unit, starts = _buckets(first, last)
    counts = dict.fromkeys(starts, 0)
    for day, n in profile.activity.items():
        bucket = _bucket_of(date.fromisoformat(day), unit)
        if bucket in counts:
            counts[bucket] += n
    width, height, top, base = 600, 120, 14, 100
    most = max(counts.values(), default=0) or 1
    step = width / len(starts)
    bars = "".join(
        f'<rect x="{i * step + step * 0.1:.2f}" y="{base - (base - top) * n / most:.2f}" '
        f'width="{step * 0.8:.2f}" height="{(base - top) * n / most:.2f}"/>'
        for i, n in enumerate(counts.values())
        if n
    )
    label = html.escape(f"{profile.author}: {profile.messages} messages, per {unit}")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#9e9e9e" stroke-width="1"/>'
        f'<g fill="{colour_of(profile.author)}">{bars}</g>'
        f'<g font-family="sans-serif" font-size="11" fill="#616161">'
        f'<text x="0" y="10">{most}</text>'
        f'<text x="0" y="{height - 4}">{starts[0].isoformat()}</text>'
        f'<text x="{width}" y="{height - 4}" text-anchor="end">{starts[-1].isoformat()}</text>'
        "</g></svg>"
    )
    return svg.encode()


def author_page(profile: AuthorProfile, cited_by: int, language: str = "en") -> str:
    """The Markdown of one author's page; the blog plugin lists the posts that cite them under it."""

    def say(key: str, **values: object) -> str:
        return site_text.text(key, language, **values)

    days = sorted(profile.activity)
    parts = [f"# {md_escape(plain_line(profile.author, 80))}"]
    if profile.portrait:  # the model's words, shown as text (and no heading or list either)
        text = re.sub(r"^([#>+=|-])", r"\\\1", md_escape(profile.portrait))
        parts.append(f'<div class="egregora-portrait" markdown="1">\n{text}\n</div>')
    parts.append(say("author_activity", messages=profile.messages, days=len(days), first=days[0], last=days[-1]))
    parts.append(f"![{say('author_chart')}]({author_key(profile.author)}.svg)")
    if profile.topics:
        parts += [f"## {say('author_topics')}", " · ".join(md_escape(plain_line(x, 40)) for x in profile.topics)]
    parts.append(f"## {say('author_posts')} ({cited_by})")
    if not cited_by:
        parts.append(say("author_no_posts"))
    return "\n\n".join(parts) + "\n"


def author_files(
    profiles: Sequence[AuthorProfile], docs: Sequence[Document], language: str = "en"
) -> dict[Path, bytes]:
    """Each author's page and activity chart, for the site project."""
    days = [date.fromisoformat(d) for p in profiles for d in p.activity]
    if not days:
        return {}
    first, last = min(days), max(days)
    files: dict[Path, bytes] = {}
    for profile in profiles:
        key = author_key(profile.author)
        cited_by = sum(profile.author in d.authors for d in docs)
        files[AUTHORS_DIR / f"{key}.md"] = author_page(profile, cited_by, language).encode()
        files[AUTHORS_DIR / f"{key}.svg"] = activity_svg(profile, first, last)
    return files


def profiles_preview(profiles: Sequence[AuthorProfile]) -> str:
    """Markdown for the Dagster UI: the first profiles' pseudonyms, counts, topics and portrait openings."""
    parts = [
        f"**{p.author}** · {p.messages} messages on {len(p.activity)} days · {', '.join(p.topics[:5]) or '-'}"
        + (f"\n\n> {shorten(p.portrait, 200)}" if p.portrait else "")
        for p in profiles
    ]
    return "\n\n".join(parts) or "_no profiles_"
