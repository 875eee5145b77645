"""Measurements for the audio and mixer tests, independent of the code under test:
pitch by YIN, level by RMS, loudness by pyloudnorm (ITU-R BS.1770), true peak by 4x
oversampling (scipy), durations from the files themselves (soundfile, PyAV)."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pyloudnorm
import soundfile
from scipy.signal import resample_poly

Signal = npt.NDArray[np.floating]

__all__ = [
    "decode_audio",
    "decoded_duration",
    "integrated_loudness",
    "median_f0",
    "read_wav",
    "rms_db",
    "true_peak_db",
]


def read_wav(data: bytes | Path) -> tuple[Signal, int]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    samples, rate = soundfile.read(source, dtype="float64", always_2d=False)
    return samples, rate


def rms_db(samples: Signal) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(samples))) + 1e-12))


def median_f0(samples: Signal, rate: int, *, fmin: float = 60.0, fmax: float = 500.0) -> float:
    """Median fundamental frequency of the voiced frames (YIN, de Cheveigné & Kawahara)."""
    x = np.asarray(samples, np.float64)
    frame, hop = int(0.04 * rate), int(0.02 * rate)
    tau_min, tau_max = int(rate / fmax), int(rate / fmin)
    level = np.sqrt(np.mean(x**2))
    estimates = []
    for start in range(0, x.size - frame - tau_max, hop):
        window = x[start : start + frame + tau_max]
        if np.sqrt(np.mean(window[:frame] ** 2)) < 0.3 * level:
            continue
        diff = np.array(
            [
                np.sum((window[:frame] - window[tau : tau + frame]) ** 2)
                for tau in range(tau_max + 1)
            ]
        )
        cumulative = np.cumsum(diff[1:])
        normalised = np.ones_like(diff)
        normalised[1:] = diff[1:] * np.arange(1, tau_max + 1) / np.maximum(cumulative, 1e-12)
        below = np.flatnonzero(normalised[tau_min:tau_max] < 0.15)
        if below.size == 0:
            continue
        tau = tau_min + int(below[0])
        while tau + 1 < tau_max and normalised[tau + 1] < normalised[tau]:
            tau += 1
        estimates.append(rate / tau)
    assert estimates, "no voiced frames found"
    return float(np.median(estimates))


def integrated_loudness(samples: Signal, rate: int) -> float:
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples))


def true_peak_db(samples: Signal) -> float:
    """Peak of the signal oversampled 4x (BS.1770 true peak), in dBFS."""
    return float(20 * np.log10(np.max(np.abs(resample_poly(samples, 4, 1))) + 1e-12))


def decode_audio(path: Path) -> tuple[Signal, int]:
    """Mono samples and rate of any file ffmpeg reads (PyAV), e.g. an MP3."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        frames = [frame.to_ndarray().astype(np.float64) for frame in container.decode(stream)]
        rate = stream.rate
    planar = np.concatenate([f.reshape(f.shape[0], -1) for f in frames], axis=1)
    return planar.mean(axis=0), rate


def decoded_duration(path: Path) -> float:
    """Seconds of audio a decoder gets out of ``path`` (PyAV: encoder delay removed)."""
    samples, rate = decode_audio(path)
    return samples.size / rate
