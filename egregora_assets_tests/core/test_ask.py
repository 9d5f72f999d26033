"""The offline answer of `egregora ask`: whole messages and lines, nothing said twice."""

from __future__ import annotations

import pytest

from egregora_assets.core.ask import offline_passages


def window(text: str, title: str = "2026-09-27 #1") -> dict:
    return {"id": title, "kind": "window", "title": title, "date": "2026-09-27", "text": text}


def post(text: str, title: str = "Pedra Grande") -> dict:
    return {"id": title, "kind": "post", "title": title, "date": "2026-09-27", "text": f"{title}\n{text}"}


MESSAGES = [f"{10 + i // 60:02d}:{i % 60:02d} pure-bee: mensagem número {i} sobre a travessia" for i in range(60)]


def test_a_long_window_ends_at_a_whole_message():
    (shown,) = offline_passages([window("\n".join(MESSAGES))], limit=300)
    lines = shown[1].split("\n")
    assert lines == MESSAGES[: len(lines)] and 0 < len(shown[1]) <= 300


def test_a_multi_line_message_is_kept_whole():
    text = "15:20 dry-cradle: Aprendizados:\n1. barrigueira\n2. mais água\n15:21 pure-bee: Sobre água: leva pastilha"
    (shown,) = offline_passages([window(text)], limit=60)
    assert shown[1] == "15:20 dry-cradle: Aprendizados:\n1. barrigueira\n2. mais água"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Primeira frase curta. Segunda frase um pouco mais longa que a primeira. Terceira.", "Primeira frase curta."),
        ("uma palavra atrás da outra sem ponto nenhum até o fim", "uma palavra atrás da …"),
    ],
)
def test_a_message_longer_than_the_limit_is_cut_at_a_sentence_or_a_space(message, expected):
    (shown,) = offline_passages([window(f"09:55 sharp-kettle: {message}")], limit=44)
    assert shown[1] == f"09:55 sharp-kettle: {expected}"


def test_a_post_shows_its_title_once_and_no_line_twice():
    summary = "7 pessoas trocaram 36 mensagens."
    (shown,) = offline_passages([post(f"{summary}\n{summary}\n\n## Em destaque\n\n> **a** (10:02): oi")])
    assert shown[1] == f"{summary}\n\n## Em destaque\n\n> **a** (10:02): oi"


def test_a_quote_of_a_message_already_shown_is_left_out_and_so_is_its_empty_section():
    first = window("15:27 sharp-kettle: Tem água no Ajax e no Açu, com pastilha tá seguro\n15:30 a: ok")
    quoting = post(
        "Resumo.\n\n## Em destaque\n\n> **sharp-kettle** (15:27): Tem água no Ajax e no Açu, com pastilha tá seguro"
        "\n\n## Quem participou\n\nsharp-kettle (5)"
    )
    (_, a), (_, b) = offline_passages([first, quoting])
    assert "Tem água" in a and "Tem água" not in b
    assert b == "Resumo.\n\n## Quem participou\n\nsharp-kettle (5)"


def test_a_passage_wholly_shown_already_is_skipped():
    hit = window("10:00 a: uma coisa\n10:01 b: outra coisa")
    assert [h["title"] for h, _ in offline_passages([hit, {**hit, "id": "copy", "title": "copy"}])] == [hit["title"]]


def test_no_passage_ends_inside_a_word():
    words = [f"palavra{i}" for i in range(400)]
    hits = [window(f"10:00 a: {' '.join(words)}"), post(" ".join(reversed(words)), title="T")]
    shown = offline_passages(hits, limit=120)
    assert len(shown) == 2
    for _, text in shown:
        assert text.endswith(" …") and set(text.removesuffix(" …").split()) <= {"10:00", "a:", *words}
