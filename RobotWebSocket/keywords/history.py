"""Get Message Count, Clear Messages, Set Assertion Formatters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator
from robot.api.deco import keyword

from ..arguments import seconds
from ..assertions import check, formatter_functions
from ..deadline import Deadline
from ..errors import InvalidArgument, ReceiveFailed
from ..extraction import message_matches
from ..query import Query
from ..waiting import MatchCounter, Watch
from .base import ContextAware

_FORMATTABLE = ("receive", "send_and_receive", "receive_until", "should_not_receive")


class HistoryKeywords(ContextAware):
    """Get Message Count, Clear Messages, Set Assertion Formatters."""

    @keyword
    def get_message_count(
        self,
        connection: str,
        expression: str | None = None,
        assertion_operator: AssertionOperator | str | None = None,
        expected: Any = None,
        timeout: timedelta | None = None,
    ) -> int:
        """Returns how many messages the history holds, or how many match ``expression``
        (each judged as one message); with an assertion, waits until the count meets it.

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias. |
        | ``expression`` | Count only the messages it matches (as in `Receive`). |
        | ``assertion_operator``, ``expected`` | An assertion on the count; the keyword waits until it holds. |
        | ``timeout`` | How long to wait for the assertion. Default: the library's ``timeout``. |

        Example:
        | ${n}= | `Get Message Count` | ${WS} |
        | ${ticks}= | `Get Message Count` | ${WS} | $[?(@.type == "tick")] |
        | `Get Message Count` | ${WS} | $[?(@.type == "tick")] | >= | 3 | timeout=5s |
        """
        conn = self._get(connection)
        query = Query.build(expression, assertion_operator, expected)
        deadline = Deadline(self._timeout_or_default(seconds(timeout, "timeout")))
        self._report_recorded(conn)
        expr = query.expression
        # Each message is judged once, as it arrives: a wait for 200,000 messages must not
        # recount the history at every wake-up.
        counter = MatchCounter(
            conn.history, None if expr is None else lambda m: bool(message_matches(expr, m))
        )
        count = counter.count
        watch = Watch(conn.history, deadline, counter.seen)
        holds, _, complaint = check(count, query.operator, query.expected, query.message)
        if not holds:
            for new in watch:
                count = counter.add(new)
                holds, _, complaint = check(count, query.operator, query.expected, query.message)
                if holds:
                    break
        self._report_rules(conn)  # What rules did while the keyword waited.
        what = expr.source if expr is not None else "any message"
        if holds:
            self._log(
                f"'{conn.name}' holds {count} message(s)"
                + (f" matching {expr.source}." if expr is not None else ".")
            )
            return count
        why = "the connection closed" if watch.closed else f"timed out after {deadline.timeout:g} s"
        raise ReceiveFailed(
            self._show(
                f"Get Message Count on '{conn.name}': {why}: the count of {what} is "
                f"{count} ({complaint})."
            )
        )

    @keyword
    def set_assertion_formatters(self, formatters: dict[str, list[str]]) -> dict[str, list[str]]:
        """Sets AssertionEngine formatters for the assertions of receiving keywords, and
        returns the settings they replace.

        ``formatters`` maps a keyword name (`Receive`, `Send And Receive`, `Receive Until`,
        `Should Not Receive`) to a list of formatter names, as in Browser library:
        ``strip``, ``normalize spaces``, ``case insensitive`` and ``apply to expected``
        (which applies them to ``expected`` too). They apply to string values. An empty
        list clears a keyword's formatters.

        Example:
        | `Set Assertion Formatters` | {"Receive": ["strip", "case insensitive", "apply to expected"]} |
        | `Receive` | ${WS} | $.status | == | FILLED | # passes for " filled " |
        """
        if not isinstance(formatters, dict):
            raise InvalidArgument(
                f"Argument 'formatters' must be a dictionary, got {type(formatters).__name__}."
            )
        previous = {
            name.replace("_", " ").title(): [f.__name__.strip("_").replace("_", " ") for f in funcs]
            for name, funcs in self._formatters.items()
        }
        for given, names in formatters.items():
            key = " ".join(str(given).lower().split()).replace(" ", "_")
            if key not in _FORMATTABLE:
                raise InvalidArgument(
                    f"Formatters cannot be set for {given!r}: use one of "
                    + ", ".join(k.replace("_", " ").title() for k in _FORMATTABLE)
                    + "."
                )
            functions = formatter_functions(names)
            if functions:
                self._formatters[key] = functions
            else:
                self._formatters.pop(key, None)
        self._log(f"Assertion formatters: {formatters}.")
        return previous

    @keyword
    def clear_messages(self, connection: str) -> int:
        """Removes every message from the history of ``connection`` and returns how many
        were removed. Messages that arrive later are kept as usual.

        Example:
        | ${removed}= | `Clear Messages` | ${WS} |
        """
        conn = self._get(connection)
        removed = conn.history.clear()
        self._log(f"Removed {removed} message(s) from the history of '{conn.name}'.")
        return removed
