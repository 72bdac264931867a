"""Receive, Send And Receive, Receive Until, Should Not Receive."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator
from robot.api.deco import keyword

from ..arguments import positive_int, seconds
from ..deadline import Deadline
from ..errors import InvalidArgument, ReceiveFailed
from ..formatting import one_line, value_text
from ..query import Query
from ..waiting import Watch
from .base import Context, ContextAware
from .sending import Sender
from .waiting import Waits

#: The most iterations `Receive Until` takes, and the most of them its failure lists.
MAX_ITERATIONS = 100_000
ACCOUNT_LINES = 16

#: What Robot passes for an assertion operator: a known operator, or the text given when it
#: is not one (an ``expected`` written where the operator goes, see `Query.build`).
Operator = AssertionOperator | str | None


class ReceivingKeywords(ContextAware):
    """Receive, Send And Receive, Receive Until, Should Not Receive."""

    def __init__(self, context: Context, sender: Sender, waits: Waits) -> None:
        super().__init__(context)
        self._sender = sender
        self._waits = waits

    @keyword
    def receive(
        self,
        connection: str,
        expression: str | None = None,
        assertion_operator: Operator = None,
        expected: Any = None,
        last: int = 1,
        timeout: timedelta | None = None,
        all: bool = False,  # noqa: A002 - the contract's name
        message: str | None = None,
    ) -> Any:
        """Returns the newest message, the last ``last`` messages, or a value extracted from
        them, waiting until it is there (and, with an assertion, until it holds).

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias. |
        | ``expression`` | JSONPath (``$...`` or ``jsonpath=...``), XPath (``/...`` or ``xpath=...``) or ``regex=...``; see `Extractions`. Without it, the message itself. |
        | ``assertion_operator``, ``expected`` | An AssertionEngine assertion on the value; see `Assertions`. |
        | ``last`` | How many of the newest messages make the window (1, 10, 50, any positive number). |
        | ``timeout`` | How long to wait. Default: the library's ``timeout``. |
        | ``all`` | Return the list of every match in the window, in arrival order. |
        | ``message`` | Failure message that replaces the default one (``{value}`` and ``{expected}`` are filled in). |

        Without ``expression``: the newest message (``last=1``) or the list of the last
        ``last`` messages in arrival order, waiting for at least one. A text message is a
        string, a binary one bytes.

        With ``expression``: the first match within the most recent message of the window
        that matches. The keyword re-evaluates as each message arrives, judging the window
        as it stood after that message, and returns as soon as the condition holds.
        On timeout it fails with the expression, the assertion, the last value seen and the
        messages examined.

        Example:
        | ${msg}= | `Receive` | ${WS} | | | | | | # newest message |
        | @{msgs}= | `Receive` | ${WS} | last=5 |
        | ${id}= | `Receive` | ${WS} | $.id |
        | `Receive` | ${WS} | $.count | == | 42 |
        | ${status}= | `Receive` | ${WS} | $[?(@.id == "${ID}")].status | == | FILLED | last=50 | timeout=10s |
        | @{all}= | `Receive` | ${WS} | $[?(@.id == "${ID}")].status | last=50 | all=True |
        | `Receive` | ${WS} | //order/@status | == | open |
        | ${code}= | `Receive` | ${WS} | regex=code=(\\\\d+) |
        """
        conn = self._get(connection)
        self._report_recorded(conn)
        query = Query.build(
            expression,
            assertion_operator,
            self._plain(expected),
            positive_int(last, "last"),
            all,
            message,
            self._formatters.get("receive"),
        )
        deadline = Deadline(self._timeout_or_default(seconds(timeout, "timeout")))
        hit, watch = self._waits.wait(conn, query, deadline)
        if hit is None:
            window = conn.history.last(query.last)
            outside = self._waits.outside_window(conn, query, window)
            raise self._waits.failure("Receive", conn, query, watch, window, query.last, outside)
        return self._waits.succeeded("Receive", conn, query, hit, deadline)

    @keyword
    def send_and_receive(
        self,
        connection: str,
        message: Any,
        expression: str | None = None,
        assertion_operator: Operator = None,
        expected: Any = None,
        timeout: timedelta | None = None,
        binary: bool = False,
    ) -> Any:
        """Sends ``message``, then returns the first message that arrives after it (or the
        value extracted from it) that resolves ``expression`` and its assertion.

        Messages that arrived before the send are never returned, so a stale message cannot
        answer a new request. Each reply is judged as one message.

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias; a URL with no connection is opened first, as in `Send`. |
        | ``message``, ``binary`` | What to send, as in `Send`. |
        | ``expression``, ``assertion_operator``, ``expected`` | As in `Receive`, judged on each reply. |
        | ``timeout`` | Limit for the send and the wait together. Default: the library's ``timeout``. |

        Example:
        | ${reply}= | `Send And Receive` | ${WS} | ping |
        | ${qty}= | `Send And Receive` | ${WS} | {"op": "get", "id": "42"} | $.qty | == | 3 |
        | `Send And Receive` | ${WS} | {"op": "get", "id": "42"} | $[?(@.id == "42")].state | == | open | timeout=2s |
        """
        conn = self._sender.connection_for_send(connection, None)
        query = Query.build(
            expression,
            assertion_operator,
            self._plain(expected),
            formatters=self._formatters.get("send_and_receive"),
        )
        frames = self._sender.frames(conn, self._plain(message), binary)
        deadline = Deadline(self._timeout_or_default(seconds(timeout, "timeout")))
        self._report_recorded(conn)
        before = conn.history.total
        # The reply is awaited while the frame is still being written: waiting for the
        # write to finish first would cost one more hand-over between threads.
        sending = self._sender.start_send(conn, frames, deadline.remaining())
        try:
            # Block at once: when the send was handed to the loop, Python run here would
            # hold the GIL the loop thread needs to write the frame. (A send that already
            # failed is reported by _wait without waiting.)
            written = sending.future
            if not (written.done() and written.exception() is not None):
                conn.history.wait_for_more(before, deadline.slice())
            # Only messages after the frame was written count; the loop took that point.
            before = sending.written_after(conn.history, deadline)
            hit, watch = self._waits.wait(
                conn, query, deadline, after=before, sending=sending.future
            )
        except BaseException:
            sending.future.cancel()
            raise
        examined = conn.history.since(before) if hit is None else []
        return self._waits.conclude("Send And Receive", conn, query, sending, hit, watch, examined)

    @keyword
    def receive_until(
        self,
        connection: str,
        expression: str | None,
        assertion_operator: Operator,
        expected: Any,
        send: Any = None,
        max_iterations: int = 10,
        interval: timedelta = timedelta(seconds=1),
        last: int = 1,
    ) -> Any:
        """Repeats, re-sending ``send`` when given, until the value extracted by
        ``expression`` meets the assertion, at most ``max_iterations`` times.

        Each iteration sends ``send`` (when given), then waits up to ``interval`` for the
        value extracted from the window (the last ``last`` messages; with ``send``, only
        those after that iteration's send) to meet the condition, and returns that value.
        After the last iteration it fails, listing what each iteration saw.

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias. |
        | ``expression``, ``assertion_operator``, ``expected`` | The condition, as in `Receive`. |
        | ``send`` | Message to send at the start of every iteration (as in `Send`). |
        | ``max_iterations`` | How many iterations at most. |
        | ``interval`` | How long each iteration waits. |
        | ``last`` | The window, as in `Receive`. |

        Unlike `Wait Until Keyword Succeeds` around `Send And Receive`, no reply is lost
        between tries: each iteration sees every message that arrived since its send.

        Example:
        | ${state}= | `Receive Until` | ${WS} | $.status | == | done | send={"op": "status"} | max_iterations=10 | interval=1s |
        | `Receive Until` | ${WS} | $.progress | >= | 100 | interval=2s |
        """
        conn = self._get(connection)
        iterations = positive_int(max_iterations, "max_iterations")
        if iterations > MAX_ITERATIONS:
            raise InvalidArgument(
                f"Argument 'max_iterations' must be at most {MAX_ITERATIONS}, got {iterations}."
            )
        step = seconds(interval, "interval", allow_none=False) or 0.0
        if step <= 0:
            raise InvalidArgument("Argument 'interval' must be more than 0 s.")
        query = Query.build(
            expression,
            assertion_operator,
            self._plain(expected),
            positive_int(last, "last"),
            formatters=self._formatters.get("receive_until"),
        )
        payload = None if send is None else self._sender.frames(conn, self._plain(send), False)
        self._report_recorded(conn)
        account: list[str] = []
        # Without ``send``, iterations after the first judge every message since the first
        # began: resuming from the total when the previous wait gave up would skip a
        # message that arrived in between.
        started = conn.history.total
        for iteration in range(1, iterations + 1):
            deadline = Deadline(step)
            after = None
            if payload is not None:
                # Only messages after this iteration's frame was written count.
                after = self._sender.send_payload(conn, payload, None)
            elif iteration > 1:
                after = started
            hit, watch = self._waits.wait(conn, query, deadline, after=after)
            if hit is not None:
                self._log(f"Condition met in iteration {iteration} of {iterations}.")
                return self._waits.succeeded("Receive Until", conn, query, hit, deadline)
            seen = conn.history.since(after) if after is not None else conn.history.last(query.last)
            newest = f"; newest {one_line(seen[-1], 100)}" if seen else "; no message"
            account.append(f"  iteration {iteration}: {self._waits.seen(query)}{newest}")
            self._log_rows(
                f"Receive Until on '{conn.name}', iteration {iteration}: {self._waits.seen(query)}.",
                [("received", m) for m in seen],
            )
            if payload is None and watch.closed:
                break
        self._report_rules(conn)
        if len(account) > ACCOUNT_LINES:
            # Robot cuts a long failure message in the middle: keep the first and the last.
            kept = ACCOUNT_LINES // 4
            account[kept : -(ACCOUNT_LINES - kept)] = [
                f"  ... {len(account) - ACCOUNT_LINES} more iteration(s); the log has them all"
            ]
        raise ReceiveFailed(
            self._show(
                f"Receive Until on '{conn.name}' gave up after {iteration} iteration(s) of "
                f"{step:g} s waiting for {query.describe()} (last={query.last}):\n"
                + "\n".join(account)
            )
        )

    @keyword
    def should_not_receive(
        self,
        connection: str,
        expression: str | None = None,
        assertion_operator: Operator = None,
        expected: Any = None,
        within: timedelta = timedelta(seconds=1),
        timeout: timedelta | None = None,
    ) -> None:
        """Waits ``within`` and fails as soon as a message that arrives in that time
        matches ``expression`` (and its assertion); without ``expression``, any message.

        Each message is judged on its own. Messages that were in the history before the
        keyword started do not count. If the connection closes, nothing more can arrive and
        the keyword passes at once.

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias. |
        | ``expression``, ``assertion_operator``, ``expected`` | What must not arrive, as in `Receive`. |
        | ``within`` | How long to watch. |
        | ``timeout`` | Another name for ``within``, as the other receiving keywords call their wait; when given, it is used. |

        Example:
        | `Should Not Receive` | ${WS} | $[?(@.type == "error")] | within=1s |
        | `Should Not Receive` | ${WS} | | | | within=500ms | # no message at all |
        | `Should Not Receive` | ${WS} | $.status | == | REJECTED | within=2s |
        """
        conn = self._get(connection)
        query = Query.build(
            expression,
            assertion_operator,
            self._plain(expected),
            formatters=self._formatters.get("should_not_receive"),
        )
        given = seconds(timeout, "timeout")
        deadline = Deadline(given if given is not None else seconds(within, "within", False))
        self._report_recorded(conn)
        for new in Watch(conn.history, deadline, conn.history.total):
            for message in new:
                if query.judge_one(message):
                    self._report_rules(conn)
                    self._log_rows(
                        "Unexpected message:", [("received", message)], message, failed=True
                    )
                    raise ReceiveFailed(
                        self._show(
                            f"Should Not Receive on '{conn.name}': a message matching "
                            f"{query.describe()} arrived after {deadline.elapsed():.2f} s "
                            f"(within {deadline.timeout:g} s), value "
                            f"{value_text(query.latest.value, 500)}:\n  " + one_line(message, 500)
                        )
                    )
        self._report_rules(conn)
        self._log(
            f"No message matching {query.describe()} arrived on '{conn.name}' "
            f"in {deadline.elapsed():.2f} s."
        )
