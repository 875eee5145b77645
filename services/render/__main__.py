"""``python -m services.render``: run the render stage's worker (what its container runs)."""

from shared.worker_main import main

raise SystemExit(main("render"))
