"""The LLM client and writer against a real loopback OpenAI-compatible server."""

from __future__ import annotations

import base64
import io
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import openai
import pytest
from httpx import Request, Response
from PIL import Image

from egregora_assets.core import ask
from egregora_assets.core import llm as llm_module
from egregora_assets.core.enrichments import describe
from egregora_assets.core.llm import LLM, PARSE_RETRIES
from egregora_assets.core.models import Enrichment, Message, PostDraft, PostPlan, Window
from egregora_assets.core.posts import llm_writer as writer
from egregora_assets.core.posts.records import to_posts, unique_slugs
from egregora_assets.core.prompts import chat_messages
from egregora_assets_tests.fake_openai import FakeOpenAI

PROMPTS = Path(__file__).parents[2] / "prompts"
GOLDEN = Path(__file__).parents[1] / "golden"
SECRET = "sk-test-DO-NOT-LEAK-4f9a2c"


def make_window(n: int = 6, window_id: str = "2025-01-06|hikers|0", text: str = "") -> Window:
    lines = [
        "Forecast says showers after noon, clear until then",
        "If we're at the trailhead by seven we beat the rain",
        "The ridge descent gets slippery when wet, careful",
        "Valley path as plan B then?",
        "Deal. Here's the guide: https://example.org/trails/ridge-loop",
        "I'll bring the thermos",
    ]
    messages = [
        Message(
            id=f"hikers-{i:04d}",
            group="hikers",
            timestamp=datetime(2025, 1, 6, 9, i),
            author=("Ana Lua", "Rio Manso")[i % 2],
            text=text or lines[i % len(lines)],
        )
        for i in range(n)
    ]
    return Window(id=window_id, group="hikers", date=date(2025, 1, 6), index=0, messages=messages)


@pytest.fixture
def make_llm(fake_llm: FakeOpenAI, tmp_path: Path):
    def make(**overrides) -> LLM:
        settings = dict(base_url=fake_llm.url, api_key=SECRET, model="gpt-4o-mini", cache_dir=tmp_path / "cache")
        return LLM(**{**settings, **overrides})

    return make


def writer_messages(window: Window | None = None) -> list[dict]:
    return chat_messages(PROMPTS, "writer", window=window or make_window(), enrichments=[], related=[], notes=[])


def test_second_call_sends_no_request(make_llm, fake_llm):
    llm = make_llm()
    first = llm.structured(writer_messages(), PostPlan)
    second = llm.structured(writer_messages(), PostPlan)
    assert second == first and first.posts[0].message_ids == ["hikers-0000", "hikers-0001", "hikers-0002"]
    assert (llm.stats.requests, llm.stats.cache_hits) == (1, 1)
    # A new process (a re-materialization) reads the same cache from the home.
    again = make_llm()
    assert again.structured(writer_messages(), PostPlan) == first
    assert (again.stats.requests, again.stats.cache_hits, again.stats.input_tokens) == (0, 1, 0)
    assert fake_llm.count() == 1


@pytest.mark.parametrize("mode", ["json_schema", "json", "tools", "md_json"])
def test_every_mode_gets_posts(make_llm, fake_llm, mode):
    posts, no_answer = writer.write_posts_llm(make_llm(mode=mode), PROMPTS, make_window(), [], [])
    assert [p.slug for p in posts] == ["the-saturday-trail-rain-or-shine"] and no_answer is None
    body = json.loads(fake_llm.requests[0])
    assert ("response_format" in body) == (mode in ("json_schema", "json"))
    assert ("tools" in body) == (mode == "tools")


def test_rate_limit_then_success(make_llm, fake_llm):
    fake_llm.script(["429", "ok"], marker="writer")
    llm = make_llm()
    plan = llm.structured(writer_messages(), PostPlan)
    assert len(plan.posts) == 1
    assert llm.stats.requests == 2 and [c[2] for c in fake_llm.calls] == ["429", "ok"]


