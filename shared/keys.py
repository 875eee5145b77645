"""Deterministic artifact keys. Re-running a stage overwrites the same keys, which is
what makes a redelivered message harmless."""

from __future__ import annotations

import re

from shared.errors import ContractError

__all__ = [
    "AUDIO_CACHE_PREFIX",
    "BLOB_KEY_PATTERN",
    "CACHE_PREFIXES",
    "IMAGE_CACHE_PREFIX",
    "audio_cache_key",
    "audio_manifest_key",
    "check_blob_key",
    "dialogue_m4a_key",
    "dialogue_mp3_key",
    "dialogue_wav_key",
    "job_prefix",
    "line_audio_key",
    "movie_key",
    "plot_frame_key",
    "poster_key",
    "request_key",
    "scene_image_key",
    "script_fountain_key",
    "script_json_key",
    "storyboard_key",
    "subtitles_srt_key",
    "subtitles_vtt_key",
    "timeline_key",
    "title_image_key",
]

#: Lowercase path segments of letters, digits, dot, dash and underscore; no empty or
#: dot-only segments, so no key can climb out of its folder or prefix.
BLOB_KEY_PATTERN = re.compile(
    r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*(/[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*)*$"
)
BLOB_KEY_MAX_CHARS = 512


def check_blob_key(key: str) -> str:
    """``key`` if it is a valid blob key, else ``ContractError`` saying why."""
    if not isinstance(key, str) or len(key) > BLOB_KEY_MAX_CHARS or not BLOB_KEY_PATTERN.match(key):
        raise ContractError(
            f"{str(key)[:80]!r} is not a valid artifact key "
            "(lowercase segments of letters, digits, '.', '-' and '_' separated by '/')"
        )
    return key


def job_prefix(job_id: str) -> str:
    return f"jobs/{job_id}/"


def request_key(job_id: str) -> str:
    return f"jobs/{job_id}/request.json"


def script_json_key(job_id: str) -> str:
    return f"jobs/{job_id}/script.json"


def plot_frame_key(job_id: str) -> str:
    """What the writer read from the plot (``PlotFrame``)."""
    return f"jobs/{job_id}/plot.json"


def script_fountain_key(job_id: str) -> str:
    return f"jobs/{job_id}/script.fountain"


def title_image_key(job_id: str) -> str:
    return f"jobs/{job_id}/images/title.png"


def scene_image_key(job_id: str, scene: int) -> str:
    return f"jobs/{job_id}/images/scene-{scene:03d}.png"


def storyboard_key(job_id: str) -> str:
    return f"jobs/{job_id}/storyboard.png"


def line_audio_key(job_id: str, scene: int, line: int) -> str:
    """The clip of line ``line`` (1-based) of scene ``scene``: ``audio/003-002.wav``."""
    return f"jobs/{job_id}/audio/{scene:03d}-{line:03d}.wav"


def audio_manifest_key(job_id: str) -> str:
    """What the audio stage spoke: one entry per clip (key, duration, voice), for the mixer."""
    return f"jobs/{job_id}/audio/manifest.json"


#: Caches shared across jobs, named by content hash: paid-for work, never a user's.
IMAGE_CACHE_PREFIX = "cache/images/"
AUDIO_CACHE_PREFIX = "cache/audio/"
CACHE_PREFIXES = (IMAGE_CACHE_PREFIX, AUDIO_CACHE_PREFIX)


def audio_cache_key(content_hash: str) -> str:
    """A synthesised clip shared across jobs, named by the hash of everything that made it
    (text, voice, delivery, provider settings): the same line is never spoken twice."""
    if not re.fullmatch(r"[0-9a-f]{64}", content_hash):
        raise ContractError(f"{content_hash[:80]!r} is not a sha256 hex digest")
    return f"{AUDIO_CACHE_PREFIX}{content_hash}.wav"


def dialogue_mp3_key(job_id: str) -> str:
    return f"jobs/{job_id}/mix/dialogue.mp3"


def dialogue_m4a_key(job_id: str) -> str:
    """The film's soundtrack, AAC at 48 kHz: encoded once by the mixer from the lossless
    mix and stream-copied into the movie by the renderer."""
    return f"jobs/{job_id}/mix/dialogue.m4a"


def dialogue_wav_key(job_id: str) -> str:
    """The lossless master of the mix (16-bit PCM), kept for re-editing the sound."""
    return f"jobs/{job_id}/mix/dialogue.wav"


def timeline_key(job_id: str) -> str:
    return f"jobs/{job_id}/mix/timeline.json"


def subtitles_srt_key(job_id: str) -> str:
    return f"jobs/{job_id}/subtitles.srt"


def subtitles_vtt_key(job_id: str) -> str:
    return f"jobs/{job_id}/subtitles.vtt"


def movie_key(job_id: str) -> str:
    return f"jobs/{job_id}/movie.mp4"


def poster_key(job_id: str) -> str:
    return f"jobs/{job_id}/poster.jpg"
