"""The one worker loop every stage runs.

    receive (long poll)
      -> parse and validate the message ........ invalid: dead-letter now, job failed
      -> claim the stage (conditional write) .... refused: a duplicate, delete it (or, when
                                                  another delivery of this same message
                                                  holds it, hide it until that lease ends)
      -> run the handler, a heartbeat extending the message's visibility and the lease
      -> publish the next stage's message
      -> mark the stage done (conditional write)
      -> delete the message
    on error: permanent -> dead-letter, job failed; otherwise retry later with backoff
    until the queue's receive limit, then dead-letter and fail the job with the last error.

At-least-once delivery is assumed: a crash after publishing and before marking done
re-runs the handler (same keys, same bytes) and publishes again; the next stage's
claim drops that duplicate. A stage is held by one *delivery* (message id and receipt),
on a lease that ends when the message's visibility does: a message delivered twice
at once (SQS may) runs once, and a redelivery after a crash finds the lease over and
takes the stage. On ``stop()`` (SIGTERM) the worker stops receiving,
lets the handler in hand finish for ``stop_timeout`` seconds, and otherwise releases
its message (visibility 0) so another worker picks it up at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import structlog

from shared import jobs
from shared.backends import Backend
from shared.backoff import compute_backoff
from shared.contracts import (
    StageMessage,
    StageState,
    StageStatus,
    utcnow,
)
from shared.dead_letters import fail_stranded_jobs
from shared.errors import (
    ContractError,
    InvalidMessage,
    NotFound,
    PermanentError,
    PixelScriptError,
    TransitionRefused,
)
from shared.health import touch
from shared.intake import admit_job_request
from shared.logs import get_logger
from shared.messages import parse_message
from shared.pipeline import COMPLETE, Handler
from shared.ports import BlobStore, Queue, ReceivedMessage
from shared.settings import Settings
from shared.styles import StyleCatalog, load_catalog

__all__ = ["Outcome", "StageContext", "Worker"]

#: Longest error text kept in a dead letter's reason.
REASON_MAX_CHARS = 1000


@dataclass(frozen=True)
class StageContext:
    """What a handler gets besides its message: storage, settings and who it is."""

    job_id: str
    stage: str
    #: The stage the handler's returned message is for (``COMPLETE`` after the last).
    next_stage: str
    blobs: BlobStore
    settings: Settings
    styles: StyleCatalog
    log: Any
    #: 1 on the first delivery of this message.
    attempt: int


class Outcome(StrEnum):
    DONE = "done"
    DUPLICATE = "duplicate"
    #: Another delivery of the same message holds the stage: hidden until its lease ends.
    DEFERRED = "deferred"
    RETRY = "retry"
    DEAD_LETTERED = "dead_lettered"
    RELEASED = "released"


class _Released(Exception):
    """The worker is stopping and its stop timeout ran out while the handler worked."""


def delivery_id(received: ReceivedMessage) -> str:
    """Who holds a stage: this delivery of the message (its id and a digest of its
    receipt). Two deliveries of one message are told apart, so a second one cannot take
    over a stage the first still works on."""
    digest = hashlib.sha256(received.receipt.encode("utf-8")).hexdigest()[:12]
    return f"{received.message_id}#{digest}"


class _Heartbeat:
    """Keeps the message hidden and the stage's lease alive while the handler works."""

    def __init__(
        self, worker: Worker, received: ReceivedMessage, message: StageMessage, log: Any
    ) -> None:
        self.worker = worker
        self.received = received
        self.message = message
        self.log = log
        self.lost = False
        self.redelivered = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"heartbeat-{worker.stage}", daemon=True
        )

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        timeout = self.worker.visibility_timeout
        while not self._stop.wait(timeout / 3):
            started = time.monotonic()
            try:
                if not self.worker.queue.extend(self.received.receipt, timeout):
                    # Delivered again meanwhile: the lease, not the receipt, says who holds
                    # the stage, so keep renewing it; the other delivery waits for it.
                    if not self.redelivered:
                        self.log.warning("message_delivered_again")
                    self.redelivered = True
                jobs.apply(
                    self.worker.backend.jobs,
                    self.message.job_id,
                    jobs.renew(
                        self.worker.stage,
                        delivery_id(self.received),
                        _lease_left(timeout, started),
                    ),
                )
                touch(self.worker.health_file)
            except TransitionRefused:
                self.lost = True
            except Exception:
                self.log.exception("heartbeat_failed")
            if self.lost:
                self.log.warning("heartbeat_lost_claim")
                return