def test_server_error_storm_fails_after_bounded_retries_and_resumes(make_llm, fake_llm):
    fake_llm.script(["500"] * 3, marker="writer")
    llm = make_llm(max_retries=2)
    with pytest.raises(RuntimeError, match="gpt-4o-mini.*failed after retries") as failure:
        llm.structured(writer_messages(), PostPlan)
    assert llm.stats.requests == 3  # the first try and 2 retries, then it gives up
    assert SECRET not in str(failure.value)
    assert not list((llm.cache_dir).rglob("*.json"))  # failures are not cached
    llm.structured(writer_messages(), PostPlan)  # the re-run goes through
    assert llm.stats.requests == 4


def test_storm_fails_one_window_and_others_complete(make_llm, fake_llm):
    fake_llm.script(["ok", "500", "500", "ok"], marker="writer")
    llm = make_llm(max_retries=1)
    outcomes = {}
    for n in range(3):
        window = make_window(window_id=f"w{n}", text=f"message of window {n}")
        try:
            outcomes[window.id] = len(writer.write_posts_llm(llm, PROMPTS, window, [], [])[0])
        except RuntimeError:
            outcomes[window.id] = "failed"
    assert outcomes == {"w0": 1, "w1": "failed", "w2": 1}


def test_a_window_too_long_is_read_in_parts_and_written_once(make_llm, fake_llm):
    window = make_window(12)
    whole = sum(len(m["content"]) for m in writer_messages(window))
    fake_llm.context_limit = whole - 1  # the whole window is just too long for the writer
    posts, _ = writer.write_posts_llm(make_llm(), PROMPTS, window, [], [])
    assert [(c[1], c[2]) for c in fake_llm.calls] == [("writer", "context_length"), ("reader", "ok"), ("writer", "ok")]
    # One post for the window, as a model that could read it whole writes, citing what the notes cite.
    assert [p.message_ids for p in posts] == [["hikers-0000", "hikers-0001", "hikers-0002"]]
    last = json.loads(fake_llm.requests[-1])["messages"][1]["content"]
    assert "## Notes on the whole stretch" in last and "hikers-0011" not in last.rpartition("## Messages")[2]


def test_context_limit_reads_in_halves_truncates_a_huge_message_and_writes_once(make_llm, fake_llm):
    fake_llm.context_limit = 4000
    window = make_window(4, text="word " * 1500)  # every message alone is over the limit
    posts, reasons = writer.write_posts_llm(make_llm(), PROMPTS, window, [], ["an earlier post " * 10])
    assert len(posts) == 1 and reasons is None
    read = [json.loads(raw) for raw, call in zip(fake_llm.requests, fake_llm.calls) if call[1:] == ("reader", "ok")]
    assert len(read) == 4 and all(writer.TRUNCATION_NOTE in body["messages"][1]["content"] for body in read)
    sent = [json.loads(raw) for raw, call in zip(fake_llm.requests, fake_llm.calls) if call[1:] == ("writer", "ok")]
    assert len(sent) == 1 and "an earlier post" not in sent[0]["messages"][1]["content"]
    # A prompt as long as one refused is not sent again: each too long attempt is sent once at most.
    refused = [len(raw) for raw, call in zip(fake_llm.requests, fake_llm.calls) if call[2] == "context_length"]
    assert len(refused) == len(set(refused)) and len(fake_llm.calls) < 12


def test_llama_cpp_500_for_a_prompt_too_long_is_read_in_parts(make_llm, fake_llm):
    fake_llm.script(["context_size_500"] * 2, marker="writer")  # the first try and its one retry
    posts, reasons = writer.write_posts_llm(make_llm(max_retries=1), PROMPTS, make_window(12), [], [])
    assert len(posts) == 1 and reasons is None
    assert [c[1:] for c in fake_llm.calls][-2:] == [("reader", "ok"), ("writer", "ok")]


def test_prompt_that_cannot_fit_raises_overflow(make_llm, fake_llm):
    fake_llm.context_limit = 10
    with pytest.raises(OverflowError, match="too long"):
        writer.write_posts_llm(make_llm(), PROMPTS, make_window(2), [], [])


def test_invalid_json_is_reasked_then_succeeds(make_llm, fake_llm):
    fake_llm.script(["invalid_json"], marker="writer")
    llm = make_llm()
    plan = llm.structured(writer_messages(), PostPlan)
    assert len(plan.posts) == 1 and llm.stats.requests == 2
    first, second = (json.loads(raw) for raw in fake_llm.requests)
    assert len(second["messages"]) > len(first["messages"])  # the bad answer and a correction


