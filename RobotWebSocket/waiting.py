"""The one waiting loop that every keyword that waits goes through. Pure: no asyncio, no
robot.

:func:`watch` yields each batch of messages that arrives after a point in a history, until
the deadline passes, the history closes with nothing left to read, or ``stop()`` says so.
Each keyword states only its own end condition in the body of its ``for`` loop, and reads
why the loop ended from the :class:`Watch` afterwards. It blocks on the history's condition
in slices (:meth:`~RobotWebSocket.deadline.Deadline.slice`), so Robot's timeouts and
Ctrl-C interrupt it promptly; it never sleep-polls.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

from .deadline import Deadline
from .history import History, Message


class Watch:
    """Iterate to get batches of new messages; afterwards, ``closed`` tells whether the
    history closed (rather than the deadline passing or ``stop`` ending it)."""

    def __init__(
        self,
        history: History,
        deadline: Deadline,
        seen: int,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        self.history = history
        self.deadline = deadline
        self.seen = seen
        self.stop = stop
        self.closed = False
        self.stopped = False

    def __iter__(self) -> Iterator[list[Message]]:
        history, deadline = self.history, self.deadline
        while True:
            new = history.since(self.seen)
            if new:
                self.seen = new[-1].seq
                if history.inspect is not None:
                    history.inspect()
                yield new
            if self.stop is not None and self.stop():
                self.stopped = True
                return
            if history.closed and history.total == self.seen:
                self.closed = True
                return
            if deadline.expired():
                return
            history.wait_for_more(self.seen, deadline.slice())


class MatchCounter:
    """How many messages of a history a predicate accepts, kept up to date as batches
    arrive: each message is judged once, and messages that fell out of the history
    (``buffer_size``) stop counting. Without a predicate it counts the history's length."""

    def __init__(self, history: History, accepts: Callable[[Message], bool] | None) -> None:
        self.history = history
        self.accepts = accepts
        self._matched: deque[int] = deque()
        self.seen, messages = history.snapshot(history.maxlen)
        self.add(messages)

    def add(self, messages: list[Message]) -> int:
        """Judge ``messages`` (newly arrived) and return the count."""
        if self.accepts is None:
            return len(self.history)
        accepts, matched = self.accepts, self._matched
        matched.extend(message.seq for message in messages if accepts(message))
        oldest_kept = self.history.total - len(self.history)
        while matched and matched[0] <= oldest_kept:
            matched.popleft()
        return len(matched)

    @property
    def count(self) -> int:
        return self.add([])
