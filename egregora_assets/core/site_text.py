"""The site's own interface text (what MkDocs Material does not translate), in each chat language."""

from __future__ import annotations

LANGUAGES = ("en", "pt", "es", "de", "fr", "it")  # the languages the offline digest detects

# key -> language -> text. Every key has every language; a test checks it.
STRINGS: dict[str, dict[str, str]] = {
    "sources": {
        "en": "The messages this post draws on",
        "pt": "As mensagens em que este post se baseia",
        "es": "Los mensajes en los que se basa esta entrada",
        "de": "Die Nachrichten, auf denen dieser Beitrag beruht",
        "fr": "Les messages sur lesquels s'appuie cet article",
        "it": "I messaggi su cui si basa questo post",
    },
}


def text(key: str, language: str) -> str:
    """The interface string `key` in `language`, English when the language is not one we have."""
    found = STRINGS[key]
    return found.get(language) or found["en"]