def test_invalid_json_every_time_fails_after_the_reasks(make_llm, fake_llm):
    fake_llm.script(["invalid_json"] * (PARSE_RETRIES + 1), marker="writer")
    llm = make_llm()
    with pytest.raises(ValueError, match="no usable answer"):  # the model's fault, not the server's
        llm.structured(writer_messages(), PostPlan)
    assert llm.stats.requests == PARSE_RETRIES + 1


def test_answer_streams_in_several_chunks_and_replays_from_cache(make_llm, fake_llm):
    passages = [
        {"id": "p1", "kind": "post", "date": "2025-01-06", "title": "The Saturday trail", "text": "...", "url": "/p/1"},
    ]
    llm = make_llm()
    chunks = list(ask.answer_stream(llm, PROMPTS, "Where did they hike?", passages))
    golden = json.loads((GOLDEN / "answer.json").read_text())["choices"][0]["message"]["content"]
    assert len(chunks) > 3 and "".join(chunks) == golden
    assert json.loads(fake_llm.requests[0])["stream"] is True
    assert llm.stats.output_tokens == 96  # from the usage chunk
    assert list(ask.answer_stream(llm, PROMPTS, "Where did they hike?", passages)) == [golden]
    assert llm.stats.requests == 1
    assert llm.text(chat_messages(PROMPTS, "answer", question="Where did they hike?", passages=passages)) == golden


def test_changed_template_or_model_sends_a_new_request(make_llm, fake_llm, tmp_path):
    prompts = tmp_path / "prompts"
    shutil.copytree(PROMPTS, prompts)
    llm = make_llm()
    page = dict(url="https://example.org/trails", title="Ridge Loop", description=None, text="An 11 km loop.")
    describe.describe_url(llm, prompts, **page)
    describe.describe_url(llm, prompts, **page)
    assert llm.stats.requests == 1
    template = prompts / "enrich_url.md.j2"
    template.write_text(template.read_text().replace("two or three", "one or two"))
    describe.describe_url(llm, prompts, **page)
    assert llm.stats.requests == 2
    other_model = make_llm(model="llama3.1:8b")
    describe.describe_url(other_model, prompts, **page)
    describe.describe_url(other_model, prompts, **page)
    assert other_model.stats.requests == 1 and json.loads(fake_llm.requests[-1])["model"] == "llama3.1:8b"


def test_api_key_never_in_files_bodies_or_repr(make_llm, fake_llm):
    llm = make_llm()
    llm.structured(writer_messages(), PostPlan)
    llm.text(chat_messages(PROMPTS, "describe_media", mime="image/jpeg"))
    list(ask.answer_stream(llm, PROMPTS, "q?", []))
    stored = b"".join(path.read_bytes() for path in llm.cache_dir.rglob("*") if path.is_file())
    assert len(list(llm.cache_dir.rglob("*.json"))) == 3
    assert SECRET.encode() not in stored and SECRET.encode() not in b"".join(fake_llm.requests)
    assert SECRET not in repr(llm) and "***" in repr(llm)
    assert SECRET not in str(llm.stats.as_dict())


def test_usage_and_cost_are_counted(make_llm):
    llm = make_llm(price_in=0.15, price_out=0.60)
    assert (llm.stats.requests, llm.stats.output_tokens) == (0, 0)
    llm.structured(writer_messages(), PostPlan)
    spent = llm.stats
    assert spent.output_tokens == 268 and spent.input_tokens > 0
    assert spent.cost == pytest.approx((spent.input_tokens * 0.15 + 268 * 0.60) / 1e6)
    assert make_llm().stats.cost is None  # no prices, no estimate


