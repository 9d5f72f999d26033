"""A loopback HTTP server that speaks the OpenAI chat-completions and embeddings API.

It replays the recorded responses in `golden/`, choosing one by the `[egregora:NAME]` marker
that each prompt template puts in its system text, and can be scripted to fail:

    with FakeOpenAI() as server:
        server.script(["429", "ok"], marker="writer")
        LLM(base_url=server.url, ...)

Faults: "429" (rate limit with Retry-After), "500", "context_length" (OpenAI's 400 with
code context_length_exceeded), "invalid_json" (a 200 whose content does not parse),
"length" (an answer cut at max_tokens, finish_reason "length"), "context_size_500" (llama.cpp's
HTTP 500 "Context size has been exceeded."), "ok". A "429" asks clients to
wait `retry_after_ms` (and says 1 s in `Retry-After`).
Every request body is kept, as bytes, in `server.requests`.

`POST /v1/audio/transcriptions` (multipart, as OpenAI's) answers the text recorded for the
upload's sha256 in `server.transcripts` (else `server.default_transcript`, else a 400), and
keeps each upload's form fields and hash in `server.uploads`; script its faults with
`route=TRANSCRIPTIONS`.

`latency` makes every chat answer take that many seconds, as a real model does; the server
counts the chat requests in flight (`in_flight`, `peak_in_flight`) and keeps each one's
(start, end, marker) in `spans`, from which `average_in_flight()` follows.

`behaviour` makes it act like the local servers people run (see BEHAVIOURS); `vision`
makes `/v1/models` say the model accepts images; `refused` names request shapes it answers
with HTTP 500, as servers without them do: "json_schema" and "json_object" (response_format
types; llama-cpp-python's server refuses json_schema) and "tools".
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import math
import re
import struct
import threading
import time
from collections import deque
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"
CHAT, EMBEDDINGS = "/v1/chat/completions", "/v1/embeddings"
TRANSCRIPTIONS = "/v1/audio/transcriptions"
# What OpenAI's transcription endpoint accepts, by file name ("Invalid file format. Supported formats: ...").
AUDIO_FORMATS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
MARKER = re.compile(r"\[egregora:([a-z_]+)\]")
WRITER_ID = re.compile(r"^\[([^\]\s]+)\] \d\d:\d\d ", re.MULTILINE)  # a message line of writer.md.j2
INVALID_JSON = 'Sure! Here are the posts you asked for: {"posts": [{"title": "Unfinished'
ERRORS = {
    "429": {
        "message": "Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): "
        "Limit 3, Used 3, Requested 1. Please try again in 1s.",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    },
    "500": {
        "message": "The server had an error while processing your request. Sorry about that!",
        "type": "server_error",
        "param": None,
        "code": None,
    },
    "context_length": {
        "message": "This model's maximum context length is 8192 tokens. However, your messages resulted in "
        "9120 tokens. Please reduce the length of the messages.",
        "type": "invalid_request_error",
        "param": "messages",
        "code": "context_length_exceeded",
    },
}
# llama.cpp's server answers a prompt beyond its context this way too (ggml-org/llama.cpp#19774).
ERRORS["context_size_500"] = {"code": 500, "message": "Context size has been exceeded.", "type": "server_error"}
STATUS = {"429": 429, "500": 500, "context_length": 400, "context_size_500": 500}
# What llama-cpp-python's server answers when a text-only chat template meets content parts.
TEXT_ONLY_ERROR = {
    "message": 'can only concatenate str (not "list") to str',
    "type": "internal_server_error",
    "param": None,
    "code": None,
}
BEHAVIOURS = {
    None: "an OpenAI-like server: honours response_format and tools",
    "text_only": "a text-only model: content given as a list of parts gets HTTP 500, as llama.cpp answers",
    "ignores_format": "a model that ignores response_format and tools, answering JSON in a fenced block",
    "prose_json": "a model that wraps its JSON in prose",
}
PROSE = "Sure! Here is what I came up with for this conversation:\n\n{}\n\nI hope this helps, let me know!"


class FakeOpenAI:
    """The server: start it with `with`, point clients at `url`, script faults, read `requests`."""

    def __init__(
        self, golden_dir: Path = GOLDEN, embedding_dim: int = 384, behaviour: str | None = None, vision: bool = False
    ) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {behaviour!r}; use one of {list(BEHAVIOURS)}")
        self.behaviour, self.vision = behaviour, vision
        self.golden_dir = Path(golden_dir)
        self.embedding_dim = embedding_dim
        self.context_limit: int | None = None  # prompt characters beyond which a call is too long
        self.retry_after_ms = 20  # asks openai clients for short retries so tests stay fast
        self.refused: set[str] = set()  # request shapes answered with HTTP 500
        self.latency = 0.0  # seconds every chat answer (but a refusal) takes
        self.in_flight = 0
        self.peak_in_flight = 0
        self.spans: list[tuple[float, float, str | None]] = []  # (start, end, marker) of each chat request
        self.refusals: list[float] = []  # when each 429 was answered, monotonic
        self.requests: list[bytes] = []
        self.transcripts: dict[str, str] = {}  # audio sha256 -> what was said in it
        self.default_transcript: str | None = None
        self.uploads: list[dict[str, str]] = []  # form fields of each transcription request, and "sha256"
        self.calls: list[tuple[str, str | None, str]] = []  # (path, marker, outcome)
        self._scripts: dict[str, deque[str]] = {}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def script(self, outcomes: list[str], *, marker: str | None = None, route: str = CHAT) -> None:
        """Queue outcomes for the next requests carrying `marker` (or, without one, to `route`)."""
        with self._lock:
            self._scripts.setdefault(marker or route, deque()).extend(outcomes)

    def count(self, marker: str | None = None, path: str = CHAT) -> int:
        """How many requests reached `path`, optionally only those carrying `marker`."""
        return sum(1 for p, m, _ in self.calls if p == path and (marker is None or m == marker))

    def average_in_flight(self, marker: str | None = None) -> float:
        """Chat requests in flight on average (those carrying `marker`, if given), from the first
        one's start to the last one's end."""
        with self._lock:
            spans = [(start, end) for start, end, m in self.spans if marker is None or m == marker]
        if not spans:
            return 0.0
        wall = max(end for _, end in spans) - min(start for start, _ in spans)
        return sum(end - start for start, end in spans) / wall if wall > 0 else float(len(spans))

    def serve(self, path: str, raw: bytes) -> tuple[int, dict[str, str], bytes | list[bytes]]:
        """`handle`, counted in flight and answered after `latency` (chat requests)."""
        if path != CHAT:
            return self.handle(path, raw)
        start = time.monotonic()
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            answer = self.handle(path, raw)
            if answer[0] == 429:
                with self._lock:
                    self.refusals.append(time.monotonic())
            elif self.latency:
                time.sleep(self.latency)
            return answer
        finally:
            found = MARKER.search(raw.decode("utf-8", "replace"))
            with self._lock:
                self.in_flight -= 1
                self.spans.append((start, time.monotonic(), found.group(1) if found else None))

    # -- deciding what to answer ---------------------------------------------------------

    def _outcome(self, path: str, marker: str | None, prompt_chars: int) -> str:
        with self._lock:
            for key in (marker, path):
                if key and self._scripts.get(key):
                    return self._scripts[key].popleft()
        if self.context_limit is not None and prompt_chars > self.context_limit:
            return "context_length"
        return "ok"

    def handle(self, path: str, raw: bytes) -> tuple[int, dict[str, str], bytes | list[bytes]]:
        """The status, headers and body (or SSE events) answering one request."""
        body = json.loads(raw or b"{}")
        prompt = _prompt_text(body.get("messages", []))
        found = MARKER.search(prompt)
        marker = found.group(1) if found else None
        outcome = self._outcome(path, marker, len(prompt))
        if self.behaviour == "text_only" and _has_parts(body.get("messages", [])):
            outcome = "text_only"
        refusal = self._refusal(body) if path == CHAT and outcome == "ok" else None
        if refusal:
            outcome = "refused"
        with self._lock:
            self.requests.append(raw)
            self.calls.append((path, marker, outcome))
        if outcome in ERRORS:
            headers = {"retry-after": "1", "retry-after-ms": str(self.retry_after_ms)}
            if outcome in ("context_length", "context_size_500"):
                headers = {}
            return STATUS[outcome], headers, _json({"error": ERRORS[outcome]})
        if outcome == "text_only":
            return 500, {}, _json({"error": TEXT_ONLY_ERROR})
        if refusal:
            return 500, {}, _json({"error": {**TEXT_ONLY_ERROR, "message": refusal}})
        if path == EMBEDDINGS:
            return 200, {}, _json(self._embeddings(body))
        if path != CHAT:
            return 404, {}, _json({"error": {"message": f"no route {path}", "type": "invalid_request_error"}})
        if marker is None or not (self.golden_dir / f"{marker}.json").exists():
            error = {"message": f"fake server: no golden response for prompt marker {marker!r}", "type": "fake"}
            return 400, {}, _json({"error": error})
        content = INVALID_JSON if outcome in ("invalid_json", "length") else self._content(marker, prompt)
        completion = self._completion(marker, body, content, prompt)
        if outcome == "length":
            completion["choices"][0]["finish_reason"] = "length"
        if body.get("stream"):
            return 200, {"content-type": "text/event-stream"}, _sse(completion, body)
        return 200, {}, _json(completion)

    def transcribe(self, content_type: str, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        """An answer to `POST /audio/transcriptions`: the recorded text of the uploaded file."""
        form, audio = _multipart(content_type, raw)
        outcome = self._outcome(TRANSCRIPTIONS, None, 0)
        form["sha256"] = hashlib.sha256(audio or b"").hexdigest()
        with self._lock:
            self.uploads.append(form)
            self.calls.append((TRANSCRIPTIONS, None, outcome))
        if outcome in ERRORS:
            return STATUS[outcome], {"retry-after": "1"}, _json({"error": ERRORS[outcome]})
        if audio is None or "model" not in form:
            return (
                400,
                {},
                _json({"error": {"message": "file and model are required", "type": "invalid_request_error"}}),
            )
        suffix = form["filename"].rpartition(".")[2].lower()
        if suffix not in AUDIO_FORMATS:  # OpenAI judges the format by the file's name
            return 400, {}, _json({"error": {"message": f"Unsupported file format {suffix}", "param": "file"}})
        text = self.transcripts.get(form["sha256"], self.default_transcript)
        if text is None:
            return 400, {}, _json({"error": {"message": "fake server: no recorded transcript", "type": "fake"}})
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
        finally:
            with self._lock:
                self.in_flight -= 1
        if form.get("response_format") == "text":
            return 200, {"content-type": "text/plain"}, text.encode()
        answer: dict[str, Any] = {"text": text}
        if form.get("response_format") == "verbose_json":
            answer.update(language=form.get("language") or "english", segments=[])
        return 200, {}, _json(answer)

    def _refusal(self, body: dict) -> str | None:
        """What a server without this request's structured-output shape answers, if it lacks it."""
        kind = (body.get("response_format") or {}).get("type")
        if kind in self.refused:  # llama-cpp-python's pydantic error for a json_schema response_format
            return f"1 validation error: response_format.type: Input should be 'text' or 'json_object', got {kind!r}"
        if body.get("tools") and "tools" in self.refused:
            return "tools param requires --jinja flag"
        return None

    def _content(self, marker: str, prompt: str) -> str:
        golden = json.loads((self.golden_dir / f"{marker}.json").read_text(encoding="utf-8"))
        content = golden["choices"][0]["message"]["content"]
        if marker not in ("writer", "reader"):
            return content
        # Recorded posts cite "placeholder-K": point that at the K-th message id of this request.
        section = prompt.rpartition("## Messages")[2]  # not the ids of earlier windows in the context
        plan, ids = json.loads(content), WRITER_ID.findall(section) or ["none"]
        for post in plan.get("posts") or plan.get("notes") or []:  # the reader's notes cite too
            cited = [_placeholder(i, ids) for i in post["message_ids"]]
            post["message_ids"] = list(dict.fromkeys(cited))
            # The body's source marks too: "[placeholder-K]" becomes "[<K-th id>]".
            if "body" in post:
                post["body"] = re.sub(r"placeholder-\d+", lambda m: _placeholder(m.group(0), ids), post["body"])
        return json.dumps(plan, ensure_ascii=False)

    def _completion(self, marker: str, body: dict, content: str, prompt: str) -> dict:
        golden = json.loads((self.golden_dir / f"{marker}.json").read_text(encoding="utf-8"))
        completion = copy.deepcopy(golden)
        with self._lock:
            completion["id"] = f"{golden['id']}-{len(self.calls)}"
        completion["model"] = body.get("model", completion["model"])
        message = completion["choices"][0]["message"]
        message["content"] = content
        if self.behaviour == "prose_json" and content.startswith("{"):
            message["content"] = PROSE.format(content)
        elif self.behaviour == "ignores_format" and content.startswith("{"):
            message["content"] = f"```json\n{content}\n```"
        elif body.get("tools"):  # instructor's TOOLS mode expects a forced tool call
            name = body["tools"][0]["function"]["name"]
            call = {"id": "call_fake", "type": "function", "function": {"name": name, "arguments": content}}
            message.update(content=None, tool_calls=[call])
            completion["choices"][0]["finish_reason"] = "tool_calls"
        elif body.get("response_format") is None and content.startswith("{"):
            message["content"] = f"```json\n{content}\n```"  # what chat models do in md_json mode
        usage = completion["usage"]
        usage["prompt_tokens"] = max(1, len(prompt) // 4)
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        return completion

    def _embeddings(self, body: dict) -> dict:
        texts = body.get("input", [])
        texts = [texts] if isinstance(texts, str) else texts
        dim = int(body.get("dimensions") or self.embedding_dim)
        data = []
        for index, text in enumerate(texts):
            vector = embed(str(text), dim)
            if body.get("encoding_format") == "base64":  # the openai client's default
                vector = base64.b64encode(struct.pack(f"<{dim}f", *vector)).decode()
            data.append({"object": "embedding", "index": index, "embedding": vector})
        tokens = sum(len(str(t).split()) for t in texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return {"object": "list", "data": data, "model": body.get("model", "fake-embedding"), "usage": usage}


def embed(text: str, dim: int) -> list[float]:
    """A deterministic unit vector in which texts sharing words lie close (the hashing trick)."""
    vector = [0.0] * dim
    for word in re.findall(r"\w+", text.lower()) or [""]:
        digest = hashlib.sha256(word.encode()).digest()
        index = int.from_bytes(digest[:4], "little") % dim
        vector[index] += 1.0 if digest[4] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


def _placeholder(cited: str, ids: list[str]) -> str:
    """The request's message id that a golden "placeholder-K" stands for; other ids unchanged."""
    prefix, _, k = cited.partition("placeholder-")
    return ids[(int(k) - 1) % len(ids)] if not prefix and k.isdigit() else cited


def _has_parts(messages: list[dict]) -> bool:
    """Whether any message's content is a list of parts rather than a string."""
    return any(isinstance(m.get("content"), list) for m in messages)


def _prompt_text(messages: list[dict]) -> str:
    """The text parts of chat messages, joined."""
    parts = []
    for message in messages:
        content = message.get("content") or ""
        if isinstance(content, list):
            content = "\n".join(p.get("text", "") for p in content if p.get("type") == "text")
        parts.append(content)
    return "\n".join(parts)


def _sse(completion: dict, body: dict) -> list[bytes]:
    """The completion as server-sent chat.completion.chunk events, a few words per chunk."""
    text = completion["choices"][0]["message"]["content"] or ""
    words = re.findall(r"\S+\s*", text)
    base = {k: completion[k] for k in ("id", "created", "model", "system_fingerprint")}
    base["object"] = "chat.completion.chunk"

    def chunk(delta: dict, finish: str | None = None, **extra: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return b"data: " + _json({**base, "choices": [choice], **extra}) + b"\n\n"

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": "".join(words[i : i + 4])}) for i in range(0, len(words), 4)]
    events.append(chunk({}, "stop"))
    if (body.get("stream_options") or {}).get("include_usage"):
        events.append(b"data: " + _json({**base, "choices": [], "usage": completion["usage"]}) + b"\n\n")
    return events + [b"data: [DONE]\n\n"]


def _multipart(content_type: str, raw: bytes) -> tuple[dict[str, str], bytes | None]:
    """The text fields and the `file` of a multipart/form-data body."""
    message = BytesParser(policy=policy.HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    form: dict[str, str] = {}
    audio = None
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if name == "file":
            audio = payload
            form["filename"] = part.get_filename() or ""
        elif isinstance(name, str) and isinstance(payload, bytes):
            form[name] = payload.decode()
    return form, audio


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        fake = self.server.fake  # type: ignore[attr-defined]
        if self.path == TRANSCRIPTIONS:
            status, headers, body = fake.transcribe(self.headers.get("content-type", ""), raw)
        else:
            status, headers, body = fake.serve(self.path, raw)
        self.send_response(status)
        self.send_header("content-type", headers.pop("content-type", "application/json"))
        for name, value in headers.items():
            self.send_header(name, value)
        if isinstance(body, bytes):
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.end_headers()  # HTTP/1.0: the stream ends when the connection closes
        for event in body:
            self.wfile.write(event)
            self.wfile.flush()

    def do_GET(self) -> None:  # noqa: N802
        fake = self.server.fake  # type: ignore[attr-defined]
        with fake._lock:
            fake.calls.append((self.path, None, "ok"))
        model = {"id": "fake-model", "object": "model", "owned_by": "egregora"}
        if fake.vision:  # how llama.cpp's own server announces a multimodal model
            model["capabilities"] = ["completion", "multimodal"]
        models = {"object": "list", "data": [model]}
        body = _json(models) if self.path == "/v1/models" else _json({"error": {"message": "not found"}})
        self.send_response(200 if self.path == "/v1/models" else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass
