"""Server-sent events: the wire format, and which stages changed between two reads."""

from __future__ import annotations

from shared.contracts import JobRecord

__all__ = ["HEARTBEAT", "changed_stages", "sse_event"]

#: A comment line: ignored by clients, but it keeps proxies from closing a quiet stream.
HEARTBEAT = ": keep-alive\n\n"


def sse_event(event: str, data: str) -> str:
    """One event; ``data`` may span lines (each becomes its own ``data:`` field)."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {event}\n{lines}\n"


def _signature(record: JobRecord, name: str) -> tuple[object, ...]:
    state = record.stages[name]
    return (state.status, state.attempts, state.error, state.started_at, state.finished_at)


def changed_stages(before: JobRecord, after: JobRecord) -> list[str]:
    """Stages whose status, attempts, error or timing differ, in pipeline order.
    Lease renewals (the heartbeat's writes) are not changes anyone needs to see."""
    return [
        name
        for name in after.stages
        if name not in before.stages or _signature(before, name) != _signature(after, name)
    ]