def test_describe_image_sends_a_small_copy_without_metadata(make_llm, fake_llm):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make; GPS tags travel the same way
    photo = io.BytesIO()
    Image.new("RGB", (3000, 2000), "green").save(photo, format="JPEG", exif=exif)
    llm = make_llm(vision_model="gpt-4o")
    description = describe.describe_image(llm, PROMPTS, photo.getvalue(), "image/jpeg")
    assert description.startswith("A photo of a misty mountain ridge")
    body = json.loads(fake_llm.requests[0])
    assert body["model"] == "gpt-4o"
    data_uri = body["messages"][1]["content"][1]["image_url"]["url"]
    sent = base64.b64decode(data_uri.split(",", 1)[1])
    with Image.open(io.BytesIO(sent)) as image:
        assert max(image.size) == describe.MAX_IMAGE_SIDE and not image.getexif()
    assert b"SecretCam" not in sent and b"SecretCam" in photo.getvalue()


def test_writer_drops_made_up_message_ids(fake_llm, make_llm, tmp_path):
    golden = tmp_path / "golden"
    shutil.copytree(GOLDEN, golden)
    recorded = json.loads((golden / "writer.json").read_text())
    plan = json.loads(recorded["choices"][0]["message"]["content"])
    plan["posts"][0]["message_ids"] = ["placeholder-2", "hikers-9999"]
    recorded["choices"][0]["message"]["content"] = json.dumps(plan)
    (golden / "writer.json").write_text(json.dumps(recorded))
    fake_llm.golden_dir = golden
    enrichment = Enrichment(
        id="e1",
        group="hikers",
        date=date(2025, 1, 6),
        window_id="w",
        message_id="hikers-0004",
        kind="url",
        ref="https://example.org/trails/ridge-loop",
        title="Ridge Loop",
        description="A trail guide",
    )
    posts, _ = writer.write_posts_llm(make_llm(), PROMPTS, make_window(), [enrichment], ["Earlier: a walk"])
    assert posts[0].message_ids == ["hikers-0001"]
    prompt = json.loads(fake_llm.requests[0])["messages"][1]["content"]
    assert '[hikers-0004] url https://example.org/trails/ridge-loop: "Ridge Loop"' in prompt


def test_fake_server_embeddings_are_deterministic(fake_llm):
    client = openai.OpenAI(base_url=fake_llm.url, api_key=SECRET, max_retries=0)
    texts = ["ridge trail on saturday", "on saturday: ridge trail!", "invoice overdue"]
    first = client.embeddings.create(model="text-embedding-3-small", input=texts, dimensions=64)
    again = client.embeddings.create(model="text-embedding-3-small", input=texts[0], dimensions=64)
    vectors = [d.embedding for d in first.data]
    assert len(vectors[0]) == 64 and again.data[0].embedding == pytest.approx(vectors[0])
    dot = lambda a, b: sum(x * y for x, y in zip(a, b))  # noqa: E731
    assert dot(vectors[0], vectors[1]) == pytest.approx(1.0) and dot(vectors[0], vectors[2]) < 0.5


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown LLM mode"):
        LLM(base_url="http://127.0.0.1:9/v1", api_key=SECRET, model="m", cache_dir=tmp_path, mode="xml")


@pytest.mark.parametrize(
    ("vision_model", "listed_with_vision", "expected"),
    [
        (None, False, None),  # a text-only server: images are not sent at all
        (None, True, "gpt-4o-mini"),  # the server says its model sees: the chat model describes
        ("llava", False, "llava"),  # a configured vision model wins
    ],
)
def test_images_go_only_to_a_model_that_sees(tmp_path, vision_model, listed_with_vision, expected):
    with FakeOpenAI(behaviour="text_only", vision=listed_with_vision) as server:
        llm = LLM(
            base_url=server.url,
            api_key=SECRET,
            model="gpt-4o-mini",
            cache_dir=tmp_path,
            vision_model=vision_model,
            max_retries=0,
        )
        assert llm.image_model() == expected and llm.image_model() == expected
        asked = server.count(path="/v1/models")
        if expected is None:
            with pytest.raises(ValueError, match=describe.NO_VISION):
                describe.describe_image(llm, PROMPTS, _photo(), "image/jpeg")
            assert server.count() == 0  # nothing was sent
    assert asked == (0 if vision_model else 1)  # the server is asked once, and only when it matters


