"""The same export written into two homes gives the same posts there, pseudonyms aside.

A home's secret draws everyone's pseudonym (a word pair of its own length) and keys every id:
neither may change what the offline writer chooses (windows, posts, titles, tags, quotes,
threads, ranks). Each pair of homes is written through the real CLI, with the real DuckDB and
LanceDB and the packaged embedding model."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from egregora_assets.core.home import Home
from egregora_assets_tests.exports import chat_naming_people
from egregora_assets_tests.helpers import query, run_json

SECRETS = (bytes(range(32)), bytes(range(100, 132)))
DAYS = 20  # of the synthetic year, where people also call each other by name
KEYED = [
    (re.compile(r"\b[0-9a-f]{16}\b"), "<id>"),  # a message id (in a post's source marks)
    (re.compile(r"\bmedia-[a-p]{10}\b"), "<media>"),  # a published media name
]


def write(home: Path, secret: bytes, *args: str) -> dict:
    """`egregora <args> --home home` in a new home that holds `secret`."""
    private = Home(home).private
    private.mkdir(parents=True, mode=0o700)
    Home(home).secret.write_bytes(secret)
    os.chmod(Home(home).secret, 0o600)
    return run_json(*args, "--home", str(home))


def chosen(home: Path) -> dict:
    """What the writer chose in a home, each pseudonym written as its person's place in the roster."""
    (roster,) = (Home(home).private / "pseudonyms").glob("*.json")
    people = json.loads(roster.read_text(encoding="utf-8"))["pseudonyms"]  # real name -> pseudonym
    person = {p: f"<person {n}>" for n, (_, p) in enumerate(sorted(people.items()))}
    names = re.compile("|".join(map(re.escape, sorted(person, key=len, reverse=True))), re.IGNORECASE)

    def aside(text: str) -> str:
        for keyed, placeholder in KEYED:
            text = keyed.sub(placeholder, text)
        return names.sub(lambda m: person[m.group().lower()], text)

    posts = query(
        home,
        "SELECT id, date, title, categories, slug, continues, authors, content FROM documents"
        " ORDER BY date, published, slug",
    )
    windows = query(home, "SELECT date, idx, payload FROM windows ORDER BY date, idx")
    ratings = query(home, "SELECT post_id, rank, rating FROM ratings ORDER BY rank")
    place = {i: f"{day}/{slug}" for i, day, _, _, slug, *_ in posts}
    bounds = []
    for day, idx, payload in windows:
        messages = json.loads(payload)["messages"]
        bounds.append((str(day), idx, len(messages), messages[0]["timestamp"], messages[-1]["timestamp"]))
    return {
        "titles": [(str(day), aside(title)) for _, day, title, *_ in posts],
        "tags": [[aside(t) for t in tags] for _, _, _, tags, *_ in posts],
        "threads": [place.get(continues) for *_, continues, _, _ in posts],
        "authors": [sorted(aside(a) for a in authors) for *_, authors, _ in posts],
        "contents": [aside(content) for *_, content in posts],
        "windows": bounds,
        "ranks": [(place[i], rank, rating) for i, rank, rating in ratings],
        "pseudonyms": {placeholder: p for p, placeholder in person.items()},
    }


@pytest.fixture(scope="module", params=["demo", "naming"])
def homes(request, tmp_path_factory) -> tuple[dict, dict]:
    """One export (the bundled demo, or 20 synthetic days where people name each other) written
    into two homes whose secrets differ."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "demo":
        args = ["demo"]
    else:
        export = folder / "Conversa do WhatsApp com Ano.txt"
        export.write_text(chat_naming_people(DAYS), encoding="utf-8")
        args = ["write", str(export), "--group", "ano"]
    found = []
    for n, secret in enumerate(SECRETS):
        summary = write(folder / f"home{n}", secret, *args)
        found.append(chosen(folder / f"home{n}") | {"posts": summary["posts"]})
    return found[0], found[1]


def test_two_homes_draw_other_pseudonyms_of_other_lengths(homes):
    first, second = homes
    assert first["pseudonyms"].keys() == second["pseudonyms"].keys()
    pairs = [(first["pseudonyms"][p], second["pseudonyms"][p]) for p in first["pseudonyms"]]
    assert all(a != b for a, b in pairs) and any(len(a) != len(b) for a, b in pairs)


def test_the_same_export_gives_the_same_windows_in_every_home(homes):
    first, second = homes
    assert first["windows"] == second["windows"] and len(first["windows"]) >= 20


def test_the_same_export_gives_the_same_posts_titles_and_tags_in_every_home(homes):
    first, second = homes
    assert first["posts"] == second["posts"] == len(first["titles"]) >= 14
    assert first["titles"] == second["titles"]
    assert first["tags"] == second["tags"]


def test_quotes_people_threads_and_ranks_are_the_same_in_every_home(homes):
    first, second = homes
    for part in ("contents", "authors", "threads", "ranks"):
        assert first[part] == second[part], part


def test_no_title_or_tag_names_anyone(homes):
    for home in homes:
        for (_, title), tags in zip(home["titles"], home["tags"]):
            said = " ".join([title, *tags]).lower()
            assert "<person" not in said and not re.search(r"\bsomeone\b|\[contact\]|\[phone\]", said), said
