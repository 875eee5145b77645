"""Mono 16-bit PCM WAV in and out of numpy, and band-limited resampling.

Every clip the audio stage writes is mono 16-bit PCM WAV, which the standard
library's ``wave`` module reads and writes; the mixer works in float32.
"""

from __future__ import annotations

import io
import wave

import numpy as np
import numpy.typing as npt

from shared.errors import PermanentError

__all__ = ["Samples", "decode_wav", "encode_wav", "resample", "wav_duration"]

Samples = npt.NDArray[np.float32]

#: Full scale of 16-bit PCM.
_INT16_SCALE = 32767.0


def encode_wav(samples: Samples, sample_rate: int) -> bytes:
    """``samples`` (float, -1..1, mono) as 16-bit PCM WAV bytes; out-of-range values clip."""
    pcm = np.clip(np.round(np.asarray(samples, np.float64) * _INT16_SCALE), -32768, 32767)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(int(sample_rate))
        writer.writeframes(pcm.astype("<i2").tobytes())
    return buffer.getvalue()


def decode_wav(data: bytes) -> tuple[Samples, int]:
    """Samples (float32, mono) and sample rate of 16-bit PCM WAV bytes.

    Stereo is averaged to mono. Anything other than 16-bit PCM is refused with
    ``PermanentError``: only this module writes the clips it reads.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            channels, width, rate = (
                reader.getnchannels(),
                reader.getsampwidth(),
                reader.getframerate(),
            )
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise PermanentError(f"not a readable WAV file ({exc})") from exc
    if width != 2:
        raise PermanentError(f"expected 16-bit PCM WAV, got {8 * width}-bit")
    pcm = np.frombuffer(frames, dtype="<i2").astype(np.float32) / _INT16_SCALE
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1, dtype=np.float32)
    return pcm, rate


def wav_duration(data: bytes) -> float:
    """Length in seconds of WAV bytes, from the header."""
    with wave.open(io.BytesIO(data), "rb") as reader:
        return reader.getnframes() / reader.getframerate()


def resample(samples: Samples, rate_in: int, rate_out: int) -> Samples:
    """Band-limited resampling through the FFT (exact for a clip that starts and ends in
    silence, which every trimmed and faded clip does). Returns
    ``round(len * rate_out / rate_in)`` samples."""
    if rate_in == rate_out or samples.size == 0:
        return np.asarray(samples, np.float32)
    count = round(samples.size * rate_out / rate_in)
    spectrum = np.fft.rfft(np.asarray(samples, np.float64))
    bins = count // 2 + 1
    kept = np.zeros(bins, dtype=np.complex128)
    shared = min(bins, spectrum.size)
    kept[:shared] = spectrum[:shared]
    if count % 2 == 0 and shared == bins and bins <= spectrum.size:
        # The Nyquist bin of an even-length output holds a real value.
        kept[-1] = kept[-1].real
    out = np.fft.irfft(kept, count) * (count / samples.size)
    return out.astype(np.float32)
