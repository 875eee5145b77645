"""The API's structured logger."""

from __future__ import annotations

from typing import Any

from shared.logs import get_logger

__all__ = ["api_log"]


def api_log(component: str = "api") -> Any:
    """Asked for at each use rather than kept at import, so it follows
    ``configure_logging()`` even in modules imported before logging was set up."""
    return get_logger(component=component)
