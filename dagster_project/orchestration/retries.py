"""Retry what is transient, and only that: a lock held by another process, a file system hiccup.

Op-level retries (not run retries): a retried run would get a new run id and lose the audit its
own checks wrote, and a whole-run retry would also re-run a build whose blocking checks failed.
A failed check is a verdict on the data, not an accident, so it is never retried; neither is a
bug or a bad registry, which would only fail again.
"""

from __future__ import annotations

import contextlib
import errno

from dagster import RetryRequested

MAX_RETRIES = 3
FIRST_WAIT_SECONDS = 30

# Messages of errors that go away by themselves: DuckDB's file lock (another process holds the
# build database), and the same lock reported through dbt's output.
_TRANSIENT_MESSAGES = ("could not set lock on file", "conflicting lock is held", "database is locked")
_TRANSIENT_ERRNOS = {errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.EINTR, errno.ENOLCK}


def is_transient(exc: BaseException) -> bool:
    """True for errors worth a retry after a pause; anything else fails the step at once."""
    if isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS:
        return True
    text = str(exc).lower()
    return any(message in text for message in _TRANSIENT_MESSAGES)


@contextlib.contextmanager
def retry_transient_errors(attempt: int = 0):
    """Turn a transient error into a Dagster retry (3 tries, waits of 30 s, 60 s, 120 s); re-raise the rest."""
    try:
        yield
    except RetryRequested:
        raise
    except Exception as exc:
        if not is_transient(exc):
            raise
        wait = FIRST_WAIT_SECONDS * 2 ** min(attempt, MAX_RETRIES)
        raise RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=wait) from exc
