"""What a run of messages is about: YAKE's keyphrases and the lemmatized tags most said, without
names, links or laughter. The offline writer titles and tags its posts with them, author pages list them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import yake_rust

from .languages import INFINITIVE, WORD, detect_language, is_stopword, is_verb, lemma, stopwords, tag_form
from .models import Message
from .text import OPTED_OUT, PSEUDONYM, unnamed
from .urls import URL_PATTERN

TEXT_KINDS = ("text", "edited")  # the messages whose words say what a chat is about
MAX_MESSAGE_CHARS = 50_000  # what the offline writer reads of one message

# Mentions (@amber-falcon), placeholders ([phone]) and export notes (<Media omitted>).
_NOISE = re.compile(r"@[\w.-]+|\[[^\]\s]{1,40}\]|<[^<>\n]{1,40}>")
_LAUGH = re.compile(r"^(?:k{2,}|(?:[hj][aeiou]){2,}h?|(?:rs)+|hu(?:e)+(?:hue)*|lo+l|lmao|rofl)$", re.IGNORECASE)
_MEASURE = re.compile(r"\b\d+(?:[.,:]\d+)?\s*[^\W\d_]{0,3}\b")  # "10 min", "2km", "6h": numbers say no topic
_SHOUT = re.compile(r"^[^\W\d_]*([^\W\d_])\1{2,}[^\W\d_]*$", re.IGNORECASE)  # "aeeee", "boraaa"
_PSEUDONYM = re.compile(PSEUDONYM)
_UNNAMED = frozenset({OPTED_OUT})  # what a mention of someone who opted out became: no topic either


@lru_cache(maxsize=1 << 16)  # a message is cleaned for its topics, tags, quotes and the archive
def clean_text(text: str, names: frozenset[str] = frozenset()) -> str:
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


def odd_names(names: Iterable[str]) -> frozenset[str]:
    """The pseudonyms among `names` that are no word pair of today's lists (the rest are always masked)."""
    return frozenset(n.lower() for n in names if not _PSEUDONYM.fullmatch(n))


def content_words(text: str, lang: str, names: frozenset[str]) -> list[str]:
    """The words of a text that can carry a topic: no stopwords, pseudonyms, laughter or shouting."""
    return [
        w
        for w in WORD.findall(clean_text(text, names))
        if len(w) >= 3 and not is_stopword(w, lang) and w.lower() not in _UNNAMED and not _SHOUT.match(w)
    ]


def _capitalized(messages: Sequence[Message], names: frozenset[str]) -> set[str]:
    """Words always capitalized mid-sentence (places, books, people's projects), lowercased."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for m in messages:
        for sentence in re.split(r"[.!?:;]+\s|\n", clean_text(m.text, names)):
            for word in WORD.findall(sentence)[1:]:  # a sentence's first word says nothing
                (upper if word[0].isupper() else lower)[word.lower()] += 1
    return {w for w in upper if not lower[w] and not w.isupper()} | {w for w in upper if w.isupper() and len(w) <= 4}


def keyphrases(text: str, stop: set[str]) -> list[tuple[str, float]]:
    """YAKE's 30 best keyphrases of up to 4 words (the lower the score, the better).

    yake-rust, not the yake package (which still gives the stopword lists): a year of days took
    25 CPU-s in the digest writer with it, 10 with this; the demo's posts are the same, and 404
    of 408 windows of a synthetic year got the same titles (the rest differ on near-ties)."""
    return yake_rust.Yake(stopwords=stop, ngrams=4, deduplication_threshold=0.8).get_n_best(text, n=30)


class Topics(NamedTuple):
    """What a run of messages is about."""

    phrases: list[str]  # YAKE keyphrases without verbs, best first, names capitalized
    tags: list[str]  # a name or noun of its own, then up to two the archive shares (lemmatized)
    ranked: list[str]  # every candidate tag, most said first
    words: int  # topic-capable words in all


def _phrase_ok(phrase: str, lang: str, proper: set[str]) -> bool:
    """A keyphrase a person could title with: no verbs, "someone", laughter or shouting, no
    stopword at its ends (pseudonyms never reach YAKE)."""
    words = WORD.findall(phrase)
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


def find_topics(
    messages: Sequence[Message], lang: str, names: frozenset[str], common: frozenset[str] = frozenset()
) -> Topics:
    """Keyphrases (YAKE) and tags (their lemmatized nouns, said in 2+ messages) of a conversation."""
    text = "\n".join(clean_text(m.text, names) for m in messages)
    proper = _capitalized(messages, names)
    # A name keeps its every word: "Grande" in "Pedra Grande" is no stopword.
    stop = set(stopwords(lang)) - proper
    phrases = _phrases(text, stop, lang, proper)
    candidates, several_words = _tag_candidates(phrases, lang, proper)
    said = _said(messages, lang, names, several_words)
    ranked = _ranked(candidates, said, messages, lang)
    counted = sum(len(content_words(m.text, lang, names)) for m in messages)
    return Topics(phrases, _index_tags(ranked, common), ranked, counted)


def _phrases(text: str, stop: set[str], lang: str, proper: set[str]) -> list[str]:
    """YAKE's keyphrases a person could title with, best first, once each."""

    def written(phrase: str) -> str:  # a name keeps its capitals, other words are lowercased
        return re.sub(r"[^\W\d_]+", lambda w: w[0] if w[0].lower() in proper else w[0].lower(), phrase)

    found = [written(p).strip(" .,;:!?") for p, _ in keyphrases(text, stop) if _phrase_ok(p, lang, proper)]
    return list(dict.fromkeys(found))


