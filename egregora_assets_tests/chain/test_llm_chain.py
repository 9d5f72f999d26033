"""The whole chain with an LLM: a real openai client against a loopback server replaying golden answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from dagster import AssetKey, DagsterInstance

from egregora_assets.core.enrichments.describe import NO_VISION
from egregora_assets.core.llm import PARSE_RETRIES
from egregora_assets.demo import DEMO_EXPORT, DEMO_REAL_NAMES
from egregora_assets_tests.fake_openai import FakeOpenAI
from egregora_assets_tests.helpers import query, run_json

API_KEY = "sk-test-7f3a9c1e5b2d4f6a8c0e"


def write(home: Path) -> dict:
    return run_json("write", str(DEMO_EXPORT), "--home", str(home))


def test_llm_posts_are_cached_and_nothing_private_is_sent(tmp_path, fake_llm, monkeypatch):
    monkeypatch.setenv("EGREGORA_LLM__BASE_URL", fake_llm.url)
    monkeypatch.setenv("EGREGORA_LLM__API_KEY", API_KEY)
    monkeypatch.setenv("EGREGORA_LLM__MODEL", "golden-model")
    monkeypatch.setenv("EGREGORA_LLM__FETCH_URLS", "false")  # no network: pages are tested on loopback elsewhere
    home = tmp_path / "home"

    first = write(home)
    assert first["llm_requests"] > 0 and first["llm_requests"] == len(fake_llm.calls)  # chats and the model list
    assert first["posts"] > 0
    assert first["llm_input_tokens"] > 0 and first["llm_output_tokens"] > 0  # usage totals, from metadata
    writers = {w for (w,) in query(home, "SELECT DISTINCT writer FROM documents")}
    assert writers == {"llm:golden-model"}

    # The writer's source marks link each sentence to the cited message under the post.
    site = home / "sites" / "trilhas-da-serra" / "public"
    page = next(p for p in site.glob("blog/20*/*/*/*/index.html") if 'class="quote sources"' in p.read_text())
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    links = tree.xpath("//article//a[starts-with(@href, '#src:')]")
    assert len(links) >= 2 and {a.text_content() for a in links} <= {"[1]", "[2]", "[3]"}
    for link in links:
        (target,) = tree.xpath(f"//details[contains(@class, 'sources')]//*[@id='{link.get('href')[1:]}']")
    feed = (home / "feeds" / "trilhas-da-serra.atom.xml").read_text(encoding="utf-8")
    assert not re.search(r"\[[0-9a-f]{16}", feed)  # the feed drops the marks

    sent = len(fake_llm.calls)
    second = write(home)
    assert second["llm_requests"] == 0 and len(fake_llm.calls) == sent
    assert second["partitions"] == 0 and second["posts"] == first["posts"]

    bodies = json.dumps(json.loads("[" + ",".join(r.decode() for r in fake_llm.requests) + "]"), ensure_ascii=False)
    for name in DEMO_REAL_NAMES:
        assert not re.search(re.escape(name), bodies, re.IGNORECASE), f"{name!r} sent to the LLM"

    # The key never lands in any file of the home: caches, databases, Dagster's event log.
    for path in home.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), f"API key in {path}"


def local_server_env(monkeypatch, server: FakeOpenAI, **extra: str) -> None:
    settings = {
        "BASE_URL": server.url,
        "API_KEY": "sk-test",
        "MODEL": "local-model",
        "FETCH_URLS": "false",
        "MAX_RETRIES": "1",
        **extra,
    }
    for name, value in settings.items():
        monkeypatch.setenv(f"EGREGORA_LLM__{name}", value)


def sent_parts(server: FakeOpenAI) -> bool:
    """Whether any request gave a message's content as a list of parts (the image shape)."""
    return any(isinstance(m.get("content"), list) for raw in server.requests for m in json.loads(raw)["messages"])


@pytest.mark.parametrize("behaviour", ["text_only", "ignores_format", "prose_json"])
def test_local_servers_take_the_demo_to_posts(tmp_path, monkeypatch, behaviour):
    with FakeOpenAI(behaviour=behaviour) as server:
        local_server_env(monkeypatch, server)
        summary = write(tmp_path / "home")  # write() asserts the run succeeded: no failed partition
    assert summary["posts"] > 0 and summary["windows_without_answer"] == 0
    assert not sent_parts(server)  # no vision model configured, none listed by the server
    images = query(tmp_path / "home", "SELECT status, description FROM enrichments WHERE width IS NOT NULL")
    assert images and set(images) == {(NO_VISION, None)}
    writers = query(tmp_path / "home", "SELECT DISTINCT writer FROM documents")
    assert writers == [("llm:local-model",)]


def test_image_description_that_fails_for_good_is_recorded_on_the_item(tmp_path, monkeypatch):
    with FakeOpenAI(behaviour="text_only") as server:  # a vision model configured on a text-only server
        local_server_env(monkeypatch, server, VISION_MODEL="local-model")
        summary = write(tmp_path / "home")
    assert summary["posts"] > 0 and sent_parts(server)
    statuses = {s for (s,) in query(tmp_path / "home", "SELECT status FROM enrichments WHERE width IS NOT NULL")}
    assert len(statuses) == 1 and 'can only concatenate str (not "list") to str' in statuses.pop()


def test_window_without_a_usable_answer_gets_no_post_and_is_counted(tmp_path, monkeypatch):
    with FakeOpenAI() as server:
        server.script(["invalid_json"] * (PARSE_RETRIES + 1), marker="writer")  # the first window, every try
        local_server_env(monkeypatch, server, CONCURRENCY="1")  # scripts follow arrival: the first window's first
        summary = write(tmp_path / "home")
    assert summary["windows_without_answer"] == 1 and summary["posts"] > 0
    (window_id,) = [i for (i,) in query(tmp_path / "home", "SELECT id FROM windows ORDER BY date, idx LIMIT 1")]
    assert not query(tmp_path / "home", f"SELECT id FROM documents WHERE window_id = '{window_id}'")
    records = DagsterInstance.get().fetch_materializations(AssetKey("posts"), limit=1).records
    reasons = records[0].asset_materialization.metadata["windows_without_answer_reasons"].value
    assert list(reasons) == [window_id] and "no usable answer" in reasons[window_id]


def test_model_that_never_calls_the_tool_leaves_every_window_without_posts(tmp_path, monkeypatch):
    with FakeOpenAI(behaviour="ignores_format") as server:
        local_server_env(monkeypatch, server, MODE="tools")
        summary = write(tmp_path / "home")  # the run still completes
    windows = query(tmp_path / "home", "SELECT count(*) FROM windows")[0][0]
    assert summary["posts"] == 0 and summary["windows_without_answer"] == windows


def test_a_server_refusing_json_schema_gets_posts_with_the_default_settings(tmp_path, monkeypatch):
    with FakeOpenAI() as server:
        server.refused = {"json_schema"}  # llama-cpp-python's server, which the default mode met with HTTP 500
        local_server_env(monkeypatch, server)
        summary = write(tmp_path / "home")
    assert summary["posts"] > 0 and summary["windows_without_answer"] == 0
    refused = [c[2] for c in server.calls].count("refused")
    assert 0 < refused <= 2 * 8  # only the calls in flight when it first refused, each with its one retry
    modes = json.loads((tmp_path / "home" / "cache" / "llm" / "modes.json").read_text(encoding="utf-8"))
    assert modes == {f"{server.url} local-model json_schema": "tools"}
    records = DagsterInstance.get().fetch_materializations(AssetKey("posts"), limit=1).records
    assert records[0].asset_materialization.metadata["structured_output_mode"].value == "tools"
