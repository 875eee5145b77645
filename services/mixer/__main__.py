"""``python -m services.mixer``: run the mixer stage's worker (what its container runs)."""

from shared.worker_main import main

raise SystemExit(main("mixer"))
