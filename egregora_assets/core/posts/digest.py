"""The offline writer: an honest, deterministic digest of a window, from keyphrases and embeddings.

Its topics are core/topics.py's (YAKE's keyphrases, simplemma's lemmas), and the messages
closest to the conversation's centroid (by the embedder's vectors when given) are the ones quoted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from .. import site_text
from ..languages import WORD, detect_language, is_stopword, stopword_shares, tag_form
from ..models import Enrichment, Message, PostDraft, Window
from ..quotes import md_escape, quote, shorten
from ..text import slugify
from ..topics import MAX_MESSAGE_CHARS, TEXT_KINDS, Topics, clean_text, content_words, find_topics, odd_names

DIGEST_WRITER = "offline-digest"
Embed = Callable[[list[str]], "Sequence[Sequence[float]] | np.ndarray"]

# A quiet day gives no post: below any of these there is nothing worth a digest.
MIN_MESSAGES = 12
MIN_AUTHORS = 3
MIN_CONTENT_WORDS = 30  # words outside YAKE's stopword lists
# Two posts only when the day holds two conversations far apart in time and in vocabulary.
SPLIT_GAP = timedelta(hours=3)
MAX_SHARED_TOPICS = 1
MAX_TAGS = 3

_WEB_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)  # safe inside a Markdown autolink


def _busy(messages: Sequence[Message]) -> bool:
    """Enough messages and people for a post: what is known before YAKE reads them."""
    return len(messages) >= MIN_MESSAGES and len({m.author for m in messages}) >= MIN_AUTHORS


def _deserves_post(messages: Sequence[Message], topics: Topics) -> bool:
    """Whether a run of text messages is a conversation rather than a quiet day."""
    return _busy(messages) and topics.words >= MIN_CONTENT_WORDS and bool(topics.tags) and bool(topics.phrases)


def _segments(texts: list[Message], topic: Callable[[Sequence[Message]], Topics]) -> list[list[Message]]:
    """The window's conversations: two when a long pause separates two unrelated ones, else one."""
    if not _busy(texts) or not _deserves_post(texts, topic(texts)):
        return []
    gaps = [(texts[i].timestamp - texts[i - 1].timestamp, i) for i in range(1, len(texts))]
    gap, cut = max(gaps, default=(timedelta(0), 0))
    halves = [texts[:cut], texts[cut:]]
    # YAKE reads a half only when both could be posts (it is most of the writer's time).
    if gap >= SPLIT_GAP and all(map(_busy, halves)) and all(_deserves_post(h, topic(h)) for h in halves):
        shared = set(topic(halves[0]).ranked[:8]) & set(topic(halves[1]).ranked[:8])
        if len(shared) <= MAX_SHARED_TOPICS:
            return halves
    return [texts]


def _central_messages(
    messages: Sequence[Message], topics: Topics, lang: str, names: frozenset[str], embed: Embed | None
) -> list[Message]:
    """The 3-5 messages closest to the conversation's centroid (at most two per person), in chat order.

    With `embed` (the local model), closeness is semantic; without, it is over the conversation's tags.
    """
    want = 3 if len(messages) < 25 else 4 if len(messages) < 50 else 5
    # Only messages that say something can be quoted: a greeting is never the gist.
    sayers = [m for m in messages if len(content_words(m.text, lang, names)) >= 2]
    if not sayers:
        return []
    if embed is not None:
        vectors = np.asarray(embed([clean_text(m.text, names) for m in sayers]), dtype=float)
    else:
        vectors = np.asarray(
            [
                [float(tag in {tag_form(w, lang) for w in content_words(m.text, lang, names)}) for tag in topics.ranked]
                for m in sayers
            ]
        )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-9)
    scores = vectors @ vectors.mean(axis=0)
    # Ties go to the earlier message (ids are keyed hashes: each home would order them its own way).
    ranked = sorted(zip(scores.round(6), range(len(sayers))), key=lambda pair: (-pair[0], pair[1]))
    picked: list[int] = []
    per_author: Counter[str | None] = Counter()
    for score, i in ranked:
        if score > 0 and per_author[sayers[i].author] < 2 and len(picked) < want:
            picked.append(i)
            per_author[sayers[i].author] += 1
    return [sayers[i] for i in sorted(picked)]


