"""Exports for tests: the demo cut into overlapping re-exports, as users produce them, and the
benchmarks' synthetic year."""

from __future__ import annotations

import importlib.util
import random
import re
import zipfile
from pathlib import Path

from egregora_assets.demo import DEMO_EXPORT

HEADER = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) \d{2}:\d{2} - ")
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def demo_chat() -> tuple[str, str]:
    """(member name, text) of the demo's chat file."""
    with zipfile.ZipFile(DEMO_EXPORT) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".txt"))
        return name, archive.read(name).decode("utf-8")


def chat_between(first_day: int, last_day: int) -> str:
    """The demo chat's lines from day `first_day` to `last_day` of its month (continuations kept)."""
    _, text = demo_chat()
    kept, keep = [], False
    for line in text.splitlines(keepends=True):
        header = HEADER.match(line)
        if header:
            keep = first_day <= int(header.group(1)) <= last_day
        if keep:
            kept.append(line)
    return "".join(kept)


def write_txt(folder: Path, first_day: int, last_day: int, name: str = "Conversa do WhatsApp com Trilhas.txt") -> Path:
    path = folder / name
    path.write_text(chat_between(first_day, last_day), encoding="utf-8")
    return path


def year_chat(days: int) -> str:
    """The first `days` days of the benchmarks' synthetic year (benchmarks/year_export.py)."""
    spec = importlib.util.spec_from_file_location("year_export", BENCHMARKS / "year_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.year_chat(days)


def chat_naming_people(days: int, seed: int = 26) -> str:
    """The synthetic year's first `days` days, where people also call each other by name: each
    day a few members are talked to or about, often ("Mariana, ..."), so their pseudonyms are
    among the most said words of the day's text."""
    rng = random.Random(seed)
    firsts = ["Mariana", "João", "Beatriz", "Rafael", "Camila", "Lucas", "Thiago", "Emily"]
    lines, day, named = [], "", firsts[:2]
    for line in year_chat(days).splitlines():
        if not HEADER.match(line):
            lines.append(line)
            continue
        if line[:10] != day:  # a new day, new people on everyone's lips
            day, named = line[:10], rng.sample(firsts, 2)
        head, _, text = line.partition(": ")
        if text and not text.startswith(("<", "IMG-")) and rng.random() < 0.4:
            text = f"{rng.choice(named)}, {text[0].lower()}{text[1:]} {rng.choice(named)} e {rng.choice(named)}"
        lines.append(f"{head}: {text}" if text else line)
    return "\n".join(lines) + "\n"
