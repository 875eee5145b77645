"""Content types of artifacts, by file suffix.

Subtitles and Fountain are text a browser should show rather than download when
opened, and ``video/mp4`` is what lets the ``<video>`` element play the movie.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

__all__ = ["content_type"]

_BY_SUFFIX = {
    ".mp4": "video/mp4",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".json": "application/json",
    ".fountain": "text/plain; charset=utf-8",
    ".srt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def content_type(key: str) -> str:
    suffix = PurePosixPath(key).suffix.lower()
    return _BY_SUFFIX.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
