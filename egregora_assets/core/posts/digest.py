"""The offline writer: an honest, deterministic digest of a window built from keyword statistics."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import NamedTuple

from egregora_assets.core.enrichments.enrich import URL_PATTERN, trim_url, url_domain
from egregora_assets.core.models import Enrichment, Message, PostDraft, Window
from egregora_assets.core.posts.digest_words import (
    LABELS,
    LANG_MARKERS,
    STOPWORDS,
    Labels,
)
from egregora_assets.core.text import slugify

DIGEST_WRITER = "offline-digest"

# A quiet day gives no post: below any of these there is nothing worth a digest.
MIN_MESSAGES = 12
MIN_AUTHORS = 3
MIN_CONTENT_WORDS = 40
# Two posts only when the day holds two conversations far apart in time and in vocabulary.
SPLIT_GAP = timedelta(hours=3)
MAX_SHARED_TOPICS = 1

TEXT_KINDS = ("text", "edited")
QUOTE_CHARS = 280

_WEB_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)  # safe inside a Markdown autolink
_WORD = re.compile(r"[^\W\d_]+")
# Mentions (@amber-falcon), placeholders ([phone]) and export notes (<Media omitted>).
_NOISE = re.compile(r"@[\w.-]+|\[[^\]\s]{1,40}\]|<[^<>\n]{1,40}>")
_LAUGH = re.compile(r"^(?:k{2,}|(?:[hj][aeiou]){2,}h?|(?:rs)+|hu(?:e)+(?:hue)*|lo+l|lmao|rofl)$")


def _words(text: str) -> list[str]:
    """The lowercased words of a text, accents kept; URLs, mentions and placeholders dropped."""
    return _WORD.findall(_NOISE.sub(" ", URL_PATTERN.sub(" ", text)).lower())


def _terms(text: str, names: frozenset[str]) -> list[str]:
    """The words of a text that can carry a topic: no stopwords, pseudonyms or laughter."""
    return [
        w for w in _words(text)
        if len(w) >= 3 and w not in STOPWORDS and w not in names and not _LAUGH.match(w)
    ]


def detect_language(texts: Sequence[str]) -> str:
    """The language (pt, en, es, de, fr or it) whose marker words occur most; en on a tie."""
    counts = Counter(w for text in texts for w in _words(text))
    score = {lang: sum(counts[w] for w in markers) for lang, markers in LANG_MARKERS.items()}
    best = max(score.values())
    return next(lang for lang in ["en", *sorted(score)] if score[lang] == best)


def _stem(word: str) -> str:
    # Folds simple plurals together ("trilha"/"trilhas", "tent"/"tents").
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def _idf(window_text: str, background: Sequence[str], names: frozenset[str]) -> dict[str, float]:
    """Smoothed inverse document frequency of stems over the background plus this window."""
    docs = [window_text, *background]
    df: Counter[str] = Counter()
    for doc in docs:
        df.update({_stem(w) for w in _terms(doc, names)})
    return {stem: math.log((1 + len(docs)) / (1 + n)) + 1 for stem, n in df.items()}


class _Stats(NamedTuple):
    """Keyword statistics of a run of messages."""

    scores: dict[str, float]  # topic stems (said in 2+ messages) -> distinctiveness
    surface: dict[str, str]  # stem -> the spelling used most
    terms: dict[str, frozenset[str]]  # message id -> its stems
    spread: Counter[str]  # stem -> number of messages saying it
    words: int  # topic-capable words in all

    def ranked(self) -> list[str]:
        return sorted(self.scores, key=lambda stem: (-self.scores[stem], stem))


def _stats(messages: Sequence[Message], idf: dict[str, float], names: frozenset[str]) -> _Stats:
    """Stems scored by how many messages and people use them, and how rare they are elsewhere."""
    spellings: Counter[tuple[str, str]] = Counter()
    terms: dict[str, frozenset[str]] = {}
    authors: dict[str, set[str]] = {}
    words = 0
    for m in messages:
        found = _terms(m.text, names)
        words += len(found)
        spellings.update((_stem(w), w) for w in found)
        terms[m.id] = frozenset(_stem(w) for w in found)
        for stem in terms[m.id]:
            authors.setdefault(stem, set()).add(m.author or "")
    spread = Counter(stem for stems in terms.values() for stem in stems)
    scores = {
        stem: idf.get(stem, 1.0) * (n + len(authors[stem]))
        for stem, n in spread.items()
        if n >= 2
    }
    names_of_things = _capitalized(messages)
    surface: dict[str, str] = {}
    for (stem, word), _ in sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0])):
        surface.setdefault(stem, word.capitalize() if word in names_of_things else word)
    return _Stats(scores, surface, terms, spread, words)


def _capitalized(messages: Sequence[Message]) -> set[str]:
    """Words always capitalized mid-sentence (places, books, people's projects), lowercased."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for m in messages:
        text = _NOISE.sub(" ", URL_PATTERN.sub(" ", m.text))
        for sentence in re.split(r"[.!?:;]+\s|\n", text):
            for word in _WORD.findall(sentence)[1:]:  # a sentence's first word says nothing
                (upper if word[0].isupper() else lower)[word.lower()] += 1
    return {w for w in upper if not lower[w]}


def _deserves_post(messages: Sequence[Message], stats: _Stats) -> bool:
    """Whether a run of text messages is a conversation rather than a quiet day."""
    return (
        len(messages) >= MIN_MESSAGES
        and len({m.author for m in messages}) >= MIN_AUTHORS
        and stats.words >= MIN_CONTENT_WORDS
        and bool(stats.scores)
    )


def _segments(
    texts: list[Message], idf: dict[str, float], names: frozenset[str]
) -> list[list[Message]]:
    """The window's conversations: two when a long pause separates two unrelated ones, else one."""
    whole = _stats(texts, idf, names)
    if not _deserves_post(texts, whole):
        return []
    gaps = [(texts[i].timestamp - texts[i - 1].timestamp, i) for i in range(1, len(texts))]
    gap, cut = max(gaps, default=(timedelta(0), 0))
    if gap >= SPLIT_GAP:
        halves = [texts[:cut], texts[cut:]]
        stats = [_stats(half, idf, names) for half in halves]
        if all(_deserves_post(h, s) for h, s in zip(halves, stats)):
            shared = set(stats[0].ranked()[:5]) & set(stats[1].ranked()[:5])
            if len(shared) <= MAX_SHARED_TOPICS:
                return halves
    return [texts]


def _centrality(message: Message, stats: _Stats, top: set[str]) -> float:
    """How much a message shares the conversation's top terms with the other messages."""
    stems = stats.terms[message.id]
    shared = sum(stats.scores[s] * (stats.spread[s] - 1) for s in stems & top)
    return shared / math.sqrt(len(stems) or 1)


def _central_messages(messages: Sequence[Message], stats: _Stats) -> list[Message]:
    """The 3-5 most central messages (at most two per person), in chat order."""
    want = 3 if len(messages) < 25 else 4 if len(messages) < 50 else 5
    top = set(stats.ranked()[:20])
    ranked = sorted(
        ((_centrality(m, stats, top), m) for m in messages),
        key=lambda pair: (-pair[0], pair[1].timestamp, pair[1].id),
    )
    picked: list[Message] = []
    per_author: Counter[str | None] = Counter()
    for score, m in ranked:
        if score > 0 and per_author[m.author] < 2 and len(picked) < want:
            picked.append(m)
            per_author[m.author] += 1
    return sorted(picked, key=lambda m: (m.timestamp, m.id))


def _md_escape(text: str) -> str:
    """Chat text made inert in Markdown: no links, emphasis, code or raw HTML of its own."""
    # Always used mid-line (after a signature or a list marker), so block syntax cannot start.
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text).replace("<", "&lt;")


