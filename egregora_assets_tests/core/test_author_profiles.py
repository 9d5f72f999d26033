"""Author profiles: activity, topics from their own words, portraits written only when those change, pages."""

from datetime import date, datetime, timedelta

import markdown
from lxml import etree

from egregora_assets.core.author_pages import activity_svg, author_files, author_page
from egregora_assets.core.author_profiles import PORTRAIT_CHARS, build_profiles, portrait_messages, write_portrait
from egregora_assets.core.llm import LLM
from egregora_assets.core.models import AuthorProfile, Message
from egregora_assets.core.sanitize import clean_html
from egregora_assets.resources import PROMPTS
from egregora_assets_tests.fake_openai import FakeOpenAI

SAID = {
    "amber-falcon": ["A trilha da Pedra Grande tem mirante", "Levo a lanterna para a trilha", "O mirante vale a pena"],
    "rare-kelp": ["Quem leva o fogareiro?", "O fogareiro novo pesa pouco", "Café no fogareiro às seis"],
}


def messages(said=SAID, start=datetime(2026, 9, 1, 9)) -> list[Message]:
    out = []
    for author, texts in said.items():
        for i, text in enumerate(texts):
            when = start + timedelta(days=i, minutes=len(out))
            out.append(Message(id=f"g-{author}-{i}", group="g", timestamp=when, author=author, text=text))
    out.append(Message(id="g-sys", group="g", timestamp=start, author=None, text="x criou o grupo", kind="system"))
    return sorted(out, key=lambda m: m.timestamp)


