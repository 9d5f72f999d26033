"""The site's own strings: every key in every language, with the same placeholders."""

import string

import pytest

from egregora_assets.core import site_text
from egregora_assets.core.languages import LANGUAGES
from egregora_assets.core.site_text import STRINGS


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_every_language_with_the_same_placeholders(key):
    found = STRINGS[key]
    if key in site_text.ENGLISH_ONLY:
        assert set(found) == {"en"} and found["en"].strip(), key
        return
    assert set(found) == set(LANGUAGES), key
    assert all(found[lang].strip() for lang in LANGUAGES), key
    assert {lang: placeholders(found[lang]) for lang in LANGUAGES} == {
        lang: placeholders(found["en"]) for lang in LANGUAGES
    }


def test_text_fills_placeholders_and_falls_back_to_english():
    assert site_text.text("writer_llm", "de", model="qwen{0}") == (
        "Von einem Sprachmodell (qwen{0}) aus den Nachrichten der Gruppe entworfen."
    )
    assert site_text.text("nav_home", "pt") == "Início"
    assert site_text.text("nav_home", "nl") == "Home"
