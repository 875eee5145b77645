"""A stage's worker under a file-size limit, as on a disk that fills up:
``python -m tests.support.limited_worker MAX_BYTES STAGE``.

``RLIMIT_FSIZE`` makes any write that would take a file past ``MAX_BYTES`` fail with
``EFBIG`` (Python ignores ``SIGXFSZ``, so the write fails instead of killing the
process), part-way through the file, as ``ENOSPC`` does. Then the production entry
point runs the stage, settings from the environment.
"""

from __future__ import annotations

import resource
import sys

from shared.worker_main import main

if __name__ == "__main__":
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    raise SystemExit(main(sys.argv[2]))