class Worker:
    """Consumes one stage's queue and runs its handler on each message."""

    def __init__(
        self,
        stage: str,
        handler: Handler,
        *,
        backend: Backend,
        settings: Settings,
        next_stage: str,
        styles: StyleCatalog | None = None,
        wait_seconds: float | None = None,
    ) -> None:
        self.stage = stage
        self.handler = handler
        self.backend = backend
        self.settings = settings
        self.next_stage = next_stage
        self.styles = styles or load_catalog()
        self.queue: Queue = backend.queue(stage)
        self.visibility_timeout = settings.worker.visibility_timeout
        self.wait_seconds = settings.worker.wait_seconds if wait_seconds is None else wait_seconds
        self.log = get_logger(stage=stage)
        self.health_file = settings.worker.health_file
        self.stranded_check_seconds = settings.worker.stranded_check_seconds
        self._stopping = threading.Event()
        self._stop_deadline: float | None = None

    # ------------------------------------------------------------------ lifecycle

    def stop(self, timeout: float | None = None) -> None:
        """Stop receiving; the message in hand gets ``timeout`` seconds (default: the
        ``stop_timeout`` setting) to finish before it is released."""
        grace = self.settings.worker.stop_timeout if timeout is None else timeout
        self._stop_deadline = time.monotonic() + grace
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> None:
        """Receive and process until ``stop()``."""
        self.log.info("worker_started", queue=self.queue.name)
        failures = 0
        next_check = time.monotonic()
        while not self._stopping.is_set():
            touch(self.health_file)
            if self.stranded_check_seconds and time.monotonic() >= next_check:
                self._fail_stranded_jobs()
                next_check = time.monotonic() + self.stranded_check_seconds
            polled = time.monotonic()
            try:
                batch = self.queue.receive(
                    max_messages=1,
                    wait_seconds=self.wait_seconds,
                    visibility_timeout=self.visibility_timeout,
                )
                failures = 0
            except Exception:
                failures += 1
                self.log.exception("receive_failed", failures=failures)
                self._stopping.wait(compute_backoff(failures, minimum=0.5, maximum=30))
                continue
            for received in batch:
                if self._stopping.is_set():
                    self.queue.extend(received.receipt, 0)
                    continue
                try:
                    outcome = self.process(received, received_at=polled)
                except Exception:
                    # The backend failed us mid-message (the job table unreachable, say):
                    # the message is left to come back after its visibility timeout, and
                    # the worker lives on rather than dying with it.
                    failures += 1
                    self.log.exception("message_failed", message_id=received.message_id)
                    self._stopping.wait(compute_backoff(failures, minimum=0.5, maximum=30))
                    break
                if outcome is Outcome.RELEASED:
                    break
        self.log.info("worker_stopped")

    def _fail_stranded_jobs(self) -> None:
        """End the jobs this stage's queue dead-lettered by itself (their workers died).
        A lease that ran out a whole visibility timeout ago has had time to be taken
        over by any other copy of the message."""
        try:
            fail_stranded_jobs(self.backend, self.stage, grace_seconds=self.visibility_timeout)
        except Exception:
            # Housekeeping: the next look will do; the worker's real work goes on.
            self.log.exception("stranded_check_failed")

    def run_once(self, wait_seconds: float = 0) -> Outcome | None:
        """Receive at most one message and process it. For tests and tools."""
        polled = time.monotonic()
        batch = self.queue.receive(
            max_messages=1, wait_seconds=wait_seconds, visibility_timeout=self.visibility_timeout
        )
        return self.process(batch[0], received_at=polled) if batch else None

    # ------------------------------------------------------------------ one message

    def process(self, received: ReceivedMessage, *, received_at: float | None = None) -> Outcome:
        """Process one delivery; ``received_at`` (``time.monotonic()`` just before the
        receive call) lets the stage's lease end no later than the message's visibility."""
        log = self.log.bind(message_id=received.message_id, receive_count=received.receive_count)
        try:
            # A job request ({"schema": 1, "request": ...}, see shared.intake) becomes
            # its job and the first stage's message; anything else must be a stage message.
            message = admit_job_request(self.backend, received, stage=self.stage) or parse_message(
                received.body, stage=self.stage
            )
        except InvalidMessage as exc:
            return self._dead_letter(received, str(exc), exc.job_id, log)
        with structlog.contextvars.bound_contextvars(job_id=message.job_id):
            return self._process(
                received,
                message,
                log.bind(job_id=message.job_id),
                time.monotonic() if received_at is None else received_at,
            )

    def _process(
        self, received: ReceivedMessage, message: StageMessage, log: Any, received_at: float
    ) -> Outcome:
        table = self.backend.jobs
        claim_id = delivery_id(received)
        try:
            jobs.apply(
                table,
                message.job_id,
                jobs.claim(
                    self.stage,
                    claim_id,
                    _lease_left(self.visibility_timeout, received_at),
                    sent_at=message.sent_at,
                ),
            )
        except TransitionRefused as exc:
            held = _held_by_another_delivery(
                exc.record.stages.get(self.stage), received, self.visibility_timeout
            )
            if held is not None:
                # Deleting this delivery would lose the job if the holder died; running
                # it would run the stage twice. Back when the lease is over, it finds the
                # stage done (and is dropped) or takes over from a holder that died.
                self.queue.extend(received.receipt, held)
                log.warning("delivery_deferred", reason=str(exc), retry_in=held)
                return Outcome.DEFERRED
            log.info("duplicate_dropped", reason=str(exc))
            self.queue.delete(received.receipt)
            return Outcome.DUPLICATE
        except NotFound:
            return self._dead_letter(received, f"job {message.job_id} does not exist", None, log)
        log.info("stage_started")
        started = time.monotonic()
        context = StageContext(
            job_id=message.job_id,
            stage=self.stage,
            next_stage=self.next_stage,
            blobs=self.backend.blobs,
            settings=self.settings,
            styles=self.styles,
            log=log,
            attempt=received.receive_count,
        )
        try:
            with _Heartbeat(self, received, message, log):
                result = self._run_handler(message, context)
            self._check_result(message, result)
        except _Released:
            return self._release(received, message, log)
        except BaseException as exc:
            return self._failed(received, message, exc, log)

        if result.stage != COMPLETE:
            self.backend.queue(result.stage).send(result.to_json())
        produced = {k: v for k, v in result.artifacts.items() if message.artifacts.get(k) != v}
        try:
            jobs.apply(
                table,
                message.job_id,
                jobs.complete(
                    self.stage,
                    claim_id,
                    produced,
                    None if result.stage == COMPLETE else result.stage,
                ),
            )
        except TransitionRefused as exc:
            # Our lease ran out and another delivery took over; it will publish too and
            # the next stage's claim drops whichever message comes second.
            log.warning("completed_without_claim", reason=str(exc))
        self.queue.delete(received.receipt)
        log.info("stage_done", seconds=round(time.monotonic() - started, 3), next=result.stage)
        return Outcome.DONE

    def _run_handler(self, message: StageMessage, context: StageContext) -> StageMessage:
        # The handler runs on its own thread so that a stopping worker can give up
        # waiting for it and release the message; a put is atomic, so an abandoned
        # handler never leaves half an artifact behind.
        box: dict[str, Any] = {}

        def target() -> None:
            with structlog.contextvars.bound_contextvars(job_id=message.job_id, stage=self.stage):
                try:
                    box["result"] = self.handler(message, context)
                except BaseException as exc:
                    box["error"] = exc

        thread = threading.Thread(target=target, name=f"handler-{self.stage}", daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(0.05)
            if (
                thread.is_alive()
                and self._stop_deadline is not None
                and time.monotonic() > self._stop_deadline
            ):
                raise _Released
        if "error" in box:
            raise box["error"]
        return box["result"]  # type: ignore[no-any-return]

    def _check_result(self, message: StageMessage, result: object) -> None:
        if not isinstance(result, StageMessage):
            raise PermanentError(
                f"the {self.stage} handler returned {type(result).__name__}, not a StageMessage"
            )
        if result.job_id != message.job_id or result.stage != self.next_stage:
            raise PermanentError(
                f"the {self.stage} handler returned a message for job {result.job_id}, stage "
                f"{result.stage!r}; expected job {message.job_id}, stage {self.next_stage!r}"
            )

    # ------------------------------------------------------------------ endings

    def _failed(
        self, received: ReceivedMessage, message: StageMessage, exc: BaseException, log: Any
    ) -> Outcome:
        reason = _describe(exc)
        permanent = isinstance(exc, ContractError | PermanentError | NotFound)
        if not isinstance(exc, PixelScriptError):
            log.error("handler_crashed", error=reason, exc_info=exc)
        if permanent or received.receive_count >= self.queue.max_receives:
            if not permanent:
                reason = f"gave up after {received.receive_count} attempts: {reason}"
            return self._dead_letter(received, reason, message.job_id, log)
        delay = compute_backoff(
            received.receive_count,
            minimum=self.settings.worker.backoff_min,
            maximum=self.settings.worker.backoff_max,
        )
        with contextlib.suppress(TransitionRefused):
            jobs.apply(
                self.backend.jobs,
                message.job_id,
                jobs.retry_later(self.stage, delivery_id(received), reason),
            )
        self.queue.extend(received.receipt, math.ceil(delay))
        log.warning("stage_retry", error=reason, retry_in=math.ceil(delay))
        return Outcome.RETRY

    def _dead_letter(
        self, received: ReceivedMessage, reason: str, job_id: str | None, log: Any
    ) -> Outcome:
        reason = reason[:REASON_MAX_CHARS]
        if job_id is not None:
            with contextlib.suppress(TransitionRefused, NotFound):
                jobs.apply(self.backend.jobs, job_id, jobs.fail(self.stage, reason))
        self.queue.dead_letter(received, reason)
        log.error("dead_lettered", reason=reason)
        return Outcome.DEAD_LETTERED

    def _release(self, received: ReceivedMessage, message: StageMessage, log: Any) -> Outcome:
        self.queue.extend(received.receipt, 0)
        with contextlib.suppress(TransitionRefused):
            jobs.apply(
                self.backend.jobs,
                message.job_id,
                jobs.release(self.stage, delivery_id(received)),
            )
        log.warning("message_released", reason="stop timeout reached")
        return Outcome.RELEASED


def _lease_left(visibility_timeout: int, since: float) -> float:
    """The lease for a message made invisible for ``visibility_timeout`` seconds at
    ``since`` (monotonic): it ends no later than the message can be delivered again,
    so a redelivery after a crash never finds the dead worker's lease still running."""
    return max(0.5, visibility_timeout - (time.monotonic() - since))


def _held_by_another_delivery(
    state: StageState | None, received: ReceivedMessage, visibility_timeout: int
) -> int | None:
    """Seconds to hide ``received`` for when another delivery of the same message holds
    the stage on a live lease; None when the refusal means a plain duplicate."""
    if state is None or state.status != StageStatus.RUNNING or state.claim is None:
        return None
    if state.claim.partition("#")[0] != received.message_id or state.lease_until is None:
        return None
    left = (state.lease_until - utcnow()).total_seconds()
    if left <= 0:
        return None
    # A whole visibility more than the lease: a live holder renews its lease meanwhile,
    # and every return of this delivery counts towards the queue's receive limit.
    return math.ceil(left) + visibility_timeout


def _describe(exc: BaseException) -> str:
    if isinstance(exc, PixelScriptError):
        return str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