def test_text_only_server_answers_content_parts_with_the_llama_cpp_500(tmp_path):
    with FakeOpenAI(behaviour="text_only") as server:
        llm = LLM(base_url=server.url, api_key=SECRET, model="m", cache_dir=tmp_path, vision_model="m", max_retries=1)
        with pytest.raises(RuntimeError, match=r'can only concatenate str \(not "list"\) to str'):
            describe.describe_image(llm, PROMPTS, _photo(), "image/jpeg")
        assert server.count() == 2  # the try and one retry: a 500 is retried, then given up
        assert describe.describe_url(llm, PROMPTS, "https://example.org", "A page", None, "Text.")  # strings pass


def _photo() -> bytes:
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(photo, format="JPEG")
    return photo.getvalue()


def test_output_cap_holds_every_call_to_it(make_llm, fake_llm):
    page = dict(url="https://example.org", title="A page", description=None, text="Text.")
    writer.write_posts_llm(make_llm(), PROMPTS, make_window(), [], [])
    capped = make_llm(max_output_tokens=200)
    writer.write_posts_llm(capped, PROMPTS, make_window(), [], [])
    describe.describe_url(capped, PROMPTS, **page)
    sent = [json.loads(raw)["max_tokens"] for raw in fake_llm.requests]
    assert sent == [writer.MAX_ANSWER_TOKENS, 200, 200]


def test_answer_cut_at_max_tokens_costs_the_window_its_posts_without_a_reask(make_llm, fake_llm):
    fake_llm.script(["length"], marker="writer")
    llm = make_llm()
    posts, no_answer = writer.write_posts_llm(llm, PROMPTS, make_window(window_id="w1"), [], [])
    assert posts == [] and no_answer.startswith("w1: no usable answer")
    assert llm.stats.requests == 1  # the same cap would cut a re-ask too


def test_a_small_models_repeated_slugs_and_runaway_tags_cannot_break_the_site():
    def draft(slug: str, tags: list[str]) -> PostDraft:
        return PostDraft(title="T", slug=slug, summary="S", body="B", tags=tags)

    drafts = [
        draft("Group: hikers", ["trail", "x" * 300]),
        draft("group-hikers", []),
        draft("other", []),
        draft("group hikers", []),
    ]
    assert [d.slug for d in unique_slugs(drafts)] == ["Group: hikers", "group-hikers-2", "other", "group-hikers-3"]
    (doc,) = to_posts(drafts[:1], make_window(), timezone="UTC", writer="llm:m")
    assert doc.categories == ["trail"]  # a 300-character tag would name a file the site cannot write


# --- many threads, one client -------------------------------------------------------------


def distinct_windows(n: int) -> list[Window]:
    return [make_window(window_id=f"w{i}", text=f"message number {i} of its own window") for i in range(n)]


def plan_of(llm: LLM, window: Window) -> PostPlan:
    return llm.structured(writer_messages(window), PostPlan)


def test_map_sends_up_to_concurrency_requests_at_once_and_keeps_the_order(make_llm, fake_llm):
    fake_llm.latency = 0.3
    windows = distinct_windows(6)
    llm = make_llm(concurrency=3)
    plans = llm.map(lambda w: plan_of(llm, w), windows)
    assert fake_llm.peak_in_flight == 3 and fake_llm.average_in_flight() > 2
    assert [p.posts[0].message_ids[0] for p in plans] == [w.messages[0].id for w in windows]
    assert llm.stats.requests == 6 and len(list(llm.cache_dir.rglob("*.json"))) == 6


def test_a_rate_limit_holds_every_thread_until_its_retry_after(make_llm, fake_llm):
    fake_llm.retry_after_ms = 400
    fake_llm.latency = 0.05
    fake_llm.script(["429"])  # the first chat request, whichever thread sends it
    llm = make_llm(concurrency=4)
    plans = llm.map(lambda w: plan_of(llm, w), distinct_windows(8))
    assert len(plans) == 8 and all(p.posts for p in plans)
    (refused,) = fake_llm.refusals
    # Requests already on their way when the 429 came may land just after it; after that, no
    # thread sends anything until the server's wait is over.
    starts = [start for start, _, _ in fake_llm.spans]
    assert not [s for s in starts if refused + 0.05 < s < refused + 0.38]
    assert [s for s in starts if s >= refused + 0.38]
    assert llm.stats.requests == 9


