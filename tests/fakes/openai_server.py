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

Files and fine-tuning have default handlers that keep state, as the API does:
``POST /v1/files`` (multipart; the parts are in ``RecordedRequest.form`` and ``.files``)
stores the upload; ``POST /v1/fine_tuning/jobs`` creates a job in ``validating_files``
(400 for a training file never uploaded); ``GET /v1/fine_tuning/jobs[/{job_id}[/events]]``
read them back, newest first. A test moves a job on with ``advance_job`` or scripts the
answers outright (``enqueue`` with ``Reply(body=fine_tuning_job(...))``)::

    job_id = fake.create_job(model="gpt-4.1-mini-2025-04-14")
    fake.advance_job(job_id, "succeeded", fine_tuned_model="ft:gpt-4.1-mini:acme:x:1")
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
    "FILES_PATH",
    "FINE_TUNING_JOBS_PATH",
    "IMAGES_PATH",
    "FakeOpenAI",
    "RecordedRequest",
    "Reply",
    "UploadedFile",
    "chat_completion",
    "chat_reply",
    "error_reply",
    "file_object",
    "fine_tuning_job",
    "image_reply",
    "images_response",
    "job_event",
    "list_page",
    "png_bytes",
]

CHAT_PATH = "/v1/chat/completions"
IMAGES_PATH = "/v1/images/generations"
FILES_PATH = "/v1/files"
FINE_TUNING_JOBS_PATH = "/v1/fine_tuning/jobs"
#: Job states after which a job never changes again.
FINAL_JOB_STATES = frozenset({"succeeded", "failed", "cancelled"})


@dataclass
class Reply:
    """One HTTP answer: a dict/list body is sent as JSON, str/bytes as they are."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait before answering (to provoke client timeouts).
    delay: float = 0.0


@dataclass
class UploadedFile:
    """One file part of a multipart request."""

    filename: str | None
    content_type: str | None
    content: bytes


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
    #: A multipart body's plain fields, and its file parts, by field name.
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)


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


def file_object(
    file_id: str, *, filename: str, size: int, purpose: str = "fine-tune"
) -> dict[str, Any]:
    """A ``file`` object as ``POST /v1/files`` returns it."""
    return {
        "id": file_id,
        "object": "file",
        "bytes": size,
        "created_at": int(time.time()),
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
        "expires_at": None,
        "status_details": None,
    }


def fine_tuning_job(
    job_id: str = "ftjob-fake000001",
    *,
    status: str = "queued",
    model: str = "gpt-4.1-mini-2025-04-14",
    training_file: str = "file-fake000001",
    fine_tuned_model: str | None = None,
    metadata: dict[str, str] | None = None,
    suffix: str | None = None,
    trained_tokens: int | None = None,
    error: dict[str, Any] | None = None,
    created_at: int | None = None,
) -> dict[str, Any]:
    """A ``fine_tuning.job`` object with every field the SDK's model requires."""
    created = created_at if created_at is not None else int(time.time())
    return {
        "id": job_id,
        "object": "fine_tuning.job",
        "created_at": created,
        "error": error,
        "fine_tuned_model": fine_tuned_model,
        "finished_at": created + 60 if status in FINAL_JOB_STATES else None,
        "hyperparameters": {
            "batch_size": "auto",
            "learning_rate_multiplier": "auto",
            "n_epochs": "auto",
        },
        "model": model,
        "organization_id": "org-fake",
        "result_files": [],
        "seed": 42,
        "status": status,
        "trained_tokens": trained_tokens,
        "training_file": training_file,
        "validation_file": None,
        "estimated_finish": None,
        "integrations": [],
        "metadata": metadata,
        "method": {"type": "supervised", "supervised": {"hyperparameters": {}}},
        "user_provided_suffix": suffix,
    }


def job_event(
    message: str, *, level: str = "info", event_id: str | None = None, created_at: int | None = None
) -> dict[str, Any]:
    """A ``fine_tuning.job.event`` object."""
    return {
        "id": event_id or f"ftevent-fake{next(_ids):06d}",
        "object": "fine_tuning.job.event",
        "created_at": created_at if created_at is not None else int(time.time()),
        "level": level,
        "message": message,
        "data": {},
        "type": "message",
    }


def list_page(items: list[dict[str, Any]], *, has_more: bool = False) -> dict[str, Any]:
    """A cursor page (``{"object": "list", "data": [...], "has_more": ...}``)."""
    return {"object": "list", "data": items, "has_more": has_more}


