"""Author pages and threads on the demo, built for real: offline, then with a loopback LLM, each run twice."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from lxml import html as lxml_html

from egregora_assets.core import journal, site_text
from egregora_assets.core.author_pages import author_key
from egregora_assets.core.mkdocs_site import site_language
from egregora_assets.core.tables import group_posts, group_profiles, groups_in
from egregora_assets.core.urls import post_path
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets.demo import DEMO_EXPORT, DEMO_REAL_NAMES
from egregora_assets_tests.helpers import run_json


def write(home: Path) -> dict:
    return run_json("write", str(DEMO_EXPORT), "--home", str(home))


def files(home: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every published file: feeds, site projects and built sites."""
    return {
        str(p.relative_to(home)): (p.stat().st_mtime_ns, p.stat().st_size)
        for folder in ("feeds", "sites")
        for p in (home / folder).rglob("*")
        if p.is_file()
    }


def stored(home: Path):
    with connect(duckdb_url(home / "egregora.duckdb"), read_only=True) as db:
        (group,) = groups_in(db, "documents")
        return group_posts(db, group), group_profiles(db, group)


def opened(site: Path, page: Path, href: str) -> Path:
    """The built page a relative link on `page` opens (it must exist)."""
    target = (page.parent / href.split("#")[0]).resolve()
    target = target / "index.html" if target.is_dir() else target
    assert target.is_file() and target.is_relative_to(site.resolve()), href
    return target


def thread_links(page: Path) -> list[str]:
    tree = lxml_html.fromstring(page.read_bytes())
    return [a.get("href") for a in tree.xpath('//article//div[@class="egregora-thread"]//a')]


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    first = write(home)
    before = files(home)
    second = write(home)
    return home, first, second, before


def test_every_pseudonym_has_a_page_with_its_activity_and_topics(offline):
    home, first, _, _ = offline
    site = Path(first["sites"][0]).parent
    language = site_language(site.parent / "project")
    assert language == "pt"  # the demo chat's
    docs, profiles = stored(home)
    assert len(profiles) == first["authors"] > 1
    for profile in profiles:
        page = site / "blog" / "author" / author_key(profile.author) / "index.html"
        text = lxml_html.fromstring(page.read_bytes()).text_content()
        days = sorted(profile.activity)
        counts = dict(messages=profile.messages, days=len(days), first=days[0], last=days[-1])
        assert site_text.text("author_activity", language, **counts) in text
        assert profile.topics and all(t in text for t in profile.topics)
        cited = [d for d in docs if profile.author in d.authors]
        assert f"{site_text.text('author_posts', language)} ({len(cited)})" in text
        assert all(d.title in text for d in cited[:10])  # the blog lists them, ten a page
    published = "".join(p.read_text(encoding="utf-8") for p in (site / "blog" / "author").rglob("*.html"))
    for name in DEMO_REAL_NAMES:
        assert not re.search(re.escape(name), published, re.IGNORECASE), name


def test_offline_threads_link_built_pages_in_the_feed_and_on_the_site(offline):
    home, first, _, _ = offline
    site = Path(first["sites"][0]).parent
    docs, _ = stored(home)
    by_id = {d.id: d for d in docs}
    threaded = [d for d in docs if d.continues]
    assert threaded and all(d.continues in by_id for d in threaded)
    feed = feedparser.parse(Path(first["feeds"][0]).read_bytes())
    replies = {e.id: e["thr_in-reply-to"] for e in feed.entries if "thr_in-reply-to" in e}
    assert set(replies) == {d.id for d in threaded}
    for doc in threaded:
        earlier = by_id[doc.continues]
        assert replies[doc.id]["ref"] == earlier.id and replies[doc.id]["href"] == post_path(earlier)
        later_page, earlier_page = site / post_path(doc) / "index.html", site / post_path(earlier) / "index.html"
        assert opened(site, later_page, thread_links(later_page)[0]) == earlier_page.resolve()
        assert later_page.resolve() in {opened(site, earlier_page, h) for h in thread_links(earlier_page)}


def test_an_unchanged_rerun_rewrites_no_file(offline):
    home, first, second, before = offline
    assert second["partitions"] == 0 and second["llm_requests"] == 0
    assert files(home) == before


def test_with_an_llm_portraits_and_threads_cost_nothing_the_second_time(tmp_path, fake_llm, monkeypatch):
    for name, value in {"BASE_URL": fake_llm.url, "API_KEY": "sk-test", "MODEL": "golden-model"}.items():
        monkeypatch.setenv(f"EGREGORA_LLM__{name}", value)
    monkeypatch.setenv("EGREGORA_LLM__FETCH_URLS", "false")
    # Each day commits before the next is written, so the writer's retrieval sees the earlier posts
    # (in one batch it sees those of earlier runs only).
    monkeypatch.setattr(journal, "FLUSH_SECONDS", 0)
    home = tmp_path / "home"
    first = write(home)
    docs, profiles = stored(home)
    assert fake_llm.count("portrait") == len(profiles) and all(p.portrait for p in profiles)
    threaded = [d for d in docs if d.continues]
    assert threaded and {d.continues for d in threaded} <= {d.id for d in docs}
    feed = feedparser.parse(Path(first["feeds"][0]).read_bytes())
    assert sum("thr_in-reply-to" in e for e in feed.entries) == len(threaded)
    site = Path(first["sites"][0]).parent
    page = site / "blog" / "author" / author_key(profiles[0].author) / "index.html"
    assert profiles[0].portrait in lxml_html.fromstring(page.read_bytes()).text_content()

    sent, before = len(fake_llm.requests), files(home)
    second = write(home)
    assert second["llm_requests"] == 0 and len(fake_llm.requests) == sent
    assert second["partitions"] == 0 and files(home) == before
