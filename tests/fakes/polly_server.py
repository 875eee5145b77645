"""An Amazon Polly endpoint that only fails, for the provider-failure tests: every
request gets the same AWS error (``ThrottlingException`` 400, ``ServiceFailureException``
500...), in Polly's REST-JSON form, and is recorded with the time it arrived, so a test
can count botocore's attempts and measure its backoff.

    with FailingPolly("ThrottlingException", 400) as polly:
        settings.audio.polly_endpoint_url = polly.url
        ...
        assert len(polly.arrivals) == attempts
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

__all__ = ["FailingPolly"]


class FailingPolly:
    def __init__(self, code: str, status: int) -> None:
        self.code = code
        self.status = status
        #: (monotonic time, method, path) of every request.
        self.arrivals: list[tuple[float, str, str]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with fake._lock:
                    fake.arrivals.append((time.monotonic(), self.command, self.path))
                body = json.dumps({"message": f"{fake.code} (a fake that always fails)"})
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("x-amzn-ErrorType", fake.code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            do_GET = do_POST = _answer  # noqa: N815

            def log_message(self, *_: object) -> None:
                pass

        return Handler

    @property
    def url(self) -> str:
        assert self._server is not None, "FailingPolly is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