def _in_chat_order(messages: Sequence[Message], enrichments: Sequence[Enrichment]) -> list[Enrichment]:
    """The enrichments of these messages, in the order the messages were said (not by keyed id)."""
    place = {m.id: i for i, m in enumerate(messages)}
    return sorted((e for e in enrichments if e.message_id in place), key=lambda e: place[e.message_id])


def _links(messages: Sequence[Message], enrichments: Sequence[Enrichment]) -> list[Enrichment]:
    """The distinct web links shared in these messages, preferring records that know a title."""
    links: dict[str, Enrichment] = {}
    for e in _in_chat_order(messages, enrichments):
        if e.kind != "url" or not _WEB_URL.fullmatch(e.ref):
            continue
        if e.ref not in links or (e.title and not links[e.ref].title):
            links[e.ref] = e
    return list(links.values())


def _images(messages: Sequence[Message], enrichments: Sequence[Enrichment]) -> list[Enrichment]:
    """The images shared in these messages that the export carried (so the site can show them)."""
    return [e for e in _in_chat_order(messages, enrichments) if e.kind == "media" and e.width]


def _link_line(link: Enrichment) -> str:
    """A Markdown list item for a link: its title when known, else the bare URL."""
    if not link.title:
        line = f"- <{link.ref}>"
    else:
        title = md_escape(shorten(link.title, 90))
        line = f"- [{title}](<{link.ref}>)" + (f" ({link.domain})" if link.domain else "")
    if link.description:
        line += f": {md_escape(shorten(link.description, 200))}"
    return line


def _title(topics: Topics, lang: str, elsewhere: Callable[[str], bool] = lambda _: False) -> str:
    """A short noun phrase: the best keyphrase, joined by a second when it is a single word,
    or by the day's own topic when other days of the group already speak of it."""
    first = topics.phrases[0]
    forms = {tag_form(w, lang) for w in WORD.findall(first)}
    second = None
    if len(forms) == 1 and len(topics.phrases) > 1:
        second = next((p for p in topics.phrases[1:] if not forms & {tag_form(w, lang) for w in WORD.findall(p)}), None)
        # A place is named whole: "Pedra" stands for the "Pedra Grande" said elsewhere in the day.
        wider = [
            p
            for p in topics.phrases
            if second
            and second[:1].isupper()
            and p != second
            and re.search(rf"\b{re.escape(second)}\b", p)
            and all(w[:1].isupper() or is_stopword(w, lang) for w in WORD.findall(p))
        ]
        second = next((p for p in wider if not forms & {tag_form(w, lang) for w in WORD.findall(p)}), second)
    elif elsewhere(first.lower()):
        # Two days on the same trail get two titles: the topic this day says most.
        second = next((t for t in topics.ranked if t not in forms and t not in first.lower()), None)
    if second:
        first = f"{first} {site_text.text('digest_and', lang)} {second}"
    return first[:1].upper() + first[1:]


def _summary(people: int, messages: int, links: int, lang: str) -> str:
    key = "digest_shared_link" if links == 1 else "digest_shared_links"
    shared = site_text.text(key, lang, n=links) if links else ""
    return site_text.text("digest_summary", lang, people=people, messages=messages, links=shared)


