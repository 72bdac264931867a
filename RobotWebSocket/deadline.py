"""One deadline shared by the steps of a keyword."""

from __future__ import annotations

import time

#: Longest single blocking wait, so Robot's test and keyword timeouts (and Ctrl-C) can
#: interrupt a keyword between slices.
SLICE = 0.1


class Deadline:
    """A point in time, measured on the monotonic clock.

    ``Deadline(None)`` never expires; it is used by Python callers that want no limit.
    """

    __slots__ = ("timeout", "start", "end")

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.start = time.monotonic()
        self.end = None if timeout is None else self.start + timeout

    def remaining(self) -> float | None:
        """Seconds left (never negative), or ``None`` without a limit."""
        if self.end is None:
            return None
        return max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end

    def slice(self) -> float:
        """How long the next blocking wait may last: at most :data:`SLICE`."""
        remaining = self.remaining()
        return SLICE if remaining is None else min(SLICE, remaining)

    def elapsed(self) -> float:
        return time.monotonic() - self.start
