"""The offline digest writer, on small realistic chats."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, datetime

import pytest

from egregora_assets.core.enrichments.enrich import offline_enrichments
from egregora_assets.core.models import Message, Window
from egregora_assets.core.posts.digest import (
    DIGEST_WRITER,
    detect_language,
    slugify,
    write_digest,
)

PT_TRAIL = [
    ("08:02", "amber-falcon", "Bom dia pessoal!"),
    ("08:05", "coral-heron", "Bom dia ☀️"),
    ("08:11", "amber-falcon", "E aí, a trilha do Pico do Itacolomi no sábado ainda tá de pé?"),
    ("08:13", "slate-otter", "Tô dentro! Mas vi que a previsão diz chuva forte no sábado de manhã"),
    ("08:15", "coral-heron", "kkkkk sempre chove quando a gente marca trilha"),
    ("08:16", "amber-falcon", "Olha a previsão: https://www.climatempo.com.br/previsao/ouro-preto."),
    ("08:20", "slate-otter", "Se a chuva passar até as 10h dá pra subir, a trilha seca rápido"),
    ("08:22", "birch-lynx", "Bom dia! Eu levo a mochila grande com lanterna e capa de chuva pra todo mundo"),
    ("08:25", "coral-heron", "Alguém tem bota de trilha pra emprestar? A minha rasgou na última subida"),
    ("08:27", "amber-falcon", "Tenho uma bota 40 sobrando, te levo"),
    ("08:30", "birch-lynx", "Lembrem de levar água, pelo menos 2 litros cada na mochila"),
    ("08:31", "slate-otter", "E protetor, mesmo com chuva o sol no pico queima"),
    ("08:40", "coral-heron", "Valeu @amber-falcon!! Me manda teu número de novo? o antigo era [phone]"),
    ("08:42", "amber-falcon", "Te mando no privado"),
    ("09:03", "birch-lynx", "Achei esse guia da trilha, tem o mapa da subida e os pontos de água https://example.org/guias/itacolomi_(mapa)"),
    ("09:05", "slate-otter", "Boa! O mapa mostra que a subida final é bem íngreme"),
    ("09:10", "amber-falcon", "Saímos 6h da praça então? Se chover forte a gente adia a trilha pro domingo"),
    ("09:12", "coral-heron", "Fechado, 6h na praça"),
    ("09:13", "birch-lynx", "Fechado! Vou conferir a mochila hoje à noite"),
    ("09:20", "slate-otter", "Alguém sabe se precisa pagar entrada no parque?"),
    ("09:24", "amber-falcon", "Acho que é gratuito, mas precisa assinar o termo na portaria do parque"),
    ("09:30", "coral-heron", "haha vou levar capa de chuva e guarda-chuva, não confio na previsão"),
    ("09:45", "birch-lynx", "Boa, e lanterna extra caso a descida atrase"),
    ("10:02", "slate-otter", "Combinado então, trilha no sábado, chuva ou sol 💪"),
]
QUIET = [
    ("07:01", "amber-falcon", "Bom dia!"),
    ("07:03", "coral-heron", "Bom dia gente"),
    ("07:10", "slate-otter", "bom diaaa"),
    ("12:30", "amber-falcon", "kkkkkk"),
    ("19:00", "coral-heron", "Boa noite pessoal"),
]
EN_BOOK = [
    ("19:00", "amber-falcon", "Ok so next month's book club pick: do we go with Piranesi or The Dispossessed?"),
    ("19:02", "coral-heron", "Piranesi! It's short and the house is such a great setting"),
    ("19:03", "slate-otter", "I vote The Dispossessed, we haven't done any Le Guin yet"),
    ("19:05", "birch-lynx", "Piranesi is short enough that people will actually finish it lol"),
    ("19:06", "amber-falcon", "True, last month half the club didn't finish the novel"),
    ("19:08", "coral-heron", "Here's a review of Piranesi that sold me: https://www.theguardian.com/books/2020/sep/16/piranesi-susanna-clarke-review"),
    ("19:10", "slate-otter", "Fine, Piranesi this month and Le Guin next. Deal?"),
    ("19:11", "birch-lynx", "Deal. Where do we meet, the library again?"),
    ("19:12", "amber-falcon", "The library room is booked, maybe the cafe on 5th?"),
    ("19:14", "coral-heron", "The cafe is too loud for a book discussion honestly"),
    ("19:15", "slate-otter", "My place works, I can host the club on the 14th"),
    ("19:16", "birch-lynx", "Perfect, I'll bring snacks. Email me at [email] if you need the address"),
    ("19:18", "amber-falcon", "Great. Everyone read the first half of the novel by the 7th?"),
    ("19:20", "coral-heron", "The first half of Piranesi goes fast, the journal entries are addictive"),
    ("19:25", "slate-otter", "No spoilers about the house please 😂"),
]
PT_EVENING = [
    ("19:30", "birch-lynx", "Gente, e o churrasco do aniversário da Lu no domingo? Quem confirma?"),
    ("19:32", "coral-heron", "Confirmo! Levo a picanha e o carvão"),
    ("19:33", "amber-falcon", "Eu levo a cerveja e o gelo"),
    ("19:35", "slate-otter", "Posso fazer a farofa e a vinagrete pro churrasco"),
    ("19:38", "birch-lynx", "Perfeito. Alguém tem churrasqueira portátil? A do salão tá quebrada"),
    ("19:40", "coral-heron", "Tenho uma churrasqueira pequena, serve pra picanha e linguiça"),
    ("19:41", "amber-falcon", "Quanto de carvão a gente compra? 2 sacos dá?"),
    ("19:43", "slate-otter", "3 sacos de carvão pra garantir, o último churrasco acabou cedo"),
    ("19:45", "birch-lynx", "Vou fazer uma vaquinha pro presente da Lu, manda pix pra [phone]"),
    ("19:47", "coral-heron", "Mandei! Bolo também? Posso encomendar um bolo de chocolate"),
    ("19:50", "amber-falcon", "Bolo de chocolate sim! A Lu ama"),
    ("19:52", "slate-otter", "Então fechado: picanha, linguiça, farofa, cerveja e bolo"),
    ("19:55", "birch-lynx", "Aniversário surpresa, ninguém conta pra Lu hein 🤫"),
]
PSEUDONYMS = {"amber-falcon", "coral-heron", "slate-otter", "birch-lynx"}


def window(rows, group="g1", day=date(2024, 3, 2), context=()) -> Window:
    def msg(i: int, row: tuple[str, str, str]) -> Message:
        t, author, text = row
        stamp = datetime.fromisoformat(f"{day}T{t}:00")
        return Message(id=f"{group}-m{i:03d}", group=group, timestamp=stamp, author=author, text=text)

    return Window(
        id=f"{group}-{day}-0", group=group, date=day, index=0,
        messages=[msg(i, row) for i, row in enumerate(rows)],
        context=[msg(900 + i, row) for i, row in enumerate(context)],
    )


def digest(rows, **kwargs):
    w = window(rows)
    return w, write_digest(w, offline_enrichments(w, media_info=lambda name: None), **kwargs)


@pytest.mark.parametrize(
    "rows",
    [
        [],
        QUIET,
        PT_TRAIL[:11],  # busy but short
        [(t, "amber-falcon" if i % 2 else "coral-heron", x) for i, (t, _, x) in enumerate(PT_TRAIL)],
        [(t, a, x) for t, a, x in QUIET * 4],  # enough messages and people, nothing said
    ],
    ids=["empty", "greetings", "few-messages", "two-people", "only-greetings"],
)
def test_quiet_windows_give_no_post(rows) -> None:
    assert digest(rows)[1] == []


def test_busy_portuguese_window_gives_one_post() -> None:
    w, posts = digest(PT_TRAIL)
    [post] = posts
    assert post.title.startswith("Conversa sobre ")
    assert "trilha" in post.title
    assert set(post.tags) >= {"trilha", "chuva"}
    assert 3 <= len(post.tags) <= 5 and all(re.fullmatch(r"[a-z0-9-]+", t) for t in post.tags)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", post.slug) and len(post.slug) <= 60
    assert post.summary == "4 pessoas trocaram 24 mensagens e compartilharam 2 links."
    ids = {m.id for m in w.messages}
    assert 3 <= len(post.message_ids) <= 5 and set(post.message_ids) <= ids
    for m in w.messages:  # every quoted message appears with its pseudonym and time
        quoted = f"> **{m.author}** ({m.timestamp:%H:%M}): " in post.body
        assert quoted == (m.id in post.message_ids)
    assert "- <https://www.climatempo.com.br/previsao/ouro-preto>" in post.body
    assert "- <https://example.org/guias/itacolomi_(mapa)>" in post.body
    assert "## Quem participou" in post.body
    assert post.body.rstrip().splitlines()[-1].startswith("*Resumo automático feito offline")
    assert DIGEST_WRITER == "offline-digest"


def test_english_window_and_proper_nouns() -> None:
    _, [post] = digest(EN_BOOK)
    assert post.title.startswith("Talking about Piranesi")
    assert "piranesi" in post.tags and "half" not in post.tags
    assert post.summary == "4 people exchanged 15 messages and shared 1 link."
    assert "## Who took part" in post.body and "Automatic offline digest" in post.body


def test_link_titles_from_enrichments_are_listed_and_escaped() -> None:
    w = window(PT_TRAIL)
    found = offline_enrichments(w, media_info=lambda name: None)
    found[1] = found[1].model_copy(update={"title": "Guia [oficial] <b>", "description": "Mapa *completo*"})
    [post] = write_digest(w, found)
    line = r"- [Guia \[oficial\] &lt;b>](<https://example.org/guias/itacolomi_(mapa)>) (example.org): Mapa \*completo\*"
    assert line in post.body


def test_chat_markup_is_quoted_inert() -> None:
    rows = list(PT_TRAIL)
    rows[6] = (rows[6][0], rows[6][1], rows[6][2] + " <script>x</script> [mapa](javascript:alert(1)) **trilha**")
    w, [post] = digest(rows)
    assert w.messages[6].id in post.message_ids
    assert "<script>" not in post.body
    assert not re.search(r"(?<!\\)\]\(javascript:", post.body)  # no live Markdown link
    assert r"\[mapa\](javascript:alert(1)) \*\*trilha\*\*" in post.body


def test_only_pseudonyms_are_named() -> None:
    context = [("07:00", "quiet-moth", "mensagem de ontem sobre trilha")]
    w = window(PT_TRAIL, context=context)
    [post] = write_digest(w, [])
    signed = set(re.findall(r"> \*\*([^*]+)\*\*", post.body))
    listed = post.body.split("## Quem participou\n\n")[1].split("\n")[0]
    assert signed <= PSEUDONYMS
    assert {name.split(" (")[0] for name in listed.split(", ")} == PSEUDONYMS
    assert "quiet-moth" not in post.body  # context is not part of the window
    words = set(re.findall(r"\w+", post.title + " " + " ".join(post.tags)))
    assert not words & {"amber", "falcon", "coral", "heron", "slate", "otter", "birch", "lynx"}


def test_mentions_and_placeholders_are_not_topics() -> None:
    rows = [(t, a, f"{x} @coral-heron [phone] [email]") for t, a, x in PT_TRAIL]
    _, [post] = digest(rows)
    assert not set(post.tags) & {"coral", "heron", "phone", "email"}
    assert "trilha" in post.tags


def test_background_makes_common_words_count_less() -> None:
    background = [
        "Ontem a trilha foi ótima apesar da chuva",
        "Trilha de novo? chuva de novo kkk",
        "Quem topa trilha domingo? vai ter chuva",
        "A subida da trilha tava lisa",
    ]
    _, [alone] = digest(PT_TRAIL)
    _, [against] = digest(PT_TRAIL, background=background)
    assert alone.tags[0] == "trilha"
    assert against.tags[0] != "trilha" and "trilha" in against.tags


def test_two_separate_conversations_give_two_posts() -> None:
    w, posts = digest(PT_TRAIL + PT_EVENING)
    assert [p.title.split(" sobre ")[0] for p in posts] == ["Conversa", "Conversa"]
    assert "trilha" in posts[0].tags and "churrasco" in posts[1].tags
    morning = {m.id for m in w.messages[: len(PT_TRAIL)]}
    assert set(posts[0].message_ids) <= morning and not set(posts[1].message_ids) & morning
    assert posts[0].slug != posts[1].slug
    assert posts[1].summary == "4 pessoas trocaram 13 mensagens."


def test_one_conversation_with_a_pause_stays_one_post() -> None:
    later = [(f"{int(t[:2]) + 8}:{t[3:]}", a, x) for t, a, x in PT_TRAIL[12:]]
    _, posts = digest(PT_TRAIL[:12] + PT_TRAIL[:12] + later)
    assert len(posts) == 1


def test_same_input_same_output() -> None:
    assert digest(PT_TRAIL) == digest(PT_TRAIL)


def test_output_does_not_depend_on_hash_seed() -> None:
    # Set iteration order changes with PYTHONHASHSEED; the digest must not.
    script = (
        "import json, test_digest as t; "
        "print(json.dumps([p.model_dump() for p in t.digest(t.PT_TRAIL + t.PT_EVENING)[1]]))"
    )
    path = os.pathsep.join([os.path.dirname(__file__), *filter(None, sys.path)])
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": path},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and json.loads(outputs.pop())


@pytest.mark.parametrize(
    ("texts", "lang"),
    [
        (["Bom dia, você vai na trilha? Não sei ainda"], "pt"),
        (["Is this the one you meant? yeah"], "en"),
        (["¿Qué tal? Yo creo que sí, pero hoy no puedo"], "es"),
        (["Ich komme heute nicht, aber morgen schon"], "de"),
        (["Oui, je pense que c'est très bien pour nous"], "fr"),
        (["Ciao, oggi non posso, ma domani sì grazie"], "it"),
        (["🙂 12:30"], "en"),
        ([], "en"),
    ],
)
def test_detect_language(texts: list[str], lang: str) -> None:
    assert detect_language(texts) == lang


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Conversa sobre ação, café e pão", "conversa-sobre-acao-cafe-e-pao"),
        ("Talking about Piranesi, club and book", "talking-about-piranesi-club-and-book"),
        ("  --Über   Straße!! ", "uber-strae"),
        ("Разговор о погоде", ""),
        ("Conversa sobre " + "palavra " * 20, "conversa-sobre" + "-palavra" * 5),
        ("x" * 80, "x" * 60),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title, limit=60) == slug
    assert len(slugify(title, limit=60)) <= 60
