"""What a player would see in an MP4, read with PyAV (libav), independently of the renderer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np


@dataclass(frozen=True)
class Probe:
    duration: float
    video_codec: str
    video_profile: str | None
    pixel_format: str
    width: int
    height: int
    fps: float
    audio_codec: str
    audio_rate: int
    subtitle_languages: list[str]
    chapters: list[tuple[float, float, str]]
    metadata: dict[str, str]
    faststart: bool


def _faststart(path: Path) -> bool:
    """True when the 'moov' box comes before 'mdat' (playback can start while loading)."""
    order = []
    with path.open("rb") as stream:
        while True:
            header = stream.read(8)
            if len(header) < 8:
                break
            size, kind = int.from_bytes(header[:4], "big"), header[4:8].decode("latin-1")
            order.append(kind)
            if size == 1:
                size = int.from_bytes(stream.read(8), "big")
                stream.seek(size - 16, 1)
            elif size == 0:
                break
            else:
                stream.seek(size - 8, 1)
    return "moov" in order and "mdat" in order and order.index("moov") < order.index("mdat")


def probe(path: Path) -> Probe:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        subtitles = [s.metadata.get("language", "") for s in container.streams.subtitles]
        chapters = [
            (
                float(c["start"] * c["time_base"]),
                float(c["end"] * c["time_base"]),
                c["metadata"].get("title", ""),
            )
            for c in container.chapters()
        ]
        return Probe(
            duration=container.duration / av.time_base,
            video_codec=video.codec_context.name,
            video_profile=video.profile,
            pixel_format=video.codec_context.pix_fmt,
            width=video.codec_context.width,
            height=video.codec_context.height,
            fps=float(video.average_rate),
            audio_codec=audio.codec_context.name,
            audio_rate=audio.codec_context.sample_rate,
            subtitle_languages=subtitles,
            chapters=chapters,
            metadata=dict(container.metadata),
            faststart=_faststart(path),
        )


def frames_at(path: Path, indices: list[int]) -> dict[int, np.ndarray]:
    """Decoded BGR frames at the given indices (decoding every frame once, in order)."""
    wanted = set(indices)
    found: dict[int, np.ndarray] = {}
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index in wanted:
                found[index] = frame.to_ndarray(format="bgr24")
                if len(found) == len(wanted):
                    break
    return found
