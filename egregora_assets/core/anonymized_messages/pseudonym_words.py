"""The word lists pseudonyms are made of, read once from `pseudonym_words.toml` (package data)."""

import tomllib
from importlib import resources

_WORDS = tomllib.loads(resources.files(__package__).joinpath("pseudonym_words.toml").read_text(encoding="utf-8"))
ADJECTIVES: list[str] = _WORDS["adjectives"]
NOUNS: list[str] = _WORDS["nouns"]
