"""A local HTTP server that speaks enough of the OpenAI REST API for the official SDK.

Tests point a real ``openai.OpenAI`` client at ``FakeOpenAI.base_url`` and then assert
on what the server received (``requests``) and script what it answers::

    with FakeOpenAI(chat_content=lambda body: script_json) as fake:
        fake.enqueue("/v1/chat/completions", error_reply(429, "slow down", retry_after_ms=5))
        ...  # first call gets the 429, the retry gets script_json
        assert len(fake.requests_to("/v1/chat/completions")) == 2

How a request is answered, first match wins:

1. the next scripted ``Reply`` queued for its route (``enqueue``), consumed in order;
2. the handler registered for its route (``route``); ``POST /v1/chat/completions`` has
   a default one that wraps ``chat_content(body)`` in a chat completion;
3. a 404 in OpenAI's error format.

A route is ``"METHOD /path"`` or just ``"/path"`` (any method); a path may hold
``{name}`` placeholders (``/v1/fine_tuning/jobs/{job_id}``) whose values reach the
handler in ``RecordedRequest.params``.

``POST /v1/images/generations`` has a default handler too: a small valid PNG of the
requested aspect as ``b64_json``, its colour derived from the prompt (so different
prompts give different pictures). Script refusals with
``error_reply(400, ..., code="content_policy_violation")``. For concurrency tests the
server counts requests in flight per path (``max_in_flight``) and can ``hold`` a
route's requests until a number of them are in flight at once::

    fake.hold("/v1/images/generations", until_in_flight=2, timeout=2.0)
    ...  # a client limited to 2 at once sends 6 requests
    assert fake.max_in_flight("/v1/images/generations") == 2
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import struct
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "IMAGES_PATH",
    "FakeOpenAI",
    "RecordedRequest",
    "Reply",
    "chat_completion",
    "chat_reply",
    "error_reply",
    "image_reply",
    "images_response",
    "png_bytes",
]

CHAT_PATH = "/v1/chat/completions"
IMAGES_PATH = "/v1/images/generations"


@dataclass
class Reply:
    """One HTTP answer: a dict/list body is sent as JSON, str/bytes as they are."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait before answering (to provoke client timeouts).
    delay: float = 0.0


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    #: Header names lower-cased.
    headers: dict[str, str]
    raw: bytes
    #: The parsed JSON body, or ``None`` when the body is empty or not JSON.
    json: Any
    #: Values of the route's ``{name}`` placeholders.
    params: dict[str, str] = field(default_factory=dict)


Handler = Callable[[RecordedRequest], Reply]


# ---------------------------------------------------------------- reply builders

_ids = itertools.count(1)


def chat_completion(
    *,
    content: str | None = None,
    refusal: str | None = None,
    finish_reason: str = "stop",
    model: str = "gpt-4.1-mini",
) -> dict[str, Any]:
    """A ``chat.completion`` object as the API returns it, with one choice."""
    completion_tokens = max(1, len(content or refusal or "") // 4)
    return {
        "id": f"chatcmpl-fake{next(_ids):06d}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "refusal": refusal,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": 100,
            "completion_tokens": completion_tokens,
            "total_tokens": 100 + completion_tokens,
        },
    }


def chat_reply(
    *,
    content: str | None = None,
    refusal: str | None = None,
    finish_reason: str = "stop",
    model: str = "gpt-4.1-mini",
) -> Reply:
    """A scripted 200 chat completion (a refusal, malformed content, a cut-off answer...)."""
    return Reply(
        body=chat_completion(
            content=content, refusal=refusal, finish_reason=finish_reason, model=model
        )
    )


