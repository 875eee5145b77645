"""``python -m services.script``: run the script stage's worker (what its container runs)."""

from shared.worker_main import main

raise SystemExit(main("script"))
