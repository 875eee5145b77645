"""``python -m tests.bench.render_moviepy INPUTS OUT.mp4``: the same film the way the peers
render it with moviepy: an ImageClip per scene, a resize-based Ken Burns, crossfades,
CompositeVideoClip and write_videofile. The baseline, not something we ship."""

from __future__ import annotations

import sys
from pathlib import Path

from moviepy import AudioFileClip, CompositeVideoClip, ImageClip, vfx

from shared.settings import RenderSettings
from tests.bench.inputs import timeline

FADE = 0.5
SIZE = (1280, 720)


def main() -> int:
    inputs, output = Path(sys.argv[1]), Path(sys.argv[2])
    plan = timeline()
    settings = RenderSettings()
    spans = [(0, 0.0, plan.title_end)] + [(s.number, s.start, s.end) for s in plan.scenes]
    clips = []
    for index, (number, start, end) in enumerate(spans):
        last = index == len(spans) - 1
        length = end - start + (0 if last else FADE)
        clip = (
            ImageClip(str(inputs / f"picture-{number:03d}.png"))
            .resized(height=SIZE[1])
            .with_start(start)
            .with_duration(length)
            # Ken Burns by resizing every frame: slow and rounded to whole pixels.
            .resized(lambda t, length=length: 1 + 0.08 * t / length)
            .with_position("center")
        )
        if index:
            clip = clip.with_effects([vfx.CrossFadeIn(FADE)])
        clips.append(clip)
    film = CompositeVideoClip(clips, size=SIZE).with_duration(plan.duration)
    film = film.with_audio(AudioFileClip(str(inputs / "dialogue-1.m4a")))
    film.write_videofile(
        str(output),
        fps=settings.fps,
        codec="libx264",
        preset=settings.preset,
        audio_codec="aac",
        ffmpeg_params=["-crf", str(settings.crf), "-pix_fmt", "yuv420p"],
        threads=2,
        logger=None,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
