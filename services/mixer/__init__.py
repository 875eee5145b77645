"""Mixer stage: line clips -> dialogue track, timeline and subtitles."""
