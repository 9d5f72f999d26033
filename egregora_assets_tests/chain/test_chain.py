"""The whole chain on the bundled demo export, offline, through the real CLI entry point."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from contextlib import redirect_stdout
from pathlib import Path

import feedparser
import pyarrow.parquet as pq
import pytest
from PIL import Image

from egregora_assets.cli import main
from egregora_assets.demo import DEMO_REAL_NAMES
from egregora_assets_tests.helpers import query, run_json


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo written once, then written again unchanged."""
    home = tmp_path_factory.mktemp("home")
    first = run_json("demo", "--home", str(home))
    second = run_json("demo", "--home", str(home))
    return home, first, second


def test_first_run_writes_posts_feed_and_site(demo):
    home, first, _ = demo
    assert first["groups"] and first["partitions"] > 0
    assert first["messages"] >= 400
    assert first["posts"] >= 3
    assert first["llm_requests"] == 0
    feed = feedparser.parse(Path(first["feeds"][0]).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == first["posts"]
    index = Path(first["sites"][0])
    assert index.is_file()
    site = index.parent
    for entry in feed.entries:
        pages = [p for p in site.rglob("index.html") if entry.title in p.read_text(encoding="utf-8")]
        assert pages, f"no page for {entry.title!r}"
    photos = list(site.rglob("media-*.jpg"))  # the demo's photos, renamed, on the post pages
    assert photos and all(not Image.open(p).getexif() for p in photos)
    assert any(photos[0].name in p.read_text(encoding="utf-8") for p in site.rglob("index.html"))


def test_second_run_recomputes_nothing(demo):
    _, first, second = demo
    assert second["partitions"] == 0
    assert second["skipped"] == first["partitions"] + first["skipped"]
    assert second["llm_requests"] == 0
    assert (second["messages"], second["posts"]) == (first["messages"], first["posts"])


def test_no_real_identity_reaches_documents_feed_or_site(demo):
    home, first, _ = demo
    docs = json.dumps(query(home, "SELECT * FROM documents"), default=str)
    messages = json.dumps(query(home, "SELECT author, text, attachment FROM messages"))
    published = [Path(first["feeds"][0]).read_text(encoding="utf-8")]
    published += [
        p.read_text(encoding="utf-8", errors="ignore")
        for p in Path(first["sites"][0]).parent.rglob("*")
        if p.is_file() and p.suffix in {".html", ".xml", ".json", ".md", ".txt"}
    ]
    analysis = Path(first["analysis"][0])  # the exports: CSV as text, SQLite as its SQL dump
    published.append((analysis / "documents.csv").read_text(encoding="utf-8"))
    with sqlite3.connect(analysis / f"{analysis.name}.sqlite") as db:
        published.append("\n".join(db.iterdump()))
    for name in DEMO_REAL_NAMES:
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        assert not pattern.search(docs), f"{name!r} in documents"
        assert not pattern.search(messages), f"{name!r} in messages"
        for text in published:
            assert not pattern.search(text), f"{name!r} published"


def test_the_demo_gets_its_analysis_exports_and_a_portuguese_site(demo):
    home, first, second = demo
    (folder,) = [Path(p) for p in first["analysis"]]
    group = folder.name
    assert sorted(p.name for p in folder.iterdir()) == sorted(["documents.csv", "documents.parquet", f"{group}.sqlite"])
    with sqlite3.connect(folder / f"{group}.sqlite") as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == first["posts"]
        assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == first["messages"]
    assert pq.read_metadata(folder / "documents.parquet").num_rows == first["posts"]
    assert '<html lang="pt"' in Path(first["sites"][0]).read_text(encoding="utf-8")


def test_runs_are_visible_to_the_dagster_instance(demo):
    home, _, _ = demo
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        runs = instance.get_runs()
        assert len(runs) == 2  # two runs for the first write; the second found nothing changed and ran none
        (group,) = instance.get_dynamic_partitions("groups")
        # The partitions are the days the export covers, in calendar order: nothing shows as missing.
        assert instance.get_dynamic_partitions("days") == [f"2026-09-{d:02d}" for d in range(1, 28)]
        daily = [r for r in runs if "egregora/days" in r.tags]
        assert daily and all(r.tags["egregora/days"] == "27" and r.tags["egregora/group"] == group for r in daily)


def test_readme_screenshots_show_this_demo(demo):
    # The README's pictures come from `python -m egregora_assets.demo.screenshots`; when the
    # writer changes what the demo says, they are stale until taken again.
    from egregora_assets.demo.screenshots import OUT, posts_of

    home, first, _ = demo
    manifest = json.loads((OUT / "manifest.json").read_text(encoding="utf-8"))
    shown = sorted(title for title, _ in posts_of(Path(first["sites"][0]).parent))
    assert manifest["titles"] == shown
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((egregora_assets/demo/screenshots/[\w.-]+\.png)\)", readme)
    assert {Path(p).name for p in pictures} == {p.name for p in OUT.glob("*.png")}


PASSAGE_HEADING = re.compile(r"^## (\d{4}-\d{2}-\d{2}) · (.*) \((window|post)\)$", re.MULTILINE)


def run_ask(home: Path, *args: str) -> str:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["ask", *args, "--home", str(home)]) == 0
    return buffer.getvalue()


@pytest.mark.parametrize("question", ["onde tem água na travessia?", "qual bota comprar", "carona no sábado"])
def test_ask_offline_says_so_first_and_shows_whole_messages_once(demo, question):
    from egregora_assets.cli.ask import NO_LLM

    home = demo[0]
    hits = {(h["date"], h["title"], h["kind"]): h["text"] for h in json.loads(run_ask(home, question, "--raw"))}
    out = run_ask(home, question)
    assert out.splitlines()[0] == NO_LLM
    headings = list(PASSAGE_HEADING.finditer(out))
    assert headings, out
    said: list[str] = []
    for heading, following in zip(headings, [*headings[1:], None]):
        shown = out[heading.end() : following.start() if following else len(out)].strip("\n")
        full = hits[heading.groups()]
        # Every line shown is a whole line of the passage: no message or word cut in half.
        assert set(shown.splitlines()) <= set(full.splitlines()) | {""}, shown
        said += [line for line in shown.splitlines() if line.strip() and not line.startswith("#")]
    assert len(said) == len(set(said)), "a line was shown twice"


def test_the_sites_feed_is_the_group_feed_and_every_link_opens_a_built_page(demo):
    from egregora_assets_tests.feeds import built_page, feed_links

    _, first, _ = demo
    feed, html = Path(first["feeds"][0]).read_bytes(), Path(first["sites"][0]).parent
    assert (html / "feed.xml").read_bytes() == feed
    hrefs = feed_links(feed)
    assert len(hrefs) == 2 + first["posts"] and len(set(hrefs)) == len(hrefs)
    for served_at in (html.as_uri() + "/", "https://example.org/trilhas/"):
        assert all(built_page(html, served_at + "feed.xml", h).is_file() for h in hrefs)
