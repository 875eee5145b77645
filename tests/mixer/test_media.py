"""The shared media helpers: the ffmpeg runner's errors, WAV round trips, resampling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import PermanentError, TransientError
from shared.media.ffmpeg import run_ffmpeg, stderr_tail
from shared.media.wav import decode_wav, encode_wav, resample


class TestFFmpegRunner:
    def test_output_comes_back_through_a_pipe(self) -> None:
        tone = np.sin(np.linspace(0, 200 * np.pi, 4800)).astype("<f4")
        raw = ["-f", "f32le", "-ar", "48000", "-ac", "1"]
        result = run_ffmpeg(
            [*raw, "-i", "pipe:0", "-af", "volume=0.5", *raw, "pipe:1"], input_bytes=tone.tobytes()
        )
        halved = np.frombuffer(result.stdout, "<f4")
        assert np.allclose(halved, tone * 0.5, atol=1e-6)

    def test_a_refused_command_is_permanent_and_quotes_ffmpeg(self) -> None:
        with pytest.raises(
            PermanentError, match=r"ffmpeg failed \(exit \d+\): .*No such filter: 'nosuchfilter'"
        ):
            run_ffmpeg(["-f", "lavfi", "-i", "anullsrc", "-af", "nosuchfilter", "-f", "null", "-"])

    def test_a_run_out_of_time_is_transient(self) -> None:
        with pytest.raises(TransientError, match=r"timed out after 0\.3 s"):
            run_ffmpeg(
                ["-re", "-f", "lavfi", "-i", "anullsrc", "-t", "30", "-f", "null", "-"], timeout=0.3
            )

    def test_arguments_are_never_a_shell(self, tmp_path) -> None:
        """A file name with shell syntax is just a file name."""
        odd = tmp_path / "a; touch pwned $(id).wav"
        run_ffmpeg(["-f", "lavfi", "-i", "anullsrc=r=8000", "-t", "0.1", str(odd)])
        assert odd.is_file()
        assert not (tmp_path / "pwned").exists()

    def test_stderr_tail_keeps_the_last_lines(self) -> None:
        text = "\n".join(f"line {n}" for n in range(20))
        assert stderr_tail(text, lines=2) == "line 18 | line 19"


class TestWav:
    @given(
        st.lists(st.floats(-1, 1), min_size=1, max_size=500), st.sampled_from([8000, 22050, 48000])
    )
    def test_round_trip_within_one_step(self, values: list[float], rate: int) -> None:
        samples = np.array(values, np.float32)
        decoded, decoded_rate = decode_wav(encode_wav(samples, rate))
        assert decoded_rate == rate
        assert np.max(np.abs(decoded - samples)) <= 1 / 32767 + 1e-6

    def test_not_a_wav_is_a_plain_error(self) -> None:
        with pytest.raises(PermanentError, match="not a readable WAV"):
            decode_wav(b"RIFF nonsense")

    @pytest.mark.parametrize(
        ("rate_in", "rate_out"), [(22050, 48000), (16000, 48000), (48000, 24000)]
    )
    def test_resampling_keeps_pitch_and_length(self, rate_in: int, rate_out: int) -> None:
        seconds, freq = 0.5, 440.0
        t = np.arange(int(seconds * rate_in)) / rate_in
        tone = (np.sin(2 * np.pi * freq * t) * np.hanning(t.size)).astype(np.float32)
        out = resample(tone, rate_in, rate_out)
        assert out.size == round(tone.size * rate_out / rate_in)
        spectrum = np.abs(np.fft.rfft(out))
        peak = np.argmax(spectrum) * rate_out / out.size
        assert peak == pytest.approx(freq, abs=rate_out / out.size)
