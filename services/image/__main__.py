"""``python -m services.image``: run the image stage's worker (what its container runs)."""

from shared.worker_main import main

raise SystemExit(main("image"))
