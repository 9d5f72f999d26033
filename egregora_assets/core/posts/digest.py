"""The offline writer: an honest, deterministic digest of a window, from keyphrases and embeddings.

YAKE finds the keyphrases, simplemma lemmatizes tags and tells verbs apart, and the messages
closest to the conversation's centroid (MiniLM vectors when given) are the ones quoted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import simplemma
import yake_rust

from egregora_assets.core.models import Enrichment, Message, PostDraft, Window
from egregora_assets.core.posts.digest_words import (
    INFINITIVE,
    LABELS,
    LANGUAGES,
    Labels,
    is_stopword,
    is_verb,
    lemma,
    stopwords,
    tag_form,
)
from egregora_assets.core.text import OPTED_OUT, PSEUDONYM, slugify, unnamed
from egregora_assets.core.urls import URL_PATTERN

from ..quotes import md_escape, quote, shorten

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

TEXT_KINDS = ("text", "edited")

_WEB_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)  # safe inside a Markdown autolink
_WORD = re.compile(r"[^\W\d_]+")
# Mentions (@amber-falcon), placeholders ([phone]) and export notes (<Media omitted>).
_NOISE = re.compile(r"@[\w.-]+|\[[^\]\s]{1,40}\]|<[^<>\n]{1,40}>")
_LAUGH = re.compile(r"^(?:k{2,}|(?:[hj][aeiou]){2,}h?|(?:rs)+|hu(?:e)+(?:hue)*|lo+l|lmao|rofl)$", re.IGNORECASE)
_MEASURE = re.compile(r"\b\d+(?:[.,:]\d+)?\s*[^\W\d_]{0,3}\b")  # "10 min", "2km", "6h": numbers say no topic
_SHOUT = re.compile(r"^[^\W\d_]*([^\W\d_])\1{2,}[^\W\d_]*$", re.IGNORECASE)  # "aeeee", "boraaa"
_PSEUDONYM = re.compile(PSEUDONYM)
_UNNAMED = frozenset({OPTED_OUT})  # what a mention of someone who opted out became: no topic either


MAX_MESSAGE_CHARS = 50_000  # what the offline writer reads of one message


@lru_cache(maxsize=1 << 16)  # a message is cleaned for its topics, tags, quotes and the archive
def _clean(text: str, names: frozenset[str] = frozenset()) -> str:
    """A message without URLs, mentions, pseudonyms (and `names`), placeholders or laughter, ended
    as a sentence. A name leaves a comma: the words on either side of it were never one phrase."""
    text = unnamed(_MEASURE.sub(" ", _NOISE.sub(" ", URL_PATTERN.sub(" ", text))), " , ")
    if names:
        text = _names(names).sub(" , ", text)
    text = " ".join(w for w in text.split() if not _LAUGH.match(w.strip(".,!?;:"))).strip(" ,")
    return text if not text or text[-1] in ".!?…" else text + "."


@lru_cache(maxsize=64)
def _names(names: frozenset[str]) -> re.Pattern[str]:
    """The pseudonyms of a window that are no word pair of today's lists (an older home's, say)."""
    return re.compile("|".join(rf"(?<![\w-]){re.escape(n)}(?![\w-])" for n in sorted(names)), re.IGNORECASE)


def _odd_names(names: Iterable[str]) -> frozenset[str]:
    """The pseudonyms among `names` that are no word pair of today's lists (the rest are always masked)."""
    return frozenset(n.lower() for n in names if not _PSEUDONYM.fullmatch(n))


def _content_words(text: str, lang: str, names: frozenset[str]) -> list[str]:
    """The words of a text that can carry a topic: no stopwords, pseudonyms, laughter or shouting."""
    return [
        w
        for w in _WORD.findall(_clean(text, names))
        if len(w) >= 3 and not is_stopword(w, lang) and w.lower() not in _UNNAMED and not _SHOUT.match(w)
    ]


def detect_language(texts: Sequence[str]) -> str:
    """The chat's language among pt, en, es, de, fr and it (simplemma's guess); en when unsure.

    simplemma scores each language on its own, so it is asked only about the two whose
    stopwords the text uses most: loading each language's dictionary costs ~1.5 CPU-s.
    Pseudonyms are English words, and say nothing of the chat's language."""
    text = unnamed(" ".join(texts))
    found = simplemma.langdetect(text, lang=_likely_languages(text))
    best, score = found[0]
    return best if best in LANGUAGES and score > 0 else "en"


