"""Media helpers every media stage shares: the ffmpeg runner and WAV/PCM conversions."""
