"""A chat is recognized in any of the languages with stopwords and lemmas (DETECTED), not only
those the site speaks; the lines below are written here, a few everyday sentences per language."""

from __future__ import annotations

import pytest

from egregora_assets.core.languages import DETECTED, LANGUAGES, detect_language, lemma, spoken, stopwords

CHATS = {
    "nl": ["Ik ben er morgen niet, want we gaan met de kinderen naar het strand.", "Dat is goed, tot zondag dan!"],
    "de": ["Ich bin morgen nicht da, weil wir mit den Kindern an den Strand fahren.", "Gut, dann bis Sonntag!"],
    "sv": ["Jag är inte där i morgon, för vi åker till stranden med barnen.", "Det är bra, vi ses på söndag!"],
    "pl": ["Jutro mnie nie będzie, bo jedziemy z dziećmi nad morze.", "Dobrze, to do zobaczenia w niedzielę!"],
    "cs": ["Zítra tam nebudu, protože jedeme s dětmi k moři.", "To je dobře, tak se uvidíme v neděli!"],
    "ru": ["Завтра меня не будет, потому что мы едем с детьми на море.", "Хорошо, тогда до воскресенья!"],
    "uk": ["Завтра мене не буде, бо ми їдемо з дітьми на море.", "Добре, тоді до неділі!"],
    "tr": ["Yarın orada olmayacağım, çünkü çocuklarla denize gidiyoruz.", "Tamam, o zaman pazar günü görüşürüz!"],
    "id": ["Besok saya tidak ada, karena kami pergi ke pantai dengan anak-anak.", "Baik, sampai hari Minggu ya!"],
    "pt": ["Amanhã eu não vou estar, porque vamos com as crianças para a praia.", "Tudo bem, até domingo então!"],
    "es": ["Mañana no voy a estar, porque vamos con los niños a la playa.", "Vale, ¡hasta el domingo entonces!"],
    "en": ["I won't be there tomorrow, because we are taking the kids to the beach.", "Fine, see you on Sunday!"],
    "el": ["Αύριο δεν θα είμαι εκεί, γιατί πάμε με τα παιδιά στη θάλασσα.", "Εντάξει, τα λέμε την Κυριακή!"],
}


@pytest.mark.parametrize("lang", CHATS)
def test_a_chat_is_recognized_in_its_language(lang):
    assert detect_language(CHATS[lang] * 3) == lang


def test_egregora_speaks_six_and_recognizes_more():
    assert set(LANGUAGES) < set(DETECTED) and len(DETECTED) >= 25
    assert [spoken(lang) for lang in ("nl", "pt", "ru")] == ["en", "pt", "en"]
    assert all(stopwords(lang) for lang in DETECTED)  # YAKE's list under its own name (cz, no)
    assert lemma("Huizen", "nl") == "huis" and lemma("Häuser", "xx") == "häuser"


def test_parse_summary_names_the_chat_language_and_the_fallback():
    from egregora_assets.core.raw_exports.parse import parse_chat, summary

    lines = [f"0{d}/03/2022, 10:0{i} - Anke: {t}" for d in range(1, 4) for i, t in enumerate(CHATS["nl"])]
    found = summary(parse_chat("\n".join(lines)))
    assert (found["language"], found["egregora_writes_in"]) == ("nl", "en")


@pytest.mark.parametrize("lang", ["pt", "es", "nl", "de"])
def test_a_short_day_takes_the_language_of_the_chat_around_it(lang, monkeypatch):
    import simplemma

    from egregora_assets.core.languages import stopword_shares

    short = CHATS[lang][1:]  # a few words, too few stopwords to decide on their own
    asked = []
    langdetect = simplemma.langdetect
    monkeypatch.setattr(simplemma, "langdetect", lambda text, lang: asked.append(lang) or langdetect(text, lang=lang))
    assert detect_language(short) == lang and len(asked) == 1  # alone, it needs simplemma's dictionaries
    assert detect_language(short, around=stopword_shares(CHATS[lang] * 5)) == lang
    assert len(asked) == 1  # with the chat around it, it does not


def test_the_chat_around_never_overrides_a_day_that_is_clearly_another_language():
    from egregora_assets.core.languages import stopword_shares

    assert detect_language(CHATS["en"] * 3, around=stopword_shares(CHATS["pt"] * 20)) == "en"