def test_a_rate_limit_storm_outlasting_the_retries_slows_the_call_and_never_fails_it(make_llm, fake_llm):
    fake_llm.script(["429"] * 6, marker="writer")
    llm = make_llm(max_retries=1)
    plan = plan_of(llm, make_window())
    assert plan.posts and llm.stats.requests == 7
    assert [c[2] for c in fake_llm.calls] == ["429"] * 6 + ["ok"]


def test_retry_after_reads_milliseconds_then_seconds():
    from httpx import Headers

    from egregora_assets.core.llm import RATE_LIMIT_WAIT, retry_after

    assert retry_after(Headers({"retry-after-ms": "250", "retry-after": "3"})) == 0.25
    assert retry_after(Headers({"retry-after": "3"})) == 3.0
    assert retry_after(Headers({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) == RATE_LIMIT_WAIT
    assert retry_after(Headers({"retry-after": "9999"})) == 120.0


# --- a server that refuses a structured-output mode ---------------------------------------


def test_a_refused_mode_falls_back_to_the_next_once_and_the_home_remembers_it(make_llm, fake_llm, caplog):
    fake_llm.refused = {"json_schema"}  # llama-cpp-python's server
    llm = make_llm(max_retries=0)
    plan = llm.structured(writer_messages(), PostPlan)
    assert plan.posts and llm.mode == "tools" and llm.configured_mode == "json_schema"
    assert [c[2] for c in fake_llm.calls] == ["refused", "ok"]
    (said,) = [r.getMessage() for r in caplog.records if "refused structured output mode" in r.getMessage()]
    assert "'json_schema'" in said and "'tools'" in said and "EGREGORA_LLM__MODE" in said
    other = llm.structured(writer_messages(make_window(text="another window")), PostPlan)
    assert other.posts and [c[2] for c in fake_llm.calls] == ["refused", "ok", "ok"]

    again = make_llm(max_retries=0)  # a later run of the same home starts with what worked
    assert again.mode == "tools" and again.structured(writer_messages(), PostPlan) == plan
    assert len(fake_llm.calls) == 3  # from the cache: the answer was stored under the mode that gave it
    assert make_llm(max_retries=0, model="another-model").mode == "json_schema"  # per server and model


def test_modes_are_tried_in_turn_down_to_a_fenced_block(make_llm, fake_llm):
    fake_llm.refused = {"json_schema", "tools", "json_object"}
    llm = make_llm(max_retries=0, concurrency=4)
    plans = llm.map(lambda w: plan_of(llm, w), distinct_windows(6))
    assert all(p.posts for p in plans) and llm.mode == "md_json"
    assert [c[2] for c in fake_llm.calls].count("ok") == 6


def test_the_last_mode_answers_and_a_refusal_with_nothing_left_names_the_setting(make_llm, fake_llm):
    fake_llm.refused = {"json_object"}
    llm = make_llm(max_retries=0, mode="json")
    assert llm.structured(writer_messages(), PostPlan).posts and llm.mode == "md_json"
    # md_json sends no response_format and no tools, so only a server's own words can refuse it.
    refusal = openai.InternalServerError(
        "Error code: 500 - response_format.type: Input should be 'text' or 'json_object'",
        response=Response(500, request=Request("POST", "http://127.0.0.1/v1/chat/completions")),
        body=None,
    )
    failure = llm_module._failure(refusal, "small-model")
    assert isinstance(failure, RuntimeError) and "EGREGORA_LLM__MODE" in str(failure)
    assert "json_schema, tools, json, md_json" in str(failure)


def test_plain_text_calls_keep_their_cache_whatever_mode_structured_calls_settle_on(make_llm, fake_llm):
    chat = chat_messages(PROMPTS, "portrait", author="Ana Lua", messages=make_window().messages)
    first = make_llm().text(chat)
    fake_llm.refused = {"json_schema"}
    llm = make_llm(max_retries=0)
    llm.structured(writer_messages(), PostPlan)
    assert llm.mode == "tools" and llm.text(chat) == first and llm.stats.cache_hits == 1
