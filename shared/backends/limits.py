"""Limits both queue backends enforce, so a message that works locally works on SQS."""

from __future__ import annotations

import re

from shared.errors import QueueLimitError

__all__ = ["MAX_DELAY_SECONDS", "MAX_MESSAGE_BYTES", "MAX_WAIT_SECONDS", "check_message"]

#: SQS's largest message body (256 KiB). Stage messages carry references, not data,
#: so a body near this size means a bug upstream.
MAX_MESSAGE_BYTES = 262_144
#: SQS's longest send delay.
MAX_DELAY_SECONDS = 900
#: SQS's longest long-poll wait.
MAX_WAIT_SECONDS = 20
#: What SQS refuses in a body (anything outside XML 1.0's characters), refused on both
#: backends alike. Stage messages are JSON, which escapes control characters.
_UNCARRIABLE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def check_message(body: str, delay_seconds: int) -> None:
    bad = _UNCARRIABLE.search(body)
    if bad is not None:
        raise QueueLimitError(
            f"message body holds character U+{ord(bad.group()):04X} at position {bad.start()}, "
            "which a queue cannot carry (encode the body as JSON)",
            position=bad.start(),
        )
    size = len(body.encode("utf-8"))
    if size > MAX_MESSAGE_BYTES:
        raise QueueLimitError(
            f"message body is {size} bytes; a queue message holds at most {MAX_MESSAGE_BYTES} "
            "(send references to blobs, not their contents)",
            size=size,
            limit=MAX_MESSAGE_BYTES,
        )
    if not 0 <= delay_seconds <= MAX_DELAY_SECONDS:
        raise QueueLimitError(
            f"delay of {delay_seconds} s is out of range (0 to {MAX_DELAY_SECONDS} s)",
            delay=delay_seconds,
            limit=MAX_DELAY_SECONDS,
        )