class Portraits:
    """A portraitist that says who it was asked about; what build_profiles calls with an LLM."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, list[str]]] = []

    def __call__(self, author: str, said: list[Message]) -> str:
        self.asked.append((author, [m.text for m in said]))
        return f"{author} writes {len(said)} messages."


def test_each_pseudonym_gets_its_counts_days_and_own_topics():
    profiles, written = build_profiles("g", messages())
    assert written == 0 and [p.author for p in profiles] == ["amber-falcon", "rare-kelp"]
    amber, kelp = profiles
    assert amber.messages == 3 and amber.activity == {"2026-09-01": 1, "2026-09-02": 1, "2026-09-03": 1}
    assert "trilha" in amber.topics and "mirante" in amber.topics and "fogareiro" not in amber.topics
    assert "fogareiro" in kelp.topics and not {"amber", "falcon", "rare", "kelp"} & set(kelp.topics)
    assert amber.portrait is None and amber.portrait_input is None  # offline: no portrait


def test_a_portrait_is_rewritten_only_when_that_persons_words_change():
    portraits = Portraits()
    first, written = build_profiles("g", messages(), identity="m1", portraitist=portraits)
    assert written == 2 and [a for a, _ in portraits.asked] == ["amber-falcon", "rare-kelp"]
    assert all(texts and all(t in SAID[a] for t in texts) for a, texts in portraits.asked)  # only their own words
    previous = {p.author: p for p in first}

    again, written = build_profiles("g", messages(), previous=previous, identity="m1", portraitist=portraits)
    assert written == 0 and again == first and len(portraits.asked) == 2

    more = {**SAID, "rare-kelp": [*SAID["rare-kelp"], "Comprei gás para o fogareiro"]}
    changed, written = build_profiles("g", messages(more), previous=previous, identity="m1", portraitist=portraits)
    assert written == 1 and portraits.asked[-1][0] == "rare-kelp"
    assert changed[0].portrait == first[0].portrait and changed[1].portrait != first[1].portrait

    other_model, written = build_profiles("g", messages(), previous=previous, identity="m2", portraitist=portraits)
    assert written == 2  # another model or prompt: every portrait is new


def test_topics_are_read_again_only_for_whose_words_changed():
    first, _ = build_profiles("g", messages())
    # What a previous build recorded is kept while its input is the same (marked to tell them apart).
    previous = {p.author: p.model_copy(update={"topics": ["kept"]}) for p in first}
    again, _ = build_profiles("g", messages(), previous=previous)
    assert [p.topics for p in again] == [["kept"], ["kept"]]
    more = {**SAID, "rare-kelp": [*SAID["rare-kelp"], "Comprei gás para o fogareiro"]}
    changed, _ = build_profiles("g", messages(more), previous=previous)
    assert changed[0].topics == ["kept"] and "fogareiro" in changed[1].topics
    newcomer = {**SAID, "new-heron": ["Alguém viu o mapa da trilha?"]}
    joined, _ = build_profiles("g", messages(newcomer), previous=previous)
    assert all(p.topics != ["kept"] for p in joined)  # a new pseudonym is nobody's topic: all read again


def test_portraits_read_the_latest_text_messages_within_the_budget_in_order():
    many = {"amber-falcon": [f"mensagem número {i} " + "palavra " * 40 for i in range(100)]}
    picked = portrait_messages(messages(many))
    assert sum(len(m.text) for m in picked) <= PORTRAIT_CHARS
    assert picked[-1].text.startswith("mensagem número 99") and picked == sorted(picked, key=lambda m: m.timestamp)
    assert portrait_messages([m.model_copy(update={"kind": "media"}) for m in messages()]) == []


def test_write_portrait_asks_the_model_once_then_reads_its_cache(tmp_path):
    said = [m for m in messages() if m.author == "amber-falcon"]
    with FakeOpenAI() as server:
        llm = LLM(base_url=server.url, api_key="sk-test", model="m", cache_dir=tmp_path)
        text = write_portrait(llm, PROMPTS, "amber-falcon", said)
        assert text and "\n" not in text and server.count("portrait") == 1
        assert write_portrait(llm, PROMPTS, "amber-falcon", said) == text and server.count("portrait") == 1
    (request,) = server.requests
    assert b"amber-falcon" in request and b"rare-kelp" not in request and b"fogareiro" not in request


def profile(**changes) -> AuthorProfile:
    fields = dict(
        group="g",
        author="amber-falcon",
        messages=12,
        activity={"2026-09-01": 5, "2026-09-03": 7},
        topics=["trilha", "mirante"],
    )
    return AuthorProfile(**{**fields, **changes})


def test_the_activity_chart_is_an_svg_of_bars_per_day_week_or_month():
    chart = etree.fromstring(activity_svg(profile(), date(2026, 9, 1), date(2026, 9, 30)))
    svg = "{http://www.w3.org/2000/svg}"
    assert chart.tag == f"{svg}svg" and not chart.findall(f".//{svg}script")
    assert len(chart.findall(f".//{svg}rect")) == 2  # a bar for each day with messages
    heights = [float(r.get("height")) for r in chart.iter(f"{svg}rect")]
    assert heights[1] > heights[0]  # 7 messages stand taller than 5
    weekly = etree.fromstring(activity_svg(profile(), date(2026, 1, 1), date(2026, 12, 31)))
    assert len(weekly.findall(f".//{svg}rect")) == 1  # both days fall in one week
    monthly = activity_svg(profile(), date(2020, 1, 1), date(2026, 12, 31))
    assert b"2020-01-01" in monthly and b"2026-12-01" in monthly


def test_an_author_page_shows_the_model_and_chat_words_as_text():
    hostile = profile(
        portrait="# Title <script>alert(1)</script> [x](javascript:alert(1)) **bold**",
        topics=["<img src=x onerror=alert(1)>"],
    )
    page = author_page(hostile, cited_by=0)
    html = clean_html(markdown.markdown(page, extensions=["md_in_html"]))
    assert "<script" not in html and "<img src=x" not in html and "href" not in html and "<strong>" not in html
    assert "<p># Title &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) **bold**</p>" in html
    assert "<p>&lt;img src=x onerror=alert(1)&gt;</p>" in html  # shown as typed
    assert "<h1>amber-falcon</h1>" in html
    assert "12 messages on 2 days, from 2026-09-01 to 2026-09-03." in html
    assert "No post cites them yet." in html
    assert "Fala mais de" in author_page(profile(), cited_by=3, language="pt")


def test_every_profile_gets_a_page_and_a_chart():
    files = author_files([profile(), profile(author="rare-kelp", activity={"2026-09-20": 1})], docs=[])
    assert sorted(p.name for p in files) == ["amber-falcon.md", "amber-falcon.svg", "rare-kelp.md", "rare-kelp.svg"]
    assert author_files([], docs=[]) == {}
