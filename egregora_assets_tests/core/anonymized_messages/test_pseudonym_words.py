"""The pseudonym words are data (pseudonym_words.toml): the same words in the same order, or every
home's pseudonyms would change."""

import hashlib
import re

from egregora_assets.core.anonymized_messages.pseudonyms import build_roster
from egregora_assets.core.text import ADJECTIVES, NOUNS

# sha256 of the adjectives, "--" and the nouns, one a line, as the Python lists they replaced held them.
WORDS_SHA256 = "69e05ff7ad85f3bb7aa61c40aecfd373f05721fa90d0abf10067c6d76c12022c"


def test_the_word_lists_are_the_ones_existing_homes_were_written_with():
    assert (len(ADJECTIVES), len(NOUNS)) == (256, 256)
    assert len(set(ADJECTIVES)) == len(set(NOUNS)) == 256
    assert all(re.fullmatch(r"[a-z]+", w) for w in ADJECTIVES + NOUNS)
    assert hashlib.sha256("\n".join([*ADJECTIVES, "--", *NOUNS]).encode()).hexdigest() == WORDS_SHA256


def test_a_roster_draws_the_pseudonyms_it_drew_when_the_words_were_code():
    names = ["Maria Silva", "+55 11 98765-4321", "João Pereira", "Ana", "+1 (555) 201-3344"]
    roster = build_roster(bytes(range(32)), "familia", names, aliases={"+55 11 98765-4321": "Maria Silva"})
    assert roster.pseudonyms == {
        "Maria Silva": "urban-rabbit",
        "+55 11 98765-4321": "urban-rabbit",
        "João Pereira": "elder-ember",
        "Ana": "keen-shore",
        "+1 (555) 201-3344": "lofty-mink",
    }