def parse_multipart(
    content_type: str, raw: bytes
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """The fields and file parts of a ``multipart/form-data`` body (RFC 7578)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        return {}, {}
    delimiter = b"--" + match.group(1).encode("latin-1")
    form: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for chunk in raw.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        head, _, body = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        body = body.removesuffix(b"\r\n")  # the CRLF belongs to the next delimiter
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name_match = re.search(r'(?:^|;)\s*name="([^"]*)"', disposition)
        file_match = re.search(r'filename="([^"]*)"', disposition)
        if name_match is None:
            continue
        if file_match is not None:
            files[name_match.group(1)] = UploadedFile(
                filename=file_match.group(1),
                content_type=headers.get("content-type"),
                content=body,
            )
        else:
            form[name_match.group(1)] = body.decode("utf-8")
    return form, files


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
        #: What the default files and fine-tuning handlers keep, by id.
        self.uploaded_files: dict[str, UploadedFile] = {}
        self.fine_tuning_jobs: dict[str, dict[str, Any]] = {}
        self.job_events: dict[str, list[dict[str, Any]]] = {}
        self.route(f"POST {CHAT_PATH}", self._default_chat)
        self.route(f"POST {IMAGES_PATH}", self._default_images)
        self.route(f"POST {FILES_PATH}", self._default_upload)
        self.route(f"POST {FINE_TUNING_JOBS_PATH}", self._default_create_job)
        self.route(f"GET {FINE_TUNING_JOBS_PATH}", self._default_list_jobs)
        self.route(f"GET {FINE_TUNING_JOBS_PATH}/{{job_id}}", self._default_get_job)
        self.route(f"GET {FINE_TUNING_JOBS_PATH}/{{job_id}}/events", self._default_job_events)

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

    # -------------------------------------------------------- fine-tuning state

    def create_job(
        self,
        *,
        model: str = "gpt-4.1-mini-2025-04-14",
        training_file: str = "file-fake000001",
        metadata: dict[str, str] | None = None,
        suffix: str | None = None,
        status: str = "validating_files",
    ) -> str:
        """Store a job as if a client had created it; returns its id."""
        job_id = f"ftjob-fake{next(_ids):06d}"
        job = fine_tuning_job(
            job_id,
            status=status,
            model=model,
            training_file=training_file,
            metadata=metadata,
            suffix=suffix,
        )
        with self._lock:
            self.fine_tuning_jobs[job_id] = job
            self.job_events[job_id] = [job_event(f"Created fine-tuning job: {job_id}")]
        return job_id

    def advance_job(
        self,
        job_id: str,
        status: str,
        *,
        fine_tuned_model: str | None = None,
        message: str | None = None,
        trained_tokens: int | None = None,
        error: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Move a stored job to ``status`` (with the model it made), logging an event."""
        with self._lock:
            job = self.fine_tuning_jobs[job_id]
            job["status"] = status
            if fine_tuned_model is not None:
                job["fine_tuned_model"] = fine_tuned_model
            if trained_tokens is not None:
                job["trained_tokens"] = trained_tokens
            if error is not None:
                job["error"] = error
            if status in FINAL_JOB_STATES:
                job["finished_at"] = int(time.time())
            self.job_events[job_id].append(
                job_event(message or f"Job {status}", level="error" if error else "info")
            )
            return dict(job)

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
            self.uploaded_files.clear()
            self.fine_tuning_jobs.clear()
            self.job_events.clear()
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

    def _default_upload(self, request: RecordedRequest) -> Reply:
        upload = request.files.get("file")
        purpose = request.form.get("purpose")
        if upload is None or not purpose:
            return error_reply(400, "A 'file' part and a 'purpose' field are required.")
        file_id = f"file-fake{next(_ids):06d}"
        with self._lock:
            self.uploaded_files[file_id] = upload
        return Reply(
            body=file_object(
                file_id,
                filename=upload.filename or "upload",
                size=len(upload.content),
                purpose=purpose,
            )
        )

    def _default_create_job(self, request: RecordedRequest) -> Reply:
        body = request.json if isinstance(request.json, dict) else {}
        if not body.get("model"):
            return error_reply(400, "Missing required parameter: 'model'.", param="model")
        training_file = str(body.get("training_file", ""))
        with self._lock:
            known = training_file in self.uploaded_files
        if not known:
            return error_reply(
                400, f"invalid training_file: {training_file}", param="training_file"
            )
        job_id = self.create_job(
            model=str(body["model"]),
            training_file=training_file,
            metadata=body.get("metadata"),
            suffix=body.get("suffix"),
        )
        with self._lock:
            return Reply(body=dict(self.fine_tuning_jobs[job_id]))

    def _default_get_job(self, request: RecordedRequest) -> Reply:
        with self._lock:
            job = self.fine_tuning_jobs.get(request.params["job_id"])
        if job is None:
            return error_reply(404, f"No fine-tuning job found with id {request.params['job_id']}")
        return Reply(body=dict(job))

    def _default_list_jobs(self, request: RecordedRequest) -> Reply:
        limit = int(request.query.get("limit", ["20"])[0])
        with self._lock:
            jobs = sorted(
                self.fine_tuning_jobs.values(), key=lambda j: j["created_at"], reverse=True
            )
        return Reply(body=list_page(jobs[:limit], has_more=len(jobs) > limit))

    def _default_job_events(self, request: RecordedRequest) -> Reply:
        limit = int(request.query.get("limit", ["20"])[0])
        with self._lock:
            events = self.job_events.get(request.params["job_id"])
            # The API lists events newest first.
            newest_first = list(reversed(events or []))
        if events is None:
            return error_reply(404, f"No fine-tuning job found with id {request.params['job_id']}")
        return Reply(body=list_page(newest_first[:limit], has_more=len(newest_first) > limit))

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
            content_type = self.headers.get("content-type") or ""
            form, files = (
                parse_multipart(content_type, raw)
                if content_type.startswith("multipart/form-data")
                else ({}, {})
            )
            request = RecordedRequest(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                raw=raw,
                json=parsed,
                form=form,
                files=files,
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
