"""The Queue port's contract: at-least-once delivery with visibility, like SQS."""

from __future__ import annotations

import threading
import time

import pytest

from shared.backends import Backend
from shared.backends.limits import MAX_DELAY_SECONDS, MAX_MESSAGE_BYTES
from shared.errors import QueueLimitError
from shared.ports import DeadLetter


def receive_one(queue, *, wait: float = 5, visibility: int = 30):
    """The next message, waiting up to ``wait`` seconds for it."""
    batch = queue.receive(max_messages=1, wait_seconds=wait, visibility_timeout=visibility)
    assert batch, f"no message arrived within {wait} s"
    return batch[0]


class TestSendAndReceive:
    def test_body_round_trips_with_unicode(self, backend: Backend, queue_stage: str) -> None:
        """A body comes back byte for byte, accents and emoji included."""
        queue = backend.queue(queue_stage)
        body = '{"plot": "Zoë\'s café 🎬 — \\"quoted\\""}'
        message_id = queue.send(body)
        received = receive_one(queue)
        assert (received.body, received.message_id, received.receive_count) == (
            body,
            message_id,
            1,
        )

    def test_empty_queue_returns_nothing_after_the_wait(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """A receive on an empty queue returns an empty list, not an error."""
        assert backend.queue(queue_stage).receive(wait_seconds=0) == []

    def test_long_poll_returns_when_a_message_arrives(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """A long poll wakes up for a message sent while it waits."""
        queue = backend.queue(queue_stage)
        threading.Timer(0.3, queue.send, args=("late",)).start()
        started = time.monotonic()
        received = receive_one(queue, wait=10)
        assert received.body == "late"
        assert time.monotonic() - started < 8

    def test_delayed_message_is_invisible_until_its_delay(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """A message sent with a delay is not received before the delay ends."""
        queue = backend.queue(queue_stage)
        queue.send("later", delay_seconds=2)
        assert queue.receive(wait_seconds=0) == []
        assert receive_one(queue, wait=10).body == "later"

    def test_oversized_body_is_refused_with_the_limit(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """A body over the SQS limit is refused and the message names the limit."""
        with pytest.raises(QueueLimitError, match=str(MAX_MESSAGE_BYTES)):
            backend.queue(queue_stage).send("x" * (MAX_MESSAGE_BYTES + 1))

    def test_delay_out_of_range_is_refused(self, backend: Backend, queue_stage: str) -> None:
        """A delay beyond the SQS maximum is refused."""
        with pytest.raises(QueueLimitError, match=str(MAX_DELAY_SECONDS)):
            backend.queue(queue_stage).send("x", delay_seconds=MAX_DELAY_SECONDS + 1)


class TestVisibility:
    def test_received_message_is_hidden_then_delivered_again(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """An undeleted message comes back after its visibility timeout, counted twice."""
        queue = backend.queue(queue_stage)
        queue.send("again")
        first = receive_one(queue, visibility=1)
        assert queue.receive(wait_seconds=0) == []
        second = receive_one(queue, wait=10)
        assert second.message_id == first.message_id
        assert second.receipt != first.receipt
        assert second.receive_count == 2

    def test_extend_keeps_the_message_hidden(self, backend: Backend, queue_stage: str) -> None:
        """Extending visibility past the original timeout keeps the message hidden."""
        queue = backend.queue(queue_stage)
        queue.send("busy")
        received = receive_one(queue, visibility=1)
        assert queue.extend(received.receipt, 30) is True
        assert queue.receive(wait_seconds=2) == []

    def test_extend_to_zero_releases_at_once(self, backend: Backend, queue_stage: str) -> None:
        """Visibility 0 makes the message receivable immediately."""
        queue = backend.queue(queue_stage)
        queue.send("release me")
        received = receive_one(queue, visibility=300)
        assert queue.extend(received.receipt, 0) is True
        assert receive_one(queue, wait=5).receive_count == 2

    def test_stale_receipt_cannot_extend(self, backend: Backend, queue_stage: str) -> None:
        """After a redelivery, the earlier receipt no longer controls the message."""
        queue = backend.queue(queue_stage)
        queue.send("twice")
        first = receive_one(queue, visibility=1)
        receive_one(queue, wait=10, visibility=300)
        assert queue.extend(first.receipt, 0) is False
        assert queue.receive(wait_seconds=0) == []

    def test_concurrent_receivers_never_share_a_message(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """Two receivers polling at once each get distinct messages and lose none."""
        queue = backend.queue(queue_stage)
        sent = {queue.send(f"m{i}") for i in range(30)}
        got: list[str] = []
        lock = threading.Lock()

        def consume() -> None:
            while True:
                batch = queue.receive(max_messages=3, wait_seconds=0.5, visibility_timeout=60)
                if not batch:
                    return
                with lock:
                    got.extend(m.message_id for m in batch)

        threads = [threading.Thread(target=consume) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(got) == sorted(sent)


class TestDelete:
    def test_deleted_message_never_comes_back(self, backend: Backend, queue_stage: str) -> None:
        """A deleted message is gone, even after its visibility timeout."""
        queue = backend.queue(queue_stage)
        queue.send("done")
        received = receive_one(queue, visibility=1)
        queue.delete(received.receipt)
        assert queue.receive(wait_seconds=2) == []
        assert queue.depth() == 0

    def test_deleting_twice_is_not_an_error(self, backend: Backend, queue_stage: str) -> None:
        """Delete is idempotent."""
        queue = backend.queue(queue_stage)
        queue.send("once")
        received = receive_one(queue)
        queue.delete(received.receipt)
        queue.delete(received.receipt)
        assert queue.depth() == 0


class TestDeadLetters:
    def test_message_received_too_often_is_dead_lettered(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """After max_receives deliveries without a delete, the message moves to the DLQ."""
        queue = backend.queue(queue_stage)
        queue.send("poison")
        for attempt in range(1, queue.max_receives + 1):
            received = receive_one(queue, wait=10, visibility=60)
            assert received.receive_count == attempt
            queue.extend(received.receipt, 0)
        assert queue.receive(wait_seconds=1) == []
        letters = queue.dead_letters()
        assert [letter.body for letter in letters] == ["poison"]
        assert letters[0].receive_count == queue.max_receives

    def test_explicit_dead_letter_keeps_the_reason(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """dead_letter moves the message at once and records why."""
        queue = backend.queue(queue_stage)
        queue.send("{not json")
        received = receive_one(queue)
        queue.dead_letter(received, "message is not JSON")
        assert queue.receive(wait_seconds=0) == []
        [letter] = queue.dead_letters()
        assert (letter.body, letter.reason) == ("{not json", "message is not JSON")

    def test_redrive_returns_dead_letters_as_fresh_messages(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """Redriven messages are delivered again from a receive count of 1."""
        queue = backend.queue(queue_stage)
        queue.send("second chance")
        queue.dead_letter(receive_one(queue), "testing redrive")
        assert queue.redrive() == 1
        assert queue.dead_letters() == []
        received = receive_one(queue)
        assert (received.body, received.receive_count) == ("second chance", 1)

    def test_redrive_sends_what_prepare_returns_for_each_letter(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """prepare sees each letter, with its reason, before it goes back, and says
        what body to send."""
        queue = backend.queue(queue_stage)
        for body in ("one", "two"):
            queue.send(body)
            queue.dead_letter(receive_one(queue), f"reason {body}")
        seen: list[tuple[str, str]] = []

        def prepare(letter: DeadLetter) -> str:
            seen.append((letter.body, letter.reason))
            return letter.body.upper()

        assert queue.redrive(prepare=prepare) == 2
        assert sorted(seen) == [("one", "reason one"), ("two", "reason two")]
        bodies = {receive_one(queue).body, receive_one(queue).body}
        assert bodies == {"ONE", "TWO"}

    def test_a_letter_prepare_refuses_stays_a_dead_letter(
        self, backend: Backend, queue_stage: str
    ) -> None:
        """When prepare raises, nothing is sent and the letter stays in the DLQ."""
        queue = backend.queue(queue_stage)
        queue.send("stuck")
        queue.dead_letter(receive_one(queue), "testing refusal")

        def refuse(letter: DeadLetter) -> str:
            raise RuntimeError("job table unreachable")

        with pytest.raises(RuntimeError, match="unreachable"):
            queue.redrive(prepare=refuse)
        assert queue.receive(wait_seconds=0) == []
        assert [letter.body for letter in queue.dead_letters()] == ["stuck"]
