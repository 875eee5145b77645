"""A queue with SQS semantics in SQLite: visibility timeout, receive counts, dead letters."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable

from shared.backends.limits import check_message
from shared.backends.local.database import Database
from shared.ports import DeadLetter, ReceivedMessage

__all__ = ["LocalQueue"]

#: How often a long poll looks at the table for messages sent by other processes.
POLL_INTERVAL_SECONDS = 0.05


class LocalQueue:
    """Implements ``shared.ports.Queue``; ``drain()`` and ``dead_letters()`` help tests."""

    def __init__(self, database: Database, name: str, *, max_receives: int) -> None:
        self.database = database
        self.name = name
        self.max_receives = max_receives
        # Wakes long polls in this process at once; other processes are seen by polling.
        self._arrived = threading.Condition()

    def send(self, body: str, *, delay_seconds: int = 0) -> str:
        check_message(body, delay_seconds)
        message_id = str(uuid.uuid4())
        now = time.time()
        with self.database.write() as db:
            db.execute(
                "INSERT INTO messages (id, queue, body, sent_at, visible_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (message_id, self.name, body, now, now + delay_seconds),
            )
        with self._arrived:
            self._arrived.notify_all()
        return message_id

    def _take(self, max_messages: int, visibility_timeout: int) -> list[ReceivedMessage]:
        taken: list[ReceivedMessage] = []
        now = time.time()
        with self.database.write() as db:
            rows = db.execute(
                "SELECT seq, id, body, receive_count FROM messages "
                "WHERE queue = ? AND visible_at <= ? ORDER BY seq LIMIT ?",
                (self.name, now, max_messages * 4),
            ).fetchall()
            for row in rows:
                if len(taken) == max_messages:
                    break
                if row["receive_count"] >= self.max_receives:
                    # What SQS's redrive policy does: the message came back once too often.
                    self._move_to_dead_letters(
                        db,
                        row["seq"],
                        f"received {row['receive_count']} times without being deleted",
                    )
                    continue
                receipt = f"{row['id']}:{uuid.uuid4().hex}"
                db.execute(
                    "UPDATE messages SET receive_count = receive_count + 1, visible_at = ?, "
                    "receipt = ? WHERE seq = ?",
                    (now + visibility_timeout, receipt, row["seq"]),
                )
                taken.append(
                    ReceivedMessage(
                        message_id=row["id"],
                        body=row["body"],
                        receipt=receipt,
                        receive_count=row["receive_count"] + 1,
                    )
                )
        return taken

    def receive(
        self, *, max_messages: int = 1, wait_seconds: float = 0, visibility_timeout: int = 30
    ) -> list[ReceivedMessage]:
        if not 1 <= max_messages <= 10:
            raise ValueError(f"max_messages must be 1 to 10, not {max_messages}")
        deadline = time.monotonic() + wait_seconds
        while True:
            taken = self._take(max_messages, visibility_timeout)
            remaining = deadline - time.monotonic()
            if taken or remaining <= 0:
                return taken
            with self._arrived:
                self._arrived.wait(min(remaining, POLL_INTERVAL_SECONDS))

    def extend(self, receipt: str, visibility_timeout: int) -> bool:
        with self.database.write() as db:
            cursor = db.execute(
                "UPDATE messages SET visible_at = ? WHERE receipt = ? AND queue = ?",
                (time.time() + visibility_timeout, receipt, self.name),
            )
        if visibility_timeout == 0 and cursor.rowcount:
            with self._arrived:
                self._arrived.notify_all()
        return cursor.rowcount == 1

    def delete(self, receipt: str) -> None:
        with self.database.write() as db:
            db.execute("DELETE FROM messages WHERE receipt = ? AND queue = ?", (receipt, self.name))

    def _move_to_dead_letters(self, db: sqlite3.Connection, seq: int, reason: str) -> None:
        db.execute(
            "INSERT INTO dead_letters (id, queue, body, reason, receive_count, dead_at) "
            "SELECT id, queue, body, ?, receive_count, ? FROM messages WHERE seq = ?",
            (reason, time.time(), seq),
        )
        db.execute("DELETE FROM messages WHERE seq = ?", (seq,))

    def dead_letter(self, message: ReceivedMessage, reason: str) -> None:
        with self.database.write() as db:
            row = db.execute(
                "SELECT seq FROM messages WHERE receipt = ? AND queue = ?",
                (message.receipt, self.name),
            ).fetchone()
            if row is not None:
                self._move_to_dead_letters(db, row["seq"], reason)

    def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        rows = (
            self.database.read()
            .execute(
                "SELECT id, body, reason, receive_count FROM dead_letters "
                "WHERE queue = ? ORDER BY seq LIMIT ?",
                (self.name, limit),
            )
            .fetchall()
        )
        return [
            DeadLetter(
                message_id=row["id"],
                body=row["body"],
                reason=row["reason"],
                receive_count=row["receive_count"],
            )
            for row in rows
        ]

    def redrive(
        self, *, limit: int = 100, prepare: Callable[[DeadLetter], str] | None = None
    ) -> int:
        rows = (
            self.database.read()
            .execute(
                "SELECT seq, id, body, reason, receive_count FROM dead_letters "
                "WHERE queue = ? ORDER BY seq LIMIT ?",
                (self.name, limit),
            )
            .fetchall()
        )
        moved = 0
        for row in rows:
            body = row["body"]
            if prepare is not None:
                # Outside any transaction of ours: prepare writes to the job table,
                # which shares this database.
                body = prepare(
                    DeadLetter(
                        message_id=row["id"],
                        body=row["body"],
                        reason=row["reason"],
                        receive_count=row["receive_count"],
                    )
                )
                check_message(body, 0)
            now = time.time()
            with self.database.write() as db:
                # Another redrive may have taken the letter meanwhile: move it once.
                if db.execute("DELETE FROM dead_letters WHERE seq = ?", (row["seq"],)).rowcount:
                    db.execute(
                        "INSERT INTO messages (id, queue, body, sent_at, visible_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (str(uuid.uuid4()), self.name, body, now, now),
                    )
                    moved += 1
        if moved:
            with self._arrived:
                self._arrived.notify_all()
        return moved

    def depth(self) -> int:
        row = (
            self.database.read()
            .execute("SELECT COUNT(*) AS n FROM messages WHERE queue = ?", (self.name,))
            .fetchone()
        )
        return int(row["n"])

    def drain(self) -> list[str]:
        """Remove and return every body in the queue (visible or not). For tests."""
        with self.database.write() as db:
            rows = db.execute(
                "SELECT body FROM messages WHERE queue = ? ORDER BY seq", (self.name,)
            ).fetchall()
            db.execute("DELETE FROM messages WHERE queue = ?", (self.name,))
        return [row["body"] for row in rows]
