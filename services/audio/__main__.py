"""``python -m services.audio``: run the audio stage's worker (what its container runs)."""

from shared.worker_main import main

raise SystemExit(main("audio"))
