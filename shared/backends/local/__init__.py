"""The embedded backend: SQLite queues and job table in one file, artifacts on disk."""

from shared.backends.local.blobstore import LocalBlobStore
from shared.backends.local.database import Database
from shared.backends.local.jobtable import LocalJobTable
from shared.backends.local.queue import LocalQueue

__all__ = ["Database", "LocalBlobStore", "LocalJobTable", "LocalQueue"]