def _tag_candidates(phrases: list[str], lang: str, proper: set[str]) -> tuple[list[str], list[str]]:
    """The tags the phrases offer, best first, and those of them that are names of several words."""
    candidates: list[str] = []
    names: list[str] = []
    for p in phrases:  # a name of several words is one tag ("pedra grande"), a noun its lemma
        words = WORD.findall(p)
        if len(words) > 1 and all(w.lower() in proper or is_stopword(w, lang) for w in words):
            names.append(" ".join(words).lower())
            candidates.append(names[-1])
        else:
            candidates += [tag_form(w, lang) for w in words if not is_stopword(w, lang) and not is_verb(w, lang)]
    return candidates, names


def _said(messages: Sequence[Message], lang: str, names: frozenset[str], several_words: list[str]) -> list[set[str]]:
    """The tags each message says: its words' tag forms, and the names of several words it holds."""
    lowered = [f" {' '.join(WORD.findall(clean_text(m.text, names).lower()))} " for m in messages]
    said = [{tag_form(w, lang) for w in content_words(m.text, lang, names)} for m in messages]
    for name in several_words:
        for forms, line in zip(said, lowered):
            if f" {name} " in line:
                forms.add(name)
    return said


def _ranked(candidates: list[str], said: list[set[str]], messages: Sequence[Message], lang: str) -> list[str]:
    """The candidates said in 2+ messages, by how many messages and authors say them, then by
    YAKE's order; no verbs, and no word of a name said as a whole."""
    spread = Counter(t for forms in said for t in forms)
    named = {w for c in candidates if " " in c and spread[c] >= 2 for w in c.split()}
    authors = {t: len({m.author for m, forms in zip(messages, said) if t in forms}) for t in spread}
    rank = {t: i for i, t in reversed(list(enumerate(candidates)))}
    return sorted(
        (t for t in rank if spread[t] >= 2 and len(t) >= 3 and t not in named and not _verb_tag(t, lang)),
        key=lambda t: (-(spread[t] + authors[t]), rank[t], t),
    )


def _index_tags(ranked: list[str], common: frozenset[str]) -> list[str]:
    """An index, not a word cloud: the post's own name or noun, then what the archive shares."""
    broad = [t for t in ranked if t in common]
    own = [t for t in ranked if " " in t] + [t for t in ranked if t not in common]
    return list(dict.fromkeys([*own[:1], *broad[:2]] if broad else ranked[:2]))


def topic_texts(messages: Sequence[Message], chars: int = 200_000) -> list[Message]:
    """The messages someone's topics are read from: their latest texts within `chars`, in order."""
    texts: list[Message] = []
    for m in reversed(messages):  # YAKE reads all it is given: a year of someone, or one pasted book
        if m.kind not in TEXT_KINDS or not m.text.strip():
            continue
        text = m.text[:MAX_MESSAGE_CHARS]
        chars -= len(text)
        if chars < 0:
            break
        texts.append(m if text == m.text else m.model_copy(update={"text": text}))
    return texts[::-1]


def topics_of(texts: Sequence[Message], names: frozenset[str] = frozenset(), limit: int = 8) -> list[str]:
    """What someone talks about most: the digest's tags of their texts (see topic_texts), most
    said first. `names` are pseudonyms never to count (besides today's word pairs, which never are)."""
    if not texts:
        return []
    lang = detect_language([m.text for m in texts])
    return find_topics(texts, lang, odd_names(names)).ranked[:limit]