def _post(
    messages: list[Message],
    everyone: Sequence[Message],
    topics: Topics,
    quotes: list[Message],
    links: list[Enrichment],
    lang: str,
    images: Sequence[Enrichment] = (),
    elsewhere: Callable[[str], bool] = lambda _: False,
) -> PostDraft:
    """One digest post for one conversation."""

    def say(key: str) -> str:
        return site_text.text(f"digest_{key}", lang)

    title = _title(topics, lang, elsewhere)
    said = Counter(m.author for m in everyone)  # most messages first, then who spoke first
    people = sorted(said.items(), key=lambda kv: -kv[1])
    summary = _summary(len(people), len(everyone), len(links), lang)
    sections = [summary, f"## {say('quotes')}", "\n\n".join(quote(m) for m in quotes)]
    if images:  # published names only: the site copies these files, metadata stripped
        sections.append("\n".join(f"![{e.ref}](media/{e.ref})" for e in images))
    if links:
        sections += [f"## {say('links')}", "\n".join(_link_line(link) for link in links)]
    sections += [f"## {say('people')}", ", ".join(f"{name} ({n})" for name, n in people)]
    sections.append(f"*{say('closing')}*")
    return PostDraft(
        title=title,
        slug=slugify(title, limit=60) or "digest",
        summary=summary,
        tags=topics.tags[:MAX_TAGS],
        body="\n\n".join(sections) + "\n",
        message_ids=[m.id for m in quotes],
    )


def _bounded(window: Window) -> Window:
    """The window with each message cut at MAX_MESSAGE_CHARS: one pasted 20 MB message must
    not cost the offline writer gigabytes (a window is a few thousand tokens otherwise)."""
    if all(len(m.text) <= MAX_MESSAGE_CHARS for m in window.messages):
        return window
    cut = [
        m if len(m.text) <= MAX_MESSAGE_CHARS else m.model_copy(update={"text": m.text[:MAX_MESSAGE_CHARS] + " […]"})
        for m in window.messages
    ]
    return window.model_copy(update={"messages": cut})


def quiet_chat_note(messages: int, authors: int, *, llm: bool) -> str:
    """The one line that ends a write which gave no post: the chat's size and what a post needs."""
    size = f"{messages} message{'s' * (messages != 1)}, {authors} author{'s' * (authors != 1)}"
    if llm:
        return f"the model wrote no post for any day: {size}; see the README, 'Quiet chats'"
    needs = f"the offline writer needs a day of {MIN_MESSAGES} messages from {MIN_AUTHORS} people"
    return f"no day had enough conversation for a post: {size} ({needs}); see the README, 'Quiet chats'"


class Archive:
    """The other texts of a group (its days, say), read once for every window written against them.

    Written against the rest of a year, each day re-read all 364 others: a year cost 365 x 364
    readings. This keeps each text's words and cleaned form, and answers for "all but one"."""

    def __init__(self, texts: Mapping[Any, str]) -> None:
        self._index = {key: i for i, key in enumerate(texts)}
        cleaned = [clean_text(text).lower() for text in texts.values()]  # one line each: clean_text joins lines
        self._joined = "\n".join(cleaned)
        self._starts = [0]
        for text in cleaned:
            self._starts.append(self._starts[-1] + len(text) + 1)
        self._texts = list(texts.values())
        self._tags: dict[str, tuple[list[frozenset[str]], Counter[str]]] = {}
        self._shares: tuple[list[Counter[str]], Counter[str]] | None = None

    def without(self, key: Hashable | None) -> Background:
        """The archive as seen from one of its texts: every text but that one."""
        return Background(self, self._index.get(key) if key is not None else None)

    def _words(self, lang: str) -> tuple[list[frozenset[str]], Counter[str]]:
        """Per text, the tags it says; and how many texts say each tag."""
        if lang not in self._tags:
            per_text = [frozenset(tag_form(w, lang) for w in content_words(t, lang, frozenset())) for t in self._texts]
            self._tags[lang] = per_text, Counter(tag for tags in per_text for tag in tags)
        return self._tags[lang]

    def _stopword_shares(self) -> tuple[list[Counter[str]], Counter[str]]:
        """Per text, its stopword shares by language; and their sum."""
        if self._shares is None:
            per_text = [stopword_shares([text]) for text in self._texts]
            self._shares = per_text, sum(per_text, Counter())
        return self._shares


