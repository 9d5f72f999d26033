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
    "best_of_title": {
        "en": "Best of",
        "pt": "Os melhores",
        "es": "Lo mejor",
        "de": "Das Beste",
        "fr": "Le meilleur",
        "it": "Il meglio",
    },
    "best_of_intro": {
        "en": "The posts of this blog ranked highest, best first, from comparing them two at a time.",
        "pt": "Os posts deste blog mais bem classificados, do melhor para baixo, comparados dois a dois.",
        "es": "Las entradas de este blog mejor valoradas, de la mejor hacia abajo, comparadas de dos en dos.",
        "de": "Die am besten bewerteten Beiträge dieses Blogs, der beste zuerst, jeweils zu zweit verglichen.",
        "fr": "Les articles de ce blog les mieux classés, du meilleur au suivant, comparés deux à deux.",
        "it": "I post di questo blog meglio classificati, dal migliore in giù, confrontati a due a due.",
    },
    "best_of_empty": {
        "en": "No post has been ranked yet.",
        "pt": "Nenhum post foi classificado ainda.",
        "es": "Todavía no se ha clasificado ninguna entrada.",
        "de": "Noch kein Beitrag wurde bewertet.",
        "fr": "Aucun article n'a encore été classé.",
        "it": "Nessun post è stato ancora classificato.",
    },
}


def text(key: str, language: str) -> str:
    """The interface string `key` in `language`, English when the language is not one we have."""
    found = STRINGS[key]
    return found.get(language) or found["en"]
