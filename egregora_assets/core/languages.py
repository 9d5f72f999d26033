"""The chat languages: which one a chat speaks, and its stopwords, lemmas and verbs.

Stopwords come from YAKE's per-language lists, lemmas and language detection from
simplemma; only chat slang is written here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources

import simplemma

from .text import unnamed

# The chat languages the digest writes in and the site speaks; on a tie, the first.
LANGUAGES = ("pt", "en", "es", "de", "fr", "it")
# The languages a chat is recognized in: those with YAKE's stopwords and simplemma's lemmas. In
# one the site does not speak, topics and lemmas follow the chat, and Egregora's own words are
# English, which the site says (site_text "language_fallback").
DETECTED = LANGUAGES + (
    "nl", "sv", "da", "nb", "fi", "et", "lv", "lt", "pl", "cs", "sk", "sl", "hu", "ro",
    "ru", "uk", "bg", "el", "tr", "id", "ar", "fa", "hi", "hy",
)  # fmt: skip
_YAKE_FILE = {"cs": "cz", "nb": "no"}  # YAKE's own names for these languages' lists

WORD = re.compile(r"[^\W\d_]+")  # a word: letters only

# Chat words no stopword list knows: fillers, forms of address, laughter spelled out.
_CHAT_WORDS = {
    "pt": "pra pro pras pros tá tô né aí vc vcs pq tb tbm blz vlw obg oq msm mt gente pessoal galera "
    "então bora opa oi olá eita nossa uai ué valeu beleza show ok okay alguém ninguém tipo cara mano",
    "en": "yeah yep nope ok okay lol thanks hey hi hello guys gonna wanna everyone someone",
    "es": "vale pues jaja gracias hola gente oye vamos",
    "de": "danke hallo genau ok",
    "fr": "merci salut ouais ok",
    "it": "grazie ciao ok dai",
}
# Endings of the infinitive, the form a verb's lemma takes in each language.
INFINITIVE = {
    "pt": ("ar", "er", "ir"),
    "es": ("ar", "er", "ir"),
    "fr": ("er", "ir", "re"),
    "it": ("are", "ere", "ire"),
    "de": ("en", "ern", "eln"),
    "en": (),
}


@cache
def stopwords(lang: str) -> frozenset[str]:
    """YAKE's stopword list for a language, with the chat words above."""
    listed = resources.files("yake.core") / "StopwordsList" / f"stopwords_{_YAKE_FILE.get(lang, lang)}.txt"
    raw = listed.read_bytes() if listed.is_file() else b""
    try:
        words = raw.decode("utf-8").lower().split()
    except UnicodeDecodeError:  # YAKE ships its Lithuanian and Slovak lists in other encodings
        words = raw.decode("cp1257" if lang == "lt" else "cp1250").lower().split()
    return frozenset(words + _CHAT_WORDS.get(lang, "").split())


@lru_cache(maxsize=65536)
def lemma(word: str, lang: str) -> str:
    """simplemma's lemma of a lowercased word (the word itself in a language it has no lemmas for)."""
    return simplemma.lemmatize(word, lang=lang).lower() if lang in DETECTED else word.lower()


def is_stopword(word: str, lang: str) -> bool:
    """A stopword, or an informal spelling of one ("pra" for "para", "tá" for "estar")."""
    low = word.lower()
    return low in stopwords(lang) or lemma(low, lang) in stopwords(lang)


def is_verb(word: str, lang: str) -> bool:
    """Whether a word is an inflected verb: its lemma is an infinitive and a plural does not explain it."""
    low = word.lower()
    base = lemma(low, lang)
    if base == low or not base.endswith(INFINITIVE.get(lang, ())):
        return False
    # simplemma reads "trilhas" as a form of "trilhar"; its singular "trilha" is a noun.
    singular = low[:-1] if low.endswith("s") and len(low) > 3 else None
    return not (singular and lemma(singular, lang) == singular)


def tag_form(word: str, lang: str) -> str:
    """The form a word takes as a tag: its lemma when that only drops an ending (plural, gender)."""
    low = word.lower()
    base = lemma(low, lang)
    if base != low and low.endswith("s") and lemma(low[:-1], lang) == low[:-1]:
        return low[:-1]
    return base if low.startswith(base) and len(base) >= 3 else low


DECISIVE = 8  # stopwords of one language, at least, before their count alone decides


def detect_language(texts: Sequence[str], around: Mapping[str, int] | None = None) -> str:
    """The chat's language among DETECTED (simplemma's guess); en when unsure.

    simplemma scores each language on its own, so it is asked only about the two whose
    stopwords the text uses most, and only when they are close: loading each language's
    dictionary costs ~1 CPU-s, and a text with twice as many of one language's stopwords as of
    any other's is that language (the close calls are neighbours: pt and gl, da and no).
    `around` holds the stopword shares (see `stopword_shares`) of the rest of the chat: when the
    text is too short to decide between its two languages, the chat around it does.
    Pseudonyms are English words, and say nothing of the chat's language."""
    text = unnamed(" ".join(texts))
    share = _shares(text)
    first, second = sorted(DETECTED, key=lambda lang: -share[lang])[:2]
    if share[first] >= DECISIVE and share[first] >= 2 * share[second]:
        return first
    if around:
        # The chat's own evidence, between the two languages the text itself uses (any, if none).
        candidates = (first, second) if share[first] else DETECTED
        near, far = sorted(candidates, key=lambda lang: -around.get(lang, 0))[:2]
        if around.get(near, 0) >= DECISIVE and around.get(near, 0) >= 2 * around.get(far, 0):
            return near
    found = simplemma.langdetect(text, lang=tuple(lang for lang in DETECTED if lang in (first, second)))
    best, score = found[0]
    return best if best in DETECTED and score > 0 else "en"


def stopword_shares(texts: Sequence[str]) -> Counter[str]:
    """How many of the texts' words are each language's stopwords (names left out)."""
    return Counter(_shares(unnamed(" ".join(texts))))


def likely_language(texts: Sequence[str]) -> str | None:
    """The language whose stopwords most of the texts' words are (a quick guess, no lemmas):
    None when none is."""
    share = _shares(unnamed(" ".join(texts)))
    best = max(DETECTED, key=lambda lang: share[lang])
    return best if share[best] else None


def _shares(text: str) -> dict[str, int]:
    """How many of the text's words are each language's stopwords."""
    words = Counter(w.lower() for w in WORD.findall(text))
    return {lang: sum(n for w, n in words.items() if w in stopwords(lang)) for lang in DETECTED}


def spoken(lang: str) -> str:
    """The language Egregora's own words are in for a chat in `lang`: its own, or English."""
    return lang if lang in LANGUAGES else "en"