def error_reply(
    status: int,
    message: str,
    *,
    type: str | None = None,
    code: str | None = None,
    param: str | None = None,
    retry_after: float | None = None,
    retry_after_ms: float | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """An error in OpenAI's format: ``{"error": {"message", "type", "param", "code"}}``."""
    default_type = {
        400: "invalid_request_error",
        401: "invalid_request_error",
        403: "invalid_request_error",
        404: "invalid_request_error",
        429: "rate_limit_exceeded",
    }.get(status, "server_error")
    sent = dict(headers or {})
    if retry_after is not None:
        sent["retry-after"] = f"{retry_after:g}"
    if retry_after_ms is not None:
        sent["retry-after-ms"] = f"{retry_after_ms:g}"
    body = {
        "error": {"message": message, "type": type or default_type, "param": param, "code": code}
    }
    return Reply(status=status, body=body, headers=sent)


def png_bytes(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A valid RGB PNG of one flat colour (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(colour) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def images_response(pngs: list[bytes], *, revised_prompt: str | None = None) -> dict[str, Any]:
    """An ``ImagesResponse`` as the API returns it, each image as ``b64_json``."""
    return {
        "created": int(time.time()),
        "data": [
            {"b64_json": base64.b64encode(png).decode("ascii"), "revised_prompt": revised_prompt}
            for png in pngs
        ],
        "usage": {
            "input_tokens": 50,
            "input_tokens_details": {"image_tokens": 0, "text_tokens": 50},
            "output_tokens": 1000,
            "total_tokens": 1050,
        },
    }


def image_reply(png: bytes | None = None, *, size: str = "64x36") -> Reply:
    """A scripted 200 images answer (a flat grey PNG of ``size`` unless ``png`` is given)."""
    if png is None:
        width, height = (int(v) for v in size.split("x"))
        png = png_bytes(width, height, (128, 128, 128))
    return Reply(body=images_response([png]))


def _image_for(body: dict[str, Any]) -> bytes:
    """A small PNG with the requested size's aspect, coloured by the prompt."""
    size = str(body.get("size") or "1024x1024")
    try:
        width, height = (int(v) for v in size.lower().split("x"))
    except ValueError:
        width, height = 1024, 1024
    scale = 64 / max(width, height)
    digest = hashlib.sha256(str(body.get("prompt", "")).encode("utf-8")).digest()
    return png_bytes(
        max(1, round(width * scale)),
        max(1, round(height * scale)),
        (digest[0], digest[1], digest[2]),
    )


# ---------------------------------------------------------------- routing


@dataclass
class _Route:
    method: str | None
    pattern: re.Pattern[str]
    key: str

    @classmethod
    def parse(cls, route: str) -> _Route:
        method, _, path = route.strip().rpartition(" ")
        if not path.startswith("/"):
            raise ValueError(f"route {route!r} must be '/path' or 'METHOD /path'")
        regex = "".join(
            f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[a-z_][a-z0-9_]*\})", path)
        )
        method = method.upper() or None
        key = f"{method or '*'} {path}"
        return cls(method=method, pattern=re.compile(f"^{regex}$"), key=key)

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method is not None and self.method != method:
            return None
        found = self.pattern.match(path)
        return found.groupdict() if found else None


class FakeOpenAI:
    """The server, its request log, its scripted replies and its route handlers."""

    def __init__(self, *, chat_content: Callable[[dict[str, Any]], str] | None = None) -> None:
        #: Request body -> assistant message content, for the default chat handler.
        self.chat_content = chat_content
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._routes: list[_Route] = []
        self._queues: dict[str, deque[Reply]] = {}
        self._handlers: dict[str, Handler] = {}
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # requests being answered right now, and the most ever at once, per path
        self._flight = threading.Condition()
        self._in_flight: dict[str, int] = {}
        self._max_in_flight: dict[str, int] = {}
        self._holds: dict[str, tuple[int, float]] = {}
        self.route(f"POST {CHAT_PATH}", self._default_chat)
        self.route(f"POST {IMAGES_PATH}", self._default_images)

    # -------------------------------------------------------- lifecycle

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes replies sleeping on a delay
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -------------------------------------------------------- scripting

    def route(self, route: str, handler: Handler) -> None:
        """Answer ``route`` with ``handler`` when no scripted reply is queued for it."""
        parsed = self._register(route)
        with self._lock:
            self._handlers[parsed.key] = handler

    def enqueue(self, route: str, *replies: Reply) -> None:
        """Queue replies for ``route``; each request to it consumes the next one."""
        parsed = self._register(route)
        with self._lock:
            self._queues.setdefault(parsed.key, deque()).extend(replies)

    def pending(self, route: str) -> int:
        """How many scripted replies for ``route`` are still unused."""
        key = _Route.parse(route).key
        with self._lock:
            return len(self._queues.get(key, ()))

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        """Recorded requests whose path is ``path`` (and method, if given)."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.path == path and (method is None or r.method == method.upper())
            ]

    def chat_requests(self) -> list[dict[str, Any]]:
        """JSON bodies of every chat completion request, in order."""
        return [r.json for r in self.requests_to(CHAT_PATH, "POST")]

    def image_requests(self) -> list[dict[str, Any]]:
        """JSON bodies of every image generation request, in order."""
        return [r.json for r in self.requests_to(IMAGES_PATH, "POST")]

    # -------------------------------------------------------- concurrency

    def hold(self, path: str, *, until_in_flight: int, timeout: float) -> None:
        """Keep each request to ``path`` waiting until ``until_in_flight`` requests to it
        are in flight at once (or ``timeout`` seconds pass), then answer it: a client
        that may send N at once is then seen sending exactly N."""
        with self._flight:
            self._holds[path] = (until_in_flight, timeout)

    def max_in_flight(self, path: str) -> int:
        """The most requests to ``path`` ever answered at the same time."""
        with self._flight:
            return self._max_in_flight.get(path, 0)

    def _enter(self, path: str) -> None:
        with self._flight:
            now = self._in_flight.get(path, 0) + 1
            self._in_flight[path] = now
            self._max_in_flight[path] = max(now, self._max_in_flight.get(path, 0))
            self._flight.notify_all()
            hold = self._holds.get(path)
            if hold is not None:
                wanted, timeout = hold
                self._flight.wait_for(
                    lambda: self._in_flight.get(path, 0) >= wanted or self._stopping.is_set(),
                    timeout=timeout,
                )

    def _leave(self, path: str) -> None:
        with self._flight:
            self._in_flight[path] = self._in_flight.get(path, 1) - 1
            self._flight.notify_all()

    def reset(self) -> None:
        """Forget recorded requests, unused scripted replies, holds and flight counts."""
        with self._lock:
            self.requests.clear()
            self._queues.clear()
        with self._flight:
            self._holds.clear()
            self._max_in_flight.clear()

    def _register(self, route: str) -> _Route:
        parsed = _Route.parse(route)
        with self._lock:
            if all(r.key != parsed.key for r in self._routes):
                # Literal paths before placeholders, one method before any method.
                self._routes.append(parsed)
                self._routes.sort(key=lambda r: (r.pattern.pattern.count("(?P"), r.method is None))
        return parsed

    # -------------------------------------------------------- answering

    def _answer(self, request: RecordedRequest) -> Reply:
        handler: Handler | None = None
        with self._lock:
            self.requests.append(request)
            matches = [
                (route, params)
                for route in self._routes
                if (params := route.match(request.method, request.path)) is not None
            ]
            # A scripted reply on any matching route beats every handler.
            for route, params in matches:
                queue = self._queues.get(route.key)
                if queue:
                    request.params = params
                    return queue.popleft()
            for route, params in matches:
                handler = self._handlers.get(route.key)
                if handler is not None:
                    request.params = params
                    break
        if handler is None:
            return error_reply(404, f"Unknown request URL: {request.method} {request.path}")
        return handler(request)

    def _default_chat(self, request: RecordedRequest) -> Reply:
        body = request.json if isinstance(request.json, dict) else {}
        if self.chat_content is None:
            return error_reply(
                501,
                "FakeOpenAI: no chat_content function set and no reply queued",
                headers={"x-should-retry": "false"},
            )
        content = self.chat_content(body)
        return chat_reply(content=content, model=str(body.get("model", "gpt-4.1-mini")))

    def _default_images(self, request: RecordedRequest) -> Reply:
        body = request.json if isinstance(request.json, dict) else {}
        if not body.get("prompt"):
            return error_reply(400, "Missing required parameter: 'prompt'.", param="prompt")
        revised = body["prompt"] if str(body.get("model", "")).startswith("dall-e") else None
        return Reply(body=images_response([_image_for(body)], revised_prompt=revised))


def _handler_class(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            request = RecordedRequest(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                raw=raw,
                json=parsed,
            )
            fake._enter(split.path)
            try:
                try:
                    reply = fake._answer(request)
                except Exception as exc:  # a broken test handler: say so, never hang
                    reply = error_reply(
                        500,
                        f"FakeOpenAI handler failed: {exc!r}",
                        headers={"x-should-retry": "false"},
                    )
                if reply.delay and fake._stopping.wait(reply.delay):
                    return
                self._send(reply, request_number=len(fake.requests))
            finally:
                fake._leave(split.path)

        def _send(self, reply: Reply, *, request_number: int) -> None:
            if isinstance(reply.body, bytes):
                payload, content_type = reply.body, "application/octet-stream"
            elif isinstance(reply.body, str):
                payload, content_type = reply.body.encode("utf-8"), "text/plain; charset=utf-8"
            elif reply.body is None:
                payload, content_type = b"", "application/json"
            else:
                payload, content_type = json.dumps(reply.body).encode("utf-8"), "application/json"
            headers = {
                "content-type": content_type,
                "x-request-id": f"req_fake{request_number:06d}",
                "openai-processing-ms": "1",
                **{k.lower(): v for k, v in reply.headers.items()},
                "content-length": str(len(payload)),
            }
            try:
                self.send_response(reply.status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to tell it

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _handle  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return _Handler
