"""`egregora serve`: the archive over HTTP (an ASGI app for uvicorn), answers streamed as server-sent
events, Prometheus metrics, and the MCP server on Streamable HTTP at /mcp."""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from mcp.server.transport_security import TransportSecuritySettings
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core.archive_reader import BadRequest
from .archive import Archive
from .mcp_tools import mcp_server

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
ROUTES = ("/ask", "/search", "/groups", "/posts", "/healthz", "/metrics", "/mcp")
# What an LLM call that gave no answer raises (core/llm.py): the server kept failing, the prompt was
# too long, the answer never fit.
LLM_FAILURES = (RuntimeError, OverflowError, ValueError)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """What /metrics reports: requests and their latency per route, the time to an answer's first
    chunk, and the LLM's tokens, requests and cache hits."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("egregora_http_requests", "HTTP requests answered", ["route", "status"], registry=r)
        self.latency = Histogram(
            "egregora_http_request_seconds", "Time to answer a request", ["route"], buckets=LATENCY_BUCKETS, registry=r
        )
        self.first_chunk = Histogram(
            "egregora_ask_first_chunk_seconds", "Time to an answer's first chunk", buckets=LATENCY_BUCKETS, registry=r
        )
        self.tokens = Counter("egregora_llm_tokens", "Tokens the LLM read and wrote", ["direction"], registry=r)
        self.llm_requests = Counter("egregora_llm_requests", "Requests sent to the LLM", registry=r)
        self.cache_hits = Counter("egregora_llm_cache_hits", "Answers found in the LLM cache", registry=r)

    def spent(self, done: dict) -> None:
        self.tokens.labels("input").inc(done["input_tokens"])
        self.tokens.labels("output").inc(done["output_tokens"])
        self.llm_requests.inc(done["llm_requests"])
        self.cache_hits.inc(done["cache_hits"])


def route_of(path: str) -> str:
    return next((r for r in ROUTES if path == r or path.startswith(r + "/")), "other")


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _answered(call: Any, *args: Any, **kwargs: Any) -> Response:
    """A JSON response of `call(...)` run off the event loop; a bad request answers its own status."""
    try:
        found = await run_in_threadpool(call, *args, **kwargs)
    except BadRequest as error:
        return _error(str(error), error.status)
    if isinstance(found, list):
        return JSONResponse([item.model_dump(mode="json") for item in found])
    return JSONResponse(found.model_dump(mode="json"))


def sse(event: str, data: dict) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def routes(archive: Archive, metrics: Metrics) -> list[Route]:
    async def ask(request: Request) -> Response:
        started = time.monotonic()
        try:
            body = await request.json()
            question, group = str(body.get("question") or ""), body.get("group")
        except (ValueError, AttributeError):
            return _error('the body must be JSON: {"question": "...", "group": "optional-group"}', 400)
        events = archive.ask(question, group if isinstance(group, str) else None)
        try:  # the search runs now, so that a bad request gets its status before streaming starts
            first = await run_in_threadpool(next, events)
        except BadRequest as error:
            return _error(str(error), error.status)
        except LLM_FAILURES as error:  # the model gave no answer: said in one line
            return _error(_line(error), 502)
        if first[0] == "chunk":
            metrics.first_chunk.observe(time.monotonic() - started)
        return StreamingResponse(_stream(first, events, metrics), media_type="text/event-stream")

    async def search(request: Request) -> Response:
        q = request.query_params
        try:
            limit = int(q.get("limit") or 20)
        except ValueError:
            return _error("limit: give a whole number from 1 to 100", 400)
        filters = {k: q.get(k) or None for k in ("group", "kind", "since", "until", "cursor")}
        return await _answered(archive.search, q.get("q") or "", limit=limit, **filters)

    async def groups(request: Request) -> Response:
        return await _answered(archive.list_groups)

    async def post(request: Request) -> Response:
        return await _answered(archive.get_post, request.path_params["post_id"])

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def metrics_text(request: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return [
        Route("/ask", ask, methods=["POST"]),
        Route("/search", search),
        Route("/groups", groups),
        Route("/posts/{post_id:path}", post),
        Route("/healthz", healthz),
        Route("/metrics", metrics_text),
    ]


def _stream(first: tuple[str, dict], events: Iterator[tuple[str, dict]], metrics: Metrics) -> Iterator[bytes]:
    """The answer's events as SSE, the first already computed; a failure midway is an `error` event."""
    yield sse(*first)
    try:
        for event, data in events:
            if event == "done":
                metrics.spent(data)
            yield sse(event, data)
    except LLM_FAILURES as error:  # the model failed midway: said in one line, the stream ends
        yield sse("error", {"error": _line(error)})


def _line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


class Guard:
    """Who may call: the token, when one is set (`Authorization: Bearer`), on every route but
    /healthz; only the allowed web origins; on 127.0.0.1, only requests addressed to this machine
    (a web page cannot rebind a name of its own to it). Every request is counted and timed."""

    def __init__(self, app: ASGIApp, *, token: str, origins: Sequence[str], local: bool, metrics: Metrics) -> None:
        self.app, self.token, self.origins, self.local, self.metrics = app, token, set(origins), local, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.monotonic(), [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            refusal = self.refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, sending)
            else:
                await self.app(scope, receive, sending)
        finally:
            route = route_of(scope["path"])
            self.metrics.requests.labels(route, str(status[0])).inc()
            self.metrics.latency.labels(route).observe(time.monotonic() - started)

    def refusal(self, scope: Scope) -> Response | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        if self.local and urlsplit(f"http://{headers.get('host', '')}").hostname not in LOCAL_HOSTS:
            return _error("this service answers only requests addressed to 127.0.0.1 or localhost", 403)
        if origin is not None and origin not in self.origins and not (self.local and _local_origin(origin)):
            return _error(f"origin {origin[:100]} is not allowed", 403)
        if scope["method"] == "OPTIONS" or scope["path"] == "/healthz" or not self.token:
            return None
        given = headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            response = _error("a valid token is required: Authorization: Bearer <token>", 401)
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return None


def _local_origin(origin: str) -> bool:
    return urlsplit(origin).hostname in LOCAL_HOSTS


def http_app(archive: Archive, *, host: str = "127.0.0.1", token: str = "", origins: Sequence[str] = ()) -> ASGIApp:
    """The service: its routes, the MCP server at /mcp (stateless Streamable HTTP), the guard."""
    metrics = Metrics()
    mcp = mcp_server(archive)
    local = host in LOCAL_HOSTS
    # The guard checks hosts, origins and the token for every route, /mcp included.
    security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    mcp_app = mcp.streamable_http_app(stateless_http=True, transport_security=security, host=host)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with mcp.session_manager.run():  # a mounted app's own lifespan never runs
            yield

    app = Starlette(routes=[*routes(archive, metrics), Mount("/", app=mcp_app)], lifespan=lifespan)
    cors = CORSMiddleware(
        app,
        allow_origins=list(origins),
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID"],
        expose_headers=["Mcp-Session-Id"],
    )
    return Guard(cors, token=token, origins=origins, local=local, metrics=metrics)
