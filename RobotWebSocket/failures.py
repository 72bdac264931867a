"""Failures of keywords that wait, as objects that carry their data. Pure.

A :class:`WaitFailure` holds what the keyword waited for, on which connection, how long,
why it stopped and the messages it examined; :meth:`WaitFailure.text` formats all of that in
one place. The text is bounded so that Robot never cuts it: Robot keeps a failure message
whole up to 40 lines of 78 characters (``--maxerrorlines``) and past that removes its
middle, which would lose messages while the heading still counts them. So the text keeps
the newest messages that fit in :data:`MAX_LINES` such lines, each cut to
:data:`MESSAGE_CHARS`; the log gets the full table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import ReceiveFailed
from .formatting import cut, one_line, value_text
from .history import Message

#: Lines of :data:`LINE_CHARS` a failure message may take (Robot's default limit is 40).
MAX_LINES = 38
#: Characters Robot counts as one line of a failure message.
LINE_CHARS = 78
#: Characters of one message in a failure message.
MESSAGE_CHARS = 150
#: Characters of the last value seen.
VALUE_CHARS = 300
#: Messages a failure message shows, the newest: the log's table above it has them all, and
#: Robot shows a failure message twice (the keyword's and the test's).
MESSAGES_SHOWN = 3


def lines_of(text: str) -> int:
    """How many lines Robot counts ``text`` as."""
    return sum(max(1, -(-len(line) // LINE_CHARS)) for line in text.split("\n"))


_UNSEEN = object()


@dataclass
class WaitFailure:
    """Why a waiting keyword failed, with what it saw."""

    keyword: str
    connection: str
    #: What was waited for: the query's description ("$.status == 'FILLED'").
    wanted: str
    #: Seconds waited.
    waited: float
    #: The keyword's timeout, or ``None`` when it ended for another reason.
    timeout: float | None
    #: How the connection closed, when that ended the wait ("close code 1000, reason 'bye'").
    closed: str | None = None
    #: The window size, for keywords that take ``last``.
    last: int | None = None
    #: The last value the expression gave, and the assertion's complaint about it.
    value: Any = _UNSEEN
    complaint: str = ""
    #: Whether an expression was given (else "any message" was awaited).
    has_expression: bool = False
    window: Sequence[Message] = ()
    #: Lines particular to the keyword (Receive Until's iterations).
    details: list[str] = field(default_factory=list)

    def headline(self) -> str:
        if self.closed is not None:
            why = f"the connection closed ({self.closed}) after {self.waited:.2f} s"
        else:
            why = f"timed out after {self.timeout:g} s"
        window = f" (last={self.last})" if self.last not in (None, 1) else ""
        return f"{self.keyword} on '{self.connection}': {why} waiting for {self.wanted}{window}."

    def text(self, mask: Callable[[str], str] = str) -> str:
        """The failure message, masked with ``mask``, at most :data:`MAX_LINES` lines long."""
        lines = [self.headline(), *self.details]
        if self.value is not _UNSEEN:
            lines.append(
                f"Last value: {value_text(self.value, VALUE_CHARS)}"
                + (f" ({self.complaint})" if self.complaint else "")
                + "."
            )
        elif self.has_expression:
            lines.append("The expression matched no message." + self._not_json())
        head = cut(mask("\n".join(lines)), (MAX_LINES // 2) * LINE_CHARS)
        if not self.window:
            return f"{head}\nNo message arrived."
        shown: list[str] = []
        budget = MAX_LINES - lines_of(head) - 1
        for message in reversed(self.window):
            line = "  " + mask(one_line(message, MESSAGE_CHARS))
            if lines_of(line) > budget or len(shown) == MESSAGES_SHOWN:
                break
            shown.append(line)
            budget -= lines_of(line)
        shown.reverse()
        count = len(self.window)
        more = (
            f", the newest {len(shown)} shown; the log has them all" if len(shown) < count else ""
        )
        return f"{head}\nMessages examined ({count}{more}, newest last):\n" + "\n".join(shown)

    def _not_json(self) -> str:
        """Why messages that look like JSON were not read as JSON (nested too deeply)."""
        notes = [
            f" #{message.seq} is not JSON: {problem}."
            for message in self.window[-3:]
            if (problem := message.json_problem()) is not None
        ]
        return "".join(notes)

    def error(self, mask: Callable[[str], str] = str) -> ReceiveFailed:
        return ReceiveFailed(self.text(mask), self)
