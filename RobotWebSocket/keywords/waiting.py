"""What every keyword that waits shares (:class:`Waits`): the wait itself, and how it
reports success and failure (the log table, the bounded failure message)."""

from __future__ import annotations

import copy
from concurrent.futures import Future
from typing import Any

from .._client import Connection
from ..deadline import Deadline
from ..errors import ReceiveFailed
from ..extraction import Extraction, message_matches
from ..failures import WaitFailure
from ..formatting import Row, value_text
from ..history import Message
from ..pictures import window_picture
from ..query import Query, scan
from ..waiting import Watch
from .base import Context, ContextAware
from .conversation import picture_side
from .sending import Sender

#: The most messages a failed wait's picture draws (a few KB in log.html).
PICTURE_WINDOW = 10

#: How many messages before a failed Receive's window are judged for its failure message.
OUTSIDE_CHECKED = 100


def send_failed(sending: Future[Any] | None) -> Any:
    """A stop condition for :class:`Watch`: the send went wrong."""
    if sending is None:
        return None
    return lambda: sending.done() and not sending.cancelled() and sending.exception() is not None


class Waits(ContextAware):
    """Given to the components whose keywords wait for messages (receiving, protocols)."""

    def __init__(self, context: Context, sender: Sender) -> None:
        super().__init__(context)
        self._sender = sender

    def wait(
        self,
        conn: Connection,
        query: Query,
        deadline: Deadline,
        after: int | None = None,
        sending: Future[None] | None = None,
    ) -> tuple[Extraction | None, Watch]:
        """Wait until ``query`` holds; the extraction (``None`` when the wait ended first)
        and the watch, which tells why it ended.

        With ``after`` only messages with a greater sequence number count (those that
        arrived after a send); without it the current window is judged first. With
        ``sending``, the wait stops as soon as that send fails.
        """
        history = conn.history
        if after is None:
            seen, earlier = history.snapshot(query.last)
            extraction = query.evaluate(earlier)
            if query.accept(extraction):
                if history.inspect is not None:
                    # What arrived since the keyword began is checked before it is returned.
                    history.inspect()
                return extraction, Watch(history, deadline, seen)
        else:
            seen, earlier = after, []
        watch = Watch(history, deadline, seen, send_failed(sending))
        for new in watch:
            hit = scan(query, earlier, new)
            if hit is not None:
                return hit, watch
            earlier = (earlier + new)[-(query.last - 1) :] if query.last > 1 else []
        return None, watch

    def failure(
        self,
        keyword: str,
        conn: Connection,
        query: Query,
        watch: Watch,
        window: list[Message],
        last: int | None = None,
        details: list[str] | None = None,
    ) -> ReceiveFailed:
        """The failure of a wait, with the whole window in the log and the newest
        messages in the (bounded) failure message."""
        self._report_rules(conn)  # What rules did while the keyword waited.
        deadline = watch.deadline
        closed = None
        if watch.closed and not deadline.expired():
            closed = f"close code {conn.close_code}" + (
                f", reason '{conn.close_reason}'" if conn.close_reason else ""
            )
        latest = query.latest
        failure = WaitFailure(
            keyword=keyword,
            connection=conn.name,
            wanted=query.describe(),
            waited=deadline.elapsed(),
            timeout=deadline.timeout,
            closed=closed,
            last=last,
            complaint=query.complaint if latest.found else "",
            has_expression=query.expression is not None,
            window=window,
            details=details or [],
        )
        if latest.found:
            failure.value = latest.value
        # The message the last value came from is marked as the one that failed.
        self._log_rows(
            f"{failure.headline()} Messages examined:",
            [("received", m) for m in window],
            latest.message if latest.found else None,
            failed=True,
        )
        self._log_picture(conn, window, query)
        if query.message:
            return ReceiveFailed(self._show(self._custom(query)), failure)
        return failure.error(self._show)

    def _log_picture(self, conn: Connection, window: list[Message], query: Query) -> None:
        """The failed wait's window as a picture, labelled with its JSONPath when it has
        one (what was compared), at most :data:`PICTURE_WINDOW` messages."""
        if not window or not self.context.logs("INFO"):
            return
        shown = window[-PICTURE_WINDOW:]
        expression = query.expression
        label = expression if expression is not None and expression.kind == "jsonpath" else None
        side = picture_side(self.context, conn, len(shown) + PICTURE_WINDOW)
        drawn = window_picture(side, shown, label, mask=self._show)
        self.context.log_html(drawn.svg)

    @staticmethod
    def outside_window(conn: Connection, query: Query, window: list[Message]) -> list[str]:
        """A line for a failure when the history holds messages before the window: how
        many, and the newest of them that would match on its own, with the ``last`` that
        takes it in (a burst arrived before the keyword ran)."""
        if not window:
            return []
        first = window[0].seq
        earlier = [m for m in conn.history.last(query.last + OUTSIDE_CHECKED) if m.seq < first]
        if not earlier:
            return []
        probe = copy.copy(query)  # Judging them must not change what the failure reports.
        matching = [m for m in reversed(earlier) if probe.judge_one(m)]
        count = len(earlier) if len(earlier) < OUTSIDE_CHECKED else f"{OUTSIDE_CHECKED}+"
        line = f"{count} earlier message(s) are outside the window last={query.last}"
        if not matching:
            return [line + "; none of them would match."]
        newest = matching[0]
        needed = window[-1].seq - newest.seq + 1
        return [line + f"; #{newest.seq} would match: use last={needed} or more."]

    def _custom(self, query: Query) -> str:
        text = query.message or ""
        if "{" in text and query.latest.found:
            try:
                return text.format(value=query.latest.value, expected=query.expected)
            except (KeyError, IndexError, ValueError):
                pass
        return text

    def succeeded(
        self,
        keyword: str,
        conn: Connection,
        query: Query,
        hit: Extraction,
        deadline: Deadline,
        sent: list[Message] | None = None,
    ) -> Any:
        self._report_rules(conn)  # What rules did while the keyword waited.
        if self.context.in_robot():
            source = f"message #{hit.message.seq}" if hit.message is not None else "the window"
            rows: list[Row] = [("sent", m) for m in sent or ()]
            rows.extend(("received", m) for m in hit.window)
            highlight: Message | list[Message] | None = hit.message
            if query.all_matches and query.expression is not None:
                # Every message that gave a value is highlighted, not just the newest.
                expression = query.expression
                highlight = [
                    m for m in hit.window if message_matches(expression, m, query.one_message)
                ] or hit.message
            self._log_rows(
                f"{keyword} on '{conn.name}': {query.describe()} -> "
                f"{value_text(hit.value, self.context.log_max_length)} from {source} "
                f"after {deadline.elapsed():.3f} s" + (f" ({query.note})." if query.note else "."),
                rows,
                highlight,
            )
        return hit.value

    @staticmethod
    def seen(query: Query) -> str:
        """What the last judged value was, for Receive Until's account."""
        latest = query.latest
        if not latest.found:
            return "no match"
        return f"last value {value_text(latest.value, 200)}" + (
            f" ({query.complaint})" if query.complaint else ""
        )

    def conclude(
        self,
        keyword: str,
        conn: Connection,
        query: Query,
        sending: Any,
        hit: Extraction | None,
        watch: Watch,
        examined: list[Message],
    ) -> Any:
        """End a keyword that sent and waited for a reply: wait for the send to settle,
        then report the reply, or fail with the replies ``examined``."""
        self._loop.settle(sending.future)
        sent = self._sender.finish_send(conn, sending)
        if hit is None:
            if sent:
                self._log_rows(f"Sent on '{conn.name}'.", [("sent", m) for m in sent])
            raise self.failure(keyword, conn, query, watch, examined)
        return self.succeeded(keyword, conn, query, hit, watch.deadline, sent)
