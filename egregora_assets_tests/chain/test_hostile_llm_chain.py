"""The whole demo with a model whose answers are schema-valid and hostile: the site builds, no
page runs a script in a real Chromium, the feed carries nothing active, and a re-run sends no
request and rewrites no page."""

from __future__ import annotations

import json
import shutil

import feedparser

from egregora_assets_tests.fake_openai import GOLDEN, FakeOpenAI
from egregora_assets_tests.helpers import run_json
from egregora_assets_tests.test_hostile_site import (
    HOSTILE_TAGS,
    HOSTILE_TITLES,
    MARK,
    PAYLOADS,
    active_content,
    active_entries,
    scripts_that_ran,
)

GROUP = "trilhas-da-serra"


def hostile_golden(folder):
    """The recorded answers with every free text made hostile, still valid for their schemas."""
    shutil.copytree(GOLDEN, folder)
    posts = [
        {
            "title": title,
            "slug": title or "---",
            "summary": PAYLOADS[i % len(PAYLOADS)],
            "tags": HOSTILE_TAGS,
            # Every payload, the 360 KB of nested lists in one post only: the client reads at most 1 MiB.
            "body": "\n\n".join(p for p in PAYLOADS if i == 0 or len(p) < 100_000),
            "message_ids": ["placeholder-1", "placeholder-2", "not-a-message-id"],
        }
        for i, title in enumerate(HOSTILE_TITLES[:3])
    ]
    texts = {
        "writer": json.dumps({"posts": posts}),
        "enrich_url": f"<script>alert('{MARK}')</script> {PAYLOADS[1]}",
        "describe_media": PAYLOADS[2],
        "judge": json.dumps({"winner": "A", "reason": PAYLOADS[0]}),
        "portrait": " ".join(p for p in PAYLOADS if len(p) < 200),  # on every author page
    }
    for marker, content in texts.items():
        path = folder / f"{marker}.json"
        golden = json.loads(path.read_text(encoding="utf-8"))
        golden["choices"][0]["message"]["content"] = content
        path.write_text(json.dumps(golden), encoding="utf-8")
    return folder


def files(folder) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_hostile_model_answers_build_a_site_where_nothing_runs(tmp_path, monkeypatch):
    with FakeOpenAI(golden_dir=hostile_golden(tmp_path / "golden")) as fake:
        monkeypatch.setenv("EGREGORA_LLM__BASE_URL", fake.url)
        home = tmp_path / "home"
        first = run_json("demo", "--home", str(home))
        assert first["posts"] > 0 and first["llm_requests"] > 0, first
        site = home / "sites" / GROUP / "public"
        pages = list(site.glob("blog/20*/*/*/*/index.html"))
        assert len(pages) == first["posts"]  # every post has its page, duplicate titles and all
        assert len(list(site.glob("blog/author/*/index.html"))) == first["authors"]
        assert active_content(site) == []
        opened, ran = scripts_that_ran(site, tmp_path / "profile")
        assert opened > 20 and ran == []
        feed = (home / "feeds" / f"{GROUP}.atom.xml").read_bytes()
        parsed = feedparser.parse(feed)
        assert not parsed.bozo and len(parsed.entries) == first["posts"]
        assert active_entries(feed) == []

        # Unchanged, again: no request, no page rewritten.
        before, sent = files(home / "sites" / GROUP), len(fake.calls)
        again = run_json("demo", "--home", str(home))
        assert again["llm_requests"] == 0 and len(fake.calls) == sent and again["partitions"] == 0
        assert files(home / "sites" / GROUP) == before