def _md_text(text: str) -> str:
    """Chat text as Markdown: escaped, with its URLs kept intact as autolinks."""
    parts, pos = [], 0
    for match in URL_PATTERN.finditer(text):
        url = trim_url(match.group(0))
        href = url if "://" in url[:8] else "https://" + url
        if not url_domain(href):  # a bare "https://" is just text
            continue
        parts += [_md_escape(text[pos : match.start()]), f"<{href}>"]
        pos = match.start() + len(url)
    return "".join(parts) + _md_escape(text[pos:])


def _shorten(text: str, limit: int) -> str:
    """The text on one line, cut at a space before `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit or " " not in text[:limit]:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(".,;:") + "…"


def _quote(message: Message) -> str:
    """A message as a Markdown blockquote, signed with its pseudonym and time."""
    text = _md_text(_shorten(message.text, QUOTE_CHARS))
    return f"> **{message.author}** ({message.timestamp:%H:%M}): {text}"


def _links(messages: Sequence[Message], enrichments: Sequence[Enrichment]) -> list[Enrichment]:
    """The distinct web links shared in these messages, preferring records that know a title."""
    ids = {m.id for m in messages}
    links: dict[str, Enrichment] = {}
    for e in enrichments:
        if e.kind != "url" or e.message_id not in ids or not _WEB_URL.fullmatch(e.ref):
            continue
        if e.ref not in links or (e.title and not links[e.ref].title):
            links[e.ref] = e
    return list(links.values())


def _images(messages: Sequence[Message], enrichments: Sequence[Enrichment]) -> list[Enrichment]:
    """The images shared in these messages that the export carried (so the site can show them)."""
    ids = {m.id for m in messages}
    return [e for e in enrichments if e.kind == "media" and e.width and e.message_id in ids]


def _link_line(link: Enrichment) -> str:
    """A Markdown list item for a link: its title when known, else the bare URL."""
    if not link.title:
        line = f"- <{link.ref}>"
    else:
        title = _md_escape(_shorten(link.title, 90))
        line = f"- [{title}](<{link.ref}>)" + (f" ({link.domain})" if link.domain else "")
    if link.description:
        line += f": {_md_escape(_shorten(link.description, 200))}"
    return line


def _title(words: Sequence[str], labels: Labels) -> str:
    listed = f"{', '.join(words[:-1])} {labels.and_} {words[-1]}" if len(words) > 1 else words[0]
    return f"{labels.about} {listed}"


def _summary(people: int, messages: int, links: int, labels: Labels) -> str:
    one, many = labels.shared_links
    shared = "" if links == 0 else one if links == 1 else many.format(n=links)
    return labels.summary.format(people=people, messages=messages, links=shared)


def _post(
    messages: list[Message],
    everyone: Sequence[Message],
    stats: _Stats,
    links: list[Enrichment],
    lang: str,
    images: Sequence[Enrichment] = (),
) -> PostDraft:
    """One digest post for one conversation."""
    labels = LABELS[lang]
    topics = [stats.surface[s] for s in stats.ranked()[:5]]
    title = _title(topics[:3], labels)
    people = sorted(Counter(m.author for m in everyone).items(), key=lambda kv: (-kv[1], kv[0]))
    summary = _summary(len(people), len(everyone), len(links), labels)
    quotes = _central_messages(messages, stats)
    sections = [summary, f"## {labels.quotes}", "\n\n".join(_quote(m) for m in quotes)]
    if images:  # published names only: the site copies these files, metadata stripped
        sections.append("\n".join(f"![{e.ref}](media/{e.ref})" for e in images))
    if links:
        sections += [f"## {labels.links}", "\n".join(_link_line(link) for link in links)]
    sections += [f"## {labels.people}", ", ".join(f"{name} ({n})" for name, n in people)]
    sections.append(f"*{labels.closing}*")
    return PostDraft(
        title=title[:1].upper() + title[1:],
        slug=slugify(title, limit=60) or "digest",
        summary=summary,
        tags=list(dict.fromkeys(t for t in (slugify(w, limit=60) for w in topics) if t)),
        body="\n\n".join(sections) + "\n",
        message_ids=[m.id for m in quotes],
    )


def write_digest(
    window: Window, enrichments: Sequence[Enrichment], *, background: Sequence[str] = ()
) -> list[PostDraft]:
    """The offline digest of a window: none on a quiet day, else one post per conversation.

    `background` holds other texts of the group (other windows, say); words common
    there count less, so the chosen topics are what sets this window apart.
    """
    authors = {m.author for m in [*window.context, *window.messages] if m.author}
    names = frozenset(part for author in authors for part in author.split("-"))
    texts = [m for m in window.messages if m.kind in TEXT_KINDS and m.author and m.text.strip()]
    idf = _idf("\n".join(m.text for m in texts), background, names)
    lang = detect_language([m.text for m in texts])
    posts: list[PostDraft] = []
    segments = _segments(texts, idf, names)
    for i, segment in enumerate(segments):
        # Each post covers everything said up to the next conversation, media included.
        nxt = segments[i + 1][0].timestamp if i + 1 < len(segments) else None
        everyone = [
            m for m in window.messages
            if m.author and (i == 0 or m.timestamp >= segment[0].timestamp)
            and (nxt is None or m.timestamp < nxt)
        ]
        stats = _stats(segment, idf, names)
        post = _post(segment, everyone, stats, _links(everyone, enrichments), lang, _images(everyone, enrichments))
        if any(p.slug == post.slug for p in posts):  # two conversations, same three words
            post = post.model_copy(update={"slug": f"{post.slug}-{len(posts) + 1}"})
        posts.append(post)
    return posts
