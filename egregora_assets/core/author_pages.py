"""An author's page on the site: their activity chart, topics and portrait, under their pseudonym.

author_profiles computes what a page shows; the site lays the pages out.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

from . import site_text
from .models import AuthorProfile, Post
from .quotes import md_escape
from .sanitize import plain_line
from .text import slugify

AUTHORS_DIR = Path("docs/blog/author")  # the blog plugin's authors_profiles_url_format: author/{slug}
PALETTE = ("#00897b", "#5e35b1", "#c62828", "#2e7d32", "#ef6c00", "#1565c0", "#6d4c41")


def colour_of(name: str) -> str:
    """A pseudonym's colour (its avatar's and its chart's), from its hash."""
    return PALETTE[hashlib.sha256(name.encode()).digest()[0] % len(PALETTE)]


def author_key(name: str) -> str:
    """A pseudonym's id in `.authors.yml`, its page's slug."""
    return slugify(name, fallback="anon")


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


def author_page(profile: AuthorProfile, cited_by: int, language: str = "en", voice_seconds: float = 0) -> str:
    """The Markdown of one author's page; the blog plugin lists the posts that cite them under it."""

    def say(key: str, **values: object) -> str:
        return site_text.text(key, language, **values)

    days = sorted(profile.activity)
    parts = [f"# {md_escape(plain_line(profile.author, 80))}"]
    if profile.portrait:  # the model's words, shown as text (and no heading or list either)
        text = re.sub(r"^([#>+=|-])", r"\\\1", md_escape(profile.portrait))
        parts.append(f'<div class="egregora-portrait" markdown="1">\n{text}\n</div>')
    parts.append(say("author_activity", messages=profile.messages, days=len(days), first=days[0], last=days[-1]))
    if voice_seconds:
        parts[-1] += " " + say("author_voice", minutes=max(1, round(voice_seconds / 60)))
    parts.append(f"![{say('author_chart')}]({author_key(profile.author)}.svg)")
    if profile.topics:
        parts += [f"## {say('author_topics')}", " · ".join(md_escape(plain_line(x, 40)) for x in profile.topics)]
    parts.append(f"## {say('author_posts')} ({cited_by})")
    if not cited_by:
        parts.append(say("author_no_posts"))
    return "\n\n".join(parts) + "\n"


def author_files(
    profiles: Sequence[AuthorProfile], docs: Sequence[Post], language: str = "en", voice: Mapping[str, float] = {}
) -> dict[Path, bytes]:
    """Each author's page and activity chart, for the site project; `voice`: seconds of voice notes per author."""
    days = [date.fromisoformat(d) for p in profiles for d in p.activity]
    if not days:
        return {}
    first, last = min(days), max(days)
    files: dict[Path, bytes] = {}
    for profile in profiles:
        key = author_key(profile.author)
        cited_by = sum(profile.author in d.authors for d in docs)
        files[AUTHORS_DIR / f"{key}.md"] = author_page(
            profile, cited_by, language, voice.get(profile.author, 0)
        ).encode()
        files[AUTHORS_DIR / f"{key}.svg"] = activity_svg(profile, first, last)
    return files
