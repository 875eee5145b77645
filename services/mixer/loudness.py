"""Loudness through ffmpeg: measure with ``ebur128``, normalise with ``loudnorm``.

``loudnorm`` run once (dynamic mode) rides the gain and lands speech a LU or more
short of the target. Given a measurement it applies one constant gain instead
(linear mode, two-pass), which is exact, but only when the peaks leave room: the gain
must not push the true peak over the ceiling, or loudnorm silently falls back to
dynamic mode. Speech has a high crest factor, so a sample-peak limiter set under the
ceiling goes first, with a pre-gain found by measuring; the final pass then gets
linear mode with the last measurement.

Measurements use ``ebur128`` (BS.1770 integrated loudness, gate threshold, loudness
range and 4x-oversampled true peak), the same meter loudnorm runs inside, at a
sixth of loudnorm's cost because it does not resample to 192 kHz.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from shared.errors import PermanentError
from shared.media.ffmpeg import run_ffmpeg

__all__ = [
    "Loudness",
    "LoudnessTarget",
    "LoudnormReport",
    "leveller",
    "loudnorm_filter",
    "measure",
    "parse_ebur128",
    "parse_loudnorm",
]

#: loudnorm's loudness-range target; wide, so range never forces dynamic mode.
LRA_TARGET = 20.0
#: Sample-peak limit, in dB under the true-peak ceiling, leaving room for peaks between
#: samples and for the final pass's small correction.
LIMIT_MARGIN_DB = 1.5
#: Passes spent finding the pre-gain before the limiter.
MAX_GAIN_PASSES = 4
#: ebur128 reports silence as -70 LUFS, its floor.
SILENCE_LUFS = -69.9

_LOUDNORM_REPORT = re.compile(r"\{[^{}]*\"input_i\"[^{}]*\}")
_NUMBER = r"(-?(?:\d+(?:\.\d+)?|inf))"
_EBUR128 = re.compile(
    r"Integrated loudness:\s*I:\s*" + _NUMBER + r" LUFS\s*Threshold:\s*" + _NUMBER + r" LUFS"
    r".*?LRA:\s*" + _NUMBER + r" LU"
    r".*?True peak:\s*Peak:\s*" + _NUMBER + r" dBFS",
    re.DOTALL,
)


class LoudnessTarget(BaseModel):
    model_config = ConfigDict(frozen=True)

    integrated: float = -16.0
    true_peak: float = -1.5


class Loudness(BaseModel):
    """An ebur128 measurement."""

    model_config = ConfigDict(frozen=True)

    integrated: float
    #: The relative gate (integrated loudness minus 10 LU).
    threshold: float
    lra: float
    true_peak: float


class LoudnormReport(BaseModel):
    """loudnorm's JSON report of the final pass (ffmpeg prints numbers as strings)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    input_i: float
    input_tp: float
    output_i: float
    output_tp: float
    normalization_type: str


def parse_ebur128(stderr: str) -> Loudness:
    """The summary ebur128 prints when its input ends."""
    found = _EBUR128.findall(stderr)
    if not found:
        raise PermanentError("ffmpeg's ebur128 printed no summary")
    integrated, threshold, lra, peak = (float(value) for value in found[-1])
    return Loudness(integrated=integrated, threshold=threshold, lra=lra, true_peak=peak)


def parse_loudnorm(stderr: str) -> LoudnormReport:
    """The last loudnorm JSON report in ffmpeg's log."""
    found = _LOUDNORM_REPORT.findall(stderr)
    if not found:
        raise PermanentError("ffmpeg's loudnorm printed no report")
    return LoudnormReport.model_validate(json.loads(found[-1]))


def measure(inputs: Sequence[str | Path], chain: str) -> Loudness:
    """The loudness of ``inputs`` (ffmpeg input arguments) through ``chain``."""
    meter = "ebur128=framelog=quiet:peak=true"
    graph = f"{chain},{meter}" if chain else meter
    result = run_ffmpeg([*inputs, "-af", graph, "-f", "null", "-"], loglevel="info")
    loudness = parse_ebur128(result.stderr)
    if loudness.integrated <= SILENCE_LUFS:
        raise PermanentError("the track is silent; there is nothing to normalise")
    return loudness


def loudnorm_filter(target: LoudnessTarget, measured: Loudness) -> str:
    """loudnorm in linear mode, applying ``measured`` (two-pass)."""
    # loudnorm treats an LRA of exactly 0 (a track shorter than its 3 s window) as
    # "not measured" and would fall back to dynamic mode.
    lra = max(measured.lra, 0.1)
    return (
        f"loudnorm=I={target.integrated}:TP={target.true_peak}:LRA={LRA_TARGET}"
        f":measured_I={measured.integrated}:measured_TP={measured.true_peak}"
        f":measured_LRA={lra}:measured_thresh={measured.threshold}"
        ":linear=true:print_format=json"
    )


def _limited(chain: str, gain_db: float, target: LoudnessTarget) -> str:
    limit = 10 ** ((target.true_peak - LIMIT_MARGIN_DB) / 20)
    steps = [chain] if chain else []
    steps += [
        f"volume={gain_db:.3f}dB",
        # latency=1 compensates the limiter's look-ahead, so nothing moves in time.
        f"alimiter=limit={limit:.5f}:attack=2:release=60:level=disabled:latency=1",
    ]
    return ",".join(steps)


def leveller(
    inputs: Sequence[str | Path], chain: str, target: LoudnessTarget
) -> tuple[str, Loudness, int]:
    """A filter chain that brings ``inputs`` through ``chain`` to ``target``, the
    measurement its final loudnorm applies, and the measuring passes spent.

    The returned chain ends in loudnorm (192 kHz out); append resampling to it.
    """
    first = measure(inputs, chain)
    # Aim a little hot: the limiter takes some loudness back.
    gain = target.integrated - first.integrated + 1.0
    passes = 1
    limited, measured = _limited(chain, gain, target), first
    for _ in range(MAX_GAIN_PASSES):
        limited = _limited(chain, gain, target)
        measured = measure(inputs, limited)
        passes += 1
        offset = target.integrated - measured.integrated
        if measured.true_peak + offset <= target.true_peak - 0.1:
            break
        # The limiter swallows part of any extra gain, so ask for more than is missing.
        gain += offset * 1.5
    return f"{limited},{loudnorm_filter(target, measured)}", measured, passes
