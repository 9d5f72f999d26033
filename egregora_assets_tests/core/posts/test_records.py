"""Drafts made Atom entries: plain titles and tags, unique slugs, and citations that hold."""

from datetime import date, datetime

import pytest

from egregora_assets.core.mkdocs_site import post_markdown
from egregora_assets.core.models import Message, PostDraft, Window
from egregora_assets.core.posts.records import citation_problems, tags, to_posts, unique_slugs
from egregora_assets.core.quotes import quote
from egregora_assets.core.text import slugify

SAID = [
    ("0000000000000001", "amber-falcon", "Bora pra trilha da Pedra Grande no sábado? Saída 6h da praça."),
    ("0000000000000002", "coral-heron", "Levo *lanterna* e capa, olha o mapa: www.example.org/mapa_(trilha) <ok>"),
    ("0000000000000003", "slate-otter", "Fechado!"),
]
WINDOW = Window(
    id="w1",
    group="g",
    date=date(2026, 9, 6),
    index=0,
    messages=[
        Message(id=i, group="g", timestamp=datetime(2026, 9, 6, 8, n), author=a, text=t)
        for n, (i, a, t) in enumerate(SAID)
    ],
)


def doc(body: str, ids: list[str]):
    draft = PostDraft(title="Trilha", slug="trilha", summary="s", tags=["trilha"], body=body, message_ids=ids)
    (entry,) = to_posts([draft], WINDOW, timezone="America/Sao_Paulo", writer="llm:x")
    return entry


def test_the_digest_s_own_quotes_hold():
    body = "\n\n".join(quote(m) for m in WINDOW.messages[:2])
    assert citation_problems(doc(body, ["0000000000000001", "0000000000000002"]), WINDOW) == []


@pytest.mark.parametrize(
    ("body", "ids", "problem"),
    [
        (
            "> **amber-falcon** (08:00): Bora pra trilha",
            ["0000000000000009"],
            "cites 0000000000000009, not in its window",
        ),
        ("> **amber-falcon** (08:00): Bora pra praia no domingo", ["0000000000000001"], "quote 1 is in none"),
        ("> Fechado!", ["0000000000000001"], "quote 1 is in none"),  # said, but by a message it does not cite
        ("Texto.\n\n> Bora pra trilha da Pedra Grande\n\n> inventado", ["0000000000000001"], "quote 2 is in none"),
    ],
)
def test_misquotes_are_named_never_quoted(body, ids, problem):
    found = citation_problems(doc(body, ids), WINDOW)
    assert [f for f in found if problem in f]
    assert not [f for f in found if "praia" in f or "inventado" in f or "Bora" in f]


def test_a_window_gone_is_a_problem():
    assert "is gone" in citation_problems(doc("x", ["0000000000000001"]), None)[0]


def test_cited_messages_are_listed_collapsed_under_the_post():
    entry = doc("Corpo.", ["0000000000000002", "0000000000000001"])
    page = post_markdown(entry, [WINDOW.messages[1], WINDOW.messages[0]])
    assert '<details class="quote sources" markdown="1">' in page and "(2)</summary>" in page
    assert "**coral-heron** (2026-09-06 08:01): Levo \\*lanterna\\*" in page
    listed = page[page.index("<details") :]
    assert listed.index("coral-heron") < listed.index("amber-falcon")  # in the order cited
    assert "<details" not in post_markdown(entry)


def test_tags_are_plain_short_and_unique():
    assert tags(["Trilha", "trilha ", "<b>x</b>", "t" * 300, "../etc", "\u202eevil", ""]) == [
        "trilha", "bxb", "..etc", "evil",
    ]  # fmt: skip


def test_repeated_slugs_stay_unique_after_the_site_cuts_them():
    drafts = [PostDraft(title="x", slug="x" * 200, summary="", body="") for _ in range(3)]
    slugs = [d.slug for d in unique_slugs(drafts)]
    assert len({slugify(s, fallback="post") for s in slugs}) == 3  # as the site names the pages


def test_the_writer_s_misquotes_are_made_true_before_they_are_stored():
    from egregora_assets.core.posts.records import hold_citations

    body = "Plano.\n\n> **amber-falcon** (08:00): Bora pra trilha da Pedra Grande\n\n> Ninguém disse isto."
    fixed, fixes = hold_citations(doc(body, ["0000000000000001", "0000000000000009"]), WINDOW)
    assert fixes == 2 and fixed.message_ids == ["0000000000000001"]
    assert "> **amber-falcon** (08:00): Bora" in fixed.content and "\nNinguém disse isto." in fixed.content
    assert citation_problems(fixed, WINDOW) == []
