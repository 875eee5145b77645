"""Mixer stage: line clips -> dialogue track, timeline and subtitles.

Reads the script (order, scenes, headings), the audio manifest (clips and their
lengths) and the request (music on or off); writes ``mix/dialogue.wav`` (the lossless
master), ``mix/dialogue.m4a`` (AAC, the soundtrack the renderer copies into the film),
``mix/dialogue.mp3`` (to download), ``mix/timeline.json``, ``subtitles.srt`` and
``subtitles.vtt``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from services.mixer.dialogue import assemble_dialogue
from services.mixer.layout import build_layout
from services.mixer.loudness import LoudnessTarget
from services.mixer.mixdown import mixdown
from services.mixer.music import MUSIC_RATE, render_music
from services.mixer.subtitles import build_cues, to_srt, to_vtt
from shared import keys
from shared.audio_manifest import AudioManifest
from shared.contracts import JobRequest, Script, StageMessage
from shared.errors import NotFound, PermanentError
from shared.validation import parse_model_json
from shared.worker import StageContext

__all__ = ["handle"]


def _read(context: StageContext, message: StageMessage, name: str) -> bytes:
    try:
        return context.blobs.get(message.artifacts[name])
    except (KeyError, NotFound) as exc:
        raise PermanentError(f"the job's {name} artifact is missing") from exc


def handle(message: StageMessage, context: StageContext) -> StageMessage:
    job = message.job_id
    request = parse_model_json(JobRequest, _read(context, message, "request"), root="request")
    script = parse_model_json(Script, _read(context, message, "script"), root="script")
    manifest = parse_model_json(
        AudioManifest, _read(context, message, "audio_manifest"), root="audio manifest"
    )
    settings = context.settings.mixer
    sound = context.styles.resolve(script.director).sound
    layout = build_layout(script, manifest, sound, settings)
    timeline = layout.timeline
    started = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="pixelscript-mix-") as folder:
        workdir = Path(folder)
        dialogue = workdir / "dialogue.f32"
        assemble_dialogue(layout, context.blobs, dialogue)
        music = None
        if request.options.music:
            music = workdir / "music.f32"
            render_music(
                music,
                seconds=timeline.duration,
                mood=sound.music_mood,
                seed=f"{script.title}\x1f{request.options.seed}",
            )
        result = mixdown(
            dialogue,
            samples=layout.samples,
            sample_rate=layout.sample_rate,
            workdir=workdir,
            target=LoudnessTarget(
                integrated=settings.loudness_lufs, true_peak=settings.true_peak_dbtp
            ),
            music=music,
            music_rate=MUSIC_RATE,
            music_level_db=settings.music_level_db,
            mp3_bitrate=settings.mp3_bitrate,
            aac_bitrate=settings.aac_bitrate,
        )
        wav_key, mp3_key = keys.dialogue_wav_key(job), keys.dialogue_mp3_key(job)
        m4a_key = keys.dialogue_m4a_key(job)
        context.blobs.put_file(wav_key, result.wav, content_type="audio/wav")
        context.blobs.put_file(mp3_key, result.mp3, content_type="audio/mpeg")
        context.blobs.put_file(m4a_key, result.aac, content_type="audio/mp4")

    cues = build_cues(
        timeline,
        width=settings.subtitle_line_chars,
        speaker_names=sound.speaker_names_in_subtitles,
    )
    timeline_key = keys.timeline_key(job)
    srt_key, vtt_key = keys.subtitles_srt_key(job), keys.subtitles_vtt_key(job)
    context.blobs.put(
        timeline_key,
        timeline.model_dump_json(indent=2).encode("utf-8"),
        content_type="application/json",
    )
    context.blobs.put(srt_key, to_srt(cues).encode("utf-8"), content_type="application/x-subrip")
    context.blobs.put(vtt_key, to_vtt(cues).encode("utf-8"), content_type="text/vtt")
    context.log.info(
        "soundtrack_mixed",
        duration=round(timeline.duration, 3),
        lines=len(timeline.lines),
        scenes=len(timeline.scenes),
        cues=len(cues),
        music=sound.music_mood if request.options.music else None,
        loudness_lufs=result.report.output_i,
        true_peak_dbtp=result.report.output_tp,
        normalization=result.report.normalization_type,
        passes=result.passes,
        seconds=round(time.monotonic() - started, 2),
    )
    return message.handoff(
        context.next_stage,
        timeline=timeline_key,
        dialogue_mp3=mp3_key,
        dialogue_wav=wav_key,
        dialogue_m4a=m4a_key,
        subtitles_srt=srt_key,
        subtitles_vtt=vtt_key,
    )
