"""A client for any OpenAI-compatible chat API that never pays twice for the same call.

Structured answers go through instructor on top of the real openai client. The `mode`
setting picks how instructor asks for JSON, and servers differ in what they accept:

| mode          | request shape                            | works with                                 |
| ------------- | ---------------------------------------- | ------------------------------------------ |
| `json_schema` | `response_format: json_schema` (default) | OpenAI, Gemini's OpenAI endpoint, Ollama,  |
|               |                                          | vLLM, llama.cpp's llama-server; refused by |
|               |                                          | llama-cpp-python's server (HTTP 500)       |
| `json`        | `response_format: json_object` + schema  | OpenAI, Gemini, Ollama, vLLM, llama.cpp    |
|               | in the system message                    | (valid JSON, the schema is not enforced)   |
| `tools`       | a forced function/tool call              | OpenAI, Gemini, vLLM; llama-cpp-python's   |
|               |                                          | server turns it into a schema grammar      |
| `md_json`     | schema in the prompt, JSON in a fenced   | anything that chats, even without a        |
|               | block (no server-side enforcement)       | response_format; the last resort           |

A server that refuses the configured mode (HTTP 400/422/500 naming response_format, json_schema,
json_object, tools or tool_choice) is asked again in the next of FALLBACK; the mode that worked
is remembered in the cache folder (MODES_FILE) per base URL, model and setting.

Whatever the mode, an answer whose JSON sits in a fenced block or in prose is read from
that span (small local models often ignore `response_format`). An answer that still does
not fit the schema after the re-asks raises ValueError: the model gave no usable answer,
which callers treat as "nothing written", unlike a server that failed (RuntimeError).

Images go only to a model that can see them: the configured `vision_model`, or the chat
model when the server lists it with a vision capability; text-only servers (llama.cpp with
a text model answers list content with HTTP 500) only ever get plain string content.

Every call is keyed by a hash of model, messages, response schema, parameters and mode;
the answer is stored as one JSON file per key, so a repeated call sends no request.
HTTP 408/409/429/5xx and timeouts are retried by the openai client itself: exponential
backoff from 0.5 s doubling to at most 8 s, or the server's `Retry-After`/`retry-after-ms`
when it gives one (up to 120 s; longer waits are not retried). Invalid structured output
is re-asked by instructor. The API key lives only inside the openai client.

One client serves many threads (`map` runs a stage's calls on `concurrency` of them): at most
`concurrency` requests are in flight at once, and a rate limit is shared: a 429 holds every
thread's next request until its `Retry-After` has passed, and a call whose own retries all met
429s waits and is sent again (up to RATE_LIMIT_PATIENCE seconds), so a rate limit slows a run
down and never fails a partition.

A run may have a `Budget` (max_requests, max_cost): every client of the run, in any process,
counts into one ledger file, and once it is spent a call that would send a request raises
BudgetSpent instead (answers already cached are still read). Calls already sent finish.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import httpx
import instructor
import openai
from instructor.core.exceptions import InstructorError
from instructor.v2.core.json import extract_json_from_codeblock
from pydantic import BaseModel

from .home import write_atomic
from .models import BudgetSpent

T = TypeVar("T", bound=BaseModel)
Item = TypeVar("Item")
Result = TypeVar("Result")

log = logging.getLogger(__name__)
MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "tools": instructor.Mode.TOOLS,
    "md_json": instructor.Mode.MD_JSON,
}
FALLBACK = ("json_schema", "tools", "json", "md_json")  # the order modes are tried in when refused
MODES_FILE = "modes.json"  # in the cache folder: the mode each server settled on
# What servers say when they refuse a structured-output mode (llama-cpp-python: "response_format.type:
# Input should be 'text' or 'json_object'"; servers without tool calls name "tools" or "tool_choice").
MODE_REFUSAL_HINTS = ("response_format", "json_schema", "json_object", "tool_choice", "tools")
PARSE_RETRIES = 2  # re-asks after an answer that does not fit the schema
CONTEXT_ERROR_HINTS = (
    "context_length_exceeded",
    "maximum context length",
    "context length",
    "context size",  # llama.cpp: "exceeds the available context size", "Context size has been exceeded"
    "exceed_context_size_error",  # llama.cpp's error type
    "too many tokens",
    "prompt is too long",
    "exceeds the maximum number of tokens",  # Gemini
)
VISION_CAPABILITIES = {"vision", "multimodal"}  # Ollama's word, llama.cpp server's word
CONCURRENCY = 8  # requests in flight at once, by default
RATE_LIMIT_PATIENCE = 600.0  # seconds a call keeps waiting out 429s before it fails
RATE_LIMIT_WAIT = 1.0  # seconds all threads wait after a 429 that names no Retry-After


@functools.cache
def _tls() -> ssl.SSLContext:
    """The certificates httpx trusts, loaded once per process: loading them costs ~30 ms per
    client, and `egregora serve` makes a client per answer (for that answer's own counts)."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class Budget:
    """What one run may spend on LLM requests, counted by all its clients in a ledger file.

    A call is started only while the requests counted (each started call counts one, its retries
    and re-asks more) are below `max_requests` and the cost below `max_cost`: a run sends at most
    `max_requests` requests when nothing is retried, and goes past `max_cost` by at most the calls
    in flight when it was reached."""

    ledger: Path
    max_requests: int | None = None
    max_cost: float | None = None

    def start(self) -> None:
        """Count one request for a call about to be sent, or raise BudgetSpent."""
        with self._open() as spent:
            if self.max_requests is not None and spent["requests"] >= self.max_requests:
                raise BudgetSpent(f"max_requests={self.max_requests}: {spent['requests']} requests sent")
            if self.max_cost is not None and spent["cost"] >= self.max_cost:
                raise BudgetSpent(f"max_cost={self.max_cost}: {spent['cost']:.4f} spent")
            spent["requests"] += 1

    def add(self, requests: int = 0, cost: float = 0.0) -> None:
        """Count a call's further requests (retries, re-asks) and its cost."""
        if requests or cost:
            with self._open() as spent:
                spent["requests"] += requests
                spent["cost"] += cost

    def spent(self) -> dict[str, Any]:
        """The requests and cost counted so far."""
        with self._open() as spent:
            return dict(spent)

    @contextmanager
    def _open(self) -> Iterator[dict[str, Any]]:
        """The ledger's counts, locked against every other thread and process, written back after."""
        self.ledger.parent.mkdir(parents=True, exist_ok=True)
        with _LEDGER_LOCK, open(self.ledger, "a+", encoding="utf-8") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            file.seek(0)
            try:
                spent = {"requests": 0, "cost": 0.0, **json.loads(file.read() or "{}")}
            except ValueError:
                spent = {"requests": 0, "cost": 0.0}
            yield spent
            file.seek(0)
            file.truncate()
            file.write(json.dumps(spent))


_LEDGER_LOCK = threading.Lock()  # flock excludes other processes; this, other threads of this one


@dataclass
class LLMStats:
    """What the LLM client has spent: requests sent (retries included), cache hits, tokens, cost."""

    requests: int = 0
    cache_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class LLM:
    """A cached, retrying chat client for one OpenAI-compatible endpoint and model."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        cache_dir: Path,
        mode: str = "json_schema",
        vision_model: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 4,
        price_in: float | None = None,  # per 1M input tokens
        price_out: float | None = None,  # per 1M output tokens
        max_output_tokens: int | None = None,  # caps every call's max_tokens, for slow local models
        concurrency: int = CONCURRENCY,
        budget: Budget | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown LLM mode {mode!r}; use one of {', '.join(MODES)}")
        self.base_url, self.model, self.mode = base_url, model, mode
        self.vision_model = vision_model
        self._server_sees: bool | None = None  # asked once, when the first image comes
        self._asking = threading.Lock()
        self.cache_dir = Path(cache_dir)
        self.prices = (price_in, price_out)
        self.max_output_tokens = max_output_tokens
        self.stats = LLMStats(cost=0.0 if price_in is not None or price_out is not None else None)
        self._lock = threading.Lock()
        self.concurrency = concurrency
        self.budget = budget
        self._too_long: int | None = None  # the shortest prompt (characters) refused as too long
        self._attempts = threading.local()  # requests sent by the call on this thread (hooks run on it)
        self._slots = threading.BoundedSemaphore(concurrency)
        self._resume_at = 0.0  # monotonic time before which no request is sent (a 429's Retry-After)
        # Hooks see every attempt, including the openai client's retries: they count requests
        # and hold all threads back after a 429.
        hooks = {"request": [self._on_request], "response": [self._on_response]}
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        http = httpx.Client(timeout=timeout, verify=_tls(), event_hooks=hooks, limits=limits)
        self._client = openai.OpenAI(
            base_url=base_url, api_key=api_key, max_retries=max_retries, timeout=timeout, http_client=http
        )
        self._instructors = {mode: instructor.from_openai(self._client, mode=MODES[mode])}
        self.configured_mode = mode
        self.mode = self._remembered().get(self._server_key(), mode)

    def __repr__(self) -> str:
        return f"LLM(base_url={self.base_url!r}, model={self.model!r}, mode={self.mode!r}, api_key='***')"

    def structured(self, messages: list[dict], response_model: type[T], **params: Any) -> T:
        """One chat call whose answer is parsed into `response_model`; cached. A server that
        refuses the structured-output mode is asked again in the next one (see `_fall_back`)."""
        model, params = params.pop("model", self.model), self._capped(params)
        while True:
            mode = self.mode
            key = self._key(model, messages, response_model.model_json_schema(), params, mode)
            cached = self._load(key)
            if cached is not None:
                return response_model.model_validate(cached)
            self._fits(messages, model)
            try:
                result, completion = self._send(
                    functools.partial(
                        self._structured_client(mode).chat.completions.create_with_completion,
                        model=model,
                        messages=messages,
                        response_model=_lenient(response_model),
                        max_retries=PARSE_RETRIES,
                        **params,
                    )
                )
                break
            except (openai.APIError, InstructorError) as exc:
                if not self._fall_back(mode, exc):
                    raise self._failed(exc, model, messages) from exc
        # instructor sums the usage of all attempts into the returned completion.
        self._spend(completion.usage)
        value = result.model_dump(mode="json")
        self._store(key, model, value)
        # A fresh copy, so a miss returns what a hit would (instructor attaches the raw completion).
        return response_model.model_validate(value)

    def text(self, messages: list[dict], **params: Any) -> str:
        """One plain chat completion; cached."""
        model, params = params.pop("model", self.model), self._capped(params)
        key = self._key(model, messages, None, params, self.configured_mode)
        cached = self._load(key)
        if cached is not None:
            return cached
        self._fits(messages, model)
        try:
            completion = self._send(
                lambda: self._client.chat.completions.create(model=model, messages=messages, **params)
            )
        except openai.APIError as exc:
            raise self._failed(exc, model, messages) from exc
        self._spend(completion.usage)
        answer = completion.choices[0].message.content or ""
        self._store(key, model, answer)
        return answer

    def stream(self, messages: list[dict], **params: Any) -> Iterator[str]:
        """A chat completion streamed as text deltas; shares `text`'s cache, a hit comes as one chunk."""
        model, params = params.pop("model", self.model), self._capped(params)
        key = self._key(model, messages, None, params, self.configured_mode)
        cached = self._load(key)
        if cached is not None:
            yield cached
            return
        parts: list[str] = []
        try:
            chunks = self._client.chat.completions.create(
                model=model, messages=messages, stream=True, stream_options={"include_usage": True}, **params
            )
            for chunk in chunks:
                if chunk.usage:
                    self._spend(chunk.usage)
                delta = chunk.choices[0].delta.content if chunk.choices else None
                if delta:
                    parts.append(delta)
                    yield delta
        except openai.APIError as exc:
            raise _failure(exc, model) from exc
        self._store(key, model, "".join(parts))

    def image_model(self) -> str | None:
        """The model to describe images with; None when only a text model is there."""
        if self.vision_model:
            return self.vision_model
        with self._asking:  # asked once, however many threads want to know
            if self._server_sees is None:
                self._server_sees = self._listed_with_vision()
        return self.model if self._server_sees else None

    def map(self, call: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
        """`call` of each item, on up to `concurrency` threads; the results in the items' order."""
        items = list(items)
        if self.concurrency == 1 or len(items) < 2:
            return [call(item) for item in items]
        with ThreadPoolExecutor(min(self.concurrency, len(items)), thread_name_prefix="llm") as pool:
            return list(pool.map(call, items))

    def _listed_with_vision(self) -> bool:
        """Whether the server's model list gives the chat model a vision capability."""
        try:
            answer = self._client.get("/models", cast_to=object)
        except openai.APIError:
            return False  # a server without /models says nothing, so nothing is assumed
        for key in ("data", "models"):  # OpenAI's list, and the richer one llama.cpp's server adds
            listed = [e for e in (answer or {}).get(key) or [] if isinstance(e, dict)]
            for entry in listed:
                named = self.model in (entry.get("id"), entry.get("name"), entry.get("model"))
                if (named or len(listed) == 1) and VISION_CAPABILITIES & set(entry.get("capabilities") or []):
                    return True  # a one-model server answers to any model name
        return False

    def _capped(self, params: dict) -> dict:
        """The call's parameters with max_tokens held to the configured cap."""
        if self.max_output_tokens is None:
            return params
        return {**params, "max_tokens": min(params.get("max_tokens") or self.max_output_tokens, self.max_output_tokens)}

    def _fits(self, messages: list[dict], model: str) -> None:
        """Raise OverflowError, sending nothing, for a prompt at least as long as one the server
        already refused as too long for its context (a small model's window is read in many
        parts: without this, each part's first, too long, attempt would be sent again)."""
        chars = _chars(messages)
        if self._too_long is not None and chars >= self._too_long:
            raise OverflowError(
                f"prompt too long for model {model!r}: {chars} characters, and one of {self._too_long} was refused"
            )

    def _failed(self, exc: Exception, model: str, messages: list[dict]) -> Exception:
        """`_failure`, remembering the length of a prompt refused as too long."""
        failure = _failure(exc, model)
        if isinstance(failure, OverflowError):
            with self._lock:
                self._too_long = min(self._too_long or _chars(messages), _chars(messages))
        return failure

    # -- bookkeeping ---------------------------------------------------------------------

    def _structured_client(self, mode: str) -> Any:
        """The instructor client asking for structured output in `mode`."""
        with self._lock:
            if mode not in self._instructors:
                self._instructors[mode] = instructor.from_openai(self._client, mode=MODES[mode])
            return self._instructors[mode]

    def _fall_back(self, mode: str, exc: Exception) -> bool:
        """Whether to ask again: the server refused `mode` and there is a next mode to try (now
        this client's, remembered in the cache folder for this server, model and setting, and
        logged once), or another thread has already moved on."""
        if not refuses_mode(_root(exc)):
            return False
        with self._lock:
            if self.mode != mode:
                return True
            later = FALLBACK[FALLBACK.index(mode) + 1 :]
            if not later:
                return False
            self.mode = later[0]
            remembered = {**self._remembered(), self._server_key(): self.mode}
            write_atomic(self.cache_dir / MODES_FILE, json.dumps(remembered, indent=1, sort_keys=True).encode())
        log.warning(
            "the LLM server at %s refused structured output mode %r for model %r; using %r from now on "
            "(remembered in %s; set EGREGORA_LLM__MODE to choose)",
            self.base_url, mode, self.model, self.mode, self.cache_dir / MODES_FILE,
        )  # fmt: skip
        return True

    def _server_key(self) -> str:
        return f"{self.base_url} {self.model} {self.configured_mode}"

    def _remembered(self) -> dict[str, str]:
        """The modes that servers settled on, by server, model and configured mode."""
        try:
            found = json.loads((self.cache_dir / MODES_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {k: v for k, v in found.items() if v in MODES} if isinstance(found, dict) else {}

    def _send(self, call: Callable[[], Result]) -> Result:
        """`call` holding one of the `concurrency` slots, sent again while the server's rate limit
        refuses it (the openai client's own retries used up), for up to RATE_LIMIT_PATIENCE."""
        deadline = time.monotonic() + RATE_LIMIT_PATIENCE
        with self._slots:
            if self.budget is not None:
                self.budget.start()
            self._attempts.count = 0
            try:
                while True:
                    try:
                        return call()
                    except (openai.APIError, InstructorError) as exc:
                        if not isinstance(_root(exc), openai.RateLimitError) or time.monotonic() > deadline:
                            raise
                        self._hold(RATE_LIMIT_WAIT)  # _on_request waits it out
            finally:
                if self.budget is not None:  # the first request was counted when the call started
                    self.budget.add(requests=max(self._attempts.count - 1, 0))

    def _hold(self, seconds: float) -> None:
        """Send no request, from any thread, for `seconds` from now."""
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)

    def _on_request(self, request: httpx.Request) -> None:
        while (wait := self._resume_at - time.monotonic()) > 0:
            time.sleep(wait)  # a 429 seen by any thread holds every thread's next request
        self._attempts.count = getattr(self._attempts, "count", 0) + 1
        with self._lock:
            self.stats.requests += 1

    def _on_response(self, response: httpx.Response) -> None:
        if response.status_code == 429:
            self._hold(retry_after(response.headers))

    def _spend(self, usage: Any) -> None:
        tokens_in = getattr(usage, "prompt_tokens", 0) or 0
        tokens_out = getattr(usage, "completion_tokens", 0) or 0
        price_in, price_out = self.prices
        cost = (tokens_in * (price_in or 0) + tokens_out * (price_out or 0)) / 1e6
        with self._lock:
            self.stats.input_tokens += tokens_in
            self.stats.output_tokens += tokens_out
            if self.stats.cost is not None:
                self.stats.cost += cost
        if self.budget is not None:
            self.budget.add(cost=cost)

    def _key(self, model: str, messages: list[dict], schema: dict | None, params: dict, mode: str) -> str:
        call = {"model": model, "messages": messages, "schema": schema, "params": params, "mode": mode}
        canonical = json.dumps(call, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.json"

    def _load(self, key: str) -> Any | None:
        try:
            value = json.loads(self._path(key).read_text(encoding="utf-8"))["value"]
        except (FileNotFoundError, ValueError, KeyError):
            return None  # a missing or unreadable entry is a miss; the call is simply redone
        with self._lock:
            self.stats.cache_hits += 1
        return value

    def _store(self, key: str, model: str, value: Any) -> None:
        # Concurrent runs never read half a file.
        write_atomic(self._path(key), json.dumps({"model": model, "value": value}, ensure_ascii=False).encode())


@functools.cache
def _lenient(response_model: type[T]) -> type[T]:
    """`response_model` reading its JSON from a fenced block or prose around it, if need be."""

    def model_validate_json(cls, data, **kwargs):
        text = data.decode() if isinstance(data, bytes | bytearray) else data
        return super(lenient, cls).model_validate_json(extract_json_from_codeblock(text) or text, **kwargs)

    lenient = type(
        response_model.__name__,
        (response_model,),
        {
            "__module__": response_model.__module__,
            "__doc__": response_model.__doc__,
            "model_validate_json": classmethod(model_validate_json),
        },
    )
    return lenient


def _chars(messages: list[dict]) -> int:
    """A prompt's length in characters (its text parts; an image counts as nothing)."""
    total = 0
    for message in messages:
        content = message.get("content")
        parts = content if isinstance(content, list) else [{"text": content or ""}]
        total += sum(len(p.get("text") or "") for p in parts if isinstance(p, dict))
    return total


def _failure(exc: Exception, model: str) -> Exception:
    """The built-in exception a failed call becomes.

    OverflowError when the prompt is too long, RuntimeError when the server kept failing,
    ValueError when it answered but never with output that fits the schema."""
    root = _root(exc)
    reason = " ".join(str(root).split())[:300]
    if is_context_error(root):
        return OverflowError(f"prompt too long for model {model!r}: {reason}")
    if refuses_mode(root):
        return RuntimeError(
            f"the LLM server refused every structured-output mode left to try for model {model!r} "
            f"(set EGREGORA_LLM__MODE to one it accepts: {', '.join(FALLBACK)}): {reason}"
        )
    if isinstance(root, openai.APIError):
        return RuntimeError(f"LLM call to model {model!r} failed after retries: {reason}")
    return ValueError(f"no usable answer from model {model!r} after {PARSE_RETRIES + 1} tries: {reason}")


def _root(exc: BaseException) -> BaseException:
    """The openai error under instructor's wrapping of it."""
    while isinstance(exc, InstructorError) and exc.__cause__ is not None:
        exc = exc.__cause__  # instructor wraps the openai error it gave up on
    return exc


def retry_after(headers: httpx.Headers) -> float:
    """The seconds a 429 asks to wait (`retry-after-ms`, else `retry-after` in seconds), capped at 120."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return min(max(float(headers[name]) / scale, 0.0), 120.0)
        except (KeyError, ValueError):
            continue  # absent, or an HTTP date: the default wait
    return RATE_LIMIT_WAIT


def refuses_mode(exc: BaseException) -> bool:
    """Whether the server refused the request's structured-output shape (not its prompt)."""
    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in (400, 422, 500, 501):
        return False
    text = f"{getattr(exc, 'code', '')} {exc.message}".lower()
    return not is_context_error(exc) and any(hint in text for hint in MODE_REFUSAL_HINTS)


def is_context_error(exc: BaseException) -> bool:
    """Whether the server refused the call because the prompt exceeds the model's context.

    OpenAI answers 400; llama.cpp's server 400 with type exceed_context_size_error, or 500
    "Context size has been exceeded." (ggml-org/llama.cpp#19774), and 413 is HTTP's own word."""
    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in (400, 413, 500):
        return False
    text = f"{getattr(exc, 'code', '')} {exc.message}".lower()
    return any(hint in text for hint in CONTEXT_ERROR_HINTS)
