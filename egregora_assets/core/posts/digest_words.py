"""What the offline digest writer takes from libraries, and the little no library ships.

Stopwords come from YAKE's per-language lists, lemmas and language detection from
simplemma; only chat slang and the digest's own labels are written here.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

import simplemma

LANGUAGES = ("pt", "en", "es", "de", "fr", "it")

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
    listed = resources.files("yake.core") / "StopwordsList" / f"stopwords_{lang}.txt"
    words = listed.read_text(encoding="utf-8").lower().split()
    return frozenset(words + _CHAT_WORDS.get(lang, "").split())


@lru_cache(maxsize=65536)
def lemma(word: str, lang: str) -> str:
    """simplemma's lemma of a lowercased word."""
    return simplemma.lemmatize(word, lang=lang).lower()


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


class Labels(NamedTuple):
    """The words a digest is written with, in one language."""

    and_: str
    summary: str
    shared_links: tuple[str, str]  # for one link, for {n} links
    quotes: str
    links: str
    people: str
    closing: str  # the honest label, said once at the end


LABELS = {
    "pt": Labels(
        "e",
        "{people} pessoas trocaram {messages} mensagens{links}.",
        (" e compartilharam 1 link", " e compartilharam {n} links"),
        "Em destaque",
        "Links compartilhados",
        "Quem participou",
        "Resumo automático, feito offline sem modelo de linguagem.",
    ),
    "en": Labels(
        "and",
        "{people} people exchanged {messages} messages{links}.",
        (" and shared 1 link", " and shared {n} links"),
        "Highlights",
        "Shared links",
        "Who took part",
        "Automatic digest, made offline without a language model.",
    ),
    "es": Labels(
        "y",
        "{people} personas intercambiaron {messages} mensajes{links}.",
        (" y compartieron 1 enlace", " y compartieron {n} enlaces"),
        "Destacados",
        "Enlaces compartidos",
        "Quién participó",
        "Resumen automático, hecho sin conexión y sin modelo de lenguaje.",
    ),
    "de": Labels(
        "und",
        "{people} Personen schrieben {messages} Nachrichten{links}.",
        (" und teilten 1 Link", " und teilten {n} Links"),
        "Auszüge",
        "Geteilte Links",
        "Wer dabei war",
        "Automatische Zusammenfassung, offline und ohne Sprachmodell erstellt.",
    ),
    "fr": Labels(
        "et",
        "{people} personnes ont échangé {messages} messages{links}.",
        (" et partagé 1 lien", " et partagé {n} liens"),
        "Extraits",
        "Liens partagés",
        "Qui a participé",
        "Résumé automatique, fait hors ligne sans modèle de langage.",
    ),
    "it": Labels(
        "e",
        "{people} persone si sono scambiate {messages} messaggi{links}.",
        (" e hanno condiviso 1 link", " e hanno condiviso {n} link"),
        "In evidenza",
        "Link condivisi",
        "Chi ha partecipato",
        "Riassunto automatico, fatto offline senza modello linguistico.",
    ),
}
