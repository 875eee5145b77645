"""Audio stage: Script -> one WAV clip per spoken line and ``audio/manifest.json``.

Every line's clip goes to ``audio/SSS-LLL.wav``. A clip is first looked up by its
content hash in ``cache/audio/``: a redelivered message, a re-run job or another job
with the same line and voice costs a copy, not a synthesis.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from services.audio.base import SpeechProvider, VoiceChoice
from services.audio.cache import clip_hash
from services.audio.delivery import Delivery, delivery_for
from services.audio.post import finish_clip
from services.audio.providers import provider_for
from shared import keys
from shared.audio_manifest import AudioManifest, CastEntry, ClipEntry
from shared.contracts import Character, JobRequest, Line, Script, StageMessage
from shared.errors import NotFound, PermanentError
from shared.media.wav import decode_wav, encode_wav
from shared.validation import parse_model_json
from shared.worker import StageContext

__all__ = ["handle", "speak_script"]


@dataclass(frozen=True)
class _LineWork:
    """One line to speak."""

    scene: int
    index: int
    line: Line
    voice: VoiceChoice
    delivery: Delivery
    sha256: str


@dataclass
class _Tally:
    """Counts for the stage's log line; lines may be spoken on several threads."""

    synthesised: int = 0
    cached: int = 0
    audio_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, *, cached: bool, audio: float = 0.0) -> None:
        with self.lock:
            if cached:
                self.cached += 1
            else:
                self.synthesised += 1
                self.audio_seconds += audio


def _read(context: StageContext, message: StageMessage, name: str) -> bytes:
    try:
        return context.blobs.get(message.artifacts[name])
    except (KeyError, NotFound) as exc:
        raise PermanentError(f"the job's {name} artifact is missing") from exc


def _speakers(script: Script) -> list[Character]:
    """The characters who speak, in the script's character order (casting is stable)."""
    speaking = {line.speaker.upper() for _, _, line in script.spoken_lines()}
    return [c for c in script.characters if c.name.upper() in speaking]


def _clip_bytes(
    item: _LineWork, provider: SpeechProvider, context: StageContext, tally: _Tally
) -> tuple[bytes, bool]:
    """The finished clip for ``item`` and whether it came from the cache."""
    cache_key = keys.audio_cache_key(item.sha256)
    if context.settings.audio.cache:
        try:
            data = context.blobs.get(cache_key)
        except NotFound:
            pass
        else:
            tally.count(cached=True)
            return data, True
    raw = provider.synthesize(item.line.text, item.voice, item.delivery)
    what = f"scene {item.scene}, line {item.index} ({item.line.speaker})"
    clip = finish_clip(raw, volume=item.delivery.volume, what=what)
    data = encode_wav(clip.samples, clip.sample_rate)
    tally.count(cached=False, audio=clip.duration)
    if context.settings.audio.cache:
        context.blobs.put(cache_key, data, content_type="audio/wav")
    return data, False


def speak_script(
    script: Script, provider: SpeechProvider, *, pace: float, context: StageContext
) -> AudioManifest:
    """Speak every line of ``script`` into its clip key and return the manifest."""
    cast = provider.cast(_speakers(script))
    work = []
    for scene, index, line in script.spoken_lines():
        voice = cast[line.speaker.upper()]
        delivery = delivery_for(line.parenthetical, pace=pace)
        sha = clip_hash(
            provider=provider.name,
            fingerprint=provider.fingerprint(voice),
            voice=voice,
            delivery=delivery,
            text=line.text,
        )
        work.append(_LineWork(scene.number, index, line, voice, delivery, sha))

    tally = _Tally()

    def speak(item: _LineWork) -> ClipEntry:
        data, cached = _clip_bytes(item, provider, context, tally)
        samples, rate = decode_wav(data)
        key = keys.line_audio_key(context.job_id, item.scene, item.index)
        context.blobs.put(key, data, content_type="audio/wav")
        return ClipEntry(
            scene=item.scene,
            index=item.index,
            speaker=item.line.speaker,
            text=item.line.text,
            key=key,
            sample_rate=rate,
            samples=samples.size,
            duration=round(samples.size / rate, 6),
            voice=item.voice.voice_id,
            sha256=item.sha256,
            cached=cached,
        )

    started = time.monotonic()
    if provider.concurrency > 1:
        with ThreadPoolExecutor(provider.concurrency, thread_name_prefix="speak") as pool:
            clips = list(pool.map(speak, work))
    else:
        clips = [speak(item) for item in work]
    elapsed = time.monotonic() - started
    total_audio = sum(clip.duration for clip in clips)
    context.log.info(
        "lines_spoken",
        provider=provider.name,
        lines=len(clips),
        synthesised=tally.synthesised,
        cached=tally.cached,
        audio_seconds=round(total_audio, 2),
        seconds=round(elapsed, 2),
        # Audio made per second of wall clock: over lines spoken this time (threads
        # overlap, so per-line timings would double count).
        realtime_factor=round(tally.audio_seconds / elapsed, 1) if tally.synthesised else None,
    )
    return AudioManifest(
        provider=provider.name,
        pace=pace,
        cast=[
            CastEntry(
                character=character.name, voice=choice.voice_id, description=choice.describe()
            )
            for character in _speakers(script)
            for choice in [cast[character.name.upper()]]
        ],
        clips=clips,
    )


def handle(message: StageMessage, context: StageContext) -> StageMessage:
    request = parse_model_json(JobRequest, _read(context, message, "request"), root="request")
    script = parse_model_json(Script, _read(context, message, "script"), root="script")
    style = context.styles.resolve(script.director)
    name = request.options.providers.audio or context.settings.audio_provider
    provider = provider_for(name, context.settings)
    context.log.info("voices_casting", provider=name, style=style.name, pace=style.sound.pace)
    manifest = speak_script(script, provider, pace=style.sound.pace, context=context)
    key = keys.audio_manifest_key(message.job_id)
    context.blobs.put(
        key, manifest.model_dump_json(indent=2).encode("utf-8"), content_type="application/json"
    )
    return message.handoff(context.next_stage, audio_manifest=key)
