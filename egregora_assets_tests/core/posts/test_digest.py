"""The offline digest writer, on small realistic chats."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime

import pytest

from egregora_assets.core.enrichments.enrich import offline_enrichments
from egregora_assets.core.languages import detect_language
from egregora_assets.core.models import Message, Window
from egregora_assets.core.posts.digest import (
    DIGEST_WRITER,
    slugify,
    write_digest,
)
from egregora_assets.core.text import PSEUDONYM

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
    (
        "09:03",
        "birch-lynx",
        "Achei esse guia da trilha, tem o mapa da subida e os pontos de água https://example.org/guias/itacolomi_(mapa)",
    ),
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
    (
        "19:08",
        "coral-heron",
        "Here's a review of Piranesi that sold me: https://www.theguardian.com/books/2020/sep/16/piranesi-susanna-clarke-review",
    ),
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
PSEUDONYM_RE = re.compile(PSEUDONYM)


def window(rows, group="g1", day=date(2024, 3, 2), context=()) -> Window:
    def msg(i: int, row: tuple[str, str, str]) -> Message:
        t, author, text = row
        stamp = datetime.fromisoformat(f"{day}T{t}:00")
        return Message(id=f"{group}-m{i:03d}", group=group, timestamp=stamp, author=author, text=text)

    return Window(
        id=f"{group}-{day}-0",
        group=group,
        date=day,
        index=0,
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
    assert post.title == "Trilha e chuva"
    assert set(post.tags) == {"trilha", "chuva"}
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
    assert post.body.rstrip().splitlines()[-1] == "*Resumo automático, feito offline sem modelo de linguagem.*"
    assert DIGEST_WRITER == "offline-digest"


def test_english_window_and_proper_nouns() -> None:
    _, [post] = digest(EN_BOOK)
    assert post.title.startswith("Piranesi")
    assert "piranesi" in post.tags and "half" not in post.tags
    assert post.summary == "4 people exchanged 15 messages and shared 1 link."
    assert "## Who took part" in post.body and post.body.count("Automatic digest, made offline") == 1


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
    # Words the other days share ("trilha", "chuva") come second, after the post's own noun.
    assert alone.tags == ["trilha", "chuva"]
    assert against.tags[0] not in {"trilha", "chuva"} and {"trilha", "chuva"} <= set(against.tags)


def test_two_separate_conversations_give_two_posts() -> None:
    w, posts = digest(PT_TRAIL + PT_EVENING)
    assert "trilha" in posts[0].tags and set(posts[1].tags) & {"churrasco", "bolo", "carvão"}
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
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": path},
            capture_output=True,
            text=True,
            check=True,
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


# Common Portuguese and English verb forms a tag must never be (the examples first).
VERB_FORMS = {
    "mandei",
    "levo",
    "acharam",
    "funciona",
    "confirmo",
    "posso",
    "vou",
    "tenho",
    "achei",
    "chegamos",
    "saio",
    "serve",
    "combinado",
    "vote",
    "finish",
    "meet",
    "bring",
    "read",
}
PEDRA = [
    ("08:00", "amber-falcon", "Bora fazer a trilha da Pedra Grande no sábado?"),
    ("08:02", "coral-heron", "Pedra Grande de novo! Eu topo, mandei mensagem pro guia do mutirão"),
    ("08:04", "slate-otter", "Levo o lanche. A subida da Pedra Grande cansa mas a vista vale"),
    ("08:06", "birch-lynx", "Acharam o horário do ônibus? O ônibus das 6h funciona no sábado"),
    ("08:08", "amber-falcon", "O ônibus das 6h sai da rodoviária, chega na base da Pedra Grande às 7h"),
    ("08:10", "coral-heron", "O mutirão de limpeza da trilha é no domingo, depois da Pedra Grande"),
    ("08:12", "slate-otter", "Mutirão com saco de lixo e luva, eu levo as luvas"),
    ("08:14", "birch-lynx", "Confirmo a trilha e o mutirão! Levo água pra todo mundo"),
    ("08:16", "amber-falcon", "Cada um leva dois litros de água, a trilha não tem fonte"),
    ("08:18", "coral-heron", "Combinado: ônibus das 6h, trilha da Pedra Grande, lanche no topo"),
    ("08:20", "slate-otter", "E no domingo o mutirão, com saco de lixo extra"),
    ("08:22", "birch-lynx", "Fechado, mandei o horário do ônibus no grupo da trilha"),
]


def test_title_is_a_phrase_with_the_place_whole_and_accents_kept() -> None:
    _, [post] = digest(PEDRA)
    assert "Conversa sobre" not in post.title and "," not in post.title
    assert "Pedra Grande" in post.title
    assert len(post.title.split()) <= 6
    assert "pedra grande" in post.tags and not {"pedra", "grande"} & set(post.tags)
    text = " ".join([post.title, *post.tags]).lower()
    assert "mutirao" not in text and "onibus" not in text


@pytest.mark.parametrize("rows", [PT_TRAIL, EN_BOOK, PT_EVENING * 2, PEDRA], ids=["trail", "book", "bbq", "pedra"])
def test_tags_are_few_nouns_never_verbs(rows) -> None:
    import simplemma

    _, posts = digest(rows)
    assert posts
    for post in posts:
        assert 1 <= len(post.tags) <= 3
        for tag in post.tags:
            assert tag not in VERB_FORMS
            # simplemma keeps a noun's lemma (the tag); an inflected verb would lemmatize elsewhere.
            lang = detect_language([post.body])
            assert " " in tag or simplemma.lemmatize(tag, lang=lang) in {tag, tag + "r"}, tag


def test_background_makes_tags_shared_across_posts() -> None:
    days = [" ".join(x for _, _, x in rows) for rows in (PT_TRAIL, PEDRA, PT_TRAIL[:12], PEDRA[:6])]
    _, [trail] = digest(PT_TRAIL, background=days[1:])
    _, [pedra] = digest(PEDRA, background=days[:1] + days[2:])
    assert set(trail.tags) & set(pedra.tags) == {"trilha"}


def test_the_honest_label_is_said_once_in_the_chat_language() -> None:
    from egregora_assets.core.mkdocs_site import writer_note

    _, [post] = digest(PT_TRAIL)
    assert post.body.count("Resumo automático") == 1 and "offline digest" not in post.body.lower()
    assert writer_note(DIGEST_WRITER) is None  # the site adds no second, English label


def test_embeddings_pick_the_quoted_messages() -> None:
    # A stand-in for MiniLM: messages about the rain point one way, the rest another.
    def embed(texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.1] if "chuva" in t.lower() else [0.1, 1.0] for t in texts]

    w, [post] = digest(PT_TRAIL, embed=embed)
    quoted = [m.text for m in w.messages if m.id in post.message_ids]
    assert len(quoted) == 3 and not any("chuva" in q.lower() for q in quoted)


def test_two_days_on_the_same_place_get_two_titles() -> None:
    # Same trail, two days: the second day's own talk tells them apart, the place stays whole.
    later = [
        ("18:00", "amber-falcon", "Voltei da Pedra Grande, a barraca aguentou a chuva toda"),
        ("18:03", "coral-heron", "A barraca nova é boa mesmo? A minha barraca molhou por dentro"),
        ("18:05", "slate-otter", "Na Pedra Grande venta muito, precisa esticar bem a barraca"),
        ("18:08", "birch-lynx", "Eu levo estacas extras pra barraca na próxima"),
        ("18:10", "amber-falcon", "Estacas e corda, a barraca fica firme até com vento"),
        ("18:12", "coral-heron", "Vou comprar uma barraca dessas antes da próxima Pedra Grande"),
        ("18:15", "slate-otter", "A barraca pesa quanto? Na subida tudo pesa"),
        ("18:18", "birch-lynx", "Uns dois quilos, cabe na mochila com as estacas"),
        ("18:20", "amber-falcon", "Dois quilos é ok. A barraca de três pessoas pesa o dobro"),
        ("18:22", "coral-heron", "Então vale dividir a barraca maior entre duas mochilas"),
        ("18:25", "slate-otter", "Fechado, na próxima Pedra Grande a gente divide a barraca"),
        ("18:28", "birch-lynx", "E eu levo a lona pra cobrir a barraca se chover de novo"),
    ]
    text = " ".join(x for _, _, x in PEDRA)
    _, [first] = digest(PEDRA)
    _, [second] = digest(later, background=[text])
    assert "Pedra Grande" in first.title and "Pedra Grande" in second.title
    assert first.title != second.title and "barraca" in second.title.lower()
    # And the first day, written knowing the second, adds its own topic to the shared place.
    _, [again] = digest(PEDRA, background=[" ".join(x for _, _, x in later)])
    assert again.title.startswith("Pedra Grande ") and again.title != second.title


# Two homes draw different word pairs for the same four people, and for a fifth they talk about.
HOME_A = {
    "amber-falcon": "ample-lagoon",
    "coral-heron": "brisk-fountain",
    "slate-otter": "sunken-bell",
    "birch-lynx": "cobalt-bee",
    "absent": "quiet-moth",
}
HOME_B = {
    "amber-falcon": "distant-beetle-2",
    "coral-heron": "fast-yak",
    "slate-otter": "cozy-zebra",
    "birch-lynx": "early-cradle",
    "absent": "dense-cairn",
}


def talked_about(rows, home: dict[str, str]):
    """`rows` as one home writes them: its pseudonyms, and the absent person named in every
    message, twice (the most said word of the window), with others and "someone" now and then."""
    people = [home[role] for role in list(home)[:4]]
    named = []
    for i, (t, author, text) in enumerate(rows):
        extra = "someone" if i % 3 == 0 else people[i % 4]
        named.append((t, home[author], f"{home['absent']}, {text} {home['absent']} e {extra}"))
    return named


@pytest.mark.parametrize("rows", [PT_TRAIL, EN_BOOK, PT_TRAIL + PT_EVENING], ids=["pt", "en", "two-posts"])
def test_a_pseudonym_is_never_a_topic_even_when_it_is_the_most_said_word(rows) -> None:
    rows = talked_about(rows, HOME_A)
    said = Counter(w.lower() for _, _, text in rows for w in re.findall(r"[\w-]+", text))
    assert said.most_common(1)[0][0] == HOME_A["absent"] and all(PSEUDONYM_RE.fullmatch(p) for p in HOME_A.values())
    posts = write_digest(window(rows), [])
    assert posts
    names = {part for p in HOME_A.values() for part in re.findall(r"[a-z]+", p)} | {"someone", "contact", "phone"}
    for post in posts:
        words = {w.lower() for w in re.findall(r"[^\W\d_]+", " ".join([post.title, post.slug, *post.tags]))}
        assert not words & names, (post.title, post.tags)


def test_the_digest_does_not_depend_on_the_word_pairs_a_home_drew() -> None:
    background = ["Ontem a trilha foi ótima apesar da chuva", "Quem topa churrasco domingo? Eu levo carvão"]

    def written(home: dict[str, str]) -> str:
        w = window(talked_about(PT_TRAIL + PT_EVENING, home), context=talked_about(QUIET, home))
        posts = write_digest(w, offline_enrichments(w, media_info=lambda name: None), background=background)
        text = json.dumps([p.model_dump() for p in posts], ensure_ascii=False)
        for role, name in sorted(home.items(), key=lambda kv: -len(kv[1])):  # pseudonyms aside
            text = text.replace(name, f"<{role}>")
        return text

    assert written(HOME_A) == written(HOME_B)
    assert len(json.loads(written(HOME_A))) == 2
