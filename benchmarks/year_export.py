"""A synthetic but realistic WhatsApp export of N days: a bilingual group chat, as Android writes it.

    python benchmarks/year_export.py OUT.txt [--days 365] [--seed 7]

About 137 messages a day on average (50,000 in a year): nine people (one saved only by
number), Portuguese with some English, bursts of replies, quiet days and busy weekends,
links, omitted and attached media, multi-line messages, mentions, emoji and system lines.
The same arguments always write the same bytes.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, timedelta
from pathlib import Path

START = date(2025, 6, 1)
PEOPLE = [
    "Mariana Costa",
    "João Pedro Alves",
    "Beatriz Nogueira",
    "Rafael Souza",
    "Camila Ribeiro",
    "Lucas Ferreira",
    "Thiago Martins",
    "Emily Carter",
    "+55 11 98765-4321",
]
# Each day's conversation is about one or two of these; their words recur across the year.
TOPICS = {
    "trilha": ["trilha", "Pedra Grande", "mochila", "bota", "cantil", "mirante", "cachoeira", "subida"],
    "churrasco": ["churrasco", "carvão", "picanha", "cerveja", "farofa", "vinagrete", "quintal"],
    "viagem": ["viagem", "Paraty", "pousada", "passagem", "rodoviária", "mala", "roteiro"],
    "futebol": ["jogo", "Corinthians", "Palmeiras", "estádio", "ingresso", "gol", "juiz"],
    "livros": ["livro", "Machado de Assis", "capítulo", "clube do livro", "romance", "final"],
    "trabalho": ["reunião", "planilha", "prazo", "chefe", "relatório", "home office"],
    "cinema": ["filme", "sessão", "pipoca", "trailer", "diretor", "Cine Belas Artes"],
    "corrida": ["corrida", "Ibirapuera", "pace", "tênis", "meia maratona", "alongamento"],
    "cozinha": ["receita", "bolo de cenoura", "forno", "massa", "tempero", "feira"],
    "music": ["show", "playlist", "guitar", "setlist", "ticket", "encore", "band"],
    "hiking": ["trail", "summit", "backpack", "boots", "water", "sunrise", "map"],
}
PT = [
    "Alguém sabe se o {w} ainda está de pé pro fim de semana?",
    "Eu acho que o {w} vale muito a pena, sério",
    "Gente, e o {w}? Ninguém falou mais nada",
    "Fiquei pensando no {w} de ontem, que dia",
    "Quem topa {w} no sábado de manhã?",
    "Vou levar o {w}, alguém mais leva o {v}?",
    "O problema do {w} é que depende muito do {v}",
    "Concordo, o {v} fez toda a diferença",
    "Bom dia! Hoje tem {w}?",
    "Nossa, esqueci completamente do {w} 😅",
    "Melhor combinar o {w} antes de sexta",
    "Passei na frente do {w} e lembrei de vocês",
    "Se chover a gente troca o {w} pelo {v}",
    "Eu voto no {v}, da última vez foi ótimo",
    "Tô dentro! Que horas?",
    "kkkkkk",
    "Verdade",
    "Boa!!",
    "Chego em 10 min",
    "Alguém tem foto do {w}?",
    "Mandei no privado o esquema do {w}",
]
EN = [
    "Is the {w} still on for the weekend?",
    "Honestly the {w} was the best part",
    "I can bring the {w} if someone sorts out the {v}",
    "lol",
    "Sounds good to me",
    "Did anyone check the {v} before we go?",
]
LINKS = [
    "https://www.youtube.com/watch?v={n}",
    "https://maps.app.goo.gl/{n}",
    "https://g1.globo.com/sp/noticia/2025/{n}.ghtml",
    "https://instagram.com/p/{n}/",
    "https://www.wikiloc.com/trails/{n}",
]
SYSTEM = ["{a} adicionou {b}", "{a} saiu", "{a} mudou a descrição do grupo"]


def _day_size(rng: random.Random, day: date) -> int:
    """Messages on one day: quiet days, ordinary days, busy weekends."""
    roll = rng.random()
    if roll < 0.15:
        return rng.randint(0, 4)
    base = rng.randint(65, 215)
    return base * 2 if day.weekday() >= 5 and roll > 0.6 else base


def _text(rng: random.Random, words: list[str], n: int) -> str:
    english = rng.random() < 0.2
    line = rng.choice(EN if english else PT).format(w=rng.choice(words), v=rng.choice(words))
    roll = rng.random()
    if roll < 0.03:
        return f"{line} {rng.choice(LINKS).format(n=n)}"
    if roll < 0.05:
        return f"{line}\n{rng.choice(PT).format(w=rng.choice(words), v=rng.choice(words))}"
    if roll < 0.06:
        return f"@{rng.choice(PEOPLE[:8]).split()[0]} {line}"
    return line


def _day_lines(rng: random.Random, day: date, n: int) -> list[str]:
    topics = rng.sample(sorted(TOPICS), 2 if rng.random() < 0.3 else 1)
    words = [w for t in topics for w in TOPICS[t]]
    clock = datetime(day.year, day.month, day.day, rng.randint(6, 11), rng.randint(0, 59))
    end = datetime(day.year, day.month, day.day, 23, 59)
    talkers = rng.sample(PEOPLE, rng.randint(3, len(PEOPLE)))
    lines = []
    for i in range(n):
        stamp = clock.strftime("%d/%m/%Y %H:%M - ")
        author = rng.choice(talkers)
        roll = rng.random()
        if roll < 0.005:
            lines.append(stamp + rng.choice(SYSTEM).format(a=PEOPLE[0], b=rng.choice(PEOPLE[1:])))
        elif roll < 0.04:
            lines.append(f"{stamp}{author}: <Mídia oculta>")
        elif roll < 0.05:
            lines.append(f"{stamp}{author}: IMG-{day:%Y%m%d}-WA{i:04d}.jpg (arquivo anexado)")
        else:
            lines.append(f"{stamp}{author}: {_text(rng, words, rng.randrange(10**9))}")
        gap = rng.choice((0, 0, 1, 1, 1, 2, 3, 5)) if rng.random() > 0.03 else rng.randint(30, 240)
        clock = min(clock + timedelta(minutes=gap), end)
    return lines


def year_chat(days: int = 365, seed: int = 7, start: date = START) -> str:
    """The chat text of `days` days from `start`."""
    rng = random.Random(seed)
    lines = [
        start.strftime("%d/%m/%Y 00:00 - ")
        + "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta."
    ]
    for offset in range(days):
        day = start + timedelta(days=offset)
        lines += _day_lines(rng, day, _day_size(rng, day))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.out.write_text(year_chat(args.days, args.seed), encoding="utf-8")


if __name__ == "__main__":
    main()