@dataclass(frozen=True)
class Background:
    """An archive less one of its texts (or none): what `write_digest` weighs a window against."""

    archive: Archive
    left_out: int | None

    def __len__(self) -> int:
        return len(self.archive._texts) - (self.left_out is not None)

    def common(self, lang: str) -> frozenset[str]:
        """Tags said in a fifth of the texts (two at least)."""
        per_text, texts_with = self.archive._words(lang)
        fewer: Counter[str] = Counter(per_text[self.left_out] if self.left_out is not None else ())
        least = max(2, len(self) / 5)
        return frozenset(t for t, n in texts_with.items() if n - fewer[t] >= least)

    def stopword_shares(self) -> Counter[str]:
        """The stopword shares by language of the texts, for `detect_language`'s `around`."""
        per_text, total = self.archive._stopword_shares()
        return total - per_text[self.left_out] if self.left_out is not None else total

    def says(self, phrase: str) -> bool:
        """Whether another text says `phrase` (lowercase, whole words)."""
        skip = self.left_out
        for match in re.finditer(rf"\b{re.escape(phrase)}\b", self.archive._joined):
            if skip is None or not self.archive._starts[skip] <= match.start() < self.archive._starts[skip + 1]:
                return True
        return False


def write_digest(
    window: Window,
    enrichments: Sequence[Enrichment],
    *,
    background: Sequence[str] | Background = (),
    embed: Embed | None = None,
) -> list[PostDraft]:
    """The offline digest of a window: none on a quiet day, else one post per conversation.

    `background` holds other texts of the group (other days, say; an `Archive` less this day
    when writing many); tags said in a fifth of them are preferred, so the tag page indexes
    the archive. `embed` turns texts into vectors to pick the messages worth quoting.
    """
    window = _bounded(window)
    names = odd_names({m.author for m in [*window.context, *window.messages] if m.author})
    texts = [m for m in window.messages if m.kind in TEXT_KINDS and m.author and m.text.strip()]
    if not isinstance(background, Background):
        background = Archive(dict(enumerate(background))).without(None)
    lang = detect_language([m.text for m in texts], around=background.stopword_shares())
    # The archive's shared vocabulary: what a fifth of the other days (two at least) speak of.
    topic = _topic_finder(lang, names, background.common(lang))
    segments = _segments(texts, topic)
    posts: list[PostDraft] = []
    for segment, everyone in zip(segments, _covered(window.messages, segments)):
        found = topic(segment)
        quotes = _central_messages(segment, found, lang, names, embed)
        links, images = _links(everyone, enrichments), _images(everyone, enrichments)
        post = _post(segment, everyone, found, quotes, links, lang, images, background.says)
        if any(p.slug == post.slug for p in posts):  # two conversations, same title
            post = post.model_copy(update={"slug": f"{post.slug}-{len(posts) + 1}"})
        posts.append(post)
    return posts


def _topic_finder(lang: str, names: frozenset[str], common: frozenset[str]) -> Callable[[Sequence[Message]], Topics]:
    """`find_topics` remembered per run of messages: the same run is weighed more than once."""
    found: dict[tuple[str, ...], Topics] = {}

    def topic(messages: Sequence[Message]) -> Topics:
        key = tuple(m.id for m in messages)
        if key not in found:
            found[key] = find_topics(messages, lang, names, common)
        return found[key]

    return topic


def _covered(messages: Sequence[Message], segments: Sequence[Sequence[Message]]) -> list[list[Message]]:
    """What each conversation's post covers: everything said up to the next conversation, media
    included (the first from the window's start)."""
    spans = []
    for i, segment in enumerate(segments):
        nxt = segments[i + 1][0].timestamp if i + 1 < len(segments) else None
        spans.append(
            [
                m
                for m in messages
                if m.author and (i == 0 or m.timestamp >= segment[0].timestamp) and (nxt is None or m.timestamp < nxt)
            ]
        )
    return spans