def _likely_languages(text: str, keep: int = 2) -> tuple[str, ...]:
    """The `keep` languages whose stopwords are most of the text's words (ties in LANGUAGES order)."""
    words = Counter(w.lower() for w in _WORD.findall(text))
    share = {lang: sum(n for w, n in words.items() if w in stopwords(lang)) for lang in LANGUAGES}
    top = sorted(LANGUAGES, key=lambda lang: -share[lang])[:keep]
    return tuple(lang for lang in LANGUAGES if lang in top)


def _capitalized(messages: Sequence[Message], names: frozenset[str]) -> set[str]:
    """Words always capitalized mid-sentence (places, books, people's projects), lowercased."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for m in messages:
        for sentence in re.split(r"[.!?:;]+\s|\n", _clean(m.text, names)):
            for word in _WORD.findall(sentence)[1:]:  # a sentence's first word says nothing
                (upper if word[0].isupper() else lower)[word.lower()] += 1
    return {w for w in upper if not lower[w] and not w.isupper()} | {w for w in upper if w.isupper() and len(w) <= 4}


def keyphrases(text: str, stop: set[str]) -> list[tuple[str, float]]:
    """YAKE's 30 best keyphrases of up to 4 words (the lower the score, the better).

    yake-rust, not the yake package (which still gives the stopword lists): a year of days took
    25 CPU-s in the digest writer with it, 10 with this; the demo's posts are the same, and 404
    of 408 windows of a synthetic year got the same titles (the rest differ on near-ties)."""
    return yake_rust.Yake(stopwords=stop, ngrams=4, deduplication_threshold=0.8).get_n_best(text, n=30)


class _Topics(NamedTuple):
    """What a run of messages is about."""

    phrases: list[str]  # YAKE keyphrases without verbs, best first, names capitalized
    tags: list[str]  # a name or noun of its own, then up to two the archive shares (lemmatized)
    ranked: list[str]  # every candidate tag, most said first
    words: int  # topic-capable words in all


def _phrase_ok(phrase: str, lang: str, proper: set[str]) -> bool:
    """A keyphrase a person could title with: no verbs, "someone", laughter or shouting, no
    stopword at its ends (pseudonyms never reach YAKE)."""
    words = _WORD.findall(phrase)
    return (
        bool(words)
        and not any(is_verb(w, lang) or w.lower() in _UNNAMED or _SHOUT.match(w) or _LAUGH.match(w) for w in words)
        and not any(is_stopword(w, lang) and w.lower() not in proper for w in (words[0], words[-1]))
    )


def _verb_tag(tag: str, lang: str) -> bool:
    """An inflected verb, or an infinitive: never a topic ("mandei", "começar")."""
    return is_verb(tag, lang) or (
        " " not in tag and lemma(tag, lang) == tag and tag.endswith(INFINITIVE[lang] or ("\0",))
    )


def _topics(
    messages: Sequence[Message], lang: str, names: frozenset[str], common: frozenset[str] = frozenset()
) -> _Topics:
    """Keyphrases (YAKE) and tags (their lemmatized nouns, said in 2+ messages) of a conversation."""
    text = "\n".join(_clean(m.text, names) for m in messages)
    proper = _capitalized(messages, names)
    # A name keeps its every word: "Grande" in "Pedra Grande" is no stopword.
    stop = set(stopwords(lang)) - proper

    def written(phrase: str) -> str:  # a name keeps its capitals, other words are lowercased
        return re.sub(r"[^\W\d_]+", lambda w: w[0] if w[0].lower() in proper else w[0].lower(), phrase)

    found = [written(p).strip(" .,;:!?") for p, _ in keyphrases(text, stop) if _phrase_ok(p, lang, proper)]
    phrases = list(dict.fromkeys(found))
    lowered = [f" {' '.join(_WORD.findall(_clean(m.text, names).lower()))} " for m in messages]
    said = [{tag_form(w, lang) for w in _content_words(m.text, lang, names)} for m in messages]
    candidates: list[str] = []
    for p in phrases:  # a name of several words is one tag ("pedra grande"), a noun its lemma
        words = _WORD.findall(p)
        if len(words) > 1 and all(w.lower() in proper or is_stopword(w, lang) for w in words):
            name = " ".join(words).lower()
            candidates.append(name)
            for forms, line in zip(said, lowered):
                if f" {name} " in line:
                    forms.add(name)
        else:
            candidates += [tag_form(w, lang) for w in words if not is_stopword(w, lang) and not is_verb(w, lang)]
    spread = Counter(t for forms in said for t in forms)
    named = {w for c in candidates if " " in c and spread[c] >= 2 for w in c.split()}
    authors = {t: len({m.author for m, forms in zip(messages, said) if t in forms}) for t in spread}
    rank = {t: i for i, t in reversed(list(enumerate(candidates)))}
    ranked = sorted(
        (t for t in rank if spread[t] >= 2 and len(t) >= 3 and t not in named and not _verb_tag(t, lang)),
        key=lambda t: (-(spread[t] + authors[t]), rank[t], t),
    )
    # An index, not a word cloud: the post's own name or noun, then what the archive shares.
    broad = [t for t in ranked if t in common]
    own = [t for t in ranked if " " in t] + [t for t in ranked if t not in common]
    tags = list(dict.fromkeys([*own[:1], *broad[:2]] if broad else ranked[:2]))
    counted = sum(len(_content_words(m.text, lang, names)) for m in messages)
    return _Topics(phrases, tags, ranked, counted)


def favourite_topics(
    messages: Sequence[Message], names: frozenset[str] = frozenset(), limit: int = 8, chars: int = 200_000
) -> list[str]:
    """What someone talks about most: the digest's tags of their latest text messages (within
    `chars`, each cut at MAX_MESSAGE_CHARS), most said first. `names` are pseudonyms never to
    count (besides today's word pairs, which never are)."""
    texts: list[Message] = []
    for m in reversed(messages):  # YAKE reads all it is given: a year of someone, or one pasted book
        if m.kind not in TEXT_KINDS or not m.text.strip():
            continue
        text = m.text[:MAX_MESSAGE_CHARS]
        chars -= len(text)
        if chars < 0:
            break
        texts.append(m if text == m.text else m.model_copy(update={"text": text}))
    if not texts:
        return []
    texts.reverse()
    lang = detect_language([m.text for m in texts])
    return _topics(texts, lang, _odd_names(names)).ranked[:limit]


def _busy(messages: Sequence[Message]) -> bool:
    """Enough messages and people for a post: what is known before YAKE reads them."""
    return len(messages) >= MIN_MESSAGES and len({m.author for m in messages}) >= MIN_AUTHORS


def _deserves_post(messages: Sequence[Message], topics: _Topics) -> bool:
    """Whether a run of text messages is a conversation rather than a quiet day."""
    return _busy(messages) and topics.words >= MIN_CONTENT_WORDS and bool(topics.tags) and bool(topics.phrases)


def _segments(texts: list[Message], topic: Callable[[Sequence[Message]], _Topics]) -> list[list[Message]]:
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
    messages: Sequence[Message], topics: _Topics, lang: str, names: frozenset[str], embed: Embed | None
) -> list[Message]:
    """The 3-5 messages closest to the conversation's centroid (at most two per person), in chat order.

    With `embed` (MiniLM), closeness is semantic; without, it is over the conversation's tags.
    """
    want = 3 if len(messages) < 25 else 4 if len(messages) < 50 else 5
    # Only messages that say something can be quoted: a greeting is never the gist.
    sayers = [m for m in messages if len(_content_words(m.text, lang, names)) >= 2]
    if not sayers:
        return []
    if embed is not None:
        vectors = np.asarray(embed([_clean(m.text, names) for m in sayers]), dtype=float)
    else:
        vectors = np.asarray(
            [
                [
                    float(tag in {tag_form(w, lang) for w in _content_words(m.text, lang, names)})
                    for tag in topics.ranked
                ]
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


def _title(topics: _Topics, lang: str, labels: Labels, elsewhere: Callable[[str], bool] = lambda _: False) -> str:
    """A short noun phrase: the best keyphrase, joined by a second when it is a single word,
    or by the day's own topic when other days of the group already speak of it."""
    first = topics.phrases[0]
    forms = {tag_form(w, lang) for w in _WORD.findall(first)}
    second = None
    if len(forms) == 1 and len(topics.phrases) > 1:
        second = next(
            (p for p in topics.phrases[1:] if not forms & {tag_form(w, lang) for w in _WORD.findall(p)}), None
        )
        # A place is named whole: "Pedra" stands for the "Pedra Grande" said elsewhere in the day.
        wider = [
            p
            for p in topics.phrases
            if second
            and second[:1].isupper()
            and p != second
            and re.search(rf"\b{re.escape(second)}\b", p)
            and all(w[:1].isupper() or is_stopword(w, lang) for w in _WORD.findall(p))
        ]
        second = next((p for p in wider if not forms & {tag_form(w, lang) for w in _WORD.findall(p)}), second)
    elif elsewhere(first.lower()):
        # Two days on the same trail get two titles: the topic this day says most.
        second = next((t for t in topics.ranked if t not in forms and t not in first.lower()), None)
    if second:
        first = f"{first} {labels.and_} {second}"
    return first[:1].upper() + first[1:]


def _summary(people: int, messages: int, links: int, labels: Labels) -> str:
    one, many = labels.shared_links
    shared = "" if links == 0 else one if links == 1 else many.format(n=links)
    return labels.summary.format(people=people, messages=messages, links=shared)


def _post(
    messages: list[Message],
    everyone: Sequence[Message],
    topics: _Topics,
    quotes: list[Message],
    links: list[Enrichment],
    lang: str,
    images: Sequence[Enrichment] = (),
    elsewhere: Callable[[str], bool] = lambda _: False,
) -> PostDraft:
    """One digest post for one conversation."""
    labels = LABELS[lang]
    title = _title(topics, lang, labels, elsewhere)
    said = Counter(m.author for m in everyone)  # most messages first, then who spoke first
    people = sorted(said.items(), key=lambda kv: -kv[1])
    summary = _summary(len(people), len(everyone), len(links), labels)
    sections = [summary, f"## {labels.quotes}", "\n\n".join(quote(m) for m in quotes)]
    if images:  # published names only: the site copies these files, metadata stripped
        sections.append("\n".join(f"![{e.ref}](media/{e.ref})" for e in images))
    if links:
        sections += [f"## {labels.links}", "\n".join(_link_line(link) for link in links)]
    sections += [f"## {labels.people}", ", ".join(f"{name} ({n})" for name, n in people)]
    sections.append(f"*{labels.closing}*")
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
        cleaned = [_clean(text).lower() for text in texts.values()]  # one line each: _clean joins lines
        self._joined = "\n".join(cleaned)
        self._starts = [0]
        for text in cleaned:
            self._starts.append(self._starts[-1] + len(text) + 1)
        self._texts = list(texts.values())
        self._tags: dict[str, tuple[list[frozenset[str]], Counter[str]]] = {}

    def without(self, key: Hashable | None) -> Background:
        """The archive as seen from one of its texts: every text but that one."""
        return Background(self, self._index.get(key) if key is not None else None)

    def _words(self, lang: str) -> tuple[list[frozenset[str]], Counter[str]]:
        """Per text, the tags it says; and how many texts say each tag."""
        if lang not in self._tags:
            per_text = [frozenset(tag_form(w, lang) for w in _content_words(t, lang, frozenset())) for t in self._texts]
            self._tags[lang] = per_text, Counter(tag for tags in per_text for tag in tags)
        return self._tags[lang]


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
    authors = {m.author for m in [*window.context, *window.messages] if m.author}
    names = _odd_names(authors)
    texts = [m for m in window.messages if m.kind in TEXT_KINDS and m.author and m.text.strip()]
    lang = detect_language([m.text for m in texts])
    if not isinstance(background, Background):
        background = Archive(dict(enumerate(background))).without(None)
    # The archive's shared vocabulary: what a fifth of the other days (two at least) speak of.
    common = background.common(lang)
    found_topics: dict[tuple[str, ...], _Topics] = {}

    def topic(messages: Sequence[Message]) -> _Topics:  # the same run of messages is weighed more than once
        key = tuple(m.id for m in messages)
        if key not in found_topics:
            found_topics[key] = _topics(messages, lang, names, common)
        return found_topics[key]

    posts: list[PostDraft] = []
    segments = _segments(texts, topic)
    for i, segment in enumerate(segments):
        # Each post covers everything said up to the next conversation, media included.
        nxt = segments[i + 1][0].timestamp if i + 1 < len(segments) else None
        everyone = [
            m
            for m in window.messages
            if m.author and (i == 0 or m.timestamp >= segment[0].timestamp) and (nxt is None or m.timestamp < nxt)
        ]
        found = topic(segment)
        quotes = _central_messages(segment, found, lang, names, embed)
        post = _post(
            segment,
            everyone,
            found,
            quotes,
            _links(everyone, enrichments),
            lang,
            _images(everyone, enrichments),
            background.says,
        )
        if any(p.slug == post.slug for p in posts):  # two conversations, same title
            post = post.model_copy(update={"slug": f"{post.slug}-{len(posts) + 1}"})
        posts.append(post)
    return posts
